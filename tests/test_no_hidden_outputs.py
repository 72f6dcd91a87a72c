"""Every lesson and solution output is compared by nbval: nothing is hidden to make a test pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_lib.grading.notebook import read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION")
TAGS = ("nbval-ignore-output", "nbval-skip", "raises-exception")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_cell_hides_its_output_from_nbval(path):
    hidden = [index for index, cell in enumerate(read(path).cells) if cell.cell_type == "code" and (
        any(marker in cell.source for marker in MARKERS) or set(TAGS) & set(cell.metadata.get("tags", [])))]
    assert not hidden, f"cells {hidden} hide their output from nbval: print what is stable instead"
