"""A pytest plugin the grader loads into its nbval run (``-p course_lib.grading.nbval_facts``).

It records, for every notebook cell nbval runs, the facts the grader decides on, read from
nbval's own objects rather than from any text the student's code printed:

- ``outcome``: ``passed``, ``failed`` or ``skipped`` (nbval skips, or xfails, the cells after a timeout);
- ``ename`` and ``evalue`` of the error the cell raised, if any (``evalue`` is the check's message);
- ``timed_out``: nbval's own flag, set when the cell exceeded ``--nbval-cell-timeout``;
- ``kernel_alive``: whether the kernel still lived after the cell, and ``kernel_died_after``: when,
  in seconds into the cell, it was first seen dead (watched every 0.2 s), so that a crash (dead
  before the timeout) differs from a kernel nbval stopped after a timeout;
- ``seconds``: the cell's wall time.

Where to write them comes from a one-use settings file named by ``COURSE_GRADING_FACTS``: the
plugin reads and deletes that file and removes the variable before the kernel starts, so the
student's code learns neither the report's path nor the ``nonce`` the grader checks in it. The
report is written once, at the end of the session, atomically (a temporary file, then rename).
It also tells nbval not to compare ``stderr`` (warnings carry per-run paths).
"""

from __future__ import annotations

import json
import os
import threading
import time

import pytest

_settings: dict = {}
_cells: list = []


def _load_settings() -> None:
    path = os.environ.pop("COURSE_GRADING_FACTS", None)
    if not path:
        return
    try:
        with open(path, encoding="utf-8") as file:
            _settings.update(json.load(file))
    finally:
        os.unlink(path)


_load_settings()


def pytest_collectstart(collector):
    if str(getattr(collector, "fspath", "")).endswith(".ipynb"):
        collector.skip_compare += ("stderr",)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    notebook = item.parent
    was_timed_out = bool(getattr(notebook, "timed_out", False))
    start, died, done = time.monotonic(), [], threading.Event()

    def watch():  # when did the kernel die: by itself (a crash) or after the timeout (stopped by nbval)?
        while not done.wait(0.2):
            if not _kernel_alive(item):
                died.append(time.monotonic() - start)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield
    done.set()
    watcher.join()
    item.course_facts = {"seconds": round(time.monotonic() - start, 3),
                         "timed_out": not was_timed_out and bool(getattr(notebook, "timed_out", False)),
                         "kernel_died_after": round(died[0], 3) if died else None}


def _kernel_alive(item) -> bool:
    kernel = getattr(item.parent, "kernel", None)
    try:
        return bool(kernel is not None and kernel.is_alive())
    except Exception:  # a kernel that cannot even answer is not alive
        return False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not hasattr(item, "cell_num") or (call.when != "call" and not (report.failed or report.skipped)):
        return
    if call.when == "teardown" or any(cell["cell"] == item.cell_num for cell in _cells):
        return
    errors = [out for out in getattr(item, "test_outputs", None) or [] if out.get("output_type") == "error"]
    facts = getattr(item, "course_facts", {"seconds": 0.0, "timed_out": False, "kernel_died_after": None})
    _cells.append({
        "cell": item.cell_num,
        "outcome": "passed" if report.passed else ("skipped" if report.skipped else "failed"),
        "ename": str(errors[-1].get("ename", "")) if errors else "",
        "evalue": str(errors[-1].get("evalue", "")) if errors else "",
        "timed_out": facts["timed_out"],
        "kernel_alive": _kernel_alive(item),
        "seconds": facts["seconds"],
        "kernel_died_after": facts["kernel_died_after"],
    })


def pytest_sessionfinish(session, exitstatus):
    target = _settings.get("report")
    if not target:
        return
    partial = f"{target}.partial"
    with open(partial, "w", encoding="utf-8") as file:
        json.dump({"nonce": _settings.get("nonce"), "cells": _cells}, file)
    os.replace(partial, target)
