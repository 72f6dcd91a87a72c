"""Generate tests/golden/torch_golden.json with torch.optim (the independent reference).

Run with torch installed (not a course requirement):

    pip install torch==2.13.0 && python tools/make_golden.py

Everything runs in float64 with ``foreach=False`` (the plain per-tensor loop). The
problems are written here in torch, independently of course_lib.functions.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)  # also makes torch keep its step/mu_product in float64
OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "torch_golden.json"
STEPS, LBFGS_STEPS = 60, 8


def rotated_quadratic_matrix(kappa=20.0, angle_deg=30.0):
    phi = math.radians(angle_deg)
    c, s = math.cos(phi), math.sin(phi)
    # R diag(1, kappa) R^T, written out
    return [[c * c + kappa * s * s, (1 - kappa) * c * s], [(1 - kappa) * c * s, s * s + kappa * c * c]]


QUAD_A, QUAD_CENTER = rotated_quadratic_matrix(), [1.0, -0.5]
MATRIX_D = [[1.0, 2.0, 3.0], [0.5, 4.0, 1.5]]
MATRIX_C = [[1.0, -1.0, 0.5], [2.0, 0.0, -0.5]]

PROBLEMS = {
    "rosenbrock": {"x0": [-1.2, 1.0]},
    "quadratic": {"x0": [-2.5, 1.5], "A": QUAD_A, "center": QUAD_CENTER},
    "matrix": {"x0": [[0.5, 0.3, -1.0], [-0.2, 1.5, 0.8]], "D": MATRIX_D, "C": MATRIX_C},
}


def loss_fn(problem, x):
    if problem == "rosenbrock":
        return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    if problem == "quadratic":
        d = x - torch.tensor(QUAD_CENTER)
        return 0.5 * d @ torch.tensor(QUAD_A) @ d
    if problem == "matrix":  # 0.5 sum D (W - C)^2 + 0.025 sum W^4
        return 0.5 * (torch.tensor(MATRIX_D) * (x - torch.tensor(MATRIX_C)) ** 2).sum() + 0.025 * (x**4).sum()
    raise KeyError(problem)


ALL, NO_ROSEN = ("rosenbrock", "quadratic", "matrix"), ("quadratic", "matrix")
OPTIMIZER_CONFIGS = [
    ("SGD", {"lr": 1e-3}, ALL),
    ("SGD", {"lr": 1e-3, "momentum": 0.9}, ALL),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, ALL),
    ("SGD", {"lr": 1e-3, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.05}, ALL),
    ("SGD", {"lr": 1e-3, "momentum": 0.9, "maximize": True}, NO_ROSEN),
    ("Adagrad", {"lr": 0.1}, ALL),
    ("Adagrad", {"lr": 0.3, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}, ALL),
    ("Adagrad", {"lr": 0.05, "maximize": True}, NO_ROSEN),
    ("RMSprop", {"lr": 0.01}, ALL),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5, "weight_decay": 0.01}, ALL),
    ("RMSprop", {"lr": 0.005, "centered": True}, ALL),
    ("RMSprop", {"lr": 0.002, "momentum": 0.9}, ALL),
    ("RMSprop", {"lr": 0.01, "maximize": True}, NO_ROSEN),
    ("Adadelta", {}, ALL),
    ("Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-4, "weight_decay": 0.1}, ALL),
    ("Adadelta", {"maximize": True}, NO_ROSEN),
    ("Adam", {"lr": 0.05}, ALL),
    ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}, ALL),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.5)}, ALL),
    ("Adam", {"lr": 0.02, "weight_decay": 0.1, "decoupled_weight_decay": True}, ALL),
    ("Adam", {"lr": 0.01, "amsgrad": True, "maximize": True}, NO_ROSEN),
    ("AdamW", {"lr": 0.05}, ALL),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.5, "amsgrad": True}, ALL),
    ("Adamax", {"lr": 0.05}, ALL),
    ("Adamax", {"lr": 0.05, "weight_decay": 0.1, "betas": (0.8, 0.9)}, ALL),
    ("NAdam", {"lr": 0.05}, ALL),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "momentum_decay": 0.01}, ALL),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, ALL),
    ("RAdam", {"lr": 1e-3}, ALL),
    ("RAdam", {"lr": 1e-3, "weight_decay": 0.1}, ALL),
    ("RAdam", {"lr": 1e-3, "weight_decay": 0.1, "decoupled_weight_decay": True, "betas": (0.9, 0.99)}, ALL),
    ("LBFGS", {"lr": 1.0, "max_iter": 4, "history_size": 3}, ("quadratic", "matrix")),
    ("LBFGS", {"lr": 0.2, "max_iter": 5}, ("rosenbrock",)),
    ("LBFGS", {"line_search_fn": "strong_wolfe", "max_iter": 5}, ALL),
    ("LBFGS", {"line_search_fn": "strong_wolfe", "history_size": 4}, ALL),
]
# optimizer configs whose lr is a scheduler stepped once per optimizer step
SCHEDULED_CONFIGS = [
    ("SGD", {"lr": 2e-3, "momentum": 0.9}, ("StepLR", {"step_size": 10, "gamma": 0.5}), ALL),
    ("Adam", {"lr": 0.05}, ("CosineAnnealingLR", {"T_max": 20, "eta_min": 0.001}), ALL),
]
SCHEDULE_CONFIGS = [
    ("StepLR", 0.1, {"step_size": 7, "gamma": 0.5}, 40),
    ("MultiStepLR", 0.1, {"milestones": [5, 12, 12, 30], "gamma": 0.3}, 40),
    ("ExponentialLR", 0.1, {"gamma": 0.9}, 40),
    ("ConstantLR", 0.1, {"factor": 0.25, "total_iters": 6}, 20),
    ("LinearLR", 0.1, {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 10}, 20),
    ("PolynomialLR", 0.1, {"total_iters": 12, "power": 2.0}, 20),
    ("CosineAnnealingLR", 0.1, {"T_max": 10, "eta_min": 0.001}, 45),
    ("CosineAnnealingWarmRestarts", 0.1, {"T_0": 5, "T_mult": 2, "eta_min": 0.01}, 60),
    ("CosineAnnealingWarmRestarts", 0.1, {"T_0": 7}, 30),
    ("OneCycleLR", 0.1, {"max_lr": 0.5, "total_steps": 50}, 50),
    ("OneCycleLR", 0.1, {"max_lr": 1.0, "total_steps": 40, "pct_start": 0.25, "anneal_strategy": "linear",
                         "three_phase": True, "div_factor": 10.0}, 40),
    ("WarmupCosine", 0.1, {"warmup_steps": 5, "total_steps": 30, "start_factor": 0.01, "eta_min": 1e-4}, 30),
]



def plateau_metrics(n=60, mode="min"):
    """A loss-like sequence with plateaus, small wiggles and exact repeats (no randomness)."""
    values = []
    for k in range(n):
        base = 1.0 / (1.0 + min(k, 12) / 4.0) + (0.02 if 25 <= k < 40 else 0.0) - 0.001 * max(k - 45, 0)
        values.append(round(base + 0.004 * math.sin(1.7 * k) * (k % 3 != 0), 6))
    return values if mode == "min" else [1.0 - v for v in values]


# ReduceLROnPlateau: (lr, kwargs); the metrics come from plateau_metrics(mode)
PLATEAU_CONFIGS = [
    (0.1, {}),
    (0.1, {"factor": 0.5, "patience": 2}),
    (0.1, {"factor": 0.5, "patience": 1, "threshold": 0.01, "threshold_mode": "abs"}),
    (0.1, {"factor": 0.3, "patience": 0, "cooldown": 3, "min_lr": 0.002}),
    (0.1, {"mode": "max", "factor": 0.5, "patience": 3, "threshold": 0.05}),
    (0.1, {"mode": "max", "factor": 0.5, "patience": 1, "threshold": 0.002, "threshold_mode": "abs", "cooldown": 1}),
    (0.1, {"factor": 0.5, "patience": 1, "min_lr": 0.1 - 5e-9}),  # each cut < eps = 1e-8: none applied
    (0.1, {"factor": 0.5, "patience": 1, "min_lr": 0.02, "eps": 0.03}),  # the cut 0.05 -> 0.025 is < eps
]


def run_plateau(base_lr, kwargs, n=60):
    x = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([x], lr=base_lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    metrics = plateau_metrics(n, kwargs.get("mode", "min"))
    lrs = [opt.param_groups[0]["lr"]]
    for metric in metrics:
        opt.step()
        scheduler.step(metric)
        lrs.append(opt.param_groups[0]["lr"])
    return {"name": "ReduceLROnPlateau", "lr": base_lr, "kwargs": kwargs, "metrics": metrics, "lrs": lrs}


def make_scheduler(opt, name, kwargs):
    if name == "WarmupCosine":
        warmup = torch.optim.lr_scheduler.LinearLR(opt, kwargs["start_factor"], 1.0, kwargs["warmup_steps"])
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, kwargs["total_steps"] - kwargs["warmup_steps"], kwargs["eta_min"]
        )
        return torch.optim.lr_scheduler.SequentialLR(opt, [warmup, cosine], [kwargs["warmup_steps"]])
    return getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)


def run_optimizer(name, kwargs, problem, steps, schedule=None):
    x = torch.tensor(PROBLEMS[problem]["x0"], requires_grad=True)
    extra = {} if name == "LBFGS" else {"foreach": False}
    opt = getattr(torch.optim, name)([x], **kwargs, **extra)
    scheduler = make_scheduler(opt, *schedule) if schedule else None

    def closure():
        opt.zero_grad()
        loss = loss_fn(problem, x)
        loss.backward()
        return loss

    xs = [x.detach().clone().tolist()]
    for _ in range(steps):
        opt.step(closure)
        if scheduler:
            scheduler.step()
        xs.append(x.detach().clone().tolist())
    assert all(math.isfinite(v) for v in torch.tensor(xs).flatten().tolist()), (name, kwargs, problem)
    return xs


def run_schedule(name, base_lr, kwargs, steps):
    x = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([x], lr=base_lr, momentum=0.9)
    scheduler = make_scheduler(opt, name, kwargs)
    lrs, momenta = [scheduler.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(steps):
        opt.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
        momenta.append(opt.param_groups[0]["momentum"])
    record = {"name": name, "lr": base_lr, "kwargs": kwargs, "lrs": lrs}
    if name == "OneCycleLR":
        record["momenta"] = momenta
    return record


def main():
    runs = []
    for name, kwargs, problems in OPTIMIZER_CONFIGS:
        for problem in problems:
            steps = LBFGS_STEPS if name == "LBFGS" else STEPS
            xs = run_optimizer(name, kwargs, problem, steps)
            runs.append({"optimizer": name, "kwargs": kwargs, "problem": problem, "xs": xs})
    for name, kwargs, schedule, problems in SCHEDULED_CONFIGS:
        for problem in problems:
            xs = run_optimizer(name, kwargs, problem, STEPS, schedule)
            runs.append({"optimizer": name, "kwargs": kwargs, "schedule": list(schedule), "problem": problem, "xs": xs})
    golden = {
        "generator": "tools/make_golden.py",
        "torch_version": torch.__version__,
        "problems": PROBLEMS,
        "optimizers": runs,
        "schedules": [run_schedule(*config) for config in SCHEDULE_CONFIGS],
        "plateau": [run_plateau(*config) for config in PLATEAU_CONFIGS],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(golden, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB): {len(runs)} optimizer runs, "
          f"{len(golden['schedules'])} schedules, {len(golden['plateau'])} plateau runs, torch {torch.__version__}")


if __name__ == "__main__":
    main()
