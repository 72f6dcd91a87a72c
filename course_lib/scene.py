"""The race scene behind the explorers and the GIF export: a landscape, one trajectory per
optimizer, and a loss panel, rendered frame by frame with blitting.

Drawing the filled contours takes tens of milliseconds, so it happens once: the static
background (contours, axes, ticks) is cached as pixels, and a frame only restores those pixels
and draws the few moving artists on top. Trajectories are recomputed only when an optimizer or
the start point changes, never when the step changes.
"""

from __future__ import annotations

from numbers import Integral

import matplotlib as mpl
import numpy as np
from matplotlib.ticker import NullFormatter

from . import optim
from .functions import start_point
from .plotting import COLORS, clip_to_view, draw_landscape, loss_gap, new_figure, rgba_to_png, style

LOSS_DECADES = 10  # the log-scale loss panel spans at most this many powers of ten below f(x0) - f*

#: The course's colours (Okabe-Ito) in the order a race uses them: each added colour is the one
#: farthest (CIELAB distance, worst case over normal vision and simulated deuteranopia,
#: protanopia and tritanopia) from those before it, after blue and vermillion. In COLORS' own
#: order, blue and bluish green (3rd) are among the two closest pairs for colour-blind viewers.
RACE_COLORS = tuple(COLORS[i] for i in (0, 1, 6, 5, 3, 2, 4))
#: Head markers: a shape per optimizer (readable without colour), also shown before its name.
RACE_MARKERS = (("o", "\u25cf"), ("s", "\u25a0"), ("D", "\u25c6"), ("^", "\u25b2"), ("v", "\u25bc"),
                (">", "\u25b6"), ("<", "\u25c0"))  # glyphs that DejaVu Sans Mono has


def check_steps(steps) -> int:
    """``steps`` if it is a whole number >= 1 (a race needs at least one step to show)."""
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"Invalid steps value: {steps!r} (an integer >= 1)")
    return int(steps)


class RaceScene:
    """Optimizers racing on a 2-D landscape; ``png(k)`` renders the picture after ``k`` steps."""

    def __init__(self, fun, optimizers: dict, x0=None, steps: int = 200, size=(600, 500), talk=False):
        if fun.dim != 2:
            raise ValueError(f"the race scene needs a 2-D landscape; {fun.name} has dim={fun.dim}")
        if not optimizers:
            raise ValueError("optimizers must name at least one optimizer")
        self.fun, self.steps, self.talk = fun, check_steps(steps), talk
        self.optimizers = dict(optimizers)
        self.x0 = start_point(fun, x0)
        self.trajectories = {name: self._run(opt) for name, opt in self.optimizers.items()}
        with style(talk):
            self.fig = new_figure(*size)
            self.ax, self.ax_loss = self.fig.subplots(2, 1, height_ratios=(3, 1.15))
            draw_landscape(self.ax, fun)
            self._make_artists()
            self._draw_background()

    # --- trajectories ---------------------------------------------------------------------
    def _run(self, opt) -> optim.Trajectory:
        return optim.minimize(opt, self.fun, self.x0, self.steps)

    def set_optimizer(self, name: str, opt) -> None:
        """Replace one optimizer (e.g. after a slider moved) and recompute only its trajectory."""
        self.optimizers[name] = opt
        self.trajectories[name] = self._run(opt)
        if self._loss_limits()[0] < self.ax_loss.get_ylim()[0]:  # the new curve goes lower: refit
            self._draw_background()
        else:
            self._draw_curves()

    def set_start(self, x0) -> None:
        """Start every optimizer from ``x0``; the loss panel's range follows the new start."""
        self.x0 = start_point(self.fun, x0)
        self.trajectories = {name: self._run(opt) for name, opt in self.optimizers.items()}
        self.start_marker.set_data([self.x0[0]], [self.x0[1]])
        self._draw_background()

    # --- drawing --------------------------------------------------------------------------
    def _head_sizes(self) -> list[float]:
        """Marker sizes, largest first: heads on the same point (e.g. the start) nest, none hidden."""
        n, base = len(self.optimizers), float(mpl.rcParams["lines.markersize"])
        return [base * (2.3 - 1.4 * i / (n - 1)) if n > 1 else base for i in range(n)]

    def _make_artists(self) -> None:
        ax, ax_loss = self.ax, self.ax_loss
        self.start_marker, = ax.plot([self.x0[0]], [self.x0[1]], "o", color="white",
                                     markeredgecolor="black", zorder=4)
        self.paths, self.heads, self.loss_lines, self.loss_heads, self.crosses = {}, {}, {}, {}, {}
        styles = zip(RACE_COLORS * 2, RACE_MARKERS * 2, self._head_sizes(), self.optimizers, strict=False)
        for color, (marker, _), size, name in styles:
            self.paths[name], = ax.plot([], [], "-", color=color, animated=True, zorder=5)
            self.heads[name], = ax.plot([], [], marker, color=color, markeredgecolor="white", markersize=size,
                                        markeredgewidth=1.5, animated=True, zorder=6)
            self.crosses[name], = ax.plot([], [], "X", color="red", markeredgecolor="white",
                                          markersize=13, animated=True, zorder=7)
            self.loss_lines[name], = ax_loss.plot([], [], color=color, animated=True)
            self.loss_heads[name], = ax_loss.plot([], [], marker, color=color, animated=True, markersize=5)
        self.step_line = ax_loss.axvline(0, color="0.4", linewidth=1, animated=True)
        self._make_legend()
        ax_loss.set_xlim(0, self.steps)
        ax_loss.set_xlabel("step $t$")
        if self.fun.min_value is not None:
            ax_loss.set_yscale("log")
            ax_loss.yaxis.set_minor_formatter(NullFormatter())  # a short range would label them all
            ax_loss.set_ylabel(r"$f - f^\star$")
        else:
            ax_loss.set_ylabel(r"$f$")

    def _make_legend(self) -> None:
        """Static, coloured names (part of the cached background) and animated loss readouts.

        Text is the costliest artist to draw, so only the short numbers change per frame.
        """
        width = max(len(name) for name in self.optimizers)
        fontsize = self.ax.xaxis.label.get_fontsize() * 0.8
        self.readouts = {}
        for i, (color, (_, symbol), name) in enumerate(zip(RACE_COLORS * 2, RACE_MARKERS * 2, self.optimizers,
                                                            strict=False)):
            xy = (0.02, 0.97)
            offset = (4, -4 - 1.35 * fontsize * i)
            common = {"xy": xy, "xycoords": "axes fraction", "textcoords": "offset points", "va": "top",
                      "family": "monospace", "fontsize": fontsize, "zorder": 8}
            # the name's white box is padded to hold the readout too, so it stays in the background
            # one spare cell: the marker glyph may be wider than a monospace cell
            label = f"{symbol} {name}".ljust(width + 4 + len("diverged at step 10000"))
            self.ax.annotate(label, xytext=offset, color=color, fontweight="bold", **common,
                             bbox={"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none",
                                   "alpha": 0.8})
            self.readouts[name] = self.ax.annotate(
                "", xytext=(offset[0] + 0.6 * fontsize * (width + 4), offset[1]), animated=True, **common
            )

    def _loss_limits(self) -> tuple[float, float]:
        """The loss panel's range: fitted to the curves (half a decade of margin on a log scale),
        at most ``LOSS_DECADES`` decades below the start; a diverging curve leaves through the top."""
        if self.fun.min_value is not None:
            start = max(float(self.fun.value(self.x0) - self.fun.min_value), 1e-12)
            gaps = np.concatenate([loss_gap(self.fun, t.losses) for t in self.trajectories.values()])
            gaps = gaps[np.isfinite(gaps) & (gaps > 0)]
            lowest = min(float(np.min(gaps)) if len(gaps) else start, start)
            # at least two decades, so that two powers of ten carry the labels
            return max(min(lowest / 3, start / 30), start * 10.0**-LOSS_DECADES), 3 * start
        losses = np.concatenate([t.losses for t in self.trajectories.values()] + [[self.fun.value(self.x0)]])
        low, high = float(np.min(losses)), float(np.max(losses))
        margin = 0.1 * max(high - low, 1e-9)
        return low - margin, high + margin

    def _draw_background(self) -> None:
        """Cache the static picture: contours, axes, ticks, legend names (tens of ms)."""
        self.ax_loss.set_ylim(*self._loss_limits())
        with style(self.talk):
            self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._draw_curves()

    def _draw_curves(self) -> None:
        """Cache the static picture plus the full loss curves, which change only with the
        optimizers or the start (a few ms); frames are drawn on top of this."""
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        for name, traj in self.trajectories.items():
            losses = self._displayed_loss(traj.losses)
            self.loss_lines[name].set_data(np.arange(len(losses)), losses)
            self.ax_loss.draw_artist(self.loss_lines[name])
        self.curves_background = canvas.copy_from_bbox(self.fig.bbox)

    def _displayed_loss(self, losses: np.ndarray) -> np.ndarray:
        low, high = self.ax_loss.get_ylim()
        return np.clip(loss_gap(self.fun, losses), low, high)

    def readout(self, name: str, k: int) -> str:
        """What the legend says of optimizer ``name`` after ``k`` steps."""
        traj = self.trajectories[name]
        if traj.diverged and k >= traj.diverged_at:
            return f"diverged at step {traj.diverged_at}"
        return f"f = {traj.losses[min(k, len(traj.losses) - 1)]:.3e}" if len(traj.losses) else ""

    def render(self, k: int) -> None:
        """Draw the frame after ``k`` steps onto the canvas (restore background + moving artists)."""
        k = int(np.clip(k, 0, self.steps))
        canvas = self.fig.canvas
        canvas.restore_region(self.curves_background)
        lengths = {}
        for name, traj in self.trajectories.items():
            shown = clip_to_view(traj.xs[: k + 1], self.fun)
            self.paths[name].set_data(shown[:, 0], shown[:, 1])
            lengths[name] = float(np.sum(np.hypot(*np.diff(shown, axis=0).T)))
            last = shown[-1:] if len(shown) else shown
            self.heads[name].set_data(last[:, 0], last[:, 1])
            diverged = traj.diverged and k >= traj.diverged_at
            cross = np.clip(last, *np.array(self.fun.domain).T) if diverged else last[:0]
            self.crosses[name].set_data(cross[:, 0], cross[:, 1])
            shown_steps = min(k, len(traj.losses) - 1)
            head = self._displayed_loss(traj.losses[shown_steps : shown_steps + 1])
            self.loss_heads[name].set_data([shown_steps] if len(head) else [], head)
        # paths first, the longest at the bottom (a short path is not buried under a long one),
        # then the heads, largest first, so heads on one point nest inside each other
        for name in sorted(lengths, key=lengths.get, reverse=True):
            self.ax.draw_artist(self.paths[name])
        for name in self.trajectories:
            self.ax.draw_artist(self.heads[name])
        for name in self.trajectories:
            self.ax.draw_artist(self.crosses[name])
            self.ax_loss.draw_artist(self.loss_heads[name])
        self.step_line.set_xdata([k, k])
        self.ax_loss.draw_artist(self.step_line)
        for name, text in self.readouts.items():
            text.set_text(self.readout(name, k))
            self.ax.draw_artist(text)

    def png(self, k: int, compress_level: int = 1) -> bytes:
        """The frame after ``k`` steps as PNG bytes."""
        self.render(k)
        return rgba_to_png(self.fig.canvas, compress_level)

    def rgb(self, k: int) -> np.ndarray:
        """The frame after ``k`` steps as an ``(H, W, 3)`` uint8 array."""
        self.render(k)
        return np.asarray(self.fig.canvas.buffer_rgba())[:, :, :3].copy()
