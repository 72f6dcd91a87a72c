"""RAdam, as ``torch.optim.RAdam``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check_adam_family, lerp


class RAdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class RAdam(Optimizer):
    r"""Adam whose adaptive term is switched on only once its variance is tractable.

    .. math::
        m_t, v_t \text{ as in Adam}, \qquad \hat m_t = \frac{m_t}{1-\beta_1^t}, \qquad
        \rho_\infty = \frac{2}{1-\beta_2} - 1, \qquad
        \rho_t = \rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t}

        r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}},
        \qquad l_t = \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t}+\epsilon}

        \theta_t = \theta_{t-1} - \eta\,\hat m_t\, l_t\, r_t \quad (\rho_t > 5), \qquad
        \theta_t = \theta_{t-1} - \eta\,\hat m_t \quad (\rho_t \le 5)

    Liu et al. (2020), "On the Variance of the Adaptive Learning Rate and Beyond", Algorithm 2,
    switch on the adaptive step when :math:`\rho_t > 4`; the threshold 5 is torch's
    (``torch.optim.RAdam``), which this class follows. With :math:`\beta_2 = 0.999`,
    :math:`\rho_5 = 4.996`: the paper's first adaptive step is :math:`t = 5`, torch's :math:`t = 6`.
    Before it RAdam takes plain bias-corrected momentum steps :math:`\eta\,\hat m_t`, whose size
    scales with the gradient, then drops to the damped adaptive step (:math:`r_6 \approx 0.026`).

    >>> opt = RAdam(lr=0.1)
    >>> x, _ = opt.update(np.array([1.0]), np.array([3.0]), opt.init(np.array([1.0])))
    >>> x.round(9)
    array([0.7])
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        maximize: bool = False,
    ):
        check_adam_family(lr, betas, eps, weight_decay)
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.decoupled_weight_decay, self.maximize = decoupled_weight_decay, maximize

    def init(self, x) -> RAdamState:
        zeros = np.zeros_like(as_float_array(x))
        return RAdamState(step=0, exp_avg=zeros, exp_avg_sq=zeros)

    def update(self, x, grad, state: RAdamState):
        x, g = as_float_array(x), as_float_array(grad)
        lr, (beta1, beta2) = self.lr_at(state.step), self.betas
        step = state.step + 1
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                x = x * (1 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * x
        exp_avg = lerp(state.exp_avg, g, 1 - beta1)
        exp_avg_sq = state.exp_avg_sq * beta2 + (1 - beta2) * g * g
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        bias_corrected_exp_avg = exp_avg / bias_correction1
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            adaptive_lr = (bias_correction2**0.5) / (np.sqrt(exp_avg_sq) + self.eps)
            x_new = x - bias_corrected_exp_avg * lr * adaptive_lr * rect
        else:
            x_new = x - bias_corrected_exp_avg * lr
        return x_new, RAdamState(step, exp_avg, exp_avg_sq)
