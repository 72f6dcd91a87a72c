"""Marks-mode task spec for ``05_adagrad.ipynb`` (see course_lib.grading.marks).

Steps are checked one at a time from the reference's own state (theta and the running sum before step t).
"""

import numpy as np

from course_lib.grading.taskspec import Case, Task, reference_steps
from course_lib.optim import Adagrad


def adagrad_step_cases(rng):
    for scale, eps in [(10 ** rng.uniform(-1, 1), 1e-10), (10 ** rng.uniform(-3, -2), 10 ** rng.uniform(-3, -2))]:
        lr, eps = float(rng.uniform(0.05, 0.5)), float(eps)
        opt = Adagrad(lr=lr, eps=eps)
        steps = reference_steps(opt, rng.normal(size=3), (scale * rng.normal(size=3) for _ in range(4)))
        for t, theta, state, grad, new_theta, new_state in steps:
            args, kwargs = (theta, grad, state.sum), {"lr": lr, "eps": eps}
            yield Case(f"the accumulator after step {t} (lr={lr:.4g}, eps={eps:.3g})", args, kwargs,
                       expected=new_state.sum, output=1, hint="a running *sum* of grad**2",
                       diagnoses=[(lambda got, exp, state=state, grad=grad, t=t:
                                   np.allclose(got, state.sum + (grad * grad - state.sum) / t),
                                   "that looks like an average: AdaGrad keeps the sum")])
            yield Case(f"adagrad_step, step {t} (lr={lr:.4g}, eps={eps:.3g})", args, kwargs, expected=new_theta,
                       output=0, hint="lr * grad / (sqrt(sum) + eps), with eps outside the square root")


def effective_learning_rates_cases(rng):
    for _ in range(2):
        steps, lr = int(rng.integers(5, 50)), float(rng.uniform(0.05, 0.5))
        grads = rng.normal(size=(steps, 4)) * 10.0 ** rng.uniform(-3, 3, size=4)
        opt = Adagrad(lr=lr)
        theta, state = np.zeros(4), opt.init(np.zeros(4))
        for g in grads:
            theta, state = opt.update(theta, g, state)
        yield Case(f"effective_learning_rates after {steps} steps", (grads,), {"lr": lr},
                   expected=lr / (np.sqrt(state.sum) + opt.eps),
                   hint="lr / (sqrt(sum of grad**2) + eps), per coordinate",
                   diagnoses=[(lambda got, exp, grads=grads, lr=lr:
                               np.allclose(got, lr / (np.sqrt(np.mean(grads**2, axis=0)) + 1e-10)),
                               "use the sum of squared gradients, not the mean")])


def adagrad_lr_cases(rng):
    for _ in range(2):
        lr, decay = float(10 ** rng.uniform(-2, 0)), float(10 ** rng.uniform(-3, 0))
        opt = Adagrad(lr=lr, lr_decay=decay)
        theta, state = np.zeros(1), opt.init(np.zeros(1))
        for t in range(1, 6):
            new, state = opt.update(theta, np.ones(1), state)
            # with a gradient of 1 the step is clr / sqrt(t): recover torch's clr from it
            torch_clr = float(abs(new[0] - theta[0]) * (np.sqrt(t) + opt.eps))
            theta = new
            yield Case(f"adagrad_lr(t={t}, lr={lr:.4g}, lr_decay={decay:.4g})", (t, lr, decay), expected=torch_clr,
                       hint="lr / (1 + (t - 1) * lr_decay)",
                       diagnoses=[(lambda got, exp, t=t, lr=lr, decay=decay: np.isclose(got, lr / (1 + t * decay)),
                                   "off by one: the first step (t = 1) is not decayed")])


TASKS = [Task("task-1", "adagrad_step", adagrad_step_cases),
         Task("task-2", "effective_learning_rates", effective_learning_rates_cases),
         Task("task-3", "adagrad_lr", adagrad_lr_cases)]
