"""Execution time of each lesson notebook with a fresh kernel (goal: <= 20 s each, 11: <= 60 s).

    python bench/notebooks.py [notebooks/03_*.ipynb ...]

Runs every notebook in notebooks/ (or the ones given) top to bottom with nbclient, as nbval does,
and prints one line per notebook, then the slowest.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = [Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    times = {}
    for path in paths:
        times[path.name] = run(path)
        limit = 60 if path.name.startswith("11_") else 20
        print(f"{path.name:40s} {times[path.name]:6.1f} s  (goal <= {limit} s)", flush=True)
    slowest = max(times, key=times.get)
    print(f"slowest: {slowest} {times[slowest]:.1f} s; total {sum(times.values()):.1f} s")


if __name__ == "__main__":
    main()
