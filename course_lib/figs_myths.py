r"""Experiments and figures for lesson 12 (myths and misconceptions), kept out of the notebook.

- :class:`MythLog`: each myth's verdict and the number of its checks that passed, for the
  summary table the lesson generates from its own results.
- The TF/Keras learning-rate schedules, written from their documented formulas (keras.io, "Learning
  rate schedules API"), so the lesson can compare them with :mod:`course_lib.schedules`.
- :func:`delayed_gd` and :func:`delay_stability_limit`: gradient descent with stale gradients.
- Figures (``new_figure``, no pyplot); one colour per method, :data:`METHOD_COLORS`.
"""

from __future__ import annotations

import math

import numpy as np
from IPython.display import Markdown

from .claims import claim as _claim
from .plotting import COLORS, new_figure

#: The same colour means the same method in every figure of the lesson.
METHOD_COLORS = {
    "GD": COLORS[0], "heavy ball": COLORS[1], "Adam": COLORS[2], "AdaGrad": COLORS[3],
    "RMSprop": COLORS[4], "L-BFGS": COLORS[5], "Newton": COLORS[6],
}

VERDICTS = ("true", "false", "half-true")


def method_color(label: str) -> str:
    """The colour of the method a label starts with ("heavy ball, lr 0.03" -> heavy ball's)."""
    for name, color in METHOD_COLORS.items():
        if label.startswith(name):
            return color
    return "0.4"


class MythLog:
    """The lesson's myths, their verdicts and how many ``claim`` checks each passed.

    ``log.myth(number, text, verdict)`` opens a myth; ``log.claim(...)`` is
    :func:`course_lib.claims.claim` counted for the open myth; ``log.table()`` is the summary.
    """

    def __init__(self):
        self.rows: list[dict] = []

    def myth(self, number: int, text: str, verdict: str, lesson: str = "") -> None:
        if verdict not in VERDICTS:
            raise ValueError(f"Invalid verdict: {verdict!r} (one of {', '.join(VERDICTS)})")
        if any(row["number"] == number for row in self.rows):
            raise ValueError(f"Myth {number} is already recorded")
        self.rows.append({"number": number, "text": text, "verdict": verdict, "lesson": lesson, "checks": 0})

    def claim(self, statement: str, condition, digits: int = 3, **measured) -> None:
        if not self.rows:
            raise ValueError("Open a myth with log.myth(...) before checking a claim")
        _claim(statement, condition, digits=digits, **measured)
        self.rows[-1]["checks"] += 1

    def counts(self) -> dict:
        return {verdict: sum(row["verdict"] == verdict for row in self.rows) for verdict in VERDICTS}

    def table(self) -> Markdown:
        lines = ["| # | claim | verdict | checks passed | lesson |", "|---|---|---|---|---|"]
        for row in sorted(self.rows, key=lambda r: r["number"]):
            text = row["text"].replace("_", r"\_").replace("*", r"\*")        # plain text, not emphasis
            cells = (row["number"], text, f"**{row['verdict']}**", row["checks"], row["lesson"])
            lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
        return Markdown("\n".join(lines))


# --- TF/Keras schedules, from their documented formulas (``step`` = completed optimizer steps) ---

def keras_exponential_decay(initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""``keras.optimizers.schedules.ExponentialDecay``:
    :math:`\eta_0\, r^{\,t/s}`, with :math:`\lfloor t/s\rfloor` when ``staircase``."""
    def lr(step):
        p = step // decay_steps if staircase else step / decay_steps
        return initial_learning_rate * decay_rate**p
    return lr


def keras_piecewise_constant_decay(boundaries, values):
    r"""``keras.optimizers.schedules.PiecewiseConstantDecay``: ``values[0]`` while
    ``step <= boundaries[0]``, ``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``,
    ``values[-1]`` after the last boundary."""
    if len(values) != len(boundaries) + 1:
        raise ValueError(f"Invalid values: {len(values)} values for {len(boundaries)} boundaries (need one more)")

    def lr(step):
        return values[sum(step > b for b in boundaries)]
    return lr


def keras_inverse_time_decay(initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""``keras.optimizers.schedules.InverseTimeDecay``:
    :math:`\eta_0 / (1 + r\, t/s)`, with :math:`\lfloor t/s\rfloor` when ``staircase``."""
    def lr(step):
        p = step // decay_steps if staircase else step / decay_steps
        return initial_learning_rate / (1 + decay_rate * p)
    return lr


def keras_adam(lr=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    r"""One step of Keras 3's ``Adam.update_step``, as its source writes it, as a pure function
    ``step(theta, g, state) -> (theta, state)`` with ``state = (t, m, v)`` (start: ``(0, 0, 0)``):

    .. math::
        \alpha_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t), \quad
        \theta_t = \theta_{t-1} - \alpha_t\, m_t / (\sqrt{v_t} + \hat\epsilon)

    :math:`\hat\epsilon` is added to the *uncorrected* :math:`\sqrt{v_t}` ("epsilon hat", Kingma and Ba,
    2015, end of section 2), so it acts like torch's :math:`\epsilon = \hat\epsilon/\sqrt{1-\beta_2^t}`.
    """
    def step(theta, g, state):
        t, m, v = state
        t += 1
        alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        return theta - m * alpha / (np.sqrt(v) + epsilon), (t, m, v)
    return step


# --- stale gradients (asynchronous SGD) ---

def delayed_gd(grad, x0, lr: float, delay: int, steps: int) -> np.ndarray:
    r"""Gradient descent whose step :math:`t` uses the gradient at an iterate ``delay`` steps old:
    :math:`\theta_t = \theta_{t-1} - \eta\nabla f(\theta_{t-1-\tau})` (the first steps use
    :math:`\theta_0`). Returns all iterates. ``delay = 0`` is plain gradient descent."""
    if delay < 0:
        raise ValueError(f"Invalid delay value: {delay} (an integer >= 0)")
    xs = [np.asarray(x0, dtype=float)]
    with np.errstate(all="ignore"):
        for t in range(steps):
            xs.append(xs[-1] - lr * grad(xs[max(t - delay, 0)]))
    return np.array(xs)


def delay_stability_limit(delay: int) -> float:
    r"""The largest :math:`\eta\lambda` for which :math:`e_{t} = e_{t-1} - \eta\lambda\, e_{t-1-\tau}`
    decays: :math:`2\sin\!\big(\pi / (2(2\tau+1))\big)` (Levin and May, 1976; Kuruklis, 1994).
    :math:`\tau = 0` gives gradient descent's 2."""
    return 2.0 * math.sin(math.pi / (2 * (2 * delay + 1)))


# --- figures ---

def plot_paths(fun, paths: dict, marks: dict | None = None, size=(560, 470)):
    """Paths (name -> iterates) on the contours of a 2-D ``fun``, with labelled ``marks`` (name -> point)."""
    from .plotting import draw_landscape

    fig = new_figure(*size)
    ax = fig.subplots()
    draw_landscape(ax, fun)
    for name, xs in paths.items():
        ax.plot(xs[:, 0], xs[:, 1], ".-", color=METHOD_COLORS.get(name), markersize=4, label=name, alpha=0.8)
    for name, point in (marks or {}).items():
        ax.plot(*point, "X", color="red", markersize=12, label=name)
    ax.legend(loc="lower right", fontsize="small")
    return fig


def plot_final_vs_start(starts, finals: dict, barrier: float, minima, size=(760, 360)):
    """Where each method ends (y) against where it started (x), one panel per method."""
    fig = new_figure(*size)
    axes = fig.subplots(1, len(finals), sharey=True)
    for ax, (name, ends) in zip(np.atleast_1d(axes), finals.items(), strict=True):
        ax.axvline(barrier, color="0.5", linestyle="--", linewidth=1)
        ax.axhline(barrier, color="0.5", linestyle="--", linewidth=1)
        for m in minima:
            ax.axhline(m, color="0.8", linewidth=3, zorder=0)
        ax.plot(starts, ends, ".", color=method_color(name), markersize=3)
        ax.set_title(name, fontsize="small")
        ax.set_xlabel(r"start $\theta_0$")
    np.atleast_1d(axes)[0].set_ylabel(r"end $\theta_T$")
    return fig


def plot_oscillation(curves: dict, size=(620, 330)):
    """Error along one eigen-direction against step, one line per method (symmetric log scale)."""
    fig = new_figure(*size)
    ax = fig.subplots()
    for name, z in curves.items():
        ax.plot(np.arange(len(z)), z, ".-", markersize=3, color=method_color(name), label=name)
    ax.axhline(0, color="0.4", linewidth=0.8)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"error along the steep direction $v_2^\top e_t$")
    ax.legend(fontsize="small")
    return fig


def plot_momentum_rates(betas, theory: dict, measured: dict, marks: dict, size=(620, 360)):
    """Heavy-ball rate against beta: theory (dashed) and measured (markers) for two step sizes
    (heavy ball's colour for the first, grey for the second)."""
    fig = new_figure(*size)
    ax = fig.subplots()
    for (color, marker), name in zip(((METHOD_COLORS["heavy ball"], "o"), ("0.45", "s")), theory, strict=False):
        ax.plot(betas, theory[name], "--", color=color, label=f"{name}: theory")
        ax.plot(measured[name][0], measured[name][1], marker, color=color, linestyle="none", label=f"{name}: measured")
    for name, (beta, rate) in marks.items():
        ax.plot([beta], [rate], "*", color="black", markersize=13)
        ax.annotate(name, (beta, rate), textcoords="offset points", xytext=(6, -14), fontsize="small")
    ax.set_ylim(0.78, 1.005)
    ax.set_xlabel(r"momentum $\beta$")
    ax.set_ylabel(r"rate $r$ ($\|e_t\| \approx C r^t$)")
    ax.legend(fontsize="small")
    return fig


def plot_delay_limits(delays, theory, measured, size=(560, 340)):
    """Largest stable eta*L against the staleness tau: theory (dashed) and measured (dots)."""
    fig = new_figure(*size)
    ax = fig.subplots()
    fine = np.linspace(0, max(delays), 200)
    ax.plot(fine, [2 * math.sin(math.pi / (2 * (2 * d + 1))) for d in fine], "--", color=COLORS[0],
            label=r"theory $2\sin\frac{\pi}{2(2\tau+1)}$")
    ax.plot(delays, measured, "o", color=COLORS[0], label="measured (bisection)")
    ax.set_yscale("log")
    ax.set_xlabel(r"staleness $\tau$ (steps)")
    ax.set_ylabel(r"largest stable $\eta L$")
    ax.legend(fontsize="small")
    return fig


def plot_train_test(curves: dict, size=(640, 360)):
    """Train (dashed) and test (solid) loss against step for each optimizer, log-log."""
    fig = new_figure(*size)
    ax = fig.subplots()
    for name, (train, test) in curves.items():
        t = np.arange(1, len(train) + 1)
        color = METHOD_COLORS.get(name)
        ax.plot(t, train, "--", color=color, label=f"{name}: train")
        ax.plot(t, test, "-", color=color, label=f"{name}: test")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step $t$")
    ax.set_ylabel("mean squared error / 2")
    ax.legend(fontsize="small", ncol=2)
    return fig


def plot_schedules_and_gaps(lrs: dict, gaps: dict, size=(900, 340)):
    """Left: each schedule's lr against step; right: its mean loss gap (log scale)."""
    fig = new_figure(*size)
    ax_lr, ax_gap = fig.subplots(1, 2)
    for color, name in zip(COLORS, lrs, strict=False):
        ax_lr.plot(lrs[name], color=color, label=name)
        ax_gap.plot(gaps[name], color=color, label=name, linewidth=1.2)
    ax_lr.set_xlabel("step $t$")
    ax_lr.set_ylabel(r"$\eta_t$")
    ax_gap.set_yscale("log")
    ax_gap.set_xlabel("step $t$")
    ax_gap.set_ylabel(r"$f(\theta_t) - f^\star$ (mean of seeds)")
    ax_lr.legend(fontsize="small")
    return fig
