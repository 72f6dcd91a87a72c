"""A quiet console for the kernels the course starts (tests, the grader, the exercise release).

ipykernel warns "Kernel is running over TCP without encryption" at every start unless the
kernel manager gives it CurveZMQ keys. jupyter_client does that when
``KernelManager.transport_encryption`` is ``"auto"`` and the kernelspec declares
``"supported_encryption": ["curve"]`` (ipykernel's does): the kernel's sockets are then
encrypted, and the warning has nothing to say.

Use :func:`encrypt_kernel_transport` before starting kernels in a process, or load this module
as a pytest plugin (``python -m pytest -p course_lib.kernels --nbval ...``), which also keeps
nbval's reports free of ANSI colour codes when they do not go to a terminal.
"""

from __future__ import annotations

import re
import sys

import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def encrypt_kernel_transport() -> bool:
    """Make ``"auto"`` the default ``transport_encryption`` of every KernelManager of this process.

    Returns whether it could (False with a jupyter_client that has no such setting, or a pyzmq
    built without CurveZMQ: kernels then run as before).
    """
    import zmq
    from jupyter_client.manager import KernelManager

    trait = KernelManager.class_traits().get("transport_encryption")
    if trait is None or not zmq.has("curve"):
        return False
    trait.default_value = "auto"
    return True


def pytest_configure(config) -> None:
    """pytest hook: encrypted kernels for nbval, and no colours where the terminal has none (nbval
    colours its reports unless told ``--color=no``, even when they go to a file)."""
    encrypt_kernel_transport()
    if config.option.color == "auto" and not sys.stdout.isatty():
        config.option.color = "no"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Without colours, also drop those of the kernel's tracebacks (IPython colours them)."""
    report = yield
    if item.config.option.color == "no" and isinstance(report.longrepr, str):
        report.longrepr = ANSI.sub("", report.longrepr)
    return report
