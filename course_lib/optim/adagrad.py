"""AdaGrad, as ``torch.optim.Adagrad``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray  # v_t: running sum of squared gradients, per coordinate (torch: state_sum)


class Adagrad(Optimizer):
    r"""Per-coordinate steps scaled by the root of the summed squared gradients.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        \eta_t = \frac{\eta}{1 + (t-1)\,\delta}

        v_t = v_{t-1} + g_t^2, \qquad v_0 = v_{\text{init}}

        \theta_t = \theta_{t-1} - \eta_t\, \frac{g_t}{\sqrt{v_t} + \epsilon}

    (elementwise; :math:`\delta` = ``lr_decay``, :math:`v_{\text{init}}` =
    ``initial_accumulator_value``, :math:`\lambda` = ``weight_decay``). :math:`v_t` never
    decreases, so with a non-increasing :math:`\eta_t` the effective learning rate
    :math:`\eta_t/(\sqrt{v_t}+\epsilon)` only shrinks, and no coordinate moves by more than
    :math:`\eta_t` in one step. With :math:`v_0 = 0` the first step is
    :math:`-\eta\,\mathrm{sign}(g_1)` up to :math:`\epsilon/|g_1|`. :math:`\epsilon` is added
    *outside* the square root. This is the diagonal version of Duchi, Hazan and Singer (2011),
    "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 12; the
    full-matrix one is :class:`course_lib.figs_adaptive.FullMatrixAdagrad`.

    >>> opt = Adagrad(lr=0.5)
    >>> x, state = opt.update(np.array([1.0]), np.array([4.0]), opt.init(np.array([1.0])))
    >>> x, state.sum
    (array([0.5]), array([16.]))
    """

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        maximize: bool = False,
    ):
        check_lr(lr)
        check(lr_decay >= 0.0, f"Invalid lr_decay value: {lr_decay}")
        check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        check(
            initial_accumulator_value >= 0.0,
            f"Invalid initial_accumulator_value value: {initial_accumulator_value}",
        )
        check(eps >= 0.0, f"Invalid epsilon value: {eps}")
        self.lr, self.lr_decay, self.weight_decay = lr, lr_decay, weight_decay
        self.initial_accumulator_value, self.eps, self.maximize = (
            initial_accumulator_value, eps, maximize
        )

    def init(self, x) -> AdagradState:
        x = as_float_array(x)
        return AdagradState(step=0, sum=np.full_like(x, self.initial_accumulator_value))

    def update(self, x, grad, state: AdagradState):
        x, g = as_float_array(x), as_float_array(grad)
        lr = self.lr_at(state.step)
        step = state.step + 1
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * x
        clr = lr / (1 + (step - 1) * self.lr_decay)
        sum_sq = state.sum + 1 * g * g
        std = np.sqrt(sum_sq) + self.eps
        return x + (-clr) * g / std, AdagradState(step=step, sum=sum_sq)
