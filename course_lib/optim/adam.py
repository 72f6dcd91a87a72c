"""Adam, AMSGrad and AdamW, as ``torch.optim.Adam`` and ``torch.optim.AdamW``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check_adam_family, lerp


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray  # m_t, EMA of g
    exp_avg_sq: np.ndarray  # v_t, EMA of g^2
    max_exp_avg_sq: np.ndarray | None  # v^max_t, running max of the raw v_t (amsgrad only)


class Adam(Optimizer):
    r"""Momentum (first moment) plus RMSprop scaling (second moment), both bias-corrected.

    .. math::
        \theta_{t-1} \leftarrow (1-\eta\lambda)\,\theta_{t-1} \text{ (decoupled)}, \qquad
        g_t = \pm\nabla f(\theta_{t-1}) \;[+\, \lambda\theta_{t-1} \text{ (L2, not decoupled)}]

        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2

        \theta_t = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,
            \frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}
        \;=\; \theta_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`\hat m_t = m_t/(1-\beta_1^t)`, :math:`\hat v_t = v_t/(1-\beta_2^t)`. AMSGrad replaces
    :math:`v_t` in the denominator by its running maximum
    :math:`v^{\max}_t = \max(v^{\max}_{t-1}, v_t)`. :math:`t` counts
    from 1, so the first step is :math:`\approx \eta\,\mathrm{sign}(g_1)` (Kingma and Ba, 2015,
    "Adam: A Method for Stochastic Optimization", Algorithm 1).

    AMSGrad follows torch: the max is taken of the *raw* :math:`v_t` and the bias correction
    :math:`\sqrt{1-\beta_2^t}` is applied afterwards, so the denominator still shrinks while
    :math:`1-\beta_2^t` grows. Reddi, Kale and Kumar (2018), "On the Convergence of Adam and
    Beyond", Algorithm 2, have no bias correction: there :math:`\sqrt{v^{\max}_t}` never decreases.

    Decoupled weight decay follows torch too: the parameter shrinks by :math:`\eta\lambda`, the
    learning rate times ``weight_decay``. Loshchilov and Hutter (2019), "Decoupled Weight Decay
    Regularization", Algorithm 2, shrink it by :math:`\eta_t\lambda` with :math:`\eta_t` a schedule
    multiplier and the step size :math:`\alpha` separate; torch's ``lr`` plays both roles, so the
    paper's :math:`(\alpha, \lambda)` is torch's ``lr`` :math:`=\alpha`, ``weight_decay`` :math:`=\lambda/\alpha`.

    >>> opt = Adam(lr=0.1)
    >>> x, state = opt.update(np.array([1.0]), np.array([-250.0]), opt.init(np.array([1.0])))
    >>> x.round(9)
    array([1.1])
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ):
        check_adam_family(lr, betas, eps, weight_decay)
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.amsgrad, self.maximize = amsgrad, maximize
        self.decoupled_weight_decay = decoupled_weight_decay

    def init(self, x) -> AdamState:
        zeros = np.zeros_like(as_float_array(x))
        return AdamState(0, zeros, zeros, zeros if self.amsgrad else None)

    def update(self, x, grad, state: AdamState):
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
        step_size = lr / bias_correction1
        max_exp_avg_sq = state.max_exp_avg_sq
        if self.amsgrad:
            max_exp_avg_sq = np.maximum(max_exp_avg_sq, exp_avg_sq)
            second_moment = max_exp_avg_sq
        else:
            second_moment = exp_avg_sq
        denom = np.sqrt(second_moment) / bias_correction2**0.5 + self.eps
        x_new = x + (-step_size) * exp_avg / denom
        return x_new, AdamState(step, exp_avg, exp_avg_sq, max_exp_avg_sq)


class AdamW(Adam):
    r"""Adam with decoupled weight decay (torch's ``AdamW``; default :math:`\lambda = 10^{-2}`).

    The parameter shrinks by :math:`\eta\lambda` *before* the moment update, instead of
    adding :math:`\lambda\theta` to the gradient (which Adam would then rescale per
    coordinate): Loshchilov and Hutter, 2019, "Decoupled Weight Decay Regularization".

    .. math::
        \theta_{t-1} \leftarrow (1-\eta\lambda)\,\theta_{t-1}, \text{ then the Adam step of } g_t.

    This is torch's parametrisation: the paper's Algorithm 2 writes
    :math:`\theta_t = \theta_{t-1} - \eta_t(\alpha\,\hat m_t/(\sqrt{\hat v_t}+\epsilon) + \lambda\theta_{t-1})`
    with :math:`\eta_t` a schedule multiplier, which is this class with ``lr`` :math:`= \eta_t\alpha` and
    ``weight_decay`` :math:`= \lambda/\alpha` (see :class:`Adam`).

    >>> opt = AdamW(lr=0.1, weight_decay=0.5)
    >>> x, _ = opt.update(np.array([1.0]), np.array([0.0]), opt.init(np.array([1.0])))
    >>> x
    array([0.95])
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        maximize: bool = False,
    ):
        super().__init__(lr, betas, eps, weight_decay, amsgrad, maximize, True)
