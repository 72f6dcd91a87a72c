"""A registry of the optimizers for property tests, in the spirit of torch's optim_db.

Each entry: the class, a few hyperparameter settings that make progress on the test
quadratic in ``STEPS`` steps, which options it has, and invalid settings with the
message torch gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_lib import optim


@dataclass(frozen=True)
class OptimInfo:
    cls: type
    configs: tuple[dict, ...]
    invalid: tuple[tuple[dict, str], ...]
    first_order: bool = True  # has update(x, grad, state)
    l2_weight_decay: bool = True  # weight_decay adds lambda * x to the gradient
    maximize: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.cls.__name__


NEG_LR = ({"lr": -0.1}, "Invalid learning rate: -0.1")
NEG_EPS = ({"eps": -1.0}, "Invalid epsilon value: -1.0")
NEG_WD = ({"weight_decay": -0.5}, "Invalid weight_decay value: -0.5")
BAD_BETA0 = ({"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0: 1.0")
BAD_BETA1 = ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1: -0.1")

REGISTRY = (
    OptimInfo(
        optim.SGD,
        ({"lr": 0.05}, {"lr": 0.02, "momentum": 0.9}, {"lr": 0.02, "momentum": 0.9, "nesterov": True},
         {"lr": 0.05, "momentum": 0.5, "dampening": 0.5, "weight_decay": 0.01}),
        (NEG_LR, NEG_WD, ({"momentum": -0.9}, "Invalid momentum value: -0.9"),
         ({"momentum": 0.9, "nesterov": True, "dampening": 0.1},
          "Nesterov momentum requires a momentum and zero dampening"),
         ({"nesterov": True}, "Nesterov momentum requires a momentum and zero dampening")),
    ),
    OptimInfo(
        optim.Adagrad,
        ({"lr": 0.5}, {"lr": 0.5, "lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}),
        (NEG_LR, NEG_EPS, NEG_WD, ({"lr_decay": -1.0}, "Invalid lr_decay value: -1.0"),
         ({"initial_accumulator_value": -2.0}, "Invalid initial_accumulator_value value: -2.0")),
    ),
    OptimInfo(
        optim.RMSprop,
        ({"lr": 0.02}, {"lr": 0.01, "centered": True, "momentum": 0.5}, {"lr": 0.03, "alpha": 0.9}),
        (NEG_LR, NEG_EPS, NEG_WD, ({"momentum": -0.1}, "Invalid momentum value: -0.1"),
         ({"alpha": -0.99}, "Invalid alpha value: -0.99")),
    ),
    OptimInfo(
        optim.Adadelta,
        ({"lr": 20.0}, {"lr": 1.0, "rho": 0.5, "eps": 1e-3}),
        (NEG_LR, NEG_EPS, NEG_WD, ({"rho": 1.5}, "Invalid rho value: 1.5")),
    ),
    OptimInfo(
        optim.Adam,
        ({"lr": 0.05}, {"lr": 0.05, "amsgrad": True}, {"lr": 0.05, "betas": (0.5, 0.9)}),
        (NEG_LR, NEG_EPS, NEG_WD, BAD_BETA0, BAD_BETA1),
    ),
    OptimInfo(
        optim.AdamW,
        ({"lr": 0.05}, {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
        (NEG_LR, NEG_EPS, NEG_WD, BAD_BETA0, BAD_BETA1),
        l2_weight_decay=False,
    ),
    OptimInfo(
        optim.Adamax,
        ({"lr": 0.05}, {"lr": 0.05, "betas": (0.8, 0.9)}),
        (NEG_LR, NEG_EPS, NEG_WD, BAD_BETA0, BAD_BETA1),
    ),
    OptimInfo(
        optim.NAdam,
        ({"lr": 0.05}, {"lr": 0.05, "momentum_decay": 0.01}),
        (NEG_LR, NEG_EPS, NEG_WD, BAD_BETA0, BAD_BETA1,
         ({"momentum_decay": -0.004}, "Invalid momentum_decay value: -0.004")),
    ),
    OptimInfo(
        optim.RAdam,
        ({"lr": 0.1}, {"lr": 0.1, "betas": (0.9, 0.99)}),
        (NEG_LR, NEG_EPS, NEG_WD, BAD_BETA0, BAD_BETA1),
    ),
    OptimInfo(
        optim.LBFGS,
        ({}, {"line_search_fn": "strong_wolfe"}, {"lr": 0.5, "history_size": 2, "max_iter": 3}),
        (NEG_LR, ({"history_size": 0}, "Invalid history_size value: 0"),
         ({"max_iter": 0}, "Invalid max_iter value: 0"),
         ({"line_search_fn": "armijo"}, "Invalid line_search_fn: 'armijo'")),
        first_order=False, l2_weight_decay=False, maximize=False,
    ),
    OptimInfo(
        optim.Newton,
        ({}, {"lr": 0.5, "damping": 1.0}),
        (NEG_LR, ({"damping": -1.0}, "Invalid damping value: -1.0")),
        first_order=False, l2_weight_decay=False, maximize=False,
    ),
)
FIRST_ORDER = tuple(info for info in REGISTRY if info.first_order)


def all_configs(infos=REGISTRY):
    """``(info, kwargs)`` pairs with readable pytest ids."""
    import pytest

    return [
        pytest.param(info, kwargs, id=f"{info.name}({','.join(f'{k}={v}' for k, v in kwargs.items())})")
        for info in infos
        for kwargs in info.configs
    ]
