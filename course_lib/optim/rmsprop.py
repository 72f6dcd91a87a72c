"""RMSprop, as ``torch.optim.RMSprop``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr, lerp


class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray  # v_t: EMA of g^2
    grad_avg: np.ndarray | None  # EMA of g (centered only)
    momentum_buffer: np.ndarray | None  # m_t: momentum buffer of normalised gradients (momentum > 0 only)


class RMSprop(Optimizer):
    r"""Divide the step by a moving root-mean-square of recent gradients.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2

        \bar g_t = \beta_2 \bar g_{t-1} + (1-\beta_2) g_t, \qquad
        r_t = \sqrt{v_t - \bar g_t^2} \text{ (centered)}, \quad r_t = \sqrt{v_t} \text{ (otherwise)}

        m_t = \beta\, m_{t-1} + \frac{g_t}{r_t + \epsilon}, \qquad
        \theta_t = \theta_{t-1} - \eta\, m_t \quad (\beta > 0)

        \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{r_t + \epsilon} \quad (\beta = 0)

    (elementwise; :math:`\beta_2` = ``alpha``, :math:`\beta` = ``momentum``, :math:`\lambda` =
    ``weight_decay``, all states start at 0). An exponential moving average, not a sum (that
    would be AdaGrad); no bias correction, so the first step is :math:`\eta/\sqrt{1-\beta_2}`
    per coordinate. :math:`\epsilon` is added after the square root, as in PyTorch; Tieleman and
    Hinton (2012, Coursera lecture 6.5) have no :math:`\epsilon`, and Graves (2013, "Generating
    Sequences With Recurrent Neural Networks", section 4, the source of centering and of this
    momentum) puts it inside the root and the learning rate inside the momentum buffer.

    >>> opt = RMSprop(lr=0.01, alpha=0.99, eps=0.0)
    >>> x, state = opt.update(np.array([1.0]), np.array([3.0]), opt.init(np.array([1.0])))
    >>> x.round(6), state.square_avg.round(6)
    (array([0.9]), array([0.09]))
    """

    def __init__(
        self,
        lr: LearningRate = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        maximize: bool = False,
    ):
        check_lr(lr)
        check(eps >= 0.0, f"Invalid epsilon value: {eps}")
        check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        check(alpha >= 0.0, f"Invalid alpha value: {alpha}")
        self.lr, self.alpha, self.eps, self.weight_decay = lr, alpha, eps, weight_decay
        self.momentum, self.centered, self.maximize = momentum, centered, maximize

    def init(self, x) -> RMSpropState:
        zeros = np.zeros_like(as_float_array(x))
        return RMSpropState(
            step=0,
            square_avg=zeros,
            grad_avg=zeros if self.centered else None,
            momentum_buffer=zeros if self.momentum > 0 else None,
        )

    def update(self, x, grad, state: RMSpropState):
        x, g = as_float_array(x), as_float_array(grad)
        lr, alpha = self.lr_at(state.step), self.alpha
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * x
        square_avg = state.square_avg * alpha + (1 - alpha) * g * g
        grad_avg = state.grad_avg
        if self.centered:
            grad_avg = lerp(grad_avg, g, 1 - alpha)
            avg = np.sqrt(square_avg + (-1) * grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg = avg + self.eps
        buf = state.momentum_buffer
        if self.momentum > 0:
            buf = buf * self.momentum + 1 * g / avg
            x_new = x + (-lr) * buf
        else:
            x_new = x + (-lr) * g / avg
        return x_new, RMSpropState(state.step + 1, square_avg, grad_avg, buf)
