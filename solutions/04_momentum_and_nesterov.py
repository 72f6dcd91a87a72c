"""Marks-mode task spec for ``04_momentum_and_nesterov.ipynb`` (see course_lib.grading.marks).

Steps are checked one at a time from the reference's own state (theta and the buffer before step t).
"""

import numpy as np

from course_lib.functions import ill_conditioned_quadratic
from course_lib.grading.taskspec import Case, Task, reference_steps
from course_lib.optim import SGD


def momentum_step_cases(rng):
    for nesterov in [False, True]:
        lr, mu = float(rng.uniform(0.01, 0.2)), float(rng.uniform(0.5, 0.95))
        opt = SGD(lr=lr, momentum=mu, nesterov=nesterov)
        steps = reference_steps(opt, rng.normal(size=3), (rng.normal(size=3) for _ in range(4)))
        for t, theta, state, grad, new_theta, new_state in steps:
            args = (theta, grad, state.momentum_buffer, lr, mu)
            yield Case(f"the buffer after step {t} (nesterov={nesterov})", args, {"nesterov": nesterov},
                       expected=new_state.momentum_buffer, output=1, hint="b_1 = g_1, then b_t = mu * b_(t-1) + g_t",
                       diagnoses=[(lambda got, exp, t=t, mu=mu: t == 1 and np.allclose(got, (1 - mu) * exp),
                                   "PyTorch starts the buffer at the first gradient, not (1 - mu) * grad"),
                                  (lambda got, exp, t=t, mu=mu: t == 1 and np.allclose(got, mu * exp),
                                   "the first buffer is the gradient itself: do not multiply it by mu")])
            yield Case(f"momentum_step, step {t} (nesterov={nesterov})", args, {"nesterov": nesterov},
                       expected=new_theta, output=0,
                       hint="theta - lr * b_t (or lr * (g_t + mu * b_t) with Nesterov)")


def ema_learning_rate_cases(rng):
    for _ in range(4):
        lr, beta = float(10 ** rng.uniform(-4, 0)), float(rng.uniform(0.3, 0.999))
        yield Case(f"ema_learning_rate(lr={lr:.4g}, beta={beta:.4g})", (lr, beta), expected=lr / (1 - beta),
                   hint="show by induction that v_t = (1 - beta) * b_t",
                   diagnoses=[(lambda got, exp, lr=lr, beta=beta: np.isclose(got, lr * (1 - beta)),
                               "the EMA takes *smaller* steps, so its learning rate must be *larger*: divide, "
                               "do not multiply")])


def polyak_parameters_cases(rng):
    for _ in range(3):
        q = ill_conditioned_quadratic(kappa=float(rng.uniform(2, 500)), angle=float(rng.uniform(0, 90)),
                                      mu=float(rng.uniform(0.2, 3)))
        root_kappa = (q.L / q.mu) ** 0.5
        yield Case(f"polyak_parameters for kappa = {q.L / q.mu:.4g}", (q.A,),
                   expected=[4 / (q.L**0.5 + q.mu**0.5) ** 2, ((root_kappa - 1) / (root_kappa + 1)) ** 2],
                   hint="use the square roots of L, mu and kappa",
                   diagnoses=[(lambda got, exp, q=q: np.isclose(got[0], 2 / (q.L + q.mu)),
                               "2/(L + mu) is the best step of plain gradient descent, not of the heavy ball")])


TASKS = [Task("task-1", "momentum_step", momentum_step_cases),
         Task("task-2", "ema_learning_rate", ema_learning_rate_cases),
         Task("task-3", "polyak_parameters", polyak_parameters_cases)]
