"""Fixtures for driving the apps without a browser: a fresh app over the real plan (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def study(plan):
    from toolkit.ui.study import StudyApp

    return StudyApp(plan)


@pytest.fixture(scope="module")
def bank(plan):
    """The whole question bank (generated and authored), which must load without a problem."""
    from toolkit.quiz.banks import question_bank

    questions, problems = question_bank(plan)
    assert not problems
    return questions


@pytest.fixture
def store(tmp_path):
    from toolkit.storage.store import Store

    return Store(f"sqlite:///{tmp_path / 'ui.sqlite3'}")
