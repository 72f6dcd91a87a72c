"""Marks-mode task spec for ``06_rmsprop_and_adadelta.ipynb`` (see course_lib.grading.marks).

Steps are checked one at a time from the reference's own state (theta and the averages before step t).
"""

import numpy as np

from course_lib.grading.taskspec import Case, Task, reference_steps
from course_lib.optim import Adadelta, RMSprop


def rmsprop_step_cases(rng):
    for scale, eps in [(10 ** rng.uniform(-1, 1), 1e-8), (10 ** rng.uniform(-3.5, -2.5), 1e-3)]:
        lr, alpha = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.8, 0.99))
        opt = RMSprop(lr=lr, alpha=alpha, eps=eps)
        steps = reference_steps(opt, rng.normal(size=3), (scale * rng.normal(size=3) for _ in range(4)))
        for t, theta, state, grad, new_theta, new_state in steps:
            args, kwargs = (theta, grad, state.square_avg), {"lr": lr, "alpha": alpha, "eps": eps}
            yield Case(f"square_avg after step {t} (alpha={alpha:.4g})", args, kwargs, expected=new_state.square_avg,
                       output=1, hint="v = alpha * v + (1 - alpha) * grad**2",
                       diagnoses=[(lambda got, exp, state=state, grad=grad:
                                   np.allclose(got, state.square_avg + grad**2),
                                   "that is AdaGrad's running sum (R += g**2); RMSprop keeps an exponential moving "
                                   "average")])
            yield Case(f"rmsprop_step, step {t} (lr={lr:.4g}, alpha={alpha:.4g}, eps={eps:g})", args, kwargs,
                       expected=new_theta, output=0,
                       hint="lr * grad / (sqrt(v) + eps): eps after the square root, and no bias correction")


def centered_rmsprop_step_cases(rng):
    lr, alpha = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.8, 0.99))
    opt = RMSprop(lr=lr, alpha=alpha, centered=True)
    steps = reference_steps(opt, rng.normal(size=2), (rng.normal(size=2) for _ in range(4)))
    for t, theta, state, grad, new_theta, new_state in steps:
        args, kwargs = (theta, grad, state.square_avg, state.grad_avg), {"lr": lr, "alpha": alpha}
        yield Case(f"grad_avg after step {t}", args, kwargs, expected=new_state.grad_avg, output=2,
                   hint="an EMA of the gradient itself")
        yield Case(f"centered_rmsprop_step, step {t}", args, kwargs, expected=new_theta, output=0,
                   hint="divide by sqrt(v - grad_avg**2) + eps: the standard deviation, not the root mean square")


def adadelta_step_cases(rng):
    lr, rho = float(rng.uniform(0.5, 1.0)), float(rng.uniform(0.8, 0.95))
    opt = Adadelta(lr=lr, rho=rho, eps=1e-6)
    steps = reference_steps(opt, rng.normal(size=3), (rng.normal(size=3) for _ in range(4)))
    for t, theta, state, grad, new_theta, new_state in steps:
        args, kwargs = (theta, grad, state.square_avg, state.acc_delta), {"lr": lr, "rho": rho, "eps": 1e-6}
        yield Case(f"acc_delta after step {t}", args, kwargs, expected=new_state.acc_delta, output=2,
                   hint="u = rho * u + (1 - rho) * delta**2, with the *new* delta")
        yield Case(f"adadelta_step, step {t}", args, kwargs, expected=new_theta, output=0,
                   hint="delta = sqrt(u_prev + eps) / sqrt(v + eps) * grad: use the accumulated update from *before* "
                        "this step")


TASKS = [Task("task-1", "rmsprop_step", rmsprop_step_cases),
         Task("task-2", "centered_rmsprop_step", centered_rmsprop_step_cases),
         Task("task-3", "adadelta_step", adadelta_step_cases)]
