"""Static figures, built on ``matplotlib.figure.Figure`` with the Agg canvas (no pyplot), so
nothing accumulates in pyplot's figure list and figures are freed with their last reference.

Notebook use: a ``Figure`` displays itself as a PNG in Jupyter when it is the cell's value.
"""

from __future__ import annotations

import io
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

#: Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")

#: Big fonts and thick lines for projectors (``style(talk=True)``).
TALK_RC = {
    "font.size": 15, "axes.titlesize": 17, "axes.labelsize": 16, "legend.fontsize": 13,
    "xtick.labelsize": 13, "ytick.labelsize": 13, "lines.linewidth": 2.8, "lines.markersize": 9,
}
BASE_RC = {"font.size": 10, "lines.linewidth": 1.8, "axes.titlesize": 11}


@contextmanager
def style(talk: bool = False):
    """Matplotlib settings for the course's figures; ``talk=True`` for slides and workshops."""
    with mpl.rc_context({**BASE_RC, **(TALK_RC if talk else {})}):
        yield


class CourseFigure(Figure):
    """A ``Figure`` that shows itself as a PNG wherever IPython displays it.

    A plain ``Figure`` made without pyplot has no rich representation: a kernel shows it as the
    text ``<Figure size 700x380 with 1 Axes>`` unless ``%matplotlib inline`` registered a
    formatter. ``_repr_png_`` makes the picture appear in JupyterLab, in nbval and nbclient runs
    and in nbconvert's HTML, with no magic line.
    """

    def _repr_png_(self):
        from .static_html import alt_of  # alt text for saved notebooks and HTML exports

        return figure_to_png(self), {"alt": alt_of(self)}


def new_figure(width_px: int = 600, height_px: int = 500, dpi: int = 100) -> CourseFigure:
    """A :class:`CourseFigure` with an Agg canvas attached, independent of pyplot."""
    fig = CourseFigure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def rgba_to_png(canvas: FigureCanvasAgg, compress_level: int = 1) -> bytes:
    """The canvas's current pixels as PNG bytes (level 1: fast, a little larger)."""
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=compress_level)
    return out.getvalue()


def figure_to_png(fig: Figure, compress_level: int = 6) -> bytes:
    """Draw ``fig`` and return it as PNG bytes."""
    fig.canvas.draw()
    return rgba_to_png(fig.canvas, compress_level)


def landscape_levels(fun, Z: np.ndarray):
    """What to contour: ``log10(f - f_min)`` for landscapes with ``log_contours``, else ``f``."""
    if fun.log_contours:
        floor = fun.min_value if fun.min_value is not None else float(np.min(Z))
        gap = np.maximum(Z - floor, 0.0)
        return np.log10(gap + 1e-9 * max(float(np.max(gap)), 1.0)), r"$\log_{10}(f - f^\star)$"
    return Z, r"$f$"


def draw_landscape(ax, fun, n: int = 200, levels: int = 30) -> None:
    """Filled contours of a 2-D landscape with thin level lines and its known minima (stars)."""
    X, Y, Z = fun.grid(n)
    values, _ = landscape_levels(fun, Z)
    ax.contourf(X, Y, values, levels=levels, cmap="Greys_r", alpha=0.45)
    ax.contour(X, Y, values, levels=levels // 2, colors="0.35", linewidths=0.5, alpha=0.7)
    if len(fun.minima):
        ax.plot(fun.minima[:, 0], fun.minima[:, 1], "*", color="gold", markeredgecolor="black",
                markersize=12, label="minimum")
    (x_lo, x_hi), (y_lo, y_hi) = fun.domain
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title(fun.name)


def clip_to_view(xs: np.ndarray, fun) -> np.ndarray:
    """Points clipped to the domain grown by one width on each side: far-away points of a
    diverging run keep their direction on screen without huge coordinates."""
    lows, highs = np.array(fun.domain).T
    width = highs - lows
    return np.clip(xs, lows - width, highs + width)


def plot_trajectories(fun, trajectories: dict, talk: bool = False, size=(900, 420)) -> Figure:
    """Contour plot with each trajectory, and the loss curves beside it."""
    with style(talk):
        fig = new_figure(*size)
        ax, ax_loss = fig.subplots(1, 2, width_ratios=(1.1, 1))
        draw_landscape(ax, fun)
        for color, (name, traj) in zip(COLORS, trajectories.items(), strict=False):
            xs = clip_to_view(traj.xs, fun)
            ax.plot(xs[:, 0], xs[:, 1], ".-", color=color, markersize=3, label=name)
            if traj.diverged:
                ax.plot(*xs[-1], "X", color="red", markersize=12)
        plot_losses(ax_loss, fun, trajectories)
        ax.legend(loc="upper left", fontsize="small")
    return fig


def loss_gap(fun, losses: np.ndarray) -> np.ndarray:
    """``f - f_min`` when the minimum is known (plotted on a log scale), else ``f``."""
    return losses - fun.min_value if fun.min_value is not None else losses


def plot_losses(ax, fun, trajectories: dict) -> None:
    """Loss against step for each trajectory; ``f - f*`` on a log scale when ``f*`` is known."""
    for color, (name, traj) in zip(COLORS, trajectories.items(), strict=False):
        label = f"{name} (diverged at step {traj.diverged_at})" if traj.diverged else name
        ax.plot(np.arange(len(traj.losses)), loss_gap(fun, traj.losses), color=color, label=label)
    if fun.min_value is not None:
        ax.set_yscale("log")
        ax.set_ylabel(r"$f(\theta_t) - f^\star$")
    else:
        ax.set_ylabel(r"$f(\theta_t)$")
    ax.set_xlabel("step $t$")
    ax.legend(fontsize="small")


def plot_schedule(schedule, steps: int = 100, ax=None, talk: bool = False):
    """``lr(t)`` for ``t = 0 .. steps - 1``; returns the Figure (a new one unless ``ax`` is given)."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"Invalid steps value: {steps!r} (an integer >= 1)")
    with style(talk):
        fig = None
        if ax is None:
            fig = new_figure(600, 300)
            ax = fig.subplots()
        t = np.arange(steps)
        ax.plot(t, schedule.values(steps), color=COLORS[0])
        ax.set_xlabel("completed steps $t$")
        ax.set_ylabel(r"$\eta_t$")
        ax.set_title(repr(schedule), fontsize="small")
    return fig if fig is not None else ax.figure


def animate(fun, optimizers=("sgd", "momentum", "adam"), out="race.gif", x0=None, steps: int = 1000,
            frames: int = 60, fps: int = 15, talk: bool = True, size=(800, 640)):
    """Export an optimizer race as an animated GIF (for slides) and return its path.

    ``fun``: a landscape or its name; ``optimizers``: preset names, Optimizer objects, or a
    dict name -> Optimizer (as for :func:`course_lib.widgets.explore`). ``frames`` pictures,
    evenly spaced over ``steps`` steps, play at ``fps`` frames per second; the last is held.
    The default 1000 steps let the slow methods move visibly (plain SGD's demonstration lr on
    Rosenbrock is 3.3e-4: 200 steps move it by 0.2) while the fast ones reach the minimum.
    """
    from pathlib import Path

    from . import functions
    from .scene import RaceScene
    from .widgets import _as_named_optimizers

    if isinstance(frames, bool) or not isinstance(frames, int) or frames < 2:
        raise ValueError(f"Invalid frames value: {frames!r} (an integer >= 2)")
    if not fps >= 1:
        raise ValueError(f"Invalid fps value: {fps!r} (a number >= 1)")
    out = Path(out)
    if out.suffix.lower() != ".gif" or not out.parent.is_dir():
        raise ValueError(f"Invalid out value: {str(out)!r} (a file name ending in .gif, in a folder that exists)")
    fun = functions.get(fun)
    scene = RaceScene(fun, _as_named_optimizers(fun, optimizers), x0, steps, size, talk)
    ks = np.unique(np.linspace(0, steps, frames).round().astype(int))
    pictures = [Image.fromarray(scene.rgb(int(k))).convert("P", palette=Image.Palette.ADAPTIVE) for k in ks]
    durations = [round(1000 / fps)] * (len(pictures) - 1) + [2000]
    pictures[0].save(out, save_all=True, append_images=pictures[1:], duration=durations, loop=0)
    scene.fig.clear()
    return out


def plot_curves(curves: dict, xlabel: str = "step $t$", ylabel: str = "loss", logy: bool = True,
                title: str = "", size=(700, 380), talk: bool = False, x=None) -> Figure:
    """One line per named curve (e.g. losses of several runs); ``x`` defaults to 0, 1, 2, ..."""
    if not curves:
        raise ValueError("curves must hold at least one named curve, e.g. {'sgd': losses}")
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        for color, (name, values) in zip(COLORS, curves.items(), strict=False):
            values = np.asarray(values)
            ax.plot(np.arange(len(values)) if x is None else x[: len(values)], values, color=color, label=name)
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(fontsize="small")
    return fig


def plot_decision_boundaries(classifiers: dict, X: np.ndarray, y: np.ndarray, n: int = 150,
                             size=(1000, 260), talk: bool = False) -> Figure:
    """One panel per classifier: predicted probability of class 1 (``predict(points) -> p``) over
    the data's bounding box, the 0.5 boundary, and the labelled points."""
    with style(talk):
        fig = new_figure(*size)
        axes = np.atleast_1d(fig.subplots(1, len(classifiers), sharex=True, sharey=True))
        (x_lo, y_lo), (x_hi, y_hi) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
        gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, n), np.linspace(y_lo, y_hi, n))
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        for ax, (name, predict) in zip(axes, classifiers.items(), strict=True):
            p = predict(grid).reshape(gx.shape)
            ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
            ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1.2)
            ax.scatter(X[:, 0], X[:, 1], c=np.where(y > 0.5, COLORS[1], COLORS[0]), s=6)
            ax.set_title(name, fontsize="medium")
    return fig
