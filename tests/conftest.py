"""Fixtures every test layer shares: the real plan (data/plan-241) and Sở Tư pháp's assessment settings,
loaded once per session. Tests only read them."""

import pytest


@pytest.fixture(scope="session")
def plan():
    from toolkit.plan.load import load_plan

    return load_plan()


@pytest.fixture(scope="session")
def settings(plan):
    from toolkit.assessment.criteria import load_settings

    return load_settings(plan)
