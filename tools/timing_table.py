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


TITLES = {"00": "setup and tour", "01": "gradient descent", "02": "step size and conditioning",
          "03": "SGD and minibatches", "04": "momentum and Nesterov", "05": "AdaGrad", "06": "RMSprop and Adadelta",
          "07": "Adam and its family", "08": "learning-rate schedules", "09": "Newton and L-BFGS",
          "10": "non-convex landscapes", "11": "training a network", "12": "myths, tested"}
# each day: lessons, with a 15-minute break or a lunch hour after some of them, from 09:00
DAYS = ([("00", ""), ("01", "break"), ("02", ""), ("03", "lunch"), ("04", ""), ("05", "break"), ("06", "")],
        [("07", ""), ("08", "break"), ("09", "lunch"), ("10", ""), ("11", "break"), ("12", ""), ("open", "")])
PAUSES = {"break": ("break", 15), "lunch": ("lunch", 60)}


def day_rows(day, slots) -> list:
    """``(clock, what)`` for one day of the two-day plan, ending with ``end``."""
    rows, minute = [], 9 * 60
    for lesson, pause in day:
        what, length = ("open exercises, questions", 30) if lesson == "open" else (TITLES[lesson], slots[lesson])
        rows.append((f"{minute // 60:02d}:{minute % 60:02d}", f"{lesson} {what} ({length})".removeprefix("open ")))
        minute += length
        if pause:
            name, length = PAUSES[pause]
            rows.append((f"{minute // 60:02d}:{minute % 60:02d}", f"{name} ({length})"))
            minute += length
    rows.append((f"{minute // 60:02d}:{minute % 60:02d}", "end"))
    return rows


def two_day_schedule(text: str, slots: dict) -> str:
    """The guide's two-day table, recomputed from the slots."""
    day1, day2 = (day_rows(day, slots) for day in DAYS)
    lines = ["| day 1 | | day 2 | |", "|---|---|---|---|"]
    for i in range(max(len(day1), len(day2))):
        left = day1[i] if i < len(day1) else ("", "")
        right = day2[i] if i < len(day2) else ("", "")
        lines.append(f"| {left[0]} | {left[1]} | {right[0]} | {right[1]} |".replace("|  |  |", "| | |"))
    table = "\n".join(lines)
    teaching = [sum(slots[lesson] for lesson, _ in day if lesson != "open") for day in DAYS]
    text = re.sub(r"^\*\*Two days \(the whole course\)\*\*.*$|^\*\*Two days \(the whole course\), .*\*\*$",
                  f"**Two days (the whole course): {teaching[0]} and {teaching[1]} minutes of lessons, with breaks.**",
                  text, count=1, flags=re.MULTILINE)
    first_order = sum(slots[f"{n:02d}"] for n in range(8))
    end = 9 * 60 + first_order + 60 + 30
    text = re.sub(r"00 to 07 in the order above: \d+ minutes of slots, so\n09:00-\d\d:\d\d",
                  f"00 to 07 in the order above: {first_order} minutes of slots, so\n09:00-{end // 60}:{end % 60:02d}",
                  text, count=1)
    return re.sub(r"^\| day 1 \| \| day 2 \| \|\n(?:^\|.*\|\n?)+", table + "\n", text, count=1, flags=re.MULTILINE)


def main(measure: bool) -> None:
    text = GUIDE.read_text()
    seconds = {m[1]: float(m[3]) for m in ROW.finditer(text)}
    if measure:
        from notebooks import run

        seconds = {path.name[:2]: run(path) for path in LESSONS}
    total, slots = 0, {}
    for path in LESSONS:
        words, explorers, tasks = lesson_facts(path)
        minutes = slot(words, explorers, tasks)
        total += minutes
        slots[path.name[:2]] = minutes
        number, name = path.stem.split("_", 1)
        facts = f"{words} | {explorers} | {tasks or '–'} | {seconds[number]:.1f} s | {minutes} min"
        row = f"| {number} | {name} | {facts} |"
        text = re.sub(rf"^\| {number} \| .*$", row, text, count=1, flags=re.MULTILINE)
    text = two_day_schedule(text, slots)
    hours, minutes = divmod(total, 60)
    text = re.sub(r"All thirteen: \d+ minutes of slots \(\d+ hours \d+ minutes\)",
                  f"All thirteen: {total} minutes of slots ({hours} hours {minutes} minutes)", text)
    GUIDE.write_text(text)
    print(f"{len(LESSONS)} rows rewritten; total {total} minutes")


if __name__ == "__main__":
    main(measure="--measure" in sys.argv[1:])
