"""Marks that count: ``python -m course_lib grade --marks SUBMISSION.ipynb [...]``.

The feedback grader (:mod:`.grade`) runs the student's answers and the checks in one kernel, so code in
an answer can subvert the checks. Here the decision is taken outside:

1. the trusted process reads the submission as data, as the feedback grader does (a regular file only,
   size-capped, never written: :func:`.grade.read_submission`), and takes the *sources* of its answer
   cells, matched to the trusted template the same way (:func:`.grade.match_answers`);
2. it draws the inputs of every task from a secret per-run seed (several cases per task), following the
   exercise's task spec (``solutions/NN_topic.py``, next to the notebook it belongs to), and computes the
   expected values with the reference code in ``course_lib``;
3. the answers run in a bubblewrap sandbox (:mod:`.sandbox`), which executes the answer cells and
   returns, as JSON, what their functions return on those inputs: the sandbox never sees an expected
   value, a solution, a template or a hidden case;
4. the trusted process compares (:func:`course_lib.grading.checks.check_close`, with the spec's
   tolerances and diagnoses for the usual mistakes) and writes the report, which says ``mode: marks``.

A crash or a timeout fails only its own task: the sandbox is run again without the culprit. The task
spec (a module with ``TASKS``) is read from ``TEMPLATES/NN_topic.py`` when that file exists (an
instructor's private copy, e.g. with hidden cases, see :func:`.taskspec.extra_cases`), else from
``solutions/NN_topic.py``. How a spec is written: :mod:`.taskspec`.
"""

from __future__ import annotations

import secrets
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import EXERCISES, SOLUTIONS, sandbox
from .checks import check_close
from .grade import Report, TaskResult, match_answers, read_submission
from .notebook import read, role, tasks
from .sandbox_runner import decode
from .taskspec import Case, cases_for, load_spec, wire

MAX_SOURCE = 100_000  # characters of one answer cell
MAX_ERROR = 300  # characters of an error message echoed from the sandbox


# ---------------------------------------------------------------- the submission, read as data

def _source(cell) -> tuple[str | None, str]:
    """The cell's source, or None and why not."""
    if cell is None or cell.get("cell_type") != "code":
        return None, "answer cell missing (deleted, or its id changed)"
    source = cell.get("source")
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    if not isinstance(source, str):
        return None, "answer cell without a source"
    if len(source) > MAX_SOURCE:
        return None, f"answer cell longer than {MAX_SOURCE} characters"
    return source, ""


def answer_sources(template, submission) -> list:
    """``[(task, source or None, why none)]`` for the template's answer cells, in order, matched as the
    feedback grader matches them (:func:`.grade.match_answers`: by cell id, else grading metadata, else
    position)."""
    matched = match_answers(template, submission)
    return [(role(template.cells[index])["task"], *_source(cell)) for index, cell in matched.items()]


# ---------------------------------------------------------------- running the answers

def execute(cells: list, calls: list, deadline: float) -> tuple[dict, dict]:
    """Run ``cells`` ``[(task, source)]`` and ``calls`` ``[(task, call)]`` in the sandbox.

    Returns ``({task: why it failed as a whole}, {call id: event})``. When a run ends early (deadline,
    exit, crash), the first cell or call without an answer is the culprit: its task fails, and the
    sandbox runs again without it (a culprit cell is dropped; a culprit task's calls are dropped).
    """
    broken, results, active = {}, {}, list(range(len(cells)))
    for _ in range(len(cells) + len(calls) + 1):
        pending = [call for task, call in calls if task not in broken and call["id"] not in results]
        outcome = sandbox.run({"cells": [cells[i][1] for i in active], "calls": pending}, deadline)
        if not outcome.events or outcome.events[0] != {"ready": True}:  # before any answer ran: not the student's
            raise sandbox.SandboxUnavailable(f"the sandbox did not start (exit status {outcome.returncode})")
        seen_cells, ids = set(), {call["id"] for call in pending}
        for event in outcome.events:
            if isinstance(event.get("cell"), int) and 0 <= event["cell"] < len(active):
                seen_cells.add(event["cell"])
                if "error" in event:
                    broken.setdefault(cells[active[event["cell"]]][0],
                                      f"your answer cell raised {str(event['error'])[:MAX_ERROR]}")
            elif event.get("call") in ids and ("value" in event or "error" in event):
                results.setdefault(event["call"], event)
        missing_cell = next((n for n in range(len(active)) if n not in seen_cells), None)
        missing_call = next((call for call in pending if call["id"] not in results), None)
        if missing_cell is None and missing_call is None:
            break
        if outcome.timed_out:
            why = f"timed out after {deadline:g} s (an infinite loop?)"
        else:
            why = (f"the sandboxed process ended with exit status {outcome.returncode} "
                   "(sys.exit, os._exit, a crash, or its memory limit?)")
        if missing_cell is not None:
            task = cells[active[missing_cell]][0]
            broken.setdefault(task, f"your answer cell {why}")
            del active[missing_cell]
        else:
            task = next(task for task, call in calls if call is missing_call)
            broken.setdefault(task, f"calling {missing_call['function']} {why}")
    return broken, results


def _select(got, path):
    for key in path if isinstance(path, tuple) else (path,):
        if isinstance(key, int) and isinstance(got, list) and -len(got) <= key < len(got):
            got = got[key]
        elif isinstance(key, str) and isinstance(got, dict) and key in got:
            got = got[key]
        else:
            kind = f"item {key}" if isinstance(key, int) else f"key {key!r}"
            raise AssertionError(f"expected a result with {kind}, got {type(got).__name__}")
    return got


def judge(case: Case, events: list) -> None:
    """Raise ``AssertionError`` (with the feedback) unless the results of ``case``'s calls are right."""
    values = []
    for event in events:
        if "error" in event:
            error = str(event["error"])[:MAX_ERROR]
            if error.startswith("NotImplementedError"):
                raise AssertionError(f"not implemented yet (the stub still raises {error})")
            raise AssertionError(f"{case.what}: your function raised {error}")
        try:
            values.append(decode(event["value"]))
        except (ValueError, TypeError, RecursionError, MemoryError):
            raise AssertionError(f"{case.what}: the result is not made of numbers and arrays") from None
    if case.unchanged:
        for value in values:
            if not (isinstance(value, dict) and isinstance(value.get("args"), list)):
                raise AssertionError(f"{case.what}: malformed result")
            for position, after in zip(case.unchanged, value["args"], strict=False):
                check_close(f"{case.what} must not modify its argument {position + 1}", after,
                            case.arguments()[0][position], hint="build a new array instead of updating it in place")
        values = [value["value"] for value in values]
    if case.output is not None:
        values = [_select(value, case.output) for value in values]
    got = values if case.repeat > 1 or case.sweep is not None else values[0]
    if case.check is not None:
        case.check(got)
    else:
        check_close(case.what, got, case.expected, hint=case.hint, diagnoses=case.diagnoses,
                    rtol=case.rtol, atol=case.atol)


# ---------------------------------------------------------------- grading

def locate(name: str, template_dir=None) -> tuple[Path, Path]:
    """The trusted template notebook and task spec for a submission named ``name``."""
    stem = Path(name).stem
    folder = Path(template_dir) if template_dir else EXERCISES
    template = folder / name if (folder / name).is_file() else EXERCISES / name
    spec = folder / f"{stem}.py" if (folder / f"{stem}.py").is_file() else SOLUTIONS / f"{stem}.py"
    if not template.is_file():
        raise ValueError(f"no exercise template {template} (the submission's file name must match it)")
    if not spec.is_file():
        raise ValueError(f"no marks-mode task spec for {name}: expected {spec}")
    return template, spec


def grade(path, template_dir=None, deadline: float = 60.0, seed: int | None = None) -> Report:
    """Grade one submission in marks mode; raises :class:`~.sandbox.SandboxUnavailable` without a sandbox."""
    sandbox.check_available()
    report = Report(submission=str(path), mode="marks")
    try:
        template_path, spec_path = locate(Path(path).name, template_dir)
        report.template = str(template_path)
        template, spec = read(template_path), load_spec(spec_path)
        points = tasks(template)
        specs = {t.task: t for t in spec.TASKS}
        unknown = [task for task in points if task not in specs]
        if unknown:
            raise ValueError(f"{spec_path} has no spec for {', '.join(unknown)}")
        all_cases = cases_for(spec, Path(path).stem, secrets.randbits(64) if seed is None else seed)
        sources = answer_sources(template, read_submission(path))
        missing = {task: why for task, source, why in sources if source is None}
        cells = [(task, source) for task, source, _ in sources if source is not None]
        calls, owners = [], []
        for task in points:
            for case in all_cases[task]:
                ids = []
                for args in case.arguments():
                    ids.append(len(calls))
                    calls.append((task, {"id": len(calls), "function": specs[task].function,
                                         "args": wire(list(args)), "kwargs": wire(case.kwargs),
                                         "returns_args": list(case.unchanged)}))
                owners.append((task, case, ids))
        broken, results = execute(cells, [c for c in calls if c[0] not in missing], deadline)
        report.tasks = [TaskResult(task, total) for task, total in points.items()]
        verdicts = {task: "" for task in points}
        verdicts.update(missing)
        verdicts.update({task: why for task, why in broken.items() if not verdicts.get(task)})
        for task, case, ids in owners:
            if verdicts[task]:
                continue
            try:
                judge(case, [results[i] for i in ids])
            except AssertionError as failure:
                verdicts[task] = str(failure)
            except Exception as error:  # noqa: BLE001 - a result of an unexpected form, e.g. for a spec's check
                verdicts[task] = f"{case.what}: the result has an unexpected form ({type(error).__name__})"
        for result in report.tasks:
            if verdicts[result.task]:
                result.feedback = verdicts[result.task]
            else:
                result.status, result.earned = "passed", result.points
    except Exception as error:  # noqa: BLE001 - every failure is this submission's error, never the batch's
        report.error = str(error)[:500] or type(error).__name__
        report.tasks = []
    return report


def grade_many(paths, template_dir=None, workers: int = 2, deadline: float = 60.0, seed: int | None = None,
               progress: bool = True) -> list:
    """Grade several submissions in marks mode; refuses (:class:`~.sandbox.SandboxUnavailable`) without a sandbox.

    One secret seed per call (``seed`` only for reproducing a run): every submission of the batch gets
    the same cases, which no submission has seen before the run.
    """
    from tqdm import tqdm

    sandbox.check_available()
    seed = secrets.randbits(64) if seed is None else seed
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(grade, p, template_dir, deadline, seed) for p in paths]
        return [f.result() for f in tqdm(futures, desc="grading (marks)", disable=not progress, file=sys.stderr)]

