"""Run an optimizer on an objective and record the trajectory."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._base import Optimizer, as_float_array


@dataclass(frozen=True)
class Trajectory:
    """What ``minimize`` recorded.

    ``xs[k]`` is the iterate after ``k`` steps (``xs[0] = x0``), ``losses[k]`` its loss and
    ``lrs[k]`` the learning rate of step ``k + 1``. If an iterate or its loss became
    non-finite, the run stopped there: ``diverged_at`` is that step's number (so the finite
    part ``xs[:diverged_at]`` is all that is kept), otherwise ``None``.
    """

    xs: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    diverged_at: int | None = None

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


def _finite(loss, x) -> bool:
    return bool(np.isfinite(loss)) and bool(np.all(np.isfinite(x)))


def minimize(opt: Optimizer, fun, x0=None, steps: int = 100) -> Trajectory:
    """Take ``steps`` steps of ``opt`` on ``fun`` from ``x0`` and return the :class:`Trajectory`.

    ``fun`` is a landscape from :mod:`course_lib.functions` (``x0`` then defaults to its
    ``start``) or a callable ``x -> (loss, grad)``. A run stops cleanly at the first
    non-finite iterate or loss, without warnings.

    >>> from course_lib.functions import Quadratic
    >>> from course_lib.optim import SGD
    >>> traj = minimize(SGD(lr=0.5), Quadratic(np.eye(2)), x0=[2.0, -2.0], steps=3)
    >>> traj.xs.tolist(), traj.losses.tolist()
    ([[2.0, -2.0], [1.0, -1.0], [0.5, -0.5], [0.25, -0.25]], [4.0, 1.0, 0.25, 0.0625])
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps value: {steps!r} (an integer >= 0)")
    objective = as_objective(fun)
    if x0 is None:
        if not hasattr(fun, "start"):
            raise ValueError("x0 is required when fun has no default start")
        x0 = fun.start
    x = as_float_array(x0).copy()
    xs, losses, lrs = [x], [], []
    diverged_at = None
    with np.errstate(all="ignore"):
        state = opt.init(x)
        for k in range(steps):
            lr = opt.lr_at(k)
            x_new, loss, state = opt.step(x, objective, state)
            if not _finite(loss, x):
                diverged_at = k
                break
            losses.append(float(loss))
            lrs.append(lr)
            x = as_float_array(x_new)
            xs.append(x)
        else:
            final_loss, _ = objective.value_and_grad(x)
            if _finite(final_loss, x):
                losses.append(float(final_loss))
            else:
                diverged_at = steps
    if diverged_at is not None:
        xs = xs[:diverged_at]
        lrs = lrs[: max(diverged_at - 1, 0)]
    return Trajectory(
        xs=np.array(xs, dtype=x.dtype),
        losses=np.array(losses, dtype=np.float64),
        lrs=np.array(lrs, dtype=np.float64),
        diverged_at=diverged_at,
    )
