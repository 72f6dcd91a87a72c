"""Fixtures of the browser tests: one JupyterLab server and one headless Chromium for the session.

The tests run when the ``playwright`` package and a ``chromium`` binary are present, and are
skipped otherwise, unless ``COURSE_E2E=1`` (set by ``.ci/run``), which turns a missing
requirement into a failure. Screenshots go to ``$COURSE_E2E_ARTIFACTS`` (default
``e2e-artifacts/`` at the top of the repository).
"""

import os
from pathlib import Path

import pytest
from labdriver import REPO, missing_requirements, running_lab


@pytest.fixture(scope="session")
def lab():
    """``(server, browser)``: stopped at the end of the session whatever happens."""
    missing = missing_requirements()
    if missing:
        if os.environ.get("COURSE_E2E") == "1":
            pytest.fail(f"COURSE_E2E=1 but {missing}")
        pytest.skip(f"browser tests need {missing}")
    with running_lab() as running:
        yield running


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = Path(os.environ.get("COURSE_E2E_ARTIFACTS", REPO / "e2e-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.failed_call = True  # read by fixtures that keep a screenshot of a failure
    return report
