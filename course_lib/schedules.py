r"""Learning-rate schedules as plain callables ``lr(t)``, matching ``torch.optim.lr_scheduler``.

``t`` is the number of completed optimizer steps (torch's ``last_epoch`` when the
scheduler is stepped once per optimizer step), so the first update uses ``lr(0)``.
Each schedule takes the base learning rate as its first argument, where torch takes it
from the optimizer. Pass one as an optimizer's ``lr``::

    opt = course_lib.optim.SGD(lr=StepLR(0.1, step_size=30))

torch computes most schedules recursively (``lr_t = lr_{t-1} * factor``); the closed
forms here agree with it to rounding (the golden tests pin both to 1e-12).

:class:`InverseTimeLR` has no torch class (it is the textbook :math:`1/t` family), and
:class:`ReduceLROnPlateau` is not a function of ``t`` at all: it depends on the measured
losses, so it is a small stateful object with ``step(metric) -> lr``, like torch's.
"""

from __future__ import annotations

import inspect
import math
from bisect import bisect_right
from numbers import Integral, Real


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


class Schedule:
    """Base class: a callable ``lr(t)`` with a readable ``repr``."""

    def __call__(self, t: int) -> float:
        _check(isinstance(t, Integral) and t >= 0, f"Invalid step t: {t!r} (an integer >= 0)")
        return self.lr_at(int(t))

    def lr_at(self, t: int) -> float:  # pragma: no cover - every schedule defines it
        raise NotImplementedError

    def values(self, n: int) -> list[float]:
        """``[lr(0), ..., lr(n-1)]``, for plots."""
        _check(isinstance(n, Integral) and n >= 1, f"Invalid n value: {n!r} (an integer >= 1)")
        return [self(t) for t in range(n)]

    def __repr__(self) -> str:
        names = inspect.signature(type(self)).parameters
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in names)})"


class Constant(Schedule):
    r""":math:`\eta_t = \eta_0`."""

    def __init__(self, lr: float):
        _check(lr >= 0, f"Invalid learning rate: {lr}")
        self.lr = lr

    def lr_at(self, t):
        return self.lr


class ConstantLR(Schedule):
    r""":math:`\eta_t = \eta_0 \cdot \text{factor}` for :math:`t <` ``total_iters``,
    then :math:`\eta_0`."""

    def __init__(self, lr: float, factor: float = 1.0 / 3, total_iters: int = 5):
        _check(0 <= factor <= 1, "Constant multiplicative factor expected to be between 0 and 1.")
        self.lr, self.factor, self.total_iters = lr, factor, total_iters

    def lr_at(self, t):
        return self.lr * (self.factor + (t >= self.total_iters) * (1 - self.factor))


class StepLR(Schedule):
    r""":math:`\eta_t = \eta_0\,\gamma^{\lfloor t / s \rfloor}`: multiply by :math:`\gamma`
    every ``step_size`` steps."""

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1):
        _check(step_size >= 1, f"Invalid step_size value: {step_size} (an integer >= 1)")
        self.lr, self.step_size, self.gamma = lr, step_size, gamma

    def lr_at(self, t):
        return self.lr * self.gamma ** (t // self.step_size)


class MultiStepLR(Schedule):
    r""":math:`\eta_t = \eta_0\,\gamma^{\#\{m \in \text{milestones} : m \le t\}}`."""

    def __init__(self, lr: float, milestones, gamma: float = 0.1):
        self.lr, self.milestones, self.gamma = lr, tuple(sorted(milestones)), gamma

    def lr_at(self, t):
        return self.lr * self.gamma ** bisect_right(self.milestones, t)


class ExponentialLR(Schedule):
    r""":math:`\eta_t = \eta_0\,\gamma^t` (with :math:`\gamma = 1` the rate never changes)."""

    def __init__(self, lr: float, gamma: float):
        _check(gamma > 0, f"Invalid gamma value: {gamma} (> 0)")
        self.lr, self.gamma = lr, gamma

    def lr_at(self, t):
        return self.lr * self.gamma**t


class LinearLR(Schedule):
    r""":math:`\eta_t = \eta_0\left(s + (e - s)\,\min(t, T)/T\right)`: linear warm-up (or decay)."""

    def __init__(self, lr: float, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5):
        _check(
            0 < start_factor <= 1,
            "Starting multiplicative factor expected to be greater than 0 and less or equal to 1.",
        )
        _check(0 <= end_factor <= 1, "Ending multiplicative factor expected to be between 0 and 1.")
        _check(total_iters >= 1, f"Invalid total_iters value: {total_iters} (an integer >= 1)")
        self.lr, self.start_factor, self.end_factor, self.total_iters = lr, start_factor, end_factor, total_iters

    def lr_at(self, t):
        s, e, T = self.start_factor, self.end_factor, self.total_iters
        return self.lr * (s + (e - s) * min(T, t) / T)


class PolynomialLR(Schedule):
    r""":math:`\eta_t = \eta_0\,(1 - \min(t, T)/T)^p`: reaches zero at :math:`T` and stays there."""

    def __init__(self, lr: float, total_iters: int = 5, power: float = 1.0):
        _check(total_iters >= 1, f"Invalid total_iters value: {total_iters} (an integer >= 1)")
        self.lr, self.total_iters, self.power = lr, total_iters, power

    def lr_at(self, t):
        return self.lr * (1.0 - min(self.total_iters, t) / self.total_iters) ** self.power


class CosineAnnealingLR(Schedule):
    r""":math:`\eta_t = \eta_{\min} + (\eta_0-\eta_{\min})\,\frac{1 + \cos(\pi t / T_{\max})}{2}`.

    As in torch, the formula keeps running past :math:`T_{\max}`: the rate climbs back to
    :math:`\eta_0` at :math:`2T_{\max}` (a period of :math:`2T_{\max}`). It does **not** hold
    at :math:`\eta_{\min}`; stop at :math:`T_{\max}` or use :class:`WarmupCosine`
    (Loshchilov and Hutter, 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts").
    """

    def __init__(self, lr: float, T_max: int, eta_min: float = 0.0):
        _check(T_max >= 1, f"Invalid T_max value: {T_max} (an integer >= 1)")
        self.lr, self.T_max, self.eta_min = lr, T_max, eta_min

    def lr_at(self, t):
        return self.eta_min + (self.lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2


class CosineAnnealingWarmRestarts(Schedule):
    r"""Cosine from :math:`\eta_0` towards :math:`\eta_{\min}` over :math:`T_i` steps, then restart.

    :math:`\eta_t = \eta_{\min} + (\eta_0-\eta_{\min})\frac{1+\cos(\pi T_{cur}/T_i)}{2}`,
    with :math:`T_0` steps in the first cycle and each cycle ``T_mult`` times longer (SGDR).
    """

    def __init__(self, lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0):
        _check(isinstance(T_0, int) and T_0 > 0, f"Expected positive integer T_0, but got {T_0}")
        _check(isinstance(T_mult, int) and T_mult >= 1, f"Expected integer T_mult >= 1, but got {T_mult}")
        self.lr, self.T_0, self.T_mult, self.eta_min = lr, T_0, T_mult, eta_min

    def lr_at(self, t):
        t_cur, t_i = t, self.T_0
        while t_cur >= t_i:  # walk through the finished cycles
            t_cur, t_i = t_cur - t_i, t_i * self.T_mult
        return self.eta_min + (self.lr - self.eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


class InverseTimeLR(Schedule):
    r""":math:`\eta_t = \eta_0\,(1 + t/t_0)^{-p}`: the :math:`1/t` (``power=1``) and
    :math:`1/\sqrt t` (``power=0.5``) decays of stochastic approximation.

    Robbins and Monro (1951) ask for :math:`\sum_t \eta_t = \infty` (the steps can travel any
    distance) and :math:`\sum_t \eta_t^2 < \infty` (the gradient noise they inject has finite
    total variance); :math:`0.5 < p \le 1` satisfies both. With :math:`p = 1`,
    :math:`\eta_t = \eta_0 t_0/(t_0 + t)` is the schedule of Bottou, Curtis and Nocedal (2018,
    Theorem 4.7), which gives :math:`\mathbb E[f(\theta_t)] - f^\star = O(1/t)` for a
    :math:`\mu`-strongly convex, :math:`L`-smooth :math:`f` when :math:`\eta_0 t_0 > 1/\mu`
    (and :math:`\eta_0 \le 1/L` up to a constant). :math:`p = 1/2` (:math:`\sum\eta_t^2`
    diverges, slowly) is the usual choice for convex, non-smooth problems, with averaging of the
    iterates (Nemirovski et al., 2009). Keras's ``InverseTimeDecay(lr, decay_steps, decay_rate)``
    is ``InverseTimeLR(lr, t0=decay_steps / decay_rate)``. torch has no such class (``LambdaLR``
    can express it).

    >>> s = InverseTimeLR(0.1, t0=10)
    >>> [round(s(t), 4) for t in (0, 10, 30, 90)]
    [0.1, 0.05, 0.025, 0.01]
    >>> round(InverseTimeLR(0.1, t0=10, power=0.5)(30), 4)
    0.05
    """

    def __init__(self, lr: float, t0: float, power: float = 1.0):
        _check(isinstance(lr, Real) and lr >= 0, f"Invalid learning rate: {lr}")
        _check(isinstance(t0, Real) and t0 > 0, f"Invalid t0 value: {t0} (> 0)")
        _check(isinstance(power, Real) and power > 0, f"Invalid power value: {power} (> 0)")
        self.lr, self.t0, self.power = lr, t0, power

    def lr_at(self, t):
        return self.lr * (1.0 + t / self.t0) ** (-self.power)


class WarmupCosine(Schedule):
    r"""Linear warm-up from ``start_factor`` :math:`\cdot\,\eta_0` to :math:`\eta_0` over ``warmup_steps``,
    then cosine annealing to :math:`\eta_{\min}` at ``total_steps``.

    Equals torch's ``SequentialLR([LinearLR(start_factor, 1, warmup_steps),
    CosineAnnealingLR(total_steps - warmup_steps, eta_min)], milestones=[warmup_steps])``.
    """

    def __init__(
        self, lr: float, warmup_steps: int, total_steps: int, start_factor: float = 0.01, eta_min: float = 0.0
    ):
        _check(warmup_steps >= 1, f"Invalid warmup_steps value: {warmup_steps} (an integer >= 1)")
        _check(
            total_steps > warmup_steps,
            f"Invalid total_steps value: {total_steps} (must exceed warmup_steps={warmup_steps})",
        )
        self.lr, self.warmup_steps, self.total_steps = lr, warmup_steps, total_steps
        self.start_factor, self.eta_min = start_factor, eta_min
        self._warmup = LinearLR(lr, start_factor, 1.0, warmup_steps)
        self._cosine = CosineAnnealingLR(lr, total_steps - warmup_steps, eta_min)

    def lr_at(self, t):
        if t < self.warmup_steps:
            return self._warmup(t)
        return self._cosine(t - self.warmup_steps)


class OneCycleLR(Schedule):
    r"""The 1cycle policy: rise from ``max_lr/div_factor`` to ``max_lr``, then anneal far below.

    Phase 1 (``pct_start`` of the steps) anneals lr up and momentum down; phase 2 anneals lr
    down to ``max_lr/(div_factor*final_div_factor)`` and momentum back up; ``three_phase``
    mirrors phase 1 before the final descent. Annealing is cosine,
    :math:`a(s, e, p) = e + (s-e)\frac{1+\cos\pi p}{2}`, or linear (Smith and Topin, 2019,
    "Super-Convergence"). :meth:`momentum` gives the matching momentum (or :math:`\beta_1`).
    """

    def __init__(
        self,
        max_lr: float,
        total_steps: int,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
    ):
        _check(isinstance(total_steps, int) and total_steps > 0,
               f"Expected positive integer total_steps, but got {total_steps}")
        _check(isinstance(pct_start, float) and 0 <= pct_start <= 1,
               f"Expected float between 0 and 1 pct_start, but got {pct_start}")
        _check(anneal_strategy in ("cos", "linear"),
               f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self.max_lr, self.total_steps, self.pct_start = max_lr, total_steps, pct_start
        self.anneal_strategy, self.base_momentum, self.max_momentum = anneal_strategy, base_momentum, max_momentum
        self.div_factor, self.final_div_factor, self.three_phase = div_factor, final_div_factor, three_phase
        initial_lr = max_lr / div_factor
        min_lr = initial_lr / final_div_factor
        up_end = float(pct_start * total_steps) - 1
        # (end step, lr from, lr to, momentum from, momentum to) for each phase
        if three_phase:
            self._phases = [
                (up_end, initial_lr, max_lr, max_momentum, base_momentum),
                (float(2 * pct_start * total_steps) - 2, max_lr, initial_lr, base_momentum, max_momentum),
                (total_steps - 1, initial_lr, min_lr, max_momentum, max_momentum),
            ]
        else:
            self._phases = [
                (up_end, initial_lr, max_lr, max_momentum, base_momentum),
                (total_steps - 1, max_lr, min_lr, base_momentum, max_momentum),
            ]

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _phase_values(self, t):
        _check(t <= self.total_steps,
               f"Tried to step {t} times. The specified number of total steps is {self.total_steps}")
        start_step = 0.0
        for i, (end_step, lr0, lr1, m0, m1) in enumerate(self._phases):
            if t <= end_step or i == len(self._phases) - 1:
                pct = (t - start_step) / (end_step - start_step)
                return self._anneal(lr0, lr1, pct), self._anneal(m0, m1, pct)
            start_step = end_step

    def lr_at(self, t):
        return self._phase_values(t)[0]

    def momentum(self, t: int) -> float:
        """The momentum (SGD) or beta1 (Adam) that torch sets at step ``t``."""
        _check(isinstance(t, Integral) and t >= 0, f"Invalid step t: {t!r} (an integer >= 0)")
        return self._phase_values(int(t))[1]


class ReduceLROnPlateau:
    r"""Multiply the learning rate by ``factor`` when a measured metric stops improving.

    Not a function of :math:`t`: the rate depends on the losses seen, so this is a small state
    machine, fed once per epoch with ``step(metric)``, which returns the rate for the next
    epoch (torch's ``ReduceLROnPlateau.step(metrics)``, with the same arguments and rules):

    - ``metric`` improves on ``best`` when, in ``mode="min"``, it is below
      :math:`\text{best}\,(1 - \text{threshold})` (``threshold_mode="rel"``) or
      :math:`\text{best} - \text{threshold}` (``"abs"``); ``mode="max"`` mirrors this.
      An improvement sets ``best = metric`` and ``num_bad_epochs = 0``, otherwise
      ``num_bad_epochs`` grows by one.
    - During a cooldown (``cooldown_counter > 0``) the counter falls by one and bad epochs are
      not counted.
    - When ``num_bad_epochs > patience``: :math:`\eta \leftarrow \max(\eta\cdot\text{factor},
      \eta_{\min})`, unless that changes :math:`\eta` by no more than ``eps``; then the cooldown
      starts and ``num_bad_epochs = 0``.

    Use it through a callable ``lr`` that reads the current rate, e.g.
    ``SGD(lr=lambda t: plateau.lr)``, and call ``plateau.step(validation_loss)`` after each
    epoch. ``best`` starts at :math:`+\infty` (``min``) or :math:`-\infty` (``max``).

    >>> plateau = ReduceLROnPlateau(1.0, factor=0.5, patience=1)
    >>> [plateau.step(loss) for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0]]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, lr: float, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float = 0.0, eps: float = 1e-8):
        _check(isinstance(lr, Real) and lr >= 0, f"Invalid learning rate: {lr}")
        _check(mode in ("min", "max"), f"mode {mode!r} is unknown! (one of 'min', 'max')")
        _check(0 <= factor < 1.0, f"Invalid factor value: {factor} (0 <= factor < 1)")
        _check(isinstance(patience, Integral) and patience >= 0,
               f"Invalid patience value: {patience} (an integer >= 0)")
        _check(threshold_mode in ("rel", "abs"), f"threshold mode {threshold_mode!r} is unknown! (one of 'rel', 'abs')")
        _check(threshold >= 0, f"Invalid threshold value: {threshold} (>= 0)")
        _check(isinstance(cooldown, Integral) and cooldown >= 0,
               f"Invalid cooldown value: {cooldown} (an integer >= 0)")
        _check(min_lr >= 0, f"Invalid min_lr value: {min_lr} (>= 0)")
        self.mode, self.factor, self.patience, self.threshold = mode, factor, patience, threshold
        self.threshold_mode, self.cooldown, self.min_lr, self.eps = threshold_mode, cooldown, min_lr, eps
        self.initial_lr = lr
        self.reset()

    def reset(self) -> None:
        """Back to the initial rate, with no metric seen."""
        self.lr = self.initial_lr
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter = 0, 0

    def is_better(self, metric: float) -> bool:
        """Does ``metric`` improve on ``best`` by more than the threshold?"""
        if self.mode == "min":
            bar = self.best * (1.0 - self.threshold) if self.threshold_mode == "rel" else self.best - self.threshold
            return metric < bar
        bar = self.best * (1.0 + self.threshold) if self.threshold_mode == "rel" else self.best + self.threshold
        return metric > bar

    def step(self, metric: float) -> float:
        """Record one epoch's ``metric``; return the learning rate for the next epoch."""
        metric = float(metric)
        if self.is_better(metric):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during a cooldown are ignored
        if self.num_bad_epochs > self.patience:
            new_lr = max(self.lr * self.factor, self.min_lr)
            if self.lr - new_lr > self.eps:
                self.lr = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        return self.lr

    def __repr__(self) -> str:
        names = inspect.signature(type(self)).parameters
        values = {k: getattr(self, "initial_lr" if k == "lr" else k) for k in names}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in values.items())})"
