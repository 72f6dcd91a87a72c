"""Stochastic gradient descent with momentum, as ``torch.optim.SGD``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr


class SGDState(NamedTuple):
    step: int
    momentum_buffer: np.ndarray | None  # None until the first step (or without momentum)


class SGD(Optimizer):
    r"""Gradient descent, optionally with (Nesterov) momentum and weight decay.

    With :math:`g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}` (minus when maximizing),
    momentum :math:`\beta`, dampening :math:`\tau` and the momentum buffer :math:`m_t`:

    .. math::
        m_1 = g_1, \qquad m_t = \beta\, m_{t-1} + (1-\tau)\, g_t \quad (t > 1)

        d_t = g_t + \beta\, m_t \text{ (Nesterov)}, \qquad d_t = m_t \text{ (otherwise)}

        \theta_t = \theta_{t-1} - \eta_t\, d_t

    With :math:`\beta = 0`, :math:`d_t = g_t`. The buffer starts as the first gradient with no
    dampening :math:`\tau`, as in torch. With :math:`\tau = 0` this is Polyak's (1964) heavy ball,
    :math:`\theta_t = \theta_{t-1} - \eta g_t + \beta(\theta_{t-1} - \theta_{t-2})`; :math:`\eta_t`
    multiplies the whole buffer, unlike the form :math:`m_t = \beta m_{t-1} + \eta_t g_t`,
    :math:`\theta_t = \theta_{t-1} - m_t` of Sutskever, Martens, Dahl and Hinton (2013, "On the
    importance of initialization and momentum in deep learning"), which agrees only for a constant
    :math:`\eta`. ``nesterov=True`` is Nesterov's (1983) look-ahead method with the iterate stored at
    the look-ahead point, as reparametrised by Bengio, Boulanger-Lewandowski and Pascanu (2013,
    "Advances in optimizing recurrent networks", their "simplified Nesterov momentum"); it takes one
    gradient per step.

    >>> opt = SGD(lr=0.1, momentum=0.9)
    >>> x, state = opt.update(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> x, state.momentum_buffer
    (array([0.8]), array([2.]))
    """

    def __init__(
        self,
        lr: LearningRate = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        maximize: bool = False,
    ):
        check_lr(lr)
        check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        check(
            not nesterov or (momentum > 0 and dampening == 0),
            "Nesterov momentum requires a momentum and zero dampening",
        )
        self.lr, self.momentum, self.dampening = lr, momentum, dampening
        self.weight_decay, self.nesterov, self.maximize = weight_decay, nesterov, maximize

    def init(self, x) -> SGDState:
        return SGDState(step=0, momentum_buffer=None)

    def update(self, x, grad, state: SGDState):
        x, g = as_float_array(x), as_float_array(grad)
        lr = self.lr_at(state.step)
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * x
        buf = state.momentum_buffer
        if self.momentum != 0:
            if buf is None:
                buf = g.copy()
            else:
                buf = buf * self.momentum + (1 - self.dampening) * g
            g = g + self.momentum * buf if self.nesterov else buf
        return x + (-lr) * g, SGDState(step=state.step + 1, momentum_buffer=buf)
