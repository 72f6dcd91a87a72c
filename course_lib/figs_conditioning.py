r"""Lesson 02's measurements and figures: the rate of gradient descent on a strongly convex f.

On a quadratic with Hessian eigenvalues :math:`\mu = \lambda_1 \le \dots \le \lambda_d = L`,
gradient descent multiplies the error's :math:`i`-th eigen-coordinate by :math:`1 - \eta\lambda_i`
per step, so the error shrinks at the rate

.. math:: r(\eta) = \max_i |1 - \eta\lambda_i| = \max(|1 - \eta\mu|, |1 - \eta L|),

and the same per-step bound holds for every twice-differentiable :math:`f` whose Hessians have their
eigenvalues in :math:`[\mu, L]` (lesson 02, section 5). For :math:`L`-smooth, :math:`\mu`-strongly convex
:math:`f` and :math:`0 < \eta \le 2/(L+\mu)`, Nesterov (2004, *Introductory Lectures on Convex Optimization*,
Thm 2.1.15) proves convergence without second derivatives, with the rate :math:`(\kappa-1)/(\kappa+1)` at
:math:`\eta = 2/(L+\mu)`.
"""

from __future__ import annotations

import numpy as np

from .functions import Landscape
from .plotting import COLORS, new_figure, style


def rate(eta, mu: float, L: float):
    r""":math:`r(\eta) = \max(|1-\eta\mu|, |1-\eta L|)`, the worst factor per step (array-friendly).

    >>> round(float(rate(2 / 11, 1.0, 10.0)), 12)  # the best step 2/(L+mu): (kappa-1)/(kappa+1) = 9/11
    0.818181818182
    """
    eta = np.asarray(eta, dtype=float)
    return np.maximum(np.abs(1 - eta * mu), np.abs(1 - eta * L))


def fitted_rate(values: np.ndarray, start: int, stop: int) -> float:
    r"""The geometric rate of ``values`` between steps ``start`` and ``stop``:
    :math:`(v_{\text{stop}} / v_{\text{start}})^{1/(\text{stop}-\text{start})}`.

    >>> fitted_rate(0.5 ** np.arange(10), 2, 8)
    0.5
    """
    if not 0 <= start < stop < len(values):
        raise ValueError(f"Invalid window: start={start}, stop={stop} (0 <= start < stop < {len(values)})")
    return float((values[stop] / values[start]) ** (1.0 / (stop - start)))


class LogCoshQuadratic(Landscape):
    r"""A smooth, strongly convex function that is not a quadratic:

    .. math:: f(\theta) = \tfrac12\theta^\top A\theta - b^\top\theta + c\sum_j \log\cosh\theta_j,
        \qquad \nabla^2 f(\theta) = A + c\,\operatorname{diag}(\operatorname{sech}^2\theta_j).

    Since :math:`0 < \operatorname{sech}^2 \le 1`, every Hessian has its eigenvalues in
    :math:`[\lambda_{\min}(A), \lambda_{\max}(A) + c]`: ``mu`` and ``L`` are these bounds.
    ``minima`` holds :math:`\theta^\star`, found by Newton's method.
    """

    name = "quadratic + log cosh"

    def __init__(self, A, b, c: float = 1.0):
        A, b = np.asarray(A, dtype=float), np.asarray(b, dtype=float)
        if A.ndim != 2 or A.shape != (len(b), len(b)) or not np.allclose(A, A.T):
            raise ValueError(f"A must be a symmetric (d, d) matrix matching b, got {A.shape} and {b.shape}")
        if not c >= 0:
            raise ValueError(f"Invalid c value: {c} (>= 0)")
        self.A, self.b, self.c, self.dim = A, b, float(c), len(b)
        eigenvalues = np.linalg.eigvalsh(A)
        if eigenvalues[0] <= 0:
            raise ValueError("A must be positive definite (f strongly convex)")
        self.mu, self.L = float(eigenvalues[0]), float(eigenvalues[-1] + c)
        theta = np.linalg.solve(A, b)
        for _ in range(50):  # Newton's method: f is strongly convex and smooth, a few steps suffice
            theta = theta - np.linalg.solve(self.hessian(theta), self.grad(theta))
        self.minima = theta[None, :]
        self.min_value = float(self.value(theta))
        self.start = theta + 1.0
        self.domain = tuple((t - 3.0, t + 3.0) for t in theta)

    def value(self, x):
        x = np.asarray(x, dtype=float)
        quadratic = 0.5 * np.einsum("i...,ij,j...->...", x, self.A, x) - np.einsum("i,i...->...", self.b, x)
        return quadratic + self.c * np.sum(np.logaddexp(x, -x) - np.log(2.0), axis=0)

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return np.einsum("ij,j...->i...", self.A, x) - self.b.reshape((-1,) + (1,) * (x.ndim - 1)) + self.c * np.tanh(x)

    def hessian(self, x):
        x = np.asarray(x, dtype=float)
        return self.A + self.c * np.diag(1.0 / np.cosh(x) ** 2)


def plot_rate_v(mu: float, L: float, etas, measured, size=(640, 360)):
    r"""The V-shaped :math:`r(\eta)` (dashed) with the measured rates (dots), :math:`\eta` in units of :math:`1/L`."""
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        grid = np.linspace(0.0, max(2.2, float(np.max(etas)) * L * 1.02), 400) / L
        ax.plot(grid * L, np.abs(1 - grid * mu), "--", color=COLORS[0], linewidth=1.2, label=r"$|1-\eta\mu|$ (flat)")
        ax.plot(grid * L, np.abs(1 - grid * L), "--", color=COLORS[1], linewidth=1.2, label=r"$|1-\eta L|$ (steep)")
        ax.plot(grid * L, rate(grid, mu, L), "--", color="black", linewidth=2.2, label=r"theory $r(\eta)$")
        ax.plot(np.asarray(etas) * L, measured, "o", color=COLORS[2], markersize=6, label="measured rate")
        best = 2 / (L + mu)
        ax.axvline(best * L, color="0.5", linewidth=0.8)
        ax.annotate(r"$\eta^\star = 2/(L+\mu)$", (best * L, 0.12), xytext=(4, 0), textcoords="offset points",
                    fontsize="small", color="0.3")
        ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 1.3)
        ax.set_xlabel(r"step size $\eta L$")
        ax.set_ylabel(r"rate $\| e_{t}\| / \| e_{t-1}\|$")
        ax.legend(fontsize="small", loc="lower left")
    return fig


def plot_error_components(z: np.ndarray, eigenvalues, eta: float, errors, gaps, size=(980, 380)):
    r"""Left: :math:`|z_{t,i}|` for each eigen-direction (dots) and :math:`|1-\eta\lambda_i|^t|z_{0,i}|`
    (dashed). Right: the relative error and loss gap (dots) with :math:`r^t` and :math:`r^{2t}` (dashed)."""
    steps = np.arange(len(z))
    r = float(np.max(np.abs(1 - eta * np.asarray(eigenvalues))))
    with style():
        fig = new_figure(*size)
        ax, ax_gap = fig.subplots(1, 2)
        for i, (color, lam) in enumerate(zip(COLORS, eigenvalues, strict=False)):
            ax.semilogy(steps, np.abs(z[:, i]), "o", color=color, markersize=3.5,
                        label=rf"$|z_{{t,{i + 1}}}|$, $\lambda_{i + 1} = {lam:g}$")
            ax.semilogy(steps, np.abs(1 - eta * lam) ** steps * abs(z[0, i]), "--", color=color, linewidth=1.2)
        ax.set_xlabel("step $t$")
        ax.set_ylabel("error along each eigenvector (dashed: theory)")
        ax.legend(fontsize="small", loc="lower left")
        ax_gap.semilogy(steps, errors / errors[0], "o", color=COLORS[0], markersize=3.5,
                        label=r"error $\| e_t\|/\| e_0\|$")
        ax_gap.semilogy(steps, gaps / gaps[0], "o", color=COLORS[1], markersize=3.5,
                        label=r"loss gap $(f_t-f^\star)/(f_0-f^\star)$")
        tail = len(steps) // 2
        ax_gap.semilogy(steps, errors[tail] / errors[0] * r ** (steps - tail), "--", color=COLORS[0], linewidth=1,
                        label=r"slope $r^t$")
        ax_gap.semilogy(steps, gaps[tail] / gaps[0] * r ** (2 * (steps - tail)), "--", color=COLORS[1], linewidth=1,
                        label=r"slope $r^{2t}$")
        ax_gap.set_ylim(gaps[-1] / gaps[0] / 10, 3)
        ax_gap.set_xlabel("step $t$")
        ax_gap.legend(fontsize="small", loc="lower left")
    return fig


def plot_contraction(ratios: np.ndarray, bound: float, local: float, size=(640, 340)):
    r"""Per-step ratios :math:`\lVert e_t\rVert/\lVert e_{t-1}\rVert` (dots) under the bound :math:`r(\eta)`
    (dashed) and the local rate at :math:`\theta^\star` (dotted)."""
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        steps = np.arange(1, len(ratios) + 1)
        ax.plot(steps, ratios, "o", color=COLORS[2], markersize=3, label="measured ratio")
        ax.axhline(bound, color="black", linestyle="--", linewidth=1.5, label=r"bound $r(\eta)$ from $\mu$, $L$")
        ax.axhline(local, color=COLORS[3], linestyle=":", linewidth=1.5,
                   label=r"local rate $\max_i|1-\eta\lambda_i(\nabla^2 f(\theta^\star))|$")
        ax.set_xlabel("step $t$")
        ax.set_ylabel(r"$\| e_t\| / \| e_{t-1}\|$")
        ax.legend(fontsize="small", loc="lower right")
    return fig
