"""Fixtures for driving the apps without a browser: a fresh app over the real plan (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def study(plan):
    from toolkit.ui.study import StudyApp

    return StudyApp(plan)
