"""Wall time of the README's test command, ``python -m pytest``, on this machine.

    python bench/suite.py [extra pytest arguments]

Prints pytest's summary line and ``suite_seconds=...`` (the README states the figure measured on
the 2-core machine; the goal is at most 240 s).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if __name__ == "__main__":
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "--color=no", *sys.argv[1:]], cwd=ROOT,
                         capture_output=True, text=True)
    seconds = time.perf_counter() - start
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "(no output)"
    print(summary)
    print(f"suite_seconds={seconds:.0f} exit_code={run.returncode}")
    sys.exit(run.returncode)
