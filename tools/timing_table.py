"""Rewrite the timing table of docs/instructor-guide.md from the lesson notebooks.

    python tools/timing_table.py            # recount words, explorers and tasks; keep the run times
    python tools/timing_table.py --measure  # also re-measure each notebook's run time (bench/notebooks.py)

The slot rule is the guide's: prose read at 120 words a minute, 5 minutes per explorer, 8 per
exercise task and 5 of questions, rounded up to 5 minutes. tests/test_workshop_kit.py checks the
table against the notebooks with the same rule.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench"), str(ROOT)]

from lessons import LESSONS  # noqa: E402
from test_workshop_kit import lesson_facts  # noqa: E402

GUIDE = ROOT / "docs" / "instructor-guide.md"
ROW = re.compile(r"^\| (\d\d) \| (\w+) \| \d+ \| \d+ \| (?:\d+|–) \| ([\d.]+) s \| \d+ min \|$", re.MULTILINE)


def slot(words: int, explorers: int, tasks: int) -> int:
    return 5 * math.ceil((words / 120 + 5 * explorers + 8 * tasks + 5) / 5)


def main(measure: bool) -> None:
    text = GUIDE.read_text()
    seconds = {m[1]: float(m[3]) for m in ROW.finditer(text)}
    if measure:
        from notebooks import run

        seconds = {path.name[:2]: run(path) for path in LESSONS}
    total = 0
    for path in LESSONS:
        words, explorers, tasks = lesson_facts(path)
        minutes = slot(words, explorers, tasks)
        total += minutes
        number, name = path.stem.split("_", 1)
        facts = f"{words} | {explorers} | {tasks or '–'} | {seconds[number]:.1f} s | {minutes} min"
        row = f"| {number} | {name} | {facts} |"
        text = re.sub(rf"^\| {number} \| .*$", row, text, count=1, flags=re.MULTILINE)
    hours, minutes = divmod(total, 60)
    text = re.sub(r"All thirteen: \d+ minutes of slots \(\d+ hours \d+ minutes\)",
                  f"All thirteen: {total} minutes of slots ({hours} hours {minutes} minutes)", text)
    GUIDE.write_text(text)
    print(f"{len(LESSONS)} rows rewritten; total {total} minutes")


if __name__ == "__main__":
    main(measure="--measure" in sys.argv[1:])
