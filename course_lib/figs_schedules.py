r"""Experiments and figures of lesson 08 (learning-rate schedules).

- the TF/Keras decay schedules, written from their documented formulas, to compare with
  :mod:`course_lib.schedules` (no TensorFlow needed);
- SGD with one-sample batches on least squares, vectorised over seeds (the noise floor and
  the Robbins-Monro decays);
- the small network of lesson 11 trained under a schedule, and an LR-range test (Smith, 2017);
- the lesson's figures.

Every run uses the course's reference optimizers (:mod:`course_lib.optim`) unchanged.
"""

from __future__ import annotations

import math

import numpy as np

from . import optim
from .data import minibatches
from .plotting import COLORS, new_figure, style

# ---------------------------------------------------------------------------------------------
# TF/Keras schedules, from the formulas on keras.io/api/optimizers/learning_rate_schedules/


def keras_exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""``ExponentialDecay``: :math:`\eta_0\,r^{s/d}`, with :math:`\lfloor s/d\rfloor` if ``staircase``."""
    p = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate * decay_rate**p


def keras_piecewise_constant_decay(step, boundaries, values):
    """``PiecewiseConstantDecay``: ``values[0]`` while ``step <= boundaries[0]``, ``values[1]``
    while ``step <= boundaries[1]``, ..., ``values[-1]`` after the last boundary."""
    for boundary, value in zip(boundaries, values, strict=False):
        if step <= boundary:
            return value
    return values[-1]


def keras_inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""``InverseTimeDecay``: :math:`\eta_0 / (1 + r\,s/d)`, with :math:`\lfloor s/d\rfloor` if ``staircase``."""
    p = step // decay_steps if staircase else step / decay_steps
    return initial_learning_rate / (1 + decay_rate * p)


def keras_cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0):
    r"""``CosineDecay`` (no warm-up): :math:`\eta_0\left((1-\alpha)\frac{1+\cos(\pi\min(s,d)/d)}{2}
    + \alpha\right)`; it holds at :math:`\alpha\eta_0` after ``decay_steps``."""
    s = min(step, decay_steps)
    return initial_learning_rate * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


def keras_cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    r"""``CosineDecayRestarts`` as Keras computes it: the restart index :math:`i` from a logarithm
    when ``t_mul != 1``; the peak of cycle :math:`i` is ``m_mul**i`` times the first one, the floor
    :math:`\alpha\eta_0` is not scaled."""
    fraction = step / first_decay_steps
    if t_mul == 1.0:
        i = math.floor(fraction)
        fraction -= i
    else:
        i = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
        done = (1.0 - t_mul**i) / (1.0 - t_mul)  # cycles finished, in units of the first
        fraction = (fraction - done) / t_mul**i
    cosine = 0.5 * m_mul**i * (1.0 + math.cos(math.pi * fraction))
    return initial_learning_rate * ((1 - alpha) * cosine + alpha)


# ---------------------------------------------------------------------------------------------
# SGD on least squares, several seeds at once


def sgd_least_squares_gaps(schedule, loss, w0, steps: int, seeds: int = 16, seed: int = 0) -> np.ndarray:
    r"""Mean over ``seeds`` runs of the loss gap :math:`f(\theta_t) - f^\star`, ``t = 1..steps``,
    for SGD with one random sample per step (drawn with replacement) and learning rate
    ``schedule``. The runs are the rows of one array, updated by ``optim.SGD`` together."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(loss.y), size=(steps, seeds))
    X, y = loss.X[idx], loss.y[idx]
    opt = optim.SGD(lr=schedule)
    theta = np.tile(np.asarray(w0, dtype=float), (seeds, 1))
    state = opt.init(theta)
    thetas = np.empty((steps, seeds, theta.shape[1]))
    for t in range(steps):
        grads = ((X[t] * theta).sum(axis=1) - y[t])[:, None] * X[t]  # one sample's gradient per run
        theta, state = opt.update(theta, grads, state)
        thetas[t] = theta
    errors = thetas - loss.minimizer()
    hessian = loss.X.T @ loss.X / len(loss.y)
    return 0.5 * np.einsum("tsi,ij,tsj->t", errors, hessian, errors) / seeds


# ---------------------------------------------------------------------------------------------
# the network of lesson 11


def train_network(net, X, y, opt, seed: int, epochs: int, batch_size: int = 32, plateau=None):
    """Train ``net`` (a :class:`course_lib.mlp.MLP`) with minibatches; the seed sets the initial
    weights and the shuffling, as in lesson 11. Returns ``(batch_losses, epoch_losses)``: the
    loss of each minibatch before its step, and the full training loss after each epoch.
    ``plateau`` (a ``ReduceLROnPlateau`` that ``opt``'s lr reads) is stepped with each epoch's loss."""
    params, rng = net.init(seed), np.random.default_rng(seed)
    state, batch_losses, epoch_losses = opt.init(params), [], []
    with np.errstate(all="ignore"):  # a run that blows up shows as inf/nan losses
        for _ in range(epochs):
            for batch in minibatches(len(y), batch_size, rng):
                loss, grad = net.loss_and_grad(params, X[batch], y[batch])
                batch_losses.append(loss)
                params, state = opt.update(params, grad, state)
            epoch_losses.append(full_loss(net, params, X, y))
            if plateau is not None:
                plateau.step(epoch_losses[-1])
    return np.array(batch_losses), np.array(epoch_losses)


def full_loss(net, params, X, y, block: int = 32) -> float:
    """The mean loss over all of ``X``, computed in blocks of ``block`` rows. The result is the
    full-batch loss; the blocks only keep each matrix product small enough that OpenBLAS runs it
    on one thread (on a busy machine, its threads cost far more than they save at this size)."""
    starts = range(0, len(y), block)
    return sum(net.loss_and_grad(params, X[i : i + block], y[i : i + block])[0] * len(y[i : i + block])
               for i in starts) / len(y)


def lr_range_test(net, X, y, seed: int, lr_min: float, lr_max: float, steps: int, momentum: float = 0.9,
                  batch_size: int = 32, smoothing: float = 0.9):
    r"""Smith's LR-range test: SGD (with ``momentum``) whose rate grows exponentially from
    ``lr_min`` to ``lr_max`` in ``steps`` minibatch steps. Returns ``(lrs, smoothed_losses)``, the
    minibatch losses smoothed by a bias-corrected EMA with weight ``smoothing``."""
    def lr(t):
        return lr_min * (lr_max / lr_min) ** (t / (steps - 1))

    opt = optim.SGD(lr=lr, momentum=momentum)
    params, rng = net.init(seed), np.random.default_rng(seed)
    state, losses = opt.init(params), []
    with np.errstate(all="ignore"):
        while len(losses) < steps:
            for batch in minibatches(len(y), batch_size, rng):
                if len(losses) == steps:
                    break
                loss, grad = net.loss_and_grad(params, X[batch], y[batch])
                losses.append(loss)
                params, state = opt.update(params, grad, state)
    smoothed, average = [], 0.0
    for k, loss in enumerate(losses):
        average = smoothing * average + (1 - smoothing) * loss
        smoothed.append(average / (1 - smoothing ** (k + 1)))
    return np.array([lr(t) for t in range(steps)]), np.array(smoothed)


# ---------------------------------------------------------------------------------------------
# figures


#: One colour per kind of schedule in every figure of the lesson (Okabe-Ito, plus grey for the
#: constant rate); a label is matched by its first word (``"CosineAnnealingLR(T_max=100)"``).
SCHEDULE_COLORS = {
    "constant": "0.5", "StepLR": COLORS[0], "MultiStepLR": COLORS[0], "ExponentialLR": COLORS[1],
    "CosineAnnealingLR": COLORS[2], "CosineAnnealingWarmRestarts": COLORS[3], "WarmupCosine": COLORS[4],
    "OneCycleLR": COLORS[5], "InverseTimeLR": COLORS[6], "ReduceLROnPlateau": COLORS[7],
}


def schedule_color(label: str) -> str:
    """The colour of the schedule a label starts with (see ``SCHEDULE_COLORS``)."""
    first = label.replace("(", " ").split()[0]
    if first not in SCHEDULE_COLORS:
        raise ValueError(f"label must start with one of {sorted(SCHEDULE_COLORS)}, got {label!r}")
    return SCHEDULE_COLORS[first]


def plot_schedule_shapes(schedules: dict, steps: int, size=(900, 420), talk: bool = False):
    r""":math:`\eta_t` of each named schedule, the legend beside the axes."""
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        for name, schedule in schedules.items():
            color = schedule_color(name)
            ax.plot(np.arange(steps), schedule.values(steps), color=color, label=name)
        ax.set_xlabel("completed steps $t$")
        ax.set_ylabel(r"$\eta_t$")
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig


def plot_robbins_monro(gaps: dict, theory: dict, size=(1000, 420), talk: bool = False):
    r"""Left: the loss gap of SGD under each schedule (log-log; dots: the mean over steps
    0.9t..t, theory dashed). Right: the partial sums of :math:`\eta_t` (solid) and
    :math:`\eta_t^2` (dotted), the two sums of Robbins and Monro's conditions."""
    with style(talk):
        fig = new_figure(*size)
        ax, ax_sums = fig.subplots(1, 2)
        for color, (name, (schedule, gap)) in zip(COLORS, gaps.items(), strict=False):
            ts = np.unique(np.geomspace(10, len(gap), 40).astype(int))
            ax.plot(ts, [gap[int(0.9 * t) : t].mean() for t in ts], "o-", color=color, markersize=3, label=name)
            if name in theory:
                t_theory = np.arange(100, len(gap) + 1)
                ax.plot(t_theory, theory[name][99:], color=color, linestyle="--", linewidth=1.2)
            t = np.arange(1, len(gap) + 1)
            etas = np.array(schedule.values(len(gap)))
            ax_sums.plot(t, np.cumsum(etas), color=color, label=name)
            ax_sums.plot(t, np.cumsum(etas**2), color=color, linestyle=":")
        for a in (ax, ax_sums):
            a.set_xscale("log")
            a.set_yscale("log")
            a.set_xlabel("step $t$")
        ax.set_ylabel(r"$f(\theta_t) - f^\star$ (mean of the seeds)")
        ax.legend(fontsize="small", title="measured (dashed: theory)", title_fontsize="small")
        ax_sums.set_ylabel(r"$\sum_{s \leq t}\eta_s$ (solid), $\sum_{s \leq t}\eta_s^2$ (dotted)")
        ax_sums.legend(fontsize="small")
    return fig


def plot_warmup(runs: dict, steps_per_epoch: int, finals: dict | None = None, size=(1000, 380), talk: bool = False):
    """Minibatch loss of each seed (thin) for each named setting (one colour each);
    ``runs`` maps a name to ``(color, list of per-seed loss arrays)``. With ``finals`` (a name
    mapped to ``(color, per-seed final training losses)``), a right panel shows those end points,
    one dot per seed and a bar at their median."""
    with style(talk):
        fig = new_figure(*size)
        ax, ax_final = fig.subplots(1, 2, width_ratios=[2, 1.2]) if finals else (fig.subplots(), None)
        for name, (color, curves) in runs.items():
            for k, curve in enumerate(curves):
                ax.plot(np.arange(len(curve)) / steps_per_epoch, curve, color=color, linewidth=0.9, alpha=0.8,
                        label=name if k == 0 else None)
        ax.axhline(math.log(2), color="0.4", linestyle="--", linewidth=1, label=r"$\ln 2$ (a constant guess)")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("minibatch loss")
        ax.legend(fontsize="small")
        if finals:
            for x, (color, values) in enumerate(finals.values()):
                values = np.asarray(values)
                ax_final.plot(np.full(len(values), x), values, "o", color=color, alpha=0.7, markersize=5)
                ax_final.plot([x - 0.25, x + 0.25], [np.median(values)] * 2, color=color, linewidth=2.5)
            ax_final.set_xticks(range(len(finals)), list(finals), fontsize="small")
            ax_final.set_xlim(-0.6, len(finals) - 0.4)
            ax_final.set_yscale("log")
            ax_final.set_ylabel("training loss after the last epoch")
            ax_final.set_title("end points (dots: seeds, bar: median)", fontsize="small")
    return fig


def plot_lr_range(lrs, curves, chosen_lr: float, size=(700, 380), talk: bool = False):
    """Smoothed loss against the learning rate of the range test (one thin line per seed, their
    mean thick), with the rate chosen from it."""
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        for k, curve in enumerate(curves):
            ax.plot(lrs, curve, color=COLORS[0], linewidth=0.8, alpha=0.5, label="each seed" if k == 0 else None)
        ax.plot(lrs, np.mean(curves, axis=0), color=COLORS[0], linewidth=2.2, label="mean of the seeds")
        ax.axvline(chosen_lr, color=COLORS[1], linestyle="--", label=rf"chosen $\eta_{{\max}}$ = {chosen_lr:.2g}")
        ax.set_xscale("log")
        ax.set_ylim(0.1, 3.0)
        ax.set_yscale("log")
        ax.set_xlabel(r"learning rate $\eta$ (grows exponentially with the step)")
        ax.set_ylabel("smoothed minibatch loss")
        ax.legend(fontsize="small")
    return fig


def plot_network_schedules(schedules: dict, curves: dict, steps: int, steps_per_epoch: int, size=(1000, 400),
                           talk: bool = False):
    r"""Left: each tuned schedule's :math:`\eta_t/\eta_{\text{peak}}`. Right: its training loss
    per epoch, the median over the seeds, on a log axis."""
    with style(talk):
        fig = new_figure(*size)
        ax_lr, ax = fig.subplots(1, 2)
        for name in curves:
            color = schedule_color(name)
            schedule = schedules.get(name)
            if schedule is not None:
                values = np.array(schedule.values(steps))
                ax_lr.plot(np.arange(steps) / steps_per_epoch, values / values.max(), color=color, label=name)
            runs = np.asarray(curves[name])
            ax.plot(np.arange(1, runs.shape[1] + 1), np.median(runs, axis=0), "o-", color=color, markersize=3,
                    label=name)
        ax_lr.set_xlabel("epoch")
        ax_lr.set_ylabel(r"$\eta_t / \eta_{\mathrm{peak}}$")
        ax_lr.legend(fontsize="small")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"training loss (median of {len(runs)} seeds)")
        ax.legend(fontsize="small")
    return fig


def plot_peak_sensitivity(peaks, finals: dict, best: dict, size=(760, 400), talk: bool = False):
    """Final training loss against the peak rate, one colour per schedule (``schedule_color``):
    small dots for the seeds, a line through their mean, a ring
    around the tuned peak. ``finals`` maps a name to an array (peaks x seeds); ``best`` a name to
    its tuned peak."""
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        peaks = np.asarray(peaks, dtype=float)
        for k, (name, values) in enumerate(finals.items()):
            color = schedule_color(name)
            values = np.asarray(values, dtype=float)
            shift = peaks * 1.04 ** (k - (len(finals) - 1) / 2)  # side by side, not on top of each other
            with np.errstate(all="ignore"):
                means = np.nanmean(np.where(np.isfinite(values), values, np.nan), axis=1)
            ax.plot(shift, means, "o-", color=color, markersize=4, label=name)
            ax.plot(np.repeat(shift, values.shape[1]), values.ravel(), ".", color=color, alpha=0.4, markersize=4)
            i = int(np.argmin(np.abs(peaks - best[name])))
            ax.plot(shift[i], means[i], "o", markersize=11, markerfacecolor="none", markeredgecolor=color)
        ax.axhline(math.log(2), color="0.4", linestyle="--", linewidth=1, label=r"$\ln 2$ (a constant guess)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(peaks, [f"{p:g}" for p in peaks])
        ax.set_xlabel(r"peak learning rate $\eta_0$")
        ax.set_ylabel("training loss after the last epoch")
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
