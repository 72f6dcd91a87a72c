r"""Experiments and figures of lesson 04 (momentum and Nesterov).

On one eigen-direction :math:`\lambda_i` of a quadratic the error :math:`e_t` of the heavy ball
(torch's ``SGD(momentum=beta)``) and of Nesterov's method (``nesterov=True``) obeys a two-term
linear recursion :math:`e_t = a\,e_{t-1} - b\,e_{t-2}`, i.e. the 2x2 iteration matrix
:math:`\begin{pmatrix} a & -b\\ 1 & 0\end{pmatrix}` acting on :math:`(e_{t-1}, e_{t-2})`:

* heavy ball: :math:`a = 1 + \beta - \eta\lambda_i`, :math:`b = \beta` (Polyak, 1964);
* Nesterov: :math:`a = (1+\beta)(1-\eta\lambda_i)`, :math:`b = \beta(1-\eta\lambda_i)`.

Its eigenvalues solve :math:`z^2 - a z + b = 0`; the larger modulus is the rate.
"""

from __future__ import annotations

import numpy as np

from . import optim
from .functions import Landscape
from .plotting import COLORS, new_figure

GD, HEAVY_BALL, NESTEROV = COLORS[0], COLORS[1], COLORS[2]  # the explorer's order: sgd, momentum, nesterov


def iteration_matrix(eta_lambda: float, beta: float, nesterov: bool = False) -> np.ndarray:
    """The 2x2 matrix mapping :math:`(e_{t-1}, e_{t-2})` to :math:`(e_t, e_{t-1})` on one eigen-direction."""
    if nesterov:
        a, b = (1 + beta) * (1 - eta_lambda), beta * (1 - eta_lambda)
    else:
        a, b = 1 + beta - eta_lambda, beta
    return np.array([[a, -b], [1.0, 0.0]])


def rate(eta_lambda, beta, nesterov: bool = False):
    r"""Spectral radius of :func:`iteration_matrix` (vectorised): the larger :math:`|z|`,
    :math:`z = \tfrac12\big(a \pm \sqrt{a^2 - 4b}\big)`."""
    eta_lambda, beta = np.broadcast_arrays(np.asarray(eta_lambda, float), np.asarray(beta, float))
    if nesterov:
        a, b = (1 + beta) * (1 - eta_lambda), beta * (1 - eta_lambda)
    else:
        a, b = 1 + beta - eta_lambda, beta
    root = np.sqrt((a * a - 4 * b).astype(complex))
    return np.maximum(np.abs((a + root) / 2), np.abs((a - root) / 2))


def polyak_parameters(mu: float, L: float) -> tuple[float, float]:
    r"""Polyak's :math:`\eta = 4/(\sqrt L+\sqrt\mu)^2`, :math:`\beta = \big((\sqrt\kappa-1)/(\sqrt\kappa+1)\big)^2`."""
    kappa = L / mu
    return 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2


def nesterov_parameters(mu: float, L: float) -> tuple[float, float]:
    r"""Nesterov's constant-momentum choice :math:`\eta = 1/L`, :math:`\beta = (\sqrt\kappa-1)/(\sqrt\kappa+1)`."""
    root = np.sqrt(L / mu)
    return 1 / L, (root - 1) / (root + 1)


def fitted_rate(errors: np.ndarray, skip: int = 20, floor: float = 1e-250) -> float:
    """Per-step rate from a least-squares line through ``log ||e_t||`` (steps after ``skip``, above ``floor``).

    0 when the error reached (almost) exactly zero; ``nan`` when too few steps are left to fit (a run
    that was stopped early because it blew up), so that a claim comparing the rate fails."""
    errors = np.asarray(errors, float)
    if errors.ndim > 1:
        errors = np.linalg.norm(errors, axis=1)
    t = np.arange(len(errors))
    keep = (t >= skip) & (errors > floor)
    if keep.sum() < 2:
        return 0.0 if errors[-1] <= floor else float("nan")
    return float(np.exp(np.polyfit(t[keep], np.log(errors[keep]), 1)[0]))


def measured_rate_1d(eta_lambda: float, beta: float, nesterov: bool = False, steps: int = 300) -> float:
    """Rate of the reference ``SGD`` on :math:`f(\\theta) = \\tfrac12\\theta^2` (so :math:`\\lambda_1 = 1`)
    with ``lr = eta_lambda``, from the pair :math:`(e_t, e_{t-1})`, whose norm does not vanish at a
    zero crossing. ``inf`` for a run that blows up."""
    def value_and_grad(x):
        return 0.5 * float(x @ x), x.copy()

    traj = optim.minimize(optim.SGD(lr=eta_lambda, momentum=beta, nesterov=nesterov), value_and_grad,
                          x0=np.array([1.0]), steps=steps)
    if traj.diverged:
        return float("inf")
    e = traj.xs[:, 0]
    return fitted_rate(np.column_stack([e[1:], e[:-1]]))


def max_difference(xs: np.ndarray, ys: np.ndarray) -> float:
    """Largest ``|xs - ys|``, or ``inf`` when the runs have different lengths (one stopped: it blew up)."""
    xs, ys = np.asarray(xs), np.asarray(ys)
    return float(np.abs(xs - ys).max()) if xs.shape == ys.shape else float("inf")


def steps_to_tolerance(traj, minimizer, tolerance: float) -> int | None:
    """First step at which ``||theta_t - theta*|| < tolerance * ||theta_0 - theta*||`` (``None`` if never)."""
    errors = np.linalg.norm(traj.xs - minimizer, axis=1)
    below = np.flatnonzero(errors < tolerance * errors[0])
    return int(below[0]) if len(below) else None


def minimize_lr_inside(beta: float, schedule, fun, x0, steps: int) -> np.ndarray:
    r"""Iterates of the lr-inside form :math:`m_t = \beta m_{t-1} + \eta_t g_t`, :math:`\theta_t = \theta_{t-1} - m_t`.

    It is the reference ``SGD(lr=1, momentum=beta)`` fed :math:`\eta_t g_t` instead of :math:`g_t`
    (its buffer is linear in the gradients). ``schedule(t)`` is :math:`\eta_{t+1}`, as for ``lr``.
    """
    opt = optim.SGD(lr=1.0, momentum=beta)
    x = np.asarray(x0, float)
    state, xs = opt.init(x), [x]
    for t in range(steps):
        x, state = opt.update(x, schedule(t) * fun.grad(x), state)
        xs.append(x)
    return np.array(xs)


def nesterov_convex(fun, x0, L: float, steps: int) -> np.ndarray:
    r"""Nesterov's method for convex, L-smooth f (momentum :math:`(\sigma_t-1)/\sigma_{t+1}` growing to 1),
    in Beck and Teboulle's (2009, FISTA without the prox) form: :math:`x_t = y_t - \nabla f(y_t)/L`,
    :math:`\sigma_{t+1} = \tfrac12\big(1 + \sqrt{1 + 4 \sigma_t^2}\big)`, :math:`\sigma_1 = 1`,
    :math:`y_{t+1} = x_t + \tfrac{\sigma_t - 1}{\sigma_{t+1}}(x_t - x_{t-1})`, :math:`y_1 = x_0`.
    Returns :math:`x_0, x_1, \dots` (one gradient per step)."""
    x = y = np.asarray(x0, float)
    sigma, xs = 1.0, [x]
    for _ in range(steps):
        x_new = y - fun.grad(y) / L
        sigma_new = (1 + np.sqrt(1 + 4 * sigma * sigma)) / 2
        y = x_new + (sigma - 1) / sigma_new * (x_new - x)
        x, sigma = x_new, sigma_new
        xs.append(x)
    return np.array(xs)


def nesterov_worst_function(d: int, L: float = 1.0):
    r"""Nesterov's (2004, Sec. 2.1.2) hard convex function in :math:`d` variables:
    :math:`f(\theta) = \tfrac L4\big(\tfrac12\theta^\top A\theta - \theta_1\big)`, :math:`A` = tridiag(-1, 2, -1),
    shifted so :math:`f^\star = 0`; :math:`\theta^\star_i = 1 - i/(d+1)`."""
    from .functions import Quadratic

    A = 2 * np.eye(d) - np.eye(d, k=1) - np.eye(d, k=-1)
    center = 1 - np.arange(1, d + 1) / (d + 1)
    return Quadratic(L / 4 * A, center=center, name=f"nesterov_worst(d={d})", start=np.zeros(d))


class PiecewiseQuadratic(Landscape):
    r"""Lessard, Recht and Packard's (2016) heavy-ball counterexample, a 1-D function, :math:`\mu = 1`, :math:`L = 25`:
    :math:`f' = 25\theta` for :math:`\theta < 1`, :math:`\theta + 24` on :math:`[1, 2)`, :math:`25\theta - 24` beyond.
    Strongly convex and smooth, not quadratic; minimum :math:`f(0) = 0`."""

    name, dim, mu, L = "piecewise_quadratic", 1, 1.0, 25.0
    domain = ((-3.0, 4.0),)
    start = np.array([3.3])
    minima, min_value = np.zeros((1, 1)), 0.0

    def value(self, x):
        x = np.asarray(x, float)[0]
        return np.where(x < 1, 12.5 * x**2, np.where(x < 2, 0.5 * x**2 + 24 * x - 12, 12.5 * x**2 - 24 * x + 36))

    def grad(self, x):
        x = np.asarray(x, float)[0]
        return np.array([np.where(x < 1, 25 * x, np.where(x < 2, x + 24, 25 * x - 24))])


# --- figures ---------------------------------------------------------------------------------
def rate_map_figure(kappa: float, measured: dict, beta_cut: float):
    r"""Left: the heavy ball's rate over :math:`(\eta\lambda_i, \beta)`, the stability limit
    :math:`\eta\lambda_i = 2(1+\beta)`, the critical-damping curves :math:`(1\pm\sqrt\beta)^2` and Polyak's
    segment :math:`[\eta\mu, \eta L]` for ``kappa``. Right: the cut at ``beta_cut``, theory dashed,
    ``measured`` (``eta_lambda -> rate``) as dots."""
    fig = new_figure(1000, 420)
    ax, ax_cut = fig.subplots(1, 2, width_ratios=(1.25, 1))
    x, b = np.linspace(0.0, 4.2, 421), np.linspace(0.0, 0.99, 199)
    X, B = np.meshgrid(x, b)
    R = rate(X, B)
    image = ax.pcolormesh(X, B, np.ma.masked_where(R >= 1, R), cmap="viridis", vmin=0, vmax=1, shading="auto")
    fig.colorbar(image, ax=ax, label=r"rate $r$ (error $\times r$ per step)")
    ax.fill_betweenx(b, 2 * (1 + b), 4.2, color="0.85")
    ax.plot(2 * (1 + b), b, "k--", label=r"stability limit $\eta\lambda_i = 2(1+\beta)$")
    ax.plot((1 - np.sqrt(b)) ** 2, b, "w--", label=r"critical damping $(1\pm\sqrt{\beta})^2$")
    ax.plot((1 + np.sqrt(b)) ** 2, b, "w--")
    eta, beta = polyak_parameters(1.0, kappa)
    ax.plot([eta * 1.0, eta * kappa], [beta, beta], "-", color=HEAVY_BALL, lw=3,
            label=rf"Polyak, $\kappa={kappa:g}$: $\eta\lambda_i\in[\eta\mu,\eta L]$")
    ax.plot([eta * 1.0, eta * kappa], [beta, beta], "o", color=HEAVY_BALL, markeredgecolor="white")
    ax.text(3.35, 0.08, "diverges", fontsize="large")
    ax.set(xlim=(0, 4.2), ylim=(0, 0.99), xlabel=r"$\eta\lambda_i$", ylabel=r"momentum $\beta$")
    ax.legend(loc="upper right", fontsize="small", facecolor="0.6", framealpha=0.9)
    xc = np.linspace(0.0, 2 * (1 + beta_cut) + 0.2, 400)
    ax_cut.plot(xc, rate(xc, beta_cut), "--", color=HEAVY_BALL, label="theory: spectral radius")
    points = np.array(sorted(measured.items()))
    ax_cut.plot(points[:, 0], np.minimum(points[:, 1], 1.2), "o", color=HEAVY_BALL, label="measured (reference SGD)")
    ax_cut.axhline(np.sqrt(beta_cut), color="0.5", lw=0.8)
    ax_cut.axvspan((1 - np.sqrt(beta_cut)) ** 2, (1 + np.sqrt(beta_cut)) ** 2, color="0.9")
    ax_cut.text(1.0, np.sqrt(beta_cut) - 0.08, r"complex roots: $r=\sqrt{\beta}$", fontsize="small")
    ax_cut.set(ylim=(0, 1.2), xlabel=r"$\eta\lambda_i$", ylabel=r"rate $r$", title=rf"cut at $\beta = {beta_cut:g}$")
    ax_cut.legend(fontsize="small", loc="lower left")
    return fig


def steps_vs_kappa_figure(kappas, counts: dict, theory: dict, colors: dict, tolerance: float):
    """Steps to ``tolerance`` against kappa, log-log: measured dots and lines, theory dashed."""
    fig = new_figure(640, 420)
    ax = fig.subplots()
    for name, values in counts.items():
        ax.plot(kappas, values, "o-", color=colors[name], label=f"{name} (measured)")
        ax.plot(kappas, theory[name], "--", color=colors[name], lw=1.2)
    ax.plot([], [], "k--", lw=1.2, label=r"theory: $\ln(1/\varepsilon)/(-\ln r)$")
    ax.set(xscale="log", yscale="log", xlabel=r"condition number $\kappa$",
           ylabel=rf"steps until $\|e_t\| < 10^{{{np.log10(tolerance):.0f}}}\,\|e_0\|$")
    ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def schedule_forms_figure(lrs, steps_torch, steps_inside, drop_at: int):
    r"""Left: :math:`\eta_t`. Right: the step length :math:`\|\theta_t-\theta_{t-1}\|` of both forms."""
    fig = new_figure(1000, 360)
    ax_lr, ax = fig.subplots(1, 2, width_ratios=(1, 1.6))
    t = np.arange(1, len(steps_torch) + 1)
    ax_lr.step(t, lrs[: len(t)], where="post", color="0.3")
    ax_lr.set(yscale="log", xlabel="step $t$", ylabel=r"$\eta_t$ (StepLR)")
    ax.plot(t, steps_torch, "-", color=HEAVY_BALL,
            label=r"torch: $m_t=\beta m_{t-1}+g_t$, $\theta_t=\theta_{t-1}-\eta_t m_t$")
    ax.plot(t, steps_inside, "-", color=COLORS[3],
            label=r"lr inside: $m_t=\beta m_{t-1}+\eta_t g_t$, $\theta_t=\theta_{t-1}-m_t$")
    ax.axvline(drop_at + 0.5, color="0.5", lw=0.8)
    ax.set(yscale="log", xlabel="step $t$", ylabel=r"step length $\|\theta_t-\theta_{t-1}\|$")
    ax.legend(fontsize="small", loc="lower left")
    return fig


def nesterov_guarantees_figure(t, gaps: dict, bounds: dict, colors: dict, lower_point, strongly: dict):
    """Left: convex case, loss gap against t (log-log), bounds dashed, the lower bound as a star.
    Right: strongly convex case (semilog), measured solid, bound dashed."""
    fig = new_figure(1000, 400)
    ax, ax_sc = fig.subplots(1, 2)
    for name, gap in gaps.items():
        ax.plot(t[1:], gap[1:], "-", color=colors[name], label=f"{name} (measured)")
        ax.plot(t[1:], bounds[name][1:], "--", color=colors[name], lw=1.2, label=f"{name}: upper bound")
    ax.plot(*lower_point, "*", color="black", markersize=12, label="lower bound at $t=(d-1)/2$ (any method)")
    ax.set(xscale="log", yscale="log", xlabel="step $t$", ylabel=r"$f(\theta_t)-f^\star$",
           title="convex, L-smooth (no strong convexity)")
    ax.legend(fontsize="small", loc="lower left")
    for name, (steps, gap, bound) in strongly.items():
        ax_sc.plot(steps, gap, "-", color=colors[name], label=f"{name} (measured)")
        ax_sc.plot(steps, bound, "--", color=colors[name], lw=1.2, label=r"bound $(1-1/\sqrt{\kappa})^t(\dots)$")
    ax_sc.set(yscale="log", xlabel="step $t$", ylabel=r"$f(x_t)-f^\star$", title="strongly convex")
    ax_sc.legend(fontsize="small")
    return fig


def piecewise_figure(fun, runs: dict, colors: dict, cycle):
    """Left: the piecewise quadratic with the heavy ball's 3-cycle. Right: error against step (semilog)."""
    fig = new_figure(1000, 380)
    ax, ax_err = fig.subplots(1, 2)
    x = np.linspace(-3, 4, 400)
    ax.plot(x, fun.value(x[None, :]), color="0.3")
    ax.axvspan(1, 2, color="0.92", label=r"$f'' = 1$ on $[1, 2)$, else 25")
    cycle = np.asarray(cycle)
    ax.plot(np.append(cycle, cycle[0]), fun.value(np.append(cycle, cycle[0])[None, :]), "o-",
            color=colors["heavy ball"], label="heavy ball's 3-cycle")
    ax.set(xlabel=r"$\theta$", ylabel=r"$f(\theta)$")
    ax.legend(fontsize="small", loc="upper center")
    for name, errors in runs.items():
        shown = np.where(errors > 0, errors, np.nan)
        ax_err.plot(np.arange(len(errors)), shown, "o-", markersize=3, color=colors[name], label=name)
    ax_err.set(yscale="log", xlabel="step $t$", ylabel=r"$|\theta_t-\theta^\star|$")
    ax_err.legend(fontsize="small")
    return fig
