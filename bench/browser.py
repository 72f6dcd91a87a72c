"""What a learner waits for in the browser: key press on a slider -> new picture in the page.

    python bench/browser.py [--presses 40]

Starts a throw-away JupyterLab (127.0.0.1, a port from the OS) and headless Chromium as the
end-to-end tests do (needs the ``playwright`` package and ``chromium``), runs the standard
explorer (Rosenbrock, 3 optimizers x 200 steps, 600x500 px, as in ``bench/widgets.py``), and
times in the page, from the ``keydown`` event to the new picture decoded and painted (the next
animation frame after ``img.decode()``):
- the step slider: ArrowLeft presses (the kernel blits one frame);
- the lr slider of the first optimizer: ArrowRight / ArrowLeft in turn (the kernel recomputes
  that trajectory and redraws);
- for comparison, the step slider of a naive ``interact`` that re-plots the same picture with
  pyplot and the inline backend (``naive_interact`` of ``bench/widgets.py``).
Each press waits for its picture before the next. The last line is
``step_ms=<median> lr_ms=<median> naive_ms=<median>`` (goals: step <= 70 ms, lr <= 90 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from labdriver import ExplorerBox, NotebookPage, missing_requirements, running_lab  # noqa: E402

BENCH = Path(__file__).resolve().parent
STANDARD_EXPLORER = 'from course_lib.widgets import explore\nexplore("rosenbrock", ["sgd", "momentum", "adam"])'
NAIVE_INTERACT = f"""import sys
sys.path.insert(0, {str(BENCH)!r})
from widgets import NAMES, naive_interact  # bench/widgets.py
from course_lib import functions, optim, presets
fun = functions.rosenbrock
naive_interact(fun, {{n: optim.minimize(presets.preset(n, fun), fun, steps=200) for n in NAMES}}, display=True)"""
WARM_UP = 3  # first presses pay for JIT and caches: not counted

TIME_PICTURES_JS = """root => {
    window.__latencies = [];
    document.addEventListener('keydown', () => { window.__pressed = performance.now(); }, true);
    const pictures = record => record.type === 'attributes' ? [record.target]
        : [...record.addedNodes].flatMap(n => n.nodeName === 'IMG' ? [n] : [...(n.querySelectorAll?.('img') ?? [])]);
    new MutationObserver(records => {
        const pressed = window.__pressed, images = records.flatMap(pictures);
        if (!images.length) return;
        Promise.all(images.map(img => img.decode().catch(() => null))).then(() => requestAnimationFrame(() => {
            window.__latencies.push(performance.now() - pressed);
        }));
    }).observe(root, {attributes: true, attributeFilter: ['src'], childList: true, subtree: true});
}"""


def latencies_ms(handle, keys) -> list[float]:
    """Press ``keys`` one by one on a slider ``handle``; the in-page latency of each new picture."""
    page = handle.page
    page.evaluate("() => { window.__latencies = []; }")
    handle.focus()
    for count, key in enumerate(keys, 1):
        handle.press(key)
        page.wait_for_function("n => window.__latencies.length >= n", arg=count, timeout=20_000)
        page.wait_for_timeout(30)  # let the kernel settle, as between a learner's key presses
    return page.evaluate("() => window.__latencies")[WARM_UP:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="timed presses per slider")
    args = parser.parse_args()
    missing = missing_requirements()
    if missing:
        sys.exit(f"bench/browser.py needs {missing}")

    with running_lab(folders=()) as (server, browser):
        cells = [nbformat.v4.new_code_cell(STANDARD_EXPLORER), nbformat.v4.new_code_cell(NAIVE_INTERACT)]
        notebook = nbformat.v4.new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, server.root / "standard_explorer.ipynb")
        page = NotebookPage(browser, server, "standard_explorer.ipynb")
        try:
            page.run_all()
            (box,) = page.explorers()
            explorer = ExplorerBox(box)
            n = WARM_UP + args.presses
            explorer.image.evaluate(TIME_PICTURES_JS)
            step = latencies_ms(explorer.slider(r"^step$"), ["ArrowLeft"] * n)
            lr = latencies_ms(explorer.slider(r"^lr$"), ["ArrowRight", "ArrowLeft"] * (n // 2 + 1))
            naive = ExplorerBox(page.page.locator(".widget-interact").first, picture="> .widget-output")
            naive.image.evaluate(TIME_PICTURES_JS)
            naive_ms = latencies_ms(naive.slider(r"^step$"), ["ArrowLeft"] * (WARM_UP + 15))
        finally:
            page.close()

    for name, times in (("step", step), ("lr", lr), ("naive", naive_ms)):
        quartiles = statistics.quantiles(times, n=4)
        print(f"{name:5s} slider: median {statistics.median(times):5.1f} ms, quartiles {quartiles[0]:.1f}-"
              f"{quartiles[2]:.1f} ms, max {max(times):.1f} ms over {len(times)} presses")
    print(f"step_ms={statistics.median(step):.1f} lr_ms={statistics.median(lr):.1f} "
          f"naive_ms={statistics.median(naive_ms):.1f}")


if __name__ == "__main__":
    main()
