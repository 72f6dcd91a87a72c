r"""Lesson 01's formulas and figures: gradient descent :math:`\theta_t = \theta_{t-1} - \eta g_t`.

The descent lemma (Nesterov 2004, *Introductory Lectures on Convex Optimization*, Lemma 1.2.3):
for an :math:`L`-smooth :math:`f` (its gradient is :math:`L`-Lipschitz),

.. math:: f(\theta + \delta) \le f(\theta) + \nabla f(\theta)^\top\delta + \tfrac L2 \lVert\delta\rVert^2,

so a gradient step :math:`\delta = -\eta g` decreases :math:`f` by at least
:math:`\eta(1 - \eta L/2)\lVert g\rVert^2`. Steepest descent under a norm
(Boyd and Vandenberghe 2004, *Convex Optimization*, sec. 9.4) gives the gradient direction for
:math:`\ell_2`, the sign of the gradient for :math:`\ell_\infty` and a diagonally scaled
gradient for a diagonal norm.
"""

from __future__ import annotations

import numpy as np

from .plotting import COLORS, new_figure, style

#: One colour per step size or per norm, the same in every figure of lesson 01.
ETA_COLORS = {"small": COLORS[5], "good": COLORS[0], "too large": COLORS[1]}
NORM_COLORS = {"l2": COLORS[0], "linf": COLORS[3], "diag": COLORS[2]}
NORM_LABELS = {"l2": r"$\ell_2$", "linf": r"$\ell_\infty$", "diag": r"diagonal $\|\delta\|_D$"}


def descent_lemma_bound(eta, f0: float, grad_norm2: float, L: float):
    r"""The descent lemma's bound on :math:`f(\theta - \eta g)`:
    :math:`f(\theta) - \eta\lVert g\rVert^2 + \tfrac L2 \eta^2 \lVert g\rVert^2`.

    >>> float(descent_lemma_bound(0.1, 5.0, 4.0, 10.0))  # eta = 1/L: f - ||g||^2 / (2L)
    4.8
    """
    eta = np.asarray(eta, dtype=float)
    return f0 - eta * grad_norm2 + 0.5 * L * eta**2 * grad_norm2


def steepest_direction(g, norm: str = "l2", D=None) -> np.ndarray:
    r"""The unit step that decreases the linear model most: :math:`\arg\min_{\lVert\delta\rVert\le1} g^\top\delta`.

    - ``"l2"``: :math:`-g/\lVert g\rVert_2` (gradient descent);
    - ``"linf"``: :math:`-\operatorname{sign}(g)` (sign descent; Bernstein et al. 2018, signSGD);
    - ``"diag"``: for :math:`\lVert\delta\rVert_D = \sqrt{\delta^\top D\delta}` with :math:`D` a
      positive diagonal (given as its diagonal), :math:`-D^{-1}g/\sqrt{g^\top D^{-1}g}` (diagonal scaling).

    Boyd and Vandenberghe (2004), *Convex Optimization*, sec. 9.4.

    >>> steepest_direction([3.0, -4.0]).tolist(), steepest_direction([3.0, -4.0], "linf").tolist()
    ([-0.6, 0.8], [-1.0, 1.0])
    >>> steepest_direction([1.0, 1.0], "diag", D=[1.0, 4.0]).round(4).tolist()
    [-0.8944, -0.2236]
    """
    g = np.asarray(g, dtype=float)
    if not np.any(g):
        raise ValueError("Invalid g: all zeros (at a stationary point no direction decreases the linear model)")
    if norm == "l2":
        return -g / np.linalg.norm(g)
    if norm == "linf":
        return -np.sign(g)
    if norm == "diag":
        if D is None or np.any(np.asarray(D, dtype=float) <= 0):
            raise ValueError(f"Invalid D: {D!r} (the positive diagonal of the norm's matrix)")
        scaled = g / np.asarray(D, dtype=float)
        return -scaled / np.sqrt(g @ scaled)
    raise ValueError(f"Invalid norm: {norm!r} (one of 'l2', 'linf', 'diag')")


def unit_sphere(norm: str, D=None, n: int = 3600) -> np.ndarray:
    r"""``n`` points :math:`\delta` with :math:`\lVert\delta\rVert = 1` in 2-D, shape ``(n, 2)``."""
    angles = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    circle = np.column_stack([np.cos(angles), np.sin(angles)])
    if norm == "l2":
        return circle
    if norm == "linf":
        return circle / np.max(np.abs(circle), axis=1, keepdims=True)
    if norm == "diag":
        if D is None or np.any(np.asarray(D, dtype=float) <= 0):
            raise ValueError(f"Invalid D: {D!r} (the positive diagonal of the norm's matrix)")
        return circle / np.sqrt(np.asarray(D, dtype=float))
    raise ValueError(f"Invalid norm: {norm!r} (one of 'l2', 'linf', 'diag')")


def plot_descent_lemma(etas, values, f0: float, grad_norm2: float, L: float, size=(700, 380)):
    r"""``f(theta - eta g)`` against ``eta`` (solid), under the descent lemma's parabola (dashed)."""
    etas = np.asarray(etas, dtype=float)
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        ax.plot(etas * L, values, color=COLORS[0], label=r"measured $f(\theta - \eta g)$")
        ax.plot(etas * L, descent_lemma_bound(etas, f0, grad_norm2, L), "--", color="black",
                label=r"bound $f - \eta\| g\|^2 + \frac{L}{2}\eta^2\| g\|^2$")
        ax.plot(etas * L, f0 - etas * grad_norm2, ":", color="0.5", label=r"linear model $f - \eta\| g\|^2$")
        ax.axhline(f0, color="0.7", linewidth=0.8)
        guaranteed = f0 - grad_norm2 / (2 * L)
        ax.plot([1.0], [guaranteed], "o", color="black")
        ax.annotate(r"$\eta = 1/L$: decrease $\geq \| g\|^2/(2L)$", (1.0, guaranteed),
                    textcoords="offset points", xytext=(10, -14), fontsize="small")
        ax.set_ylim(min(np.min(values), guaranteed) - 0.3 * grad_norm2 / L, f0 + 0.6 * grad_norm2 / L)
        ax.set_xlabel(r"step size $\eta L$")
        ax.set_ylabel(r"$f$ along $-g$")
        ax.legend(fontsize="small", loc="upper left")
    return fig


def plot_losses_by_eta(runs: dict, f_star: float = 0.0, size=(700, 380)):
    r"""Semilog ``f(theta_t) - f*`` against ``t``, one line per named run (a ``Trajectory``); a
    diverging run gets a dot where its divergence started."""
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        for color, (name, traj) in zip(ETA_COLORS.values(), runs.items(), strict=False):
            gaps = traj.losses - f_star
            ax.semilogy(np.arange(len(gaps)), gaps, color=color, label=name)
            if traj.diverged:
                ax.semilogy([traj.diverged_at], [gaps[traj.diverged_at]], "o", color=color)
        ax.set_xlabel("step $t$")
        ax.set_ylabel(r"$f(\theta_t) - f^\star$")
        ax.legend(fontsize="small")
    return fig


def plot_norm_balls(g, D, size=(900, 370)):
    r"""One panel per norm: its unit ball, :math:`-g` (grey) and the steepest-descent direction."""
    g = np.asarray(g, dtype=float)
    with style():
        fig = new_figure(*size)
        axes = fig.subplots(1, 3, sharex=True, sharey=True)
        for ax, (norm, color) in zip(axes, NORM_COLORS.items(), strict=True):
            ball = unit_sphere(norm, D)
            ax.fill(ball[:, 0], ball[:, 1], color=color, alpha=0.15)
            ax.plot(*np.vstack([ball, ball[:1]]).T, color=color)
            best = steepest_direction(g, norm, D)
            s = np.linspace(-2, 2, 2)
            along = best + np.outer(s, [-g[1], g[0]]) / np.linalg.norm(g)  # level line of g^T delta
            ax.plot(along[:, 0], along[:, 1], "--", color="0.4", linewidth=1)
            ax.annotate("", xy=-g / np.linalg.norm(g) * 1.4, xytext=(0, 0),
                        arrowprops={"arrowstyle": "->", "color": "0.5", "linewidth": 1.5})
            ax.annotate("", xy=best, xytext=(0, 0), arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2.2})
            ax.text(-g[0] / np.linalg.norm(g) * 1.45, -g[1] / np.linalg.norm(g) * 1.45 - 0.25, r"$-g$", color="0.4")
            ax.set_title(NORM_LABELS[norm], fontsize="medium")
            ax.set_aspect("equal")
            ax.set_xlim(-1.7, 1.7)
            ax.set_ylim(-1.7, 1.7)
            ax.set_xlabel(r"$\delta_1$")
        axes[0].set_ylabel(r"$\delta_2$")
    return fig


def plot_rate_bounds(panels: dict, size=(900, 360)):
    r"""Log-log panels, each ``title -> (t, measured, bound, ylabel)``: measurement solid, bound dashed."""
    with style():
        fig = new_figure(*size)
        axes = fig.subplots(1, len(panels))
        for ax, (title, (t, measured, bound, ylabel)) in zip(np.atleast_1d(axes), panels.items(), strict=True):
            ax.loglog(t, measured, color=COLORS[0], label="measured")
            ax.loglog(t, bound, "--", color="black", label="bound")
            ax.set_xlabel("step $t$")
            ax.set_ylabel(ylabel)
            ax.set_title(title, fontsize="medium")
            ax.legend(fontsize="small")
    return fig


def plot_basins(fun, runs: dict, size=(700, 360)):
    r"""A 1-D landscape with the iterates of each named run (a ``Trajectory``), joined in order."""
    (low, high), = fun.domain
    grid = np.linspace(low, high, 400)
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        ax.plot(grid, fun.value(grid[None, :]), color="0.3")
        for color, (name, traj) in zip((COLORS[5], COLORS[1]), runs.items(), strict=False):
            xs = traj.xs[:, 0]
            ax.plot(xs, fun.value(xs[None, :]), "o-", color=color, markersize=4, linewidth=0.8, alpha=0.9, label=name)
        ax.plot(fun.minima[:, 0], fun.value(fun.minima.T), "*", color="gold", markeredgecolor="black",
                markersize=13, label="minima")
        ax.set_xlabel(r"$\theta$")
        ax.set_ylabel(r"$f(\theta)$")
        ax.legend(fontsize="small")
    return fig
