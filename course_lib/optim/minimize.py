"""Run an optimizer on an objective and record the trajectory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._base import Optimizer, as_float_array


@dataclass(frozen=True)
class Trajectory:
    """What ``minimize`` recorded.

    ``xs[k]`` is the iterate after ``k`` steps (``xs[0] = x0``), ``losses[k]`` its loss and
    ``lrs[k]`` the learning rate of step ``k + 1``.

    A run *blows up* at step ``k`` when the loss of ``xs[k]`` is not finite or exceeds its start
    by more than :data:`BLOW_UP_FACTOR` times ``max(1, |f(x0)|)``; it stops there, keeping
    ``xs[:k]``, and ``blew_up_at = k``. Such a run is reported as *diverged*, and ``diverged_at``
    is the step at which the divergence **started**: the first step of the final stretch in which
    the loss stayed above its starting value. (Gradient descent with too large a step on a
    quadratic grows from step 1, not from the step at which a float overflows.) Both are
    ``None`` for a run that did not blow up.
    """

    xs: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    diverged_at: int | None = None
    blew_up_at: int | None = None

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def final_x(self) -> np.ndarray:
        return self.xs[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


class _CallableObjective:
    """Adapts a plain ``fun(x) -> (loss, grad)`` to the objective protocol."""

    def __init__(self, fun):
        self.value_and_grad = fun


def as_objective(fun):
    """An object with ``value_and_grad(x)``: a course landscape, or a callable returning both."""
    if hasattr(fun, "value_and_grad"):
        return fun
    if callable(fun):
        return _CallableObjective(fun)
    raise TypeError(f"fun must be a landscape or a callable x -> (loss, grad), got {fun!r}")


#: A loss this many times ``max(1, |f(x0)|)`` above its start means the run has blown up.
BLOW_UP_FACTOR = 1e6


def _finite(loss, x) -> bool:
    return bool(np.isfinite(loss)) and bool(np.all(np.isfinite(x)))


def _blown_up(loss, x, f0) -> bool:
    return not _finite(loss, x) or loss - f0 > BLOW_UP_FACTOR * max(1.0, abs(f0))


def divergence_onset(losses: np.ndarray) -> int:
    """The first step of the final stretch in which the loss stayed above ``losses[0]``.

    >>> divergence_onset(np.array([5.0, 4.0, 6.0, 3.0, 7.0, 9.0]))
    4
    """
    at_or_below_start = np.flatnonzero(losses <= losses[0])
    return int(at_or_below_start[-1]) + 1


def _checked_start(fun, x0) -> np.ndarray:
    """``x0`` (or the landscape's start) as a float array, with a clear error when it cannot be one."""
    if x0 is None:
        if not hasattr(fun, "start"):
            raise ValueError("x0 is required when fun has no default start")
        x0 = fun.start
    try:
        x = as_float_array(x0).copy()
    except (TypeError, ValueError) as error:
        raise ValueError(f"Invalid x0: {x0!r} (an array of finite numbers)") from error
    if not np.all(np.isfinite(x)):
        raise ValueError(f"Invalid x0: {x0!r} (every coordinate must be finite)")
    dim = getattr(fun, "dim", None)
    if dim is not None and x.shape != (dim,):
        raise ValueError(f"Invalid x0 shape {x.shape}: {getattr(fun, 'name', 'fun')} takes a vector of {dim} numbers")
    return x


def minimize(opt: Optimizer, fun, x0=None, steps: int = 100) -> Trajectory:
    """Take ``steps`` steps of ``opt`` on ``fun`` from ``x0`` and return the :class:`Trajectory`.

    ``fun`` is a landscape from :mod:`course_lib.functions` (``x0`` then defaults to its
    ``start``) or a callable ``x -> (loss, grad)``. A run that blows up (see
    :class:`Trajectory`) stops cleanly there, without warnings, and says where its divergence
    started. A start that is not finite, has the wrong shape, or has a non-finite loss raises.

    >>> from course_lib.functions import Quadratic
    >>> from course_lib.optim import SGD
    >>> traj = minimize(SGD(lr=0.5), Quadratic(np.eye(2)), x0=[2.0, -2.0], steps=3)
    >>> traj.xs.tolist(), traj.losses.tolist()
    ([[2.0, -2.0], [1.0, -1.0], [0.5, -0.5], [0.25, -0.25]], [4.0, 1.0, 0.25, 0.0625])
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps value: {steps!r} (an integer >= 0)")
    objective = as_objective(fun)
    x = _checked_start(fun, x0)
    xs, losses, lrs = [x], [], []
    blew_up_at = None
    with np.errstate(all="ignore"):
        state = opt.init(x)
        for k in range(steps + 1):
            if k < steps:
                lr = opt.lr_at(k)
                x_new, loss, state = opt.step(x, objective, state)
            else:
                loss, _ = objective.value_and_grad(x)
            if k == 0 and not np.isfinite(loss):
                raise ValueError(f"Invalid x0: the loss there is {loss} (it must be finite)")
            if _blown_up(loss, x, losses[0] if losses else loss):
                blew_up_at = k
                break
            losses.append(float(loss))
            if k < steps:
                lrs.append(lr)
                x = as_float_array(x_new)
                xs.append(x)
    diverged_at = None
    if blew_up_at is not None:
        xs = xs[:blew_up_at]
        lrs = lrs[: max(blew_up_at - 1, 0)]
        diverged_at = divergence_onset(np.array(losses))
    return Trajectory(
        xs=np.array(xs, dtype=x.dtype),
        losses=np.array(losses, dtype=np.float64),
        lrs=np.array(lrs, dtype=np.float64),
        diverged_at=diverged_at,
        blew_up_at=blew_up_at,
    )
