"""Grading speed: median seconds for one submission, and submissions per minute with 2 workers.

    python bench/grading.py [--submissions 20] [--workers 2]

Submissions are copies of the exercise with the solution's answers (half of them) or with a wrong
first answer (the other half), so both passing and failing paths are timed. Goals: <= 10 s per
submission, >= 12 per minute on the 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.grading import grade
from course_lib.grading.notebook import is_answer, role

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_submissions(Path(tmp), args.submissions)
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
          f"{args.submissions - passed} failed as intended", file=sys.stdout)


if __name__ == "__main__":
    main()
