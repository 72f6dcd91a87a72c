r"""Lesson 03's experiments and figures: minibatch SGD on least squares, many runs at once.

:func:`sgd_runs` runs constant-step minibatch SGD

.. math:: \theta_t = \theta_{t-1} - \eta\, g_t, \qquad
    g_t = \frac{1}{|\mathcal B_t|}\sum_{i\in\mathcal B_t} \nabla f_i(\theta_{t-1}),

for several seeds and step sizes together (one numpy call per step for all of them), and
records the loss gap :math:`f(\theta) - f^\star = \tfrac12 e^\top A e` (exact for least squares,
with the Hessian :math:`A = X^\top X/n`, :math:`e = \theta - \theta^\star`). Reference: Bottou, Curtis and
Nocedal (2018), "Optimization Methods for Large-Scale Machine Learning", SIAM Review, section 4.
"""

from __future__ import annotations

import time

import numpy as np
from matplotlib.ticker import NullFormatter

from .plotting import COLORS, new_figure, style


def sgd_runs(X, y, theta0, batch_size: int, lrs, epochs: int, seeds=(0, 1, 2), records_per_epoch: int = 8,
             replace: bool = False, lr_decay=None):
    r"""Loss gaps of minibatch SGD for every (seed, step size) pair, recorded ``records_per_epoch``
    times per epoch (and at the start). Returns ``(examples, gaps)``: the number of gradient
    evaluations :math:`\nabla f_i` used so far, shape ``(R,)``, and the gaps, shape ``(seeds, lrs, R)``.

    ``replace=False`` reshuffles each epoch (every example once per epoch, as
    :func:`course_lib.data.minibatches`); ``replace=True`` draws each batch's indices independently.
    ``lr_decay(t)``, if given, multiplies the step size at step ``t = 0, 1, ...``.
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    if not 1 <= batch_size <= n or n % batch_size:
        raise ValueError(f"Invalid batch_size value: {batch_size} (a divisor of n = {n})")
    if not n // batch_size % records_per_epoch == 0:
        raise ValueError(f"Invalid records_per_epoch value: {records_per_epoch} (must divide the {n // batch_size} "
                         "steps of an epoch)")
    lrs = np.asarray(lrs, dtype=float)
    A = X.T @ X / n                                     # the Hessian
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]
    rngs = [np.random.default_rng(seed) for seed in seeds]
    theta = np.broadcast_to(np.asarray(theta0, dtype=float), (len(seeds), len(lrs), d)).copy()
    steps_per_epoch, every = n // batch_size, n // batch_size // records_per_epoch

    def gap(theta):
        e = theta - theta_star
        return 0.5 * np.einsum("sgd,de,sge->sg", e, A, e)

    gaps, t = [gap(theta)], 0
    with np.errstate(all="ignore"):  # a diverging step size shows up as inf/nan gaps, without warnings
        for _ in range(epochs):
            if replace:
                order = np.stack([rng.integers(n, size=n) for rng in rngs])
            else:
                order = np.stack([rng.permutation(n) for rng in rngs])
            for k in range(steps_per_epoch):
                idx = order[:, k * batch_size:(k + 1) * batch_size]                    # (seeds, B)
                Xb = X[idx]                                                            # (seeds, B, d)
                residual = np.einsum("sbd,sgd->sgb", Xb, theta) - y[idx][:, None, :]   # (seeds, lrs, B)
                g = np.einsum("sgb,sbd->sgd", residual, Xb) / batch_size
                eta = lrs if lr_decay is None else lrs * lr_decay(t)
                theta = theta - eta[None, :, None] * g
                t += 1
                if (k + 1) % every == 0:
                    gaps.append(gap(theta))
    examples = np.arange(len(gaps)) * every * batch_size
    return examples, np.moveaxis(np.array(gaps), 0, -1)


def seconds_per_step(X, y, batch_size: int, repeats: int = 7, steps: int = 50) -> float:
    """Wall-clock seconds of one minibatch SGD step (gather the batch, gradient, update) for one
    run, the minimum over ``repeats`` timings of ``steps`` steps (the minimum is the least
    disturbed by other programs on the machine)."""
    n, d = X.shape
    rng = np.random.default_rng(0)
    # a full batch uses X as it is; a minibatch gathers its rows
    batches = [slice(None) if batch_size == n else rng.integers(n, size=batch_size) for _ in range(steps)]
    theta, best = np.zeros(d), np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for idx in batches:
            Xb = X[idx]
            theta = theta - 0.001 * (Xb.T @ (Xb @ theta - y[idx])) / batch_size
        best = min(best, (time.perf_counter() - start) / steps)
    return best


def plot_cost(curves: dict, seconds: dict, n: int, epochs_shown: float | None = None, size=(1000, 380)):
    r"""Loss gap (mean over seeds, band = min to max) against gradient evaluations (left, in epochs,
    up to ``epochs_shown``) and against measured seconds (right).
    ``curves[name] = (examples, gaps (seeds, R), batch_size)``; ``seconds[batch_size]`` = seconds per step."""
    with style():
        fig = new_figure(*size)
        ax_epochs, ax_seconds = fig.subplots(1, 2, sharey=True)
        for color, (name, (examples, gaps, batch)) in zip(COLORS, curves.items(), strict=False):
            mean, low, high = gaps.mean(axis=0), gaps.min(axis=0), gaps.max(axis=0)
            for ax, x, first in ((ax_epochs, examples / n, 0), (ax_seconds, examples / batch * seconds[batch], 1)):
                # the start (0 seconds) has no place on the log axis of seconds
                ax.plot(x[first:], mean[first:], "o-", color=color, markersize=2.5, label=name)
                ax.fill_between(x[first:], low[first:], high[first:], color=color, alpha=0.2, linewidth=0)
        ax_epochs.set_yscale("log")
        if epochs_shown is not None:
            ax_epochs.set_xlim(0, epochs_shown)
        ax_epochs.set_xlabel(r"gradient evaluations $\nabla f_i$ (in epochs of $n$)")
        ax_epochs.set_ylabel(r"loss gap $f(\theta) - f^\star$")
        ax_seconds.set_xscale("log")
        ax_seconds.set_xlabel("seconds on the machine that ran this notebook")
        ax_epochs.legend(fontsize="small")
    return fig


def plot_per_example_cost(batch_sizes, seconds: dict, size=(560, 340)):
    """Measured seconds per example against the batch size, log-log (dots), with the slope -1
    of a cost that is all per-call overhead (dashed)."""
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        batch_sizes = np.asarray(batch_sizes)
        per_example = np.array([seconds[b] / b for b in batch_sizes])
        ax.loglog(batch_sizes, per_example, "o-", color=COLORS[0], label="measured: seconds per step / B")
        ax.loglog(batch_sizes, per_example[0] / batch_sizes, "--", color="0.4", linewidth=1,
                  label="pure overhead (slope -1)")
        ax.set_xlabel(r"batch size $|\mathcal{B}|$")
        ax.set_ylabel("seconds per gradient evaluation")
        ax.legend(fontsize="small")
    return fig


def plot_noise_floor(lrs, floors: dict, slopes: dict, theory=None, size=(560, 360)):
    r"""Noise floor (mean loss gap at stationarity) against :math:`\eta`, log-log, one line per
    sampling scheme (dots, fitted line solid, slope in the legend), and ``theory`` dashed."""
    with style():
        fig = new_figure(*size)
        ax = fig.subplots()
        for color, (name, values) in zip(COLORS[2:], floors.items(), strict=False):
            ax.loglog(lrs, values, "o", color=color, label=f"{name}: slope {slopes[name]:.2f}")
            fit = np.polyfit(np.log(lrs), np.log(values), 1)
            ax.loglog(lrs, np.exp(np.polyval(fit, np.log(lrs))), "-", color=color, linewidth=1)
        if theory is not None:
            ax.loglog(lrs, theory, "--", color="0.3", linewidth=1.2,
                      label=r"theory $\eta\hat\sigma^2\,\mathrm{tr}(A)/4$ (slope 1)")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(r"step size $\eta$")
        ax.set_ylabel(r"noise floor: mean $f(\theta_t) - f^\star$")
        ax.legend(fontsize="small")
    return fig
