"""Adamax, as ``torch.optim.Adamax``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check_adam_family, lerp


class AdamaxState(NamedTuple):
    step: int
    exp_avg: np.ndarray  # m_t
    exp_inf: np.ndarray  # u_t, exponentially weighted infinity norm (+ eps, torch's choice)


class Adamax(Optimizer):
    r"""Adam with the :math:`\ell_\infty` norm in place of the :math:`\ell_2` second moment.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t

        u_t = \max(\beta_2 u_{t-1},\; |g_t| + \epsilon), \qquad
        \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{u_t}

    AdaMax is from Kingma and Ba (2015), section 7.1 and Algorithm 2, whose
    :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)` has *no* :math:`\epsilon`. Putting :math:`\epsilon`
    inside the max, so that :math:`u_t \ge \epsilon > 0`, is torch's choice (``torch.optim.Adamax``),
    which this class follows. :math:`u_t` is the paper's name (torch: ``exp_inf``).

    >>> opt = Adamax(lr=0.002)
    >>> x, _ = opt.update(np.array([1.0]), np.array([5.0]), opt.init(np.array([1.0])))
    >>> x.round(9)
    array([0.998])
    """

    def __init__(
        self,
        lr: LearningRate = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        maximize: bool = False,
    ):
        check_adam_family(lr, betas, eps, weight_decay)
        self.lr, self.betas, self.eps = lr, tuple(betas), eps
        self.weight_decay, self.maximize = weight_decay, maximize

    def init(self, x) -> AdamaxState:
        zeros = np.zeros_like(as_float_array(x))
        return AdamaxState(step=0, exp_avg=zeros, exp_inf=zeros)

    def update(self, x, grad, state: AdamaxState):
        x, g = as_float_array(x), as_float_array(grad)
        lr, (beta1, beta2) = self.lr_at(state.step), self.betas
        step = state.step + 1
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * x
        exp_avg = lerp(state.exp_avg, g, 1 - beta1)
        exp_inf = np.maximum(state.exp_inf * beta2, np.abs(g) + self.eps)
        clr = lr / (1 - beta1**step)
        return x + (-clr) * exp_avg / exp_inf, AdamaxState(step, exp_avg, exp_inf)
