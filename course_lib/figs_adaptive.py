r"""Experiments and figures of lessons 05 (AdaGrad) and 06 (RMSprop, Adadelta).

The runs use the course's reference optimizers unchanged: their updates are elementwise, so a
batch of starts is one array of shape ``(d, K)`` (coordinates first, as the landscapes expect).
:class:`FullMatrixAdagrad` is the one optimizer here that torch does not have (Duchi, Hazan and
Singer, 2011): it is small, and it is what the lessons compare the diagonal one with.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .optim._base import Optimizer, as_float_array, check, check_lr
from .plotting import COLORS, draw_landscape, new_figure

#: One colour per method in lessons 05-06 (Okabe-Ito, from ``course_lib.plotting.COLORS``).
METHOD_COLORS = {
    "GD": COLORS[0],
    "AdaGrad": COLORS[1],
    "RMSprop": COLORS[2],
    "Adadelta": COLORS[3],
    "full-matrix AdaGrad": COLORS[4],
    "global-sum AdaGrad": COLORS[5],
}


class FullMatrixAdagradState(NamedTuple):
    step: int
    G: np.ndarray  # running sum of outer products g g^T, shape (d, d)


class FullMatrixAdagrad(Optimizer):
    r"""Full-matrix AdaGrad: precondition by the inverse root of the summed outer products.

    .. math::
        G_t = G_{t-1} + g_t g_t^\top, \qquad
        \theta_t = \theta_{t-1} - \eta\, (G_t^{1/2} + \epsilon I)^{+}\, g_t

    (Duchi, Hazan and Singer, 2011, with :math:`\delta = \epsilon`). The inverse is
    taken on the range of :math:`G_t` (a pseudo-inverse), where :math:`g_t` lies. It stores
    :math:`d^2` numbers and needs an eigendecomposition, :math:`O(d^3)`, per step. ``x`` of shape
    ``(d,)``, or ``(d, K)`` for ``K`` independent runs (one matrix each).

    >>> opt = FullMatrixAdagrad(lr=0.5)
    >>> x, state = opt.update(np.zeros(2), np.array([3.0, 4.0]), opt.init(np.zeros(2)))
    >>> x.round(12)   # the first step has length lr along -g: (3, 4)/5 * 0.5
    array([-0.3, -0.4])
    """

    def __init__(self, lr: float = 1e-2, eps: float = 1e-10):
        check_lr(lr)
        check(eps >= 0.0, f"Invalid epsilon value: {eps}")
        self.lr, self.eps = lr, eps

    def init(self, x) -> FullMatrixAdagradState:
        x = as_float_array(x)
        d = x.shape[0]
        return FullMatrixAdagradState(step=0, G=np.zeros((*x.shape[1:], d, d)))

    def update(self, x, grad, state: FullMatrixAdagradState):
        x, g = as_float_array(x), as_float_array(grad)
        gk = np.moveaxis(g, 0, -1)  # (..., d)
        G = state.G + gk[..., :, None] * gk[..., None, :]
        eigenvalues, vectors = np.linalg.eigh(G)
        roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
        in_range = eigenvalues > 1e-12 * eigenvalues[..., -1:]
        inverse = np.where(in_range, 1.0 / (roots + self.eps), 0.0)
        coefficients = np.einsum("...ji,...j->...i", vectors, gk) * inverse
        direction = np.einsum("...ij,...j->...i", vectors, coefficients)
        return x - self.lr_at(state.step) * np.moveaxis(direction, -1, 0), FullMatrixAdagradState(state.step + 1, G)


def rotations(angles_deg) -> np.ndarray:
    r"""Rotation matrices :math:`R_\phi` by each angle (degrees), shape ``(len(angles), 2, 2)``."""
    phis = np.deg2rad(np.asarray(angles_deg, dtype=float))
    c, s = np.cos(phis), np.sin(phis)
    return np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)


def rotated_quadratics(kappa: float, angles_deg) -> np.ndarray:
    r"""Hessians :math:`A = R_\phi \operatorname{diag}(1, \kappa) R_\phi^\top`, shape ``(len(angles), 2, 2)``.

    >>> (rotated_quadratics(100.0, [0.0, 90.0]).round(9) + 0.0).tolist()   # + 0.0 turns -0.0 into 0.0
    [[[1.0, 0.0], [0.0, 100.0]], [[100.0, 0.0], [0.0, 1.0]]]
    """
    R = rotations(angles_deg)
    return R @ np.diag([1.0, kappa]) @ np.swapaxes(R, -1, -2)


def run_quadratics(opt: Optimizer, A: np.ndarray, x0: np.ndarray, steps: int, stop_below: float | None = None):
    r"""Run ``opt`` on :math:`f_k(\theta) = \tfrac12\theta^\top A_k\theta` for each column ``x0[:, k]``.

    ``A``: shape ``(K, d, d)``, ``x0``: shape ``(d, K)``. Returns ``(xs, losses)`` of shapes
    ``(n + 1, d, K)`` and ``(n + 1, K)``, ``n <= steps``; a loss that is not finite is stored as inf.
    With ``stop_below``, the runs stop once every loss is below ``stop_below * f(x0)`` or not finite.
    """
    x, state = np.array(x0, dtype=float), opt.init(x0)
    f0 = 0.5 * np.einsum("ik,kij,jk->k", x, A, x)
    xs = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            grad = np.einsum("kij,jk->ik", A, x)
            x, state = opt.update(x, grad, state)
            xs.append(x)
            if stop_below is not None:
                f = 0.5 * np.einsum("ik,kij,jk->k", x, A, x)
                if np.all((f < stop_below * f0) | ~np.isfinite(f)):
                    break
        xs = np.array(xs)
        losses = 0.5 * np.einsum("tik,kij,tjk->tk", xs, A, xs)
    return xs, np.where(np.isfinite(losses), losses, np.inf)


def steps_to(losses: np.ndarray, tolerance: float = 1e-6, budget: int | None = None) -> np.ndarray:
    """First step at which ``losses < tolerance * losses[0]`` (per column); ``budget`` (or the
    number of steps + 1) where it never happens.

    >>> steps_to(np.array([[1.0, 1.0], [1e-3, 0.5], [1e-7, 0.2]]), budget=99)
    array([ 2, 99])
    """
    losses = np.asarray(losses)
    below = losses < tolerance * losses[:1]
    never = losses.shape[0] if budget is None else budget
    return np.where(below.any(axis=0), below.argmax(axis=0), never)


def plot_tuning(ax, lrs, steps_by_method: dict, budget: int) -> None:
    """Steps to the tolerance against the lr, one line per method, the chosen lr circled."""
    for name, steps in steps_by_method.items():
        steps = np.asarray(steps, dtype=float)
        color = METHOD_COLORS[name]
        ax.plot(lrs, steps, "o-", color=color, markersize=3, label=name)
        best = int(np.argmin(steps))
        ax.plot(lrs[best], steps[best], "o", markersize=11, markerfacecolor="none", markeredgecolor=color)
    ax.axhline(budget, color="0.5", linestyle=":", linewidth=1, label="budget: never reached")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"learning rate $\eta$")
    ax.set_ylabel("steps to reach $10^{-6} f(\\theta_0)$")
    ax.legend(fontsize="small")


def plot_paths(ax, fun, paths: dict, title: str = "") -> None:
    """Paths (arrays of shape ``(steps + 1, 2)``) on the contours of a 2-D landscape; a name starts
    with a key of :data:`METHOD_COLORS` (``"AdaGrad (lr 0.5)"``)."""
    draw_landscape(ax, fun)
    for order, (name, xs) in enumerate(paths.items()):  # later paths are drawn on top
        ax.plot(xs[:, 0], xs[:, 1], ".-", color=METHOD_COLORS[name.split(" (")[0]], markersize=3,
                linewidth=1.2, label=name, zorder=3 + order)
    ax.set_title(title)
    ax.set_aspect("equal")
    ax.legend(loc="upper right", fontsize="x-small")


def loglog_axes(ax, xlabel: str, ylabel: str) -> None:
    """Log-log axes with labels and a light grid."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)


__all__ = [
    "METHOD_COLORS", "FullMatrixAdagrad", "loglog_axes", "new_figure", "plot_paths", "plot_tuning",
    "rotated_quadratics", "rotations", "run_quadratics", "steps_to",
]
