"""Marks-mode task spec for ``08_learning_rate_schedules.ipynb`` (see course_lib.grading.marks).

Each case calls the schedule once per step (a sweep) and compares the whole sequence with the reference.
"""

import numpy as np

from course_lib.grading.taskspec import Case, Task
from course_lib.schedules import CosineAnnealingLR, StepLR, WarmupCosine


def cosine_lr_cases(rng):
    for _ in range(2):
        lr, T_max, eta_min = float(10 ** rng.uniform(-3, 0)), int(rng.integers(5, 60)), 0.0
        eta_min = float(rng.choice([0.0, lr * rng.uniform(0.01, 0.3)]))
        steps = range(0, 2 * T_max + 3)
        reference = CosineAnnealingLR(lr, T_max=T_max, eta_min=eta_min)
        yield Case(f"cosine_lr for t = 0..{steps[-1]} (lr={lr:.4g}, T_max={T_max}, eta_min={eta_min:.4g})",
                   sweep=[(t, lr, T_max, eta_min) for t in steps], expected=reference.values(len(steps)),
                   hint="eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2",
                   diagnoses=[(lambda got, exp, T_max=T_max: np.allclose(got[:T_max + 1], exp[:T_max + 1]),
                               "past T_max, PyTorch keeps following the cosine (it rises again): do not clamp t")])


def warmup_cosine_lr_cases(rng):
    for _ in range(2):
        lr, warmup, start = float(10 ** rng.uniform(-4, 0)), int(rng.integers(2, 20)), float(rng.uniform(0.01, 0.3))
        total = warmup + int(rng.integers(10, 80))
        reference = WarmupCosine(lr, warmup_steps=warmup, total_steps=total, start_factor=start)
        yield Case(f"warmup_cosine_lr for t = 0..{total} (lr={lr:.4g}, warmup={warmup}, total={total})",
                   sweep=[(t, lr, warmup, total, start) for t in range(total + 1)],
                   expected=reference.values(total + 1),
                   hint="the warm-up is linear in t and reaches lr exactly at t = warmup; the cosine then runs over "
                        "total - warmup steps",
                   diagnoses=[(lambda got, exp, w=warmup:
                               np.allclose(got[:w], exp[:w]) and not np.allclose(got[w:], exp[w:]),
                               "the warm-up is right; restart the cosine at t = warmup with T_max = total - warmup")])


def step_lr_cases(rng):
    for _ in range(2):
        lr, step_size, gamma = float(10 ** rng.uniform(-3, 0)), int(rng.integers(3, 40)), float(rng.uniform(0.1, 0.9))
        reference = StepLR(lr, step_size=step_size, gamma=gamma)
        yield Case(f"step_lr for t = 0..99 (step_size={step_size}, gamma={gamma:.4g})",
                   sweep=[(t, lr, step_size, gamma) for t in range(100)], expected=reference.values(100),
                   hint="lr * gamma ** (t // step_size)",
                   diagnoses=[(lambda got, exp: np.allclose(got[1:], exp[:-1]),
                               "off by one: the first decay happens when t reaches step_size")])


TASKS = [Task("task-1", "cosine_lr", cosine_lr_cases),
         Task("task-2", "warmup_cosine_lr", warmup_cosine_lr_cases),
         Task("task-3", "step_lr", step_lr_cases)]
