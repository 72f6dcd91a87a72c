"""L-BFGS, as ``torch.optim.LBFGS`` (one ``step`` runs up to ``max_iter`` iterations)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._base import LearningRate, Optimizer, as_float_array, check, check_lr
from .line_search import strong_wolfe


class LBFGSState(NamedTuple):
    step: int  # completed calls of step()
    func_evals: int
    n_iter: int  # iterations over all steps
    d: np.ndarray | None  # last search direction
    t: float | None  # last step length
    old_dirs: tuple  # y_i = g_{i+1} - g_i (most recent last)
    old_stps: tuple  # s_i = x_{i+1} - x_i
    ro: tuple  # 1 / (y_i . s_i)
    H_diag: float  # gamma, the initial inverse-Hessian scale
    prev_flat_grad: np.ndarray | None
    prev_loss: float | None


def two_loop_direction(grad, old_dirs, old_stps, ro, H_diag):
    r"""The L-BFGS direction :math:`d = -H g` by the two-loop recursion.

    :math:`H` is the inverse-Hessian estimate built from the stored pairs
    :math:`(s_i, y_i)`, starting from :math:`H_0 = \gamma I` (Nocedal and Wright,
    algorithm 7.4). It never forms a matrix: :math:`O(mn)` work for :math:`m` pairs.
    """
    q = -grad
    alphas = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        alphas[i] = float(old_stps[i] @ q) * ro[i]
        q = q + (-alphas[i]) * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        beta_i = float(old_dirs[i] @ r) * ro[i]
        r = r + (alphas[i] - beta_i) * old_stps[i]
    return r


class LBFGS(Optimizer):
    r"""Limited-memory BFGS: a quasi-Newton direction from the last ``history_size`` steps.

    Each iteration :math:`k` forms :math:`d_k = -H_k g_k` (:func:`two_loop_direction`) from
    the pairs :math:`s_i = x_{i+1}-x_i`, :math:`y_i = g_{i+1}-g_i` (a pair is kept only if
    :math:`y_i^\top s_i > 10^{-10}`), with :math:`H_0 = \gamma I`,
    :math:`\gamma = \frac{y^\top s}{y^\top y}` of the newest pair, then moves
    :math:`x_{k+1} = x_k + t_k d_k` with :math:`t_k = \eta` (the very first iteration uses
    :math:`\min(1, 1/\lVert g\rVert_1)\,\eta`) or :math:`t_k` from the strong-Wolfe search.
    One ``step`` runs up to ``max_iter`` iterations and stops early on
    :math:`\lVert g\rVert_\infty \le` ``tolerance_grad`` or changes below ``tolerance_change``
    (Liu and Nocedal, 1989, "On the limited memory BFGS method for large scale
    optimization"; Nocedal and Wright, chapter 7).

    Needs the objective, not just a gradient: use :meth:`step` (or ``minimize``).

    >>> from course_lib.functions import Quadratic
    >>> f = Quadratic(np.diag([1.0, 10.0]))
    >>> opt = LBFGS(line_search_fn="strong_wolfe")
    >>> x, loss, state = opt.step(np.array([1.0, 1.0]), f, opt.init(np.zeros(2)))
    >>> bool(np.abs(x).max() < 1e-4), float(loss), state.n_iter
    (True, 5.5, 8)
    """

    def __init__(
        self,
        lr: LearningRate = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ):
        check_lr(lr)
        check(max_iter >= 1, f"Invalid max_iter value: {max_iter} (an integer >= 1)")
        check(max_eval is None or max_eval >= 1, f"Invalid max_eval value: {max_eval}")
        check(history_size >= 1, f"Invalid history_size value: {history_size} (>= 1)")
        check(
            line_search_fn in (None, "strong_wolfe"),
            f"Invalid line_search_fn: {line_search_fn!r} (None or 'strong_wolfe')",
        )
        self.lr, self.max_iter, self.history_size = lr, max_iter, history_size
        self.max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        self.tolerance_grad, self.tolerance_change = tolerance_grad, tolerance_change
        self.line_search_fn = line_search_fn

    def init(self, x) -> LBFGSState:
        return LBFGSState(0, 0, 0, None, None, (), (), (), 1.0, None, None)

    def update(self, x, grad, state):
        raise TypeError("LBFGS needs the objective, not one gradient: use step(x, objective, state)")

    def step(self, x, objective, state: LBFGSState):
        """Up to ``max_iter`` L-BFGS iterations from ``x``; returns ``(x_new, loss_at_x, state)``."""
        x = as_float_array(x)
        shape = x.shape
        lr = self.lr_at(state.step)

        def evaluate(flat_x):
            loss, grad = objective.value_and_grad(flat_x.reshape(shape))
            return float(loss), as_float_array(grad).ravel()

        flat_x = x.ravel()
        loss, flat_grad = evaluate(flat_x)
        orig_loss, current_evals = loss, 1
        func_evals, n_iter_total = state.func_evals + 1, state.n_iter
        if np.max(np.abs(flat_grad)) <= self.tolerance_grad:
            return x.copy(), orig_loss, state._replace(step=state.step + 1, func_evals=func_evals)

        d, t, H_diag = state.d, state.t, state.H_diag
        old_dirs, old_stps, ro = list(state.old_dirs), list(state.old_stps), list(state.ro)
        prev_flat_grad, prev_loss = state.prev_flat_grad, state.prev_loss
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            n_iter_total += 1
            if n_iter_total == 1:
                d, old_dirs, old_stps, ro, H_diag = -flat_grad, [], [], [], 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = float(y @ s)
                if ys > 1e-10:  # keep the pair only if the curvature is positive
                    if len(old_dirs) == self.history_size:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y), old_stps.append(s), ro.append(1.0 / ys)
                    H_diag = ys / float(y @ y)
                d = two_loop_direction(flat_grad, old_dirs, old_stps, ro, H_diag)
            prev_flat_grad, prev_loss = flat_grad, loss
            if n_iter_total == 1:
                t = min(1.0, 1.0 / float(np.sum(np.abs(flat_grad)))) * lr
            else:
                t = lr
            gtd = float(flat_grad @ d)
            if gtd > -self.tolerance_change:  # not a descent direction any more
                break

            ls_func_evals = 0
            if self.line_search_fn == "strong_wolfe":
                loss, flat_grad, t, ls_func_evals = strong_wolfe(
                    lambda x0, t_, d_: evaluate(x0 + t_ * d_),
                    flat_x, t, d, loss, flat_grad, gtd, max_ls=self.max_eval - current_evals,
                )
                flat_x = flat_x + t * d
                opt_cond = np.max(np.abs(flat_grad)) <= self.tolerance_grad
            else:
                flat_x = flat_x + t * d
                if n_iter != self.max_iter:
                    loss, flat_grad = evaluate(flat_x)
                    opt_cond = np.max(np.abs(flat_grad)) <= self.tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            func_evals += ls_func_evals

            if n_iter == self.max_iter or current_evals >= self.max_eval or opt_cond:
                break
            if np.max(np.abs(d * t)) <= self.tolerance_change:
                break
            if abs(loss - prev_loss) < self.tolerance_change:
                break

        new_state = LBFGSState(
            state.step + 1, func_evals, n_iter_total, d, t,
            tuple(old_dirs), tuple(old_stps), tuple(ro), H_diag, prev_flat_grad, prev_loss,
        )
        return flat_x.reshape(shape), orig_loss, new_state
