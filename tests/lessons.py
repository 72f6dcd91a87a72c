"""The lesson notebooks and what they show, for tests that check them from outside."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"


def explorer_count(nb) -> int:
    """How many live explorers a notebook shows: its stored widget outputs."""
    return sum(WIDGET in out.get("data", {}) for cell in nb.cells for out in cell.get("outputs", []))
