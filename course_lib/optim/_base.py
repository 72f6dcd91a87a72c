"""The functional optimizer contract shared by every reference optimizer.

An optimizer is a small immutable object holding hyperparameters (same names
and defaults as ``torch.optim``). Its state is an explicit, inspectable
``NamedTuple``, and every update is pure::

    state = opt.init(x0)
    x1, state1 = opt.update(x0, grad, state)   # x0, grad and state are untouched

``lr`` may be a number or a schedule: a callable of the number of completed
steps (see :mod:`course_lib.schedules`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Real
from typing import Any, NamedTuple

import numpy as np

LearningRate = float | Callable[[int], float]


def as_float_array(x) -> np.ndarray:
    """``x`` as a floating-point array (integers become float64; float32 stays)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def lerp(start: np.ndarray, end: np.ndarray, weight: float) -> np.ndarray:
    r"""torch's ``start.lerp(end, weight)``, with its two branches for accuracy.

    :math:`\mathrm{start} + w(\mathrm{end}-\mathrm{start})` for :math:`|w| < 0.5`,
    else :math:`\mathrm{end} - (\mathrm{end}-\mathrm{start})(1-w)`.
    """
    if abs(weight) < 0.5:
        return start + weight * (end - start)
    return end - (end - start) * (1 - weight)


def check(condition: bool, message: str) -> None:
    """Raise ``ValueError(message)`` unless ``condition`` holds."""
    if not condition:
        raise ValueError(message)


def check_lr(lr: LearningRate) -> None:
    """A number must be >= 0 (torch's message); a schedule is checked by itself."""
    if callable(lr):
        return
    check(isinstance(lr, Real), f"Invalid learning rate: {lr!r} (a number >= 0 or a schedule)")
    check(0.0 <= lr, f"Invalid learning rate: {lr}")


def check_betas(betas) -> None:
    """torch's check: each of ``betas`` in [0, 1)."""
    for index, beta in enumerate(betas):
        check(0.0 <= beta < 1.0, f"Invalid beta parameter at index {index}: {beta}")


def check_adam_family(lr, betas, eps, weight_decay) -> None:
    """The checks torch's Adam, AdamW, Adamax, NAdam and RAdam share, in torch's order."""
    check_lr(lr)
    check(eps >= 0.0, f"Invalid epsilon value: {eps}")
    check_betas(betas)
    check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")


class Optimizer:
    """Base class: hyperparameters, ``repr``, ``replace`` and a closure-driven ``step``."""

    def lr_at(self, completed_steps: int) -> float:
        """The learning rate used by the update after ``completed_steps`` steps."""
        lr = self.lr
        return float(lr(completed_steps)) if callable(lr) else lr

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The constructor's arguments, by name, as this optimizer holds them."""
        names = inspect.signature(type(self)).parameters
        return {name: getattr(self, name) for name in names}

    def replace(self, **changes) -> Optimizer:
        """A copy with some hyperparameters changed (validated like the constructor)."""
        return type(self)(**{**self.hyperparameters, **changes})

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.hyperparameters == other.hyperparameters

    def __hash__(self) -> int:
        return hash((type(self).__name__, repr(self)))

    def init(self, x) -> NamedTuple:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def update(self, x, grad, state):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def step(self, x, objective, state):
        """Evaluate ``loss, grad = objective.value_and_grad(x)`` and apply one update.

        Returns ``(x_new, loss_at_x, new_state)``; L-BFGS and Newton override this.
        """
        loss, grad = objective.value_and_grad(x)
        x_new, state = self.update(x, grad, state)
        return x_new, loss, state
