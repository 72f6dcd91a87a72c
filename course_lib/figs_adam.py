"""Experiments of lesson 07 (Adam and its family) that are worth reading on their own.

Each function runs a course optimizer (``course_lib.optim``) on a sequence of gradients, or states
a formula from a paper, so the notebook can plot and ``claim`` the result. 1-D problems are
vectorised: every coordinate of the parameter is an independent copy of the experiment.
"""

from __future__ import annotations

import numpy as np

from .optim import Adam
from .plotting import COLORS

#: One colour per method in this lesson's figures (the same colour = the same method).
#: The first five follow the order of the lesson's explorer, which colours by position.
METHOD_COLORS = {
    "Adam": COLORS[0], "AMSGrad": COLORS[1], "AdamW": COLORS[2], "RAdam": COLORS[3], "NAdam": COLORS[4],
    "Adam + L2": COLORS[5], "AMSGrad (Reddi et al.)": COLORS[6],
}


def step_sizes(opt, grads) -> np.ndarray:
    r"""Run ``opt`` on a given gradient sequence (row :math:`t-1` is :math:`g_t`, one column per
    independent coordinate) from :math:`\theta_0 = 0` and return :math:`|\theta_t - \theta_{t-1}|`."""
    grads = np.asarray(grads, dtype=float)
    grads = grads[:, None] if grads.ndim == 1 else grads
    x = np.zeros(grads.shape[1])
    state, sizes = opt.init(x), np.empty_like(grads)
    for t, g in enumerate(grads):
        x_new, state = opt.update(x, g, state)
        sizes[t] = np.abs(x_new - x)
        x = x_new
    return sizes.squeeze()


def amsgrad_reddi(grads, lr: float = 1e-3, betas=(0.9, 0.999)) -> tuple[np.ndarray, np.ndarray]:
    r"""AMSGrad as in Reddi, Kale and Kumar (2018), Algorithm 2: no bias correction, no
    :math:`\epsilon`, constant :math:`\alpha` (``lr``) and :math:`\beta_1`.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2, \quad
        v^{\max}_t = \max(v^{\max}_{t-1}, v_t), \quad
        \theta_t = \theta_{t-1} - \alpha\, m_t / \sqrt{v^{\max}_t}

    Returns the step sizes :math:`|\theta_t - \theta_{t-1}|` and the denominators
    :math:`\sqrt{v^{\max}_t}`, for a 1-D gradient sequence.
    """
    beta1, beta2 = betas
    m = v = v_max = 0.0
    sizes, denominators = [], []
    for g in np.asarray(grads, dtype=float):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        v_max = max(v_max, v)
        sizes.append(abs(lr * m / np.sqrt(v_max)))
        denominators.append(np.sqrt(v_max))
    return np.array(sizes), np.array(denominators)


def reddi_online_problem(opt, C: float = 3.0, steps: int = 3000) -> np.ndarray:
    r"""Reddi, Kale and Kumar (2018), section 3: on :math:`\mathcal F = [-1, 1]` the loss at step
    :math:`t` is :math:`f_t(\theta) = C\theta` if :math:`t \bmod 3 = 1`, else :math:`-\theta`
    (:math:`C > 2`). Over each period the sum is :math:`(C-2)\theta`, minimised at
    :math:`\theta^\star = -1`. Each step of ``opt`` is followed by the projection onto
    :math:`[-1, 1]` (clipping). Returns :math:`\theta_0 = 0, \theta_1, \dots, \theta_T`."""
    x = np.zeros(1)
    state, xs = opt.init(x), [0.0]
    for t in range(1, steps + 1):
        g = np.array([C if t % 3 == 1 else -1.0])
        x, state = opt.update(x, g, state)
        x = np.clip(x, -1.0, 1.0)
        xs.append(float(x[0]))
    return np.array(xs)


def spike_step(spike_times, history: float = 1e-6, lr: float = 1.0, betas=(0.9, 0.999)) -> np.ndarray:
    r"""Adam's step at a gradient spike: the gradient is ``history`` (relative to the spike) for
    :math:`t < t_s` and 1 at :math:`t = t_s`. Returns :math:`|\Delta_{t_s}|/\eta` for each
    :math:`t_s` in ``spike_times`` (all run at once, one coordinate each). Adam runs with
    :math:`\epsilon = 0`, as in Kingma and Ba's bound, so ``history`` must be nonzero (else 0/0)."""
    if history == 0:
        raise ValueError("history must be nonzero: with eps = 0 a zero gradient gives 0/0")
    spike_times = np.asarray(spike_times, dtype=int)
    grads = np.full((spike_times.max(), spike_times.size), history)
    grads[spike_times - 1, np.arange(spike_times.size)] = 1.0
    sizes = step_sizes(Adam(lr=lr, betas=betas, eps=0.0), grads).reshape(grads.shape)
    return sizes[spike_times - 1, np.arange(spike_times.size)] / lr


def spike_step_theory(t, betas=(0.9, 0.999)) -> np.ndarray:
    r"""Adam's step (over :math:`\eta`, :math:`\epsilon = 0`) when :math:`g_t` is the first nonzero
    gradient: :math:`\frac{1-\beta_1}{1-\beta_1^t}\,\frac{\sqrt{1-\beta_2^t}}{\sqrt{1-\beta_2}}`,
    which rises to Kingma and Ba's bound :math:`(1-\beta_1)/\sqrt{1-\beta_2}` as :math:`t \to \infty`."""
    beta1, beta2 = betas
    t = np.asarray(t, dtype=float)
    return (1 - beta1) / (1 - beta1**t) * np.sqrt(1 - beta2**t) / np.sqrt(1 - beta2)


def radam_rho(t, beta2: float = 0.999) -> np.ndarray:
    r""":math:`\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)`, with :math:`\rho_\infty = 2/(1-\beta_2) - 1`
    (Liu et al., 2020, eq. 5)."""
    t = np.asarray(t, dtype=float)
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf - 2 * t * beta2**t / (1 - beta2**t)


def radam_rectifier(t, beta2: float = 0.999) -> np.ndarray:
    r"""RAdam's rectifier :math:`r_t = \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}
    {(\rho_\infty-4)(\rho_\infty-2)\rho_t}}` (Liu et al., 2020, Algorithm 2); NaN where
    :math:`\rho_t \le 4` (undefined there)."""
    rho, rho_inf = radam_rho(t, beta2), 2 / (1 - beta2) - 1
    ratio = (rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)
    return np.sqrt(np.where(rho > 4, ratio, np.nan))


def nadam_mu(t, beta1: float = 0.9, momentum_decay: float = 4e-3) -> np.ndarray:
    r"""NAdam's momentum schedule :math:`\mu_t = \beta_1(1 - \tfrac12\,0.96^{t\psi})`, :math:`\psi` =
    ``momentum_decay`` (torch's NAdam; Dozat, 2016)."""
    return beta1 * (1 - 0.5 * 0.96 ** (np.asarray(t, dtype=float) * momentum_decay))


def adamw_paper(grad, x0, alpha: float, weight_decay: float, steps: int, schedule=lambda t: 1.0,
                betas=(0.9, 0.999), eps: float = 1e-8) -> np.ndarray:
    r"""AdamW as in Loshchilov and Hutter (2019), Algorithm 2, line 12:
    :math:`\theta_t = \theta_{t-1} - \eta_t\big(\alpha\,\hat m_t/(\sqrt{\hat v_t}+\epsilon)
    + \lambda\theta_{t-1}\big)`, with :math:`\eta_t` = ``schedule(t)`` a multiplier and
    :math:`\lambda` = ``weight_decay`` not multiplied by :math:`\alpha`. The Adam part is course_lib's
    Adam with learning rate :math:`\eta_t\alpha`. Returns the final :math:`\theta`."""
    x = np.asarray(x0, dtype=float)
    adam = Adam(lr=lambda k: schedule(k + 1) * alpha, betas=betas, eps=eps)
    state = adam.init(x)
    for t in range(1, steps + 1):
        x_adam, state = adam.update(x, grad(x), state)
        x = x_adam - schedule(t) * weight_decay * x
    return x
