"""Exercises and grading: generate exercises from solutions, grade submissions with nbval.

- :mod:`.notebook`: how answer and check cells are marked, and the stub that replaces a solution;
- :mod:`.checks`: the helpers check cells call (deterministic, positive output; specific hints);
- :mod:`.release`: ``python -m course_lib release`` (solutions -> exercises, student bundle);
- :mod:`.grade`: ``python -m course_lib grade`` (rebuild from the trusted template, run nbval, report);
- :mod:`.marks`: ``python -m course_lib grade --marks`` (marks that count: the answers run in the
  :mod:`.sandbox`, which serves function calls through :mod:`.sandbox_runner`; the trusted process decides,
  following each exercise's task spec, written with :mod:`.taskspec`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the course: notebooks/, solutions/, exercises/
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
