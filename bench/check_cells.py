"""The slowest check cell of every solution, in seconds (goal: under 2 s on the 2-core machine).

    python bench/check_cells.py [--repeats 3]

Each solution in solutions/ is executed with a fresh kernel (as ``release`` and the grader do);
a check cell's time is the kernel's own: from ``execute_input`` to ``execute_reply`` (nbclient's
timing metadata), so kernel start-up is not counted. With ``--repeats N`` every notebook runs N
times and the slowest run of each cell counts.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.grading.notebook import is_check, read, role  # noqa: E402

GOAL = 2.0


def check_cell_seconds(path: Path) -> dict:
    """``{task: seconds}`` of each check cell, from one execution of the notebook."""
    nb = read(path)
    NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    times = {}
    for cell in nb.cells:
        if is_check(cell):
            timing = cell.metadata["execution"]
            start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
            times[role(cell)["task"]] = (end - start).total_seconds()
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs per notebook; the slowest counts (default 1)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    worst = 0.0
    print(f"{'solution':40s} slowest check cell")
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        slowest = {}
        for _ in range(max(1, args.repeats)):
            for task, seconds in check_cell_seconds(path).items():
                slowest[task] = max(seconds, slowest.get(task, 0.0))
        task, seconds = max(slowest.items(), key=lambda item: item[1])
        worst = max(worst, seconds)
        print(f"{path.name:40s} {seconds:6.3f} s ({task})")
    print(f"maximum: {worst:.3f} s (goal: under {GOAL:g} s)")
    return 0 if worst < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
