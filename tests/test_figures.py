"""Figures render as PNG everywhere: in a kernel, and in every committed notebook output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from IPython.core.formatters import DisplayFormatter

from course_lib.grading.notebook import read
from course_lib.plotting import plot_curves

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))
FIGURE_REPR = re.compile(r"<(\w+\.)*\w*Figure size \d+(\.\d+)?x\d+(\.\d+)? with \d+ Axes>")


def test_a_course_figure_formats_as_png_without_pyplot_or_magic():
    fig = plot_curves({"a": [1.0, 0.5, 0.25]})
    data, _ = DisplayFormatter().format(fig)
    assert data["image/png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert FIGURE_REPR.fullmatch(data["text/plain"])


def test_new_figure_is_the_displayable_kind_with_alt_text():
    fig = plot_curves({"loss": [1.0, 0.5]}, ylabel="training loss")
    png, metadata = fig._repr_png_()
    assert png[:4] == b"\x89PNG" and "training loss" in metadata["alt"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_committed_output_is_a_bare_figure_repr(path):
    bare = []
    for index, cell in enumerate(read(path).cells):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "") or output.get("text", "")
            if FIGURE_REPR.search(text) and "image/png" not in output.get("data", {}):
                bare.append(index)
    assert not bare, f"cells {bare} show '<Figure size ...>' text instead of a picture: re-run them"
