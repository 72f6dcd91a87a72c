r"""Line searches along a direction :math:`d`: torch's strong-Wolfe search, ported as is.

A step :math:`t` satisfies the *strong Wolfe conditions* when

.. math::
    f(x + t d) \le f(x) + c_1 t\, \nabla f(x)^\top d \quad\text{(sufficient decrease, Armijo)}

    |\nabla f(x + t d)^\top d| \le c_2\, |\nabla f(x)^\top d| \quad\text{(curvature)}

``strong_wolfe`` brackets such a step and zooms in with safeguarded cubic interpolation
(Nocedal and Wright, "Numerical Optimization", 2nd ed., algorithms 3.5 and 3.6); it is a
line-by-line port of ``torch.optim.lbfgs._strong_wolfe`` so that L-BFGS matches torch.
"""

from __future__ import annotations

import math

import numpy as np


def backtracking_armijo(objective, x, direction, t0: float = 1.0, c1: float = 1e-4, shrink: float = 0.5,
                        max_evaluations: int = 60):
    r"""The first :math:`t \in \{t_0, \sigma t_0, \sigma^2 t_0, \dots\}` (:math:`\sigma` = ``shrink``) with
    sufficient decrease,

    .. math:: f(x + t d) \le f(x) + c_1\, t\, \nabla f(x)^\top d,

    for a descent direction :math:`d` (Nocedal and Wright, algorithm 3.1). ``objective`` has
    ``value_and_grad``. Returns ``(t, evaluations)``; ``t = 0.0`` if no step was accepted.

    >>> from course_lib.functions import Quadratic
    >>> f = Quadratic(np.eye(2))
    >>> backtracking_armijo(f, np.array([1.0, 0.0]), np.array([-4.0, 0.0]))
    (0.25, 3)
    """
    if not (0 < c1 < 1 and 0 < shrink < 1 and t0 > 0):
        raise ValueError(f"Invalid Armijo parameters: c1={c1}, shrink={shrink} (both in (0, 1)), t0={t0} (> 0)")
    value, grad = objective.value_and_grad(x)
    slope = float(np.ravel(grad) @ np.ravel(direction))
    if slope >= 0:
        raise ValueError(f"direction is not a descent direction (slope {slope:.3g} >= 0)")
    t = t0
    for evaluations in range(1, max_evaluations + 1):
        with np.errstate(all="ignore"):
            trial, _ = objective.value_and_grad(x + t * direction)
        if trial <= value + c1 * t * slope:
            return t, evaluations
        t *= shrink
    return 0.0, max_evaluations


def cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clipped to ``bounds``."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = math.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find ``t`` along ``d`` from ``x`` that satisfies the strong Wolfe conditions.

    ``obj_func(x, t, d)`` returns ``(loss, flat_grad)`` at ``x + t d``; ``f``, ``g`` and
    ``gtd`` are the loss, gradient and directional derivative at ``x``.
    Returns ``(f_new, g_new, t, evaluations)``.
    """
    d_norm = float(np.max(np.abs(d)))
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        # bracketing phase: stop once [t_prev, t] must contain a Wolfe point
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, g_new, gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom phase: shrink the bracket until a point satisfies the conditions
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # keep away from the bracket's ends unless progress was made
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = g_new, gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = g_new, gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals
