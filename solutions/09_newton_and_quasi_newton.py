r"""Marks-mode task spec for ``09_newton_and_quasi_newton.ipynb`` (see course_lib.grading.marks).

BFGS is checked against the L-BFGS two-loop recursion: from :math:`H_0 = \gamma I`, k BFGS updates give
the operator that the two-loop recursion applies with the same k pairs (Nocedal and Wright, 2006, 7.2).
"""

import numpy as np

from course_lib.functions import Quadratic
from course_lib.functions.classic import Rosenbrock
from course_lib.grading.taskspec import Case, Task, quadratic, rosenbrock
from course_lib.optim import Newton, backtracking_armijo, two_loop_direction


def random_spd(rng, n, kappa=50.0):
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return Q @ np.diag(np.geomspace(1.0, kappa, n)) @ Q.T


def newton_step_cases(rng):
    banana = Rosenbrock(float(rng.uniform(0.5, 1.5)), float(rng.uniform(20, 100)))
    bowl = Quadratic(random_spd(rng, 3, 1e4), rng.normal(size=3))
    for fun, theta, damping in [(banana, rng.uniform(-1.5, 1.0, size=2), 0.0),
                                (banana, rng.uniform(-1.5, 1.0, size=2), float(rng.uniform(0.5, 5))),
                                (bowl, rng.normal(size=3), 0.0),
                                (bowl, rng.normal(size=3), float(rng.uniform(0.5, 5)))]:
        opt = Newton(damping=damping)
        expected, _, _ = opt.step(theta, fun, opt.init(theta))
        undamped = theta - np.linalg.solve(fun.hessian(theta), fun.grad(theta))
        yield Case(f"newton_step on {fun.name} at {np.round(theta, 4)} (damping={damping:.4g})",
                   (theta, fun.grad(theta), fun.hessian(theta), damping), expected=expected,
                   hint="theta - solve(H + damping * I, grad)",
                   diagnoses=[(lambda got, exp, undamped=undamped, damping=damping:
                               damping > 0 and np.allclose(got, undamped),
                               "the damping is missing: add damping * identity to the Hessian")])


def backtracking_cases(rng):
    a, b = float(rng.uniform(0.5, 1.5)), float(rng.uniform(20, 100))
    A, center = random_spd(rng, 2, float(rng.uniform(5, 100))), rng.normal(size=2)
    problems = [(Rosenbrock(a, b), rosenbrock(a, b, "value"), rosenbrock(a, b, "grad")),
                (Quadratic(A, center), quadratic(A, center, "value"), quadratic(A, center, "grad"))]
    for fun, f, grad_f in problems + problems[:1]:
        x = rng.uniform(-1.5, 1.5, size=2)
        d = -fun.grad(x)
        expected, _ = backtracking_armijo(fun, x, d, t0=1.0, c1=1e-4, shrink=0.5)
        yield Case(f"backtracking on {fun.name} from {np.round(x, 4)} along -grad", (f, grad_f, x, d),
                   expected=expected,
                   hint="the first t in 1, 1/2, 1/4, ... with f(x + t d) <= f(x) + c1 * t * grad_f(x) @ d",
                   diagnoses=[(lambda got, exp: np.isclose(got, 2 * exp),
                               "you return one step too early: test the condition before accepting t"),
                              (lambda got, exp: np.isclose(got, exp / 2),
                               "you shrink once too often: return the first t that satisfies the condition")])


def inverse_hessian(S, Y, gamma):
    """The operator H of the two-loop recursion (``two_loop_direction`` returns -H g), column by column."""
    n = S.shape[1]
    rho = [1 / (y @ s) for s, y in zip(S, Y, strict=True)]
    return -np.column_stack([two_loop_direction(e, list(Y), list(S), rho, gamma) for e in np.eye(n)])


def bfgs_update_cases(rng):
    n = int(rng.integers(3, 6))
    A = random_spd(rng, n, float(rng.uniform(5, 50)))
    S = rng.normal(size=(3, n))
    Y = S @ A
    gamma = float((S[-1] @ Y[-1]) / (Y[-1] @ Y[-1]))
    for k in range(1, 4):
        before = gamma * np.eye(n) if k == 1 else inverse_hessian(S[:k - 1], Y[:k - 1], gamma)
        yield Case(f"bfgs_update, pair {k} of 3 in dimension {n}", (before, S[k - 1], Y[k - 1]),
                   expected=inverse_hessian(S[:k], Y[:k], gamma),
                   hint="rho = 1 / (y @ s); check the order of the outer products (the result satisfies B+ y = s)",
                   rtol=1e-7, atol=1e-10)


TASKS = [Task("task-1", "newton_step", newton_step_cases),
         Task("task-2", "backtracking", backtracking_cases),
         Task("task-3", "bfgs_update", bfgs_update_cases)]
