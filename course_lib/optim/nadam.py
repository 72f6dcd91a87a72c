"""NAdam, as ``torch.optim.NAdam``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_adam_family, lerp


class NAdamState(NamedTuple):
    step: int
    mu_product: float  # \prod_{i<=t} mu_i, kept across steps
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray


class NAdam(Optimizer):
    r"""Adam with a Nesterov look-ahead on the first moment and a momentum warm-up schedule.

    With :math:`\psi` the momentum decay (``momentum_decay``, default :math:`4\times10^{-3}`):

    .. math::
        \mu_t = \beta_1\left(1 - \tfrac12\, 0.96^{\,t\psi}\right), \qquad
        \Pi_t = \prod_{i=1}^{t}\mu_i

        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \qquad
        D_t = \sqrt{\hat v_t} + \epsilon, \quad \hat v_t = \frac{v_t}{1-\beta_2^t}

        \theta_t = \theta_{t-1}
            - \eta\,\frac{1-\mu_t}{1-\Pi_t}\,\frac{g_t}{D_t}
            - \eta\,\frac{\mu_{t+1}}{1-\Pi_t\,\mu_{t+1}}\,\frac{m_t}{D_t}

    with :math:`g_t` including L2 weight decay :math:`\lambda\theta_{t-1}`
    (or decoupled decay :math:`\theta \leftarrow (1-\eta\lambda)\theta` first). The running
    product :math:`\Pi_t` lives in the state. This is torch's ``NAdam``, after Dozat (2016),
    "Incorporating Nesterov Momentum into Adam": :math:`\mu_t` rises from
    :math:`\beta_1/2` towards :math:`\beta_1` (slowly: :math:`\mu_{1000} \approx 0.52` for the defaults).

    >>> opt = NAdam()
    >>> state = opt.init(np.zeros(1))
    >>> _, state = opt.update(np.zeros(1), np.ones(1), state)
    >>> round(state.mu_product, 6)
    0.450073
    """

    def __init__(
        self,
        lr: LearningRate = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        maximize: bool = False,
    ):
        check_adam_family(lr, betas, eps, weight_decay)
        check(momentum_decay >= 0.0, f"Invalid momentum_decay value: {momentum_decay}")
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.momentum_decay, self.decoupled_weight_decay = momentum_decay, decoupled_weight_decay
        self.maximize = maximize

    def init(self, x) -> NAdamState:
        zeros = np.zeros_like(as_float_array(x))
        return NAdamState(step=0, mu_product=1.0, exp_avg=zeros, exp_avg_sq=zeros)

    def update(self, x, grad, state: NAdamState):
        x, g = as_float_array(x), as_float_array(grad)
        lr, (beta1, beta2), psi = self.lr_at(state.step), self.betas, self.momentum_decay
        step = state.step + 1
        if self.maximize:
            g = -g
        bias_correction2 = 1 - beta2**step
        if self.weight_decay != 0:
            if self.decoupled_weight_decay:
                x = x * (1 - lr * self.weight_decay)
            else:
                g = g + self.weight_decay * x
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * psi)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * psi)))
        mu_product = state.mu_product * mu
        mu_product_next = mu_product * mu_next
        exp_avg = lerp(state.exp_avg, g, 1 - beta1)
        exp_avg_sq = state.exp_avg_sq * beta2 + (1 - beta2) * g * g
        denom = np.sqrt(exp_avg_sq / bias_correction2) + self.eps
        x_new = x + (-lr * (1.0 - mu) / (1.0 - mu_product)) * g / denom
        x_new = x_new + ((-lr * mu_next) / (1.0 - mu_product_next)) * exp_avg / denom
        return x_new, NAdamState(step, mu_product, exp_avg, exp_avg_sq)
