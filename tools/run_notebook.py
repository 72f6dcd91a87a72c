"""Execute notebooks in place, top to bottom, in a fresh kernel, and store their outputs.

    python tools/run_notebook.py notebooks/04_momentum_and_nesterov.ipynb [...]

Runs each notebook from its own folder with ``PYTHONHASHSEED=0`` (as the tests do) and keeps the
committed file free of run-specific metadata: no execution timestamps, no saved widget state (the
explorers store a PNG of their frame instead). A notebook that raises is left unchanged.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path, timeout: int = 600) -> None:
    nb = nbformat.read(path, as_version=4)
    os.environ["PYTHONHASHSEED"] = "0"
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        run(Path(name))
        print(f"ran {name}")
