"""Marks-mode task spec for ``02_step_size_and_conditioning.ipynb`` (see course_lib.grading.marks).

The expected rates and step counts are measured by runs of the reference gradient descent, as in the
notebook's checks, on quadratics drawn from the grader's secret rng.
"""

import numpy as np

from course_lib.functions import ill_conditioned_quadratic
from course_lib.grading.taskspec import Case, Task
from course_lib.optim import SGD, minimize


def random_quadratic(rng, kappa_range=(2.0, 300.0)):
    return ill_conditioned_quadratic(kappa=float(rng.uniform(*kappa_range)), angle=float(rng.uniform(0, 90)),
                                     mu=float(rng.uniform(0.2, 3.0)))


def optimal_step_cases(rng):
    for _ in range(4):
        q = random_quadratic(rng)
        yield Case(f"optimal_step for eigenvalues {q.mu:.4g} and {q.L:.4g}", (q.A,), expected=2 / (q.L + q.mu),
                   hint="minimise max(|1 - lr * mu|, |1 - lr * L|) over lr",
                   diagnoses=[(lambda got, exp, q=q: np.isclose(got, 1 / q.L),
                               "1/L is safe but not fastest: both extreme directions matter"),
                              (lambda got, exp, q=q: np.isclose(got, 2 / q.L),
                               "2/L is the divergence threshold, not the best step")])


def best_rate_cases(rng):
    for _ in range(3):
        q = random_quadratic(rng, (2.0, 80.0))
        errors = np.linalg.norm(minimize(SGD(lr=2 / (q.L + q.mu)), q, steps=30).xs, axis=1)
        measured = (errors[30] / errors[0]) ** (1 / 30)
        kappa = q.L / q.mu
        yield Case(f"best_rate for kappa = {kappa:.4g} (measured by a run: {measured:.6f})", (q.A,), expected=measured,
                   rtol=1e-6, hint="write the rate in terms of kappa = L / mu",
                   diagnoses=[(lambda got, exp, kappa=kappa: np.isclose(got, 1 - 1 / kappa),
                               "1 - 1/kappa is the rate of the step 1/L, not of the best step")])


def steps_needed_cases(rng):
    for _ in range(3):
        q, tolerance = random_quadratic(rng, (3.0, 60.0)), float(10 ** rng.uniform(-8, -3))
        errors = np.linalg.norm(minimize(SGD(lr=2 / (q.L + q.mu)), q, steps=3000).xs, axis=1)
        measured = int(np.argmax(errors <= tolerance * errors[0]))
        yield Case(f"steps_needed for kappa = {q.L / q.mu:.4g}, tolerance {tolerance:.3g}", (q.A, tolerance),
                   expected=measured, hint="k = ceil(log(tolerance) / log(rate))",
                   diagnoses=[(lambda got, exp: abs(got - exp) == 1,
                               "off by one: round *up* (ceil) to the first k that reaches the tolerance")])


TASKS = [Task("task-1", "optimal_step", optimal_step_cases),
         Task("task-2", "best_rate", best_rate_cases),
         Task("task-3", "steps_needed", steps_needed_cases)]
