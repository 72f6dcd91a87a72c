"""Adadelta, as ``torch.optim.Adadelta``."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr


class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray  # v_t: EMA of g^2
    acc_delta: np.ndarray  # u_t: EMA of squared updates


class Adadelta(Optimizer):
    r"""RMSprop whose step size carries the units of :math:`\theta`.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}, \qquad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2

        \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t, \qquad
        u_t = \beta_2 u_{t-1} + (1-\beta_2)\Delta_t^2

        \theta_t = \theta_{t-1} - \eta\,\Delta_t

    (elementwise; :math:`\beta_2` = ``rho``, :math:`\lambda` = ``weight_decay``, :math:`v_0 = u_0 = 0`).
    The ratio of two RMS values makes :math:`\Delta_t` have the units of :math:`\theta`
    ("unit correction"), so the default :math:`\eta = 1` (Zeiler, 2012, "ADADELTA: An
    Adaptive Learning Rate Method"). Here :math:`\epsilon` is *inside* the square roots, and it
    sets the step size: the first step is :math:`\sqrt{\epsilon/(1-\beta_2)}` for
    :math:`|g_1| \gg \sqrt{\epsilon/(1-\beta_2)}`, and under a constant gradient the step grows like
    :math:`\sqrt{\epsilon\,(1 + (1-\beta_2)t)}` until it reaches :math:`|g|`.

    >>> opt = Adadelta(rho=0.0, eps=1e-6)
    >>> x, state = opt.update(np.array([1.0]), np.array([2.0]), opt.init(np.array([1.0])))
    >>> x.round(6)
    array([0.999])
    >>> first = Adadelta(eps=1e-6).update(np.zeros(1), np.array([1.0]), Adadelta().init(np.zeros(1)))[0]
    >>> bool(abs(abs(first[0]) - np.sqrt(1e-6 / (1 - 0.9))) < 1e-7)
    True
    """

    def __init__(
        self,
        lr: LearningRate = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        maximize: bool = False,
    ):
        check_lr(lr)
        check(0.0 <= rho <= 1.0, f"Invalid rho value: {rho}")
        check(eps >= 0.0, f"Invalid epsilon value: {eps}")
        check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        self.lr, self.rho, self.eps = lr, rho, eps
        self.weight_decay, self.maximize = weight_decay, maximize

    def init(self, x) -> AdadeltaState:
        zeros = np.zeros_like(as_float_array(x))
        return AdadeltaState(step=0, square_avg=zeros, acc_delta=zeros)

    def update(self, x, grad, state: AdadeltaState):
        x, g = as_float_array(x), as_float_array(grad)
        lr, rho, eps = self.lr_at(state.step), self.rho, self.eps
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * x
        square_avg = state.square_avg * rho + (1 - rho) * g * g
        std = np.sqrt(square_avg + eps)
        delta = np.sqrt(state.acc_delta + eps) / std * g
        acc_delta = state.acc_delta * rho + (1 - rho) * delta * delta
        return x + (-lr) * delta, AdadeltaState(state.step + 1, square_avg, acc_delta)
