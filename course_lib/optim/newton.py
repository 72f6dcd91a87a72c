"""Newton's method with an exact Hessian and optional Levenberg damping."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr


class NewtonState(NamedTuple):
    step: int


class Newton(Optimizer):
    r"""Jump to the minimiser of the local quadratic model.

    Minimising :math:`f(\theta) + g^\top p + \tfrac12 p^\top \nabla^2 f(\theta)\, p` over :math:`p` gives
    :math:`\nabla^2 f(\theta)\, p = -g`; damping adds :math:`\nu I` (Levenberg, 1944), which
    interpolates between Newton (:math:`\nu = 0`) and a gradient step of size :math:`1/\nu`:

    .. math::
        \theta_t = \theta_{t-1} - \eta\,\left(\nabla^2 f(\theta_{t-1}) + \nu I\right)^{-1}
            \nabla f(\theta_{t-1})

    On a quadratic with :math:`\eta = 1, \nu = 0` it lands on the minimiser in one step
    (Nocedal and Wright, "Numerical Optimization", chapter 3.3). Not in ``torch.optim``.

    >>> from course_lib.functions import Quadratic
    >>> f = Quadratic(np.array([[3.0, 1.0], [1.0, 2.0]]), center=np.array([1.0, -1.0]))
    >>> opt = Newton()
    >>> x, loss, _ = opt.step(np.zeros(2), f, opt.init(np.zeros(2)))
    >>> x.round(12)
    array([ 1., -1.])
    """

    def __init__(self, lr: LearningRate = 1.0, damping: float = 0.0):
        check_lr(lr)
        check(damping >= 0.0, f"Invalid damping value: {damping}")
        self.lr, self.damping = lr, damping

    def init(self, x) -> NewtonState:
        return NewtonState(step=0)

    def update(self, x, grad, state):
        raise TypeError("Newton needs the Hessian: use step(x, objective, state)")

    def step(self, x, objective, state: NewtonState):
        """One Newton step; ``objective`` must have ``value_and_grad`` and ``hessian``."""
        if not hasattr(objective, "hessian"):
            raise TypeError("Newton needs an objective with a hessian(x) method")
        x = as_float_array(x)
        loss, grad = objective.value_and_grad(x)
        n = x.size
        hessian = np.asarray(objective.hessian(x), dtype=x.dtype).reshape(n, n)
        system = hessian + self.damping * np.eye(n, dtype=x.dtype)
        with np.errstate(all="ignore"):
            try:
                direction = np.linalg.solve(system, np.ravel(grad))
            except np.linalg.LinAlgError:  # singular model: report it as a diverged step
                direction = np.full(n, np.nan, dtype=x.dtype)
        lr = self.lr_at(state.step)
        return x - lr * direction.reshape(x.shape), loss, NewtonState(state.step + 1)
