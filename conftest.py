"""Test-session settings shared by the unit tests and the notebook tests (nbval)."""

import os

# kernels started here (nbval, nbclient) get encrypted sockets: no "running over TCP without
# encryption" warning at each start; nbval's reports in a log file carry no colour codes
pytest_plugins = ["course_lib.kernels"]

# kernels started by nbval inherit this: set and dict orders of strings are reproducible
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_collectstart(collector):
    # warnings in a notebook go to stderr with machine-specific paths: don't compare them
    if collector.fspath and str(collector.fspath).endswith(".ipynb"):
        collector.skip_compare += ("stderr",)
