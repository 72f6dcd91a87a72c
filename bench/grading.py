"""Grading speed: feedback mode (nbval), marks mode (sandbox) and, when available, nbgrader.

    python bench/grading.py [--submissions 12] [--workers 2] [--modes feedback,marks,nbgrader]
                            [--nbgrader-python PATH]

Submissions are copies of exercise 01 with the solution's answers (half of them) or with a wrong
first answer (the other half), so both passing and failing paths are timed. Printed:

- feedback mode as before: the median seconds for one submission (goal <= 10 s) and submissions per
  minute with ``--workers`` workers (goal >= 12);
- then, on the same submissions with ONE worker, submissions per minute for feedback mode, marks mode
  and nbgrader (``nbgrader autograde``, same answers and checks, the same Jupyter kernel); the goal of
  issue 14 is marks mode >= 2x nbgrader. nbgrader is not a dependency: it is timed when it is
  importable here or by ``--nbgrader-python`` (e.g. a throwaway venv with ``pip install nbgrader``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.grading import grade, marks
from course_lib.grading.notebook import is_answer, is_check, role

ROOT = Path(__file__).resolve().parents[1]
NAME = "01_gradient_descent.ipynb"


def write_submissions(folder: Path, count: int) -> list:
    solution = nbformat.read(ROOT / "solutions" / NAME, as_version=4)
    answers = {role(c)["task"]: c.source for c in solution.cells if is_answer(c)}
    paths = []
    for i in range(count):
        nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
        for cell in nb.cells:
            if is_answer(cell):
                cell.source = answers[role(cell)["task"]]
                if i % 2 and role(cell)["task"] == "task-1":
                    cell.source = "def gd_step(theta, grad, lr):\n    return theta + lr * grad"
        (folder / str(i)).mkdir()
        nbformat.write(nb, folder / str(i) / NAME)
        paths.append(folder / str(i) / NAME)
    return paths


def per_minute(count: int, seconds: float) -> str:
    return f"{count} submissions in {seconds:.1f} s = {60 * count / seconds:.1f} per minute"


def nbgrader_python(given: str | None) -> str | None:
    """An interpreter that can run nbgrader: ``given``, or this one if nbgrader is importable here."""
    if given:
        return given
    import importlib.util

    return sys.executable if importlib.util.find_spec("nbgrader") else None


def time_nbgrader(python: str, paths: list, folder: Path) -> float:
    """Seconds of ``nbgrader autograde`` for ``paths`` (sequential), with the course's kernel and checks."""
    course = folder / "nbgrader-course"
    source = nbformat.read(ROOT / "solutions" / NAME, as_version=4)
    for number, cell in enumerate(source.cells):  # the same answer and check cells, in nbgrader's metadata
        base = {"grade_id": f"cell-{number}", "schema_version": 3}
        if is_answer(cell):
            cell.metadata["nbgrader"] = {**base, "solution": True, "grade": False, "locked": False}
        elif is_check(cell):
            cell.metadata["nbgrader"] = {**base, "solution": False, "grade": True, "locked": True,
                                         "points": role(cell).get("points", 1)}
    (course / "source" / "ps1").mkdir(parents=True)
    nbformat.write(source, course / "source" / "ps1" / NAME)
    (course / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\nc.ExecutePreprocessor.timeout = 120\n")
    kernels = folder / "jupyter" / "kernels" / "python3"  # the course's own interpreter as nbgrader's kernel
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                                                              "{connection_file}"],
                                                     "display_name": "course", "language": "python"}))
    env = {**os.environ, "JUPYTER_PATH": str(folder / "jupyter"), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
           "PATH": f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs `alembic`

    def nbgrader(*args):
        result = subprocess.run([python, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"nbgrader {args[0]} failed:\n{(result.stdout + result.stderr)[-3000:]}")

    nbgrader("generate_assignment", "ps1", "--force", "--create")
    released = nbformat.read(course / "release" / "ps1" / NAME, as_version=4)
    for number, path in enumerate(paths):  # each student's answers in nbgrader's released notebook
        submitted = nbformat.read(path, as_version=4)
        for mine, theirs in zip(submitted.cells, released.cells, strict=True):
            if is_answer(mine):
                theirs.source = mine.source
        target = course / "submitted" / f"student{number}" / "ps1"
        target.mkdir(parents=True)
        nbformat.write(released, target / NAME)
    start = time.perf_counter()
    nbgrader("autograde", "ps1", "--force", "--create")
    seconds = time.perf_counter() - start
    nbgrader("export", "--to", str(folder / "grades.csv"))
    import csv

    with open(folder / "grades.csv") as file:
        rows = list(csv.DictReader(file))
    full = sum(float(row["score"]) == float(row["max_score"]) for row in rows)
    assert len(rows) == len(paths) and full == (len(paths) + 1) // 2, f"nbgrader graded the bench wrongly: {rows}"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="feedback,marks,nbgrader", help="which of feedback, marks, nbgrader")
    parser.add_argument("--nbgrader-python", help="an interpreter with nbgrader installed (default: this one)")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_submissions(Path(tmp), args.submissions)
        expected_passes = (args.submissions + 1) // 2
        if "feedback" in modes:
            single = []
            for path in paths[:3]:
                start = time.perf_counter()
                grade.grade(path)
                single.append(time.perf_counter() - start)
            start = time.perf_counter()
            reports = grade.grade_many(paths, workers=args.workers, progress=False)
            elapsed = time.perf_counter() - start
            passed = sum(r.passed for r in reports)
            print(f"one submission: median {statistics.median(single):.1f} s over 3 (goal <= 10 s)")
            print(f"{args.submissions} submissions with {args.workers} workers: {elapsed:.1f} s, "
                  f"{60 * args.submissions / elapsed:.1f} per minute (goal >= 12); {passed} passed, "
                  f"{args.submissions - passed} failed as intended")
        print(f"one worker, the same {args.submissions} submissions of {NAME}:")
        seconds = {}
        graders = [("feedback", "feedback mode (nbval):", grade), ("marks", "marks mode (sandbox):", marks)]
        for mode, label, grader in graders:
            if mode in modes:
                start = time.perf_counter()
                reports = grader.grade_many(paths, workers=1, progress=False)
                seconds[mode] = time.perf_counter() - start
                assert sum(r.passed for r in reports) == expected_passes, f"{mode} mode graded the bench wrongly"
                print(f"  {label:24s} {per_minute(args.submissions, seconds[mode])}")
        python = nbgrader_python(args.nbgrader_python) if "nbgrader" in modes else None
        if python:
            seconds["nbgrader"] = time_nbgrader(python, paths, Path(tmp))
            print(f"  {'nbgrader autograde:':24s} {per_minute(args.submissions, seconds['nbgrader'])}")
            if "marks" in modes:
                print(f"  marks mode / nbgrader = {seconds['nbgrader'] / seconds['marks']:.1f}x faster (goal >= 2x)")
        elif "nbgrader" in modes:
            print("  nbgrader: not installed here (pass --nbgrader-python to time it)")


if __name__ == "__main__":
    main()
