"""Marks-mode task spec for ``07_adam_and_family.ipynb`` (see course_lib.grading.marks).

Steps are checked one at a time from the reference's own state (theta, m, v before step t), so one
wrong step does not hide the others, and every input is drawn from the grader's secret rng.
"""

import numpy as np

from course_lib.grading.checks import ratio_is
from course_lib.grading.taskspec import Case, Task, reference_steps
from course_lib.optim import Adam, AdamW

OUTPUTS = [(0, "the new theta", "m_hat = m / (1 - beta1**t), v_hat = v / (1 - beta2**t), "
            "step lr * m_hat / (sqrt(v_hat) + eps)"),
           (1, "the first moment m", "m = beta1 * m + (1 - beta1) * grad"),
           (2, "the second moment v", "v = beta2 * v + (1 - beta2) * grad**2 (not a sum)")]


def adam_step_cases(rng):
    for scale in (10 ** rng.uniform(-1, 1), 10 ** rng.uniform(-5, -4)):  # tiny gradients: where eps matters
        lr, betas = float(10 ** rng.uniform(-3, -1)), (float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.9999)))
        shape = [(3,), (2, 2), (5,)][int(rng.integers(3))]
        opt = Adam(lr=lr, betas=betas)
        steps = reference_steps(opt, rng.normal(size=shape), (scale * rng.normal(size=shape) for _ in range(4)))
        for t, theta, state, grad, new_theta, new_state in steps:
            args = (theta, grad, state.exp_avg, state.exp_avg_sq, t)
            for output, expected, (_, what, hint) in zip(range(3), (new_theta, new_state.exp_avg, new_state.exp_avg_sq),
                                                         OUTPUTS, strict=True):
                yield Case(f"adam_step, step t={t} (lr={lr:.4g}, betas=({betas[0]:.4g}, {betas[1]:.4g})): {what}",
                           args, {"lr": lr, "betas": betas}, expected=expected, hint=hint, output=output)


def first_step_size_cases(rng):
    for _ in range(4):
        g, lr = float(rng.choice([-1, 1]) * 10 ** rng.uniform(-1, 5)), float(10 ** rng.uniform(-3, -1))
        yield Case(f"first_step_size(g={g:.4g}, lr={lr:.4g})", (g,), {"lr": lr}, expected=lr, rtol=1e-6,
                   hint="the first step of Adam is lr * sign(g): check both bias corrections",
                   diagnoses=[(ratio_is(0.1, 0.01), "your first step is 10x too small: the bias correction of m "
                               "(1 - beta1**t) is missing"),
                              (ratio_is(1 / 0.001**0.5, 0.01), "your first step is 31.6x too large: the bias "
                               "correction of v (1 - beta2**t) is missing"),
                              (ratio_is(0.1 / 0.001**0.5, 0.01), "both bias corrections are missing: divide m by "
                               "1 - beta1**t and v by 1 - beta2**t"),
                              (ratio_is(0.7441, 0.01),
                               "off by one: the first step uses 1 - beta**t with t = 1, not t + 1")])


def adamw_step_cases(rng):
    lr, weight_decay = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.1, 0.5))
    opt = AdamW(lr=lr, weight_decay=weight_decay)
    beta1 = opt.betas[0]
    steps = reference_steps(opt, rng.normal(size=4), (rng.normal(size=4) for _ in range(4)))
    for t, theta, state, grad, new_theta, new_state in steps:
        args, kwargs = (theta, grad, state.exp_avg, state.exp_avg_sq, t), {"lr": lr, "weight_decay": weight_decay}
        l2_m = beta1 * state.exp_avg + (1 - beta1) * (grad + weight_decay * theta)
        yield Case(f"adamw_step, step t={t}: the first moment m", args, kwargs, expected=new_state.exp_avg, output=1,
                   hint="m = beta1 * m + (1 - beta1) * grad, with the unchanged gradient",
                   diagnoses=[(lambda got, exp, l2_m=l2_m: np.allclose(got, l2_m), "the decay must not enter m: do not "
                               "add weight_decay * theta to the gradient (that is L2, not AdamW)")])
        yield Case(f"adamw_step, step t={t}: the new theta", args, kwargs, expected=new_theta, output=0,
                   hint="theta * (1 - lr * weight_decay) first, then the Adam step with the unchanged gradient")


TASKS = [Task("task-1", "adam_step", adam_step_cases),
         Task("task-2", "first_step_size", first_step_size_cases),
         Task("task-3", "adamw_step", adamw_step_cases)]
