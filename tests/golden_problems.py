"""The golden fixture's problems, rebuilt with course_lib (and one written here in numpy)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from course_lib import functions, optim, schedules

GOLDEN_PATH = Path(__file__).parent / "golden" / "torch_golden.json"


@lru_cache(maxsize=1)
def golden() -> dict:
    return json.loads(GOLDEN_PATH.read_text())


class MatrixProblem:
    """0.5 * sum D (W - C)^2 + 0.025 * sum W^4 on a 2x3 parameter (tests any-shape gradients)."""

    def __init__(self, D, C):
        self.D, self.C = np.array(D), np.array(C)

    def value_and_grad(self, W):
        value = 0.5 * np.sum(self.D * (W - self.C) ** 2) + 0.025 * np.sum(W**4)
        return value, self.D * (W - self.C) + 0.1 * W**3


def problem(name: str):
    spec = golden()["problems"][name]
    if name == "rosenbrock":
        return functions.rosenbrock
    if name == "quadratic":
        return functions.Quadratic(spec["A"], center=spec["center"])
    if name == "matrix":
        return MatrixProblem(spec["D"], spec["C"])
    raise KeyError(name)


def schedule(name: str, lr: float, kwargs: dict):
    return getattr(schedules, name)(**({"max_lr": kwargs["max_lr"]} if name == "OneCycleLR" else {"lr": lr}),
                                    **{k: v for k, v in kwargs.items() if k != "max_lr"})


def optimizer(run: dict):
    kwargs = dict(run["kwargs"])
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    if "schedule" in run:
        name, schedule_kwargs = run["schedule"]
        kwargs["lr"] = schedule(name, kwargs["lr"], schedule_kwargs)
    return optim.OPTIMIZERS[run["optimizer"]](**kwargs)


def run_id(run: dict) -> str:
    args = ",".join(f"{k}={v}" for k, v in run["kwargs"].items())
    sched = f"+{run['schedule'][0]}" if "schedule" in run else ""
    return f"{run['optimizer']}({args}){sched}-{run['problem']}"
