"""Kernel-side cost of the standard explorer next to a naive ``ipywidgets.interact`` re-plot.

    python bench/widgets.py [--updates 200]

Standard explorer: Rosenbrock, 200x200 filled contour, 3 optimizers x 200 steps, 600x500 px.
Times setting the step slider and an lr slider (each includes recomputing what changed, the
blit and the PNG encoding for the Image widget), then a naive interact callback that re-creates
the figure with pyplot and renders it to PNG as the inline backend would, and finally the
memory growth over the updates. The last line is
``step_ms=<median> lr_ms=<median> naive_ms=<median> speedup=<naive/step>``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import time
import warnings

import numpy as np

os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", category=DeprecationWarning)

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from course_lib import functions, optim, presets, widgets  # noqa: E402

NAMES = ("sgd", "momentum", "adam")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def median_ms(setter, values) -> float:
    times = []
    for value in values:
        start = time.perf_counter()
        setter(value)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def naive_interact(fun, trajectories, display=False):
    """What a typical notebook does: re-plot everything on every slider move.

    ``display=True`` shows each figure through the inline backend (in a notebook); otherwise
    the figure is rendered to PNG and dropped, the same work without a front end.
    """
    X, Y, Z = fun.grid(200)

    def show(step):
        fig, (ax, ax_loss) = plt.subplots(2, 1, figsize=(6, 5), height_ratios=(3, 1.15))
        ax.contourf(X, Y, np.log10(Z + 1e-9), levels=30, cmap="Greys_r")
        for name, traj in trajectories.items():
            ax.plot(traj.xs[: step + 1, 0], traj.xs[: step + 1, 1], label=name)
            ax_loss.semilogy(traj.losses[: step + 1])
        ax.legend()
        if display:
            plt.show()
        else:
            fig.savefig(io.BytesIO(), format="png")  # the inline backend's work
            plt.close(fig)

    return W.interactive(show, step=W.IntSlider(value=200, min=0, max=200))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=200)
    args = parser.parse_args()
    fun = functions.rosenbrock
    explorer = widgets.explore(fun, NAMES, steps=200)
    steps = [int(k) for k in np.random.default_rng(0).integers(0, 201, args.updates)]
    lrs = np.geomspace(1e-3, 0.2, 40)
    lr_slider = explorer.controls["adam"]["lr"]

    median_ms(lambda k: setattr(explorer.step, "value", k), steps[:20])  # warm-up
    memory_before = rss_mb()
    step_ms = median_ms(lambda k: setattr(explorer.step, "value", k), steps)
    lr_ms = median_ms(lambda v: setattr(lr_slider, "value", float(v)), lrs)
    memory_growth = rss_mb() - memory_before

    trajectories = {n: optim.minimize(presets.preset(n, fun), fun, steps=200) for n in NAMES}
    with contextlib.redirect_stdout(io.StringIO()):  # interact's clear_output writes terminal codes
        naive = naive_interact(fun, trajectories)
        naive_ms = median_ms(lambda k: setattr(naive.children[0], "value", k), steps[:40])

    print(f"explorer: {fun.name}, {len(NAMES)} optimizers x 200 steps, 200x200 contour, 600x500 px")
    print(f"step-slider change: median {step_ms:.1f} ms over {len(steps)} updates (goal <= 15)")
    print(f"lr-slider change:   median {lr_ms:.1f} ms over {len(lrs)} updates (goal <= 25)")
    print(f"naive interact:     median {naive_ms:.1f} ms over 40 updates")
    print(f"memory growth over {len(steps)} step and {len(lrs)} lr updates: {memory_growth:.1f} MB (goal < 10)")
    print(f"step_ms={step_ms:.1f} lr_ms={lr_ms:.1f} naive_ms={naive_ms:.1f} speedup={naive_ms / step_ms:.1f}")


if __name__ == "__main__":
    main()
