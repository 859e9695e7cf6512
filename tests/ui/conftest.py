"""Fixtures for driving the apps without a browser: the real plan and a fresh app over it."""

from __future__ import annotations

import pytest

from toolkit.plan import load_plan


@pytest.fixture(scope="session")
def plan():
    return load_plan()


@pytest.fixture
def study(plan):
    from toolkit.ui.study import StudyApp

    return StudyApp(plan)
