"""Marks-mode task spec for ``01_gradient_descent.ipynb`` (see course_lib.grading.marks).

Each generator draws its cases from the grader's secret per-run rng and computes the expected values
with the reference code; the answers only ever see the inputs.
"""

import numpy as np

from course_lib.functions import Quadratic, ill_conditioned_quadratic
from course_lib.functions.classic import Rosenbrock
from course_lib.grading.checks import ratio_is
from course_lib.grading.taskspec import Case, Task, quadratic, rosenbrock
from course_lib.optim import SGD, minimize


def gd_step_cases(rng):
    for shape in [(2,), (3, 4), (), (int(rng.integers(4, 9)),)]:
        theta, grad, lr = rng.normal(size=shape), rng.normal(size=shape), float(rng.uniform(0.01, 0.5))
        expected, _ = SGD(lr=lr).update(theta, grad, SGD(lr=lr).init(theta))
        yield Case(f"gd_step on a parameter of shape {shape}", (theta, grad, lr), expected=expected,
                   hint="theta - lr * grad", unchanged=(0, 1),
                   diagnoses=[(lambda got, exp, theta=theta: np.allclose(got, 2 * theta - exp),
                               "you moved *along* the gradient (uphill): subtract lr * grad"),
                              (lambda got, exp, theta=theta, grad=grad: np.allclose(got, theta - grad),
                               "the learning rate is missing: multiply grad by lr")])


def divergence_threshold_cases(rng):
    for _ in range(4):
        q = ill_conditioned_quadratic(kappa=float(rng.uniform(2, 300)), angle=float(rng.uniform(0, 90)),
                                      mu=float(rng.uniform(0.1, 3)))
        yield Case(f"divergence_threshold for a quadratic with eigenvalues {q.mu:.4g} and {q.L:.4g}", (q.A,),
                   expected=2 / q.L, hint="look at the eigenvalues of A",
                   diagnoses=[(ratio_is(0.5), "that is 1/L, where steps start to overshoot; divergence starts at 2/L"),
                              (lambda got, exp, q=q: np.isclose(got, 2 / q.mu),
                               "use the *largest* eigenvalue: the steepest direction diverges first")])


def run_gd_cases(rng):
    A = rng.normal(size=(3, 3))
    A = A @ A.T + np.eye(3)
    center = rng.normal(size=3)
    a, b = float(rng.uniform(0.5, 1.5)), float(rng.uniform(20, 100))
    problems = [(Rosenbrock(a, b), rosenbrock(a, b), rng.uniform(-1.5, 0.5, size=2), 1e-3, int(rng.integers(10, 30))),
                (Quadratic(A, center), quadratic(A, center), rng.normal(size=3), 0.5 / np.linalg.eigvalsh(A).max(),
                 int(rng.integers(3, 12)))]
    for fun, sent, theta0, lr, steps in problems:
        expected = minimize(SGD(lr=lr), fun, x0=theta0, steps=steps).xs
        yield Case(f"run_gd, {steps} steps on {fun.name}", (sent, theta0, lr, steps), expected=expected,
                   hint="the first row is theta0 itself, then one row per step",
                   diagnoses=[(lambda got, exp: got.shape[0] == exp.shape[0] - 1, "include theta0 as the first row"),
                              (lambda got, exp: got.shape[0] == exp.shape[0] + 1,
                               "one row per step: steps + 1 rows in all")])


TASKS = [Task("task-1", "gd_step", gd_step_cases),
         Task("task-2", "divergence_threshold", divergence_threshold_cases),
         Task("task-3", "run_gd", run_gd_cases)]
