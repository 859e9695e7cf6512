"""Test-wide setup: no test, notebook or kernel writes to the real var/ folder."""

import os
import tempfile


def pytest_configure(config):
    # nbval's kernels and the browser tests' Voila inherit this environment.
    if "TOOLKIT_VAR_DIR" not in os.environ or "TOOLKIT_DATABASE_URL" not in os.environ:
        var = tempfile.mkdtemp(prefix="pbgdpl-test-var-")
        os.environ.setdefault("TOOLKIT_VAR_DIR", var)
        os.environ.setdefault("TOOLKIT_DATABASE_URL", f"sqlite:///{var}/toolkit.sqlite3")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    """Docstring examples (run with --doctest-modules) may use the real plan as `load_plan()`."""
    from toolkit.plan.load import load_plan

    doctest_namespace["load_plan"] = load_plan
