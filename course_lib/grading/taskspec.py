"""Task specs for marks mode: what an exercise's ``solutions/NN_topic.py`` is made of.

A spec module defines ``TASKS``, a list of :class:`Task`: the function the answer defines and a
generator of :class:`Case` (the arguments of one call and how to judge what it returns), drawn from a
rng that the grader seeds with a secret per run. The expected values are computed here, on the
trusted side, with the reference code in ``course_lib``; only the arguments are sent to the sandbox
(:func:`wire`). An instructor's private spec can extend a public one with hidden cases
(:func:`load_spec`, :func:`extra_cases`).
"""

from __future__ import annotations

import importlib.util
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import SOLUTIONS
from .sandbox_runner import encode


@dataclass(frozen=True)
class Rng:
    """An argument that is ``np.random.default_rng(seed)`` inside the sandbox."""

    seed: int


@dataclass(frozen=True)
class Objective:
    """An argument that is a plain callable inside the sandbox (see ``sandbox_runner.objective``)."""

    kind: str  # "quadratic" (A, center) or "rosenbrock" (a, b)
    params: dict
    returns: str = "grad"  # "value", "grad" or "value_and_grad"
    grad_scale: float = 1.0


@dataclass
class Case:
    """One call of the student's function and how to judge what it returns.

    ``expected`` is compared with :func:`~course_lib.grading.checks.check_close` (``hint``, ``diagnoses``,
    ``rtol``, ``atol`` as there), or ``check(got)`` raises ``AssertionError`` itself. ``output`` picks a
    part of the result first (``0`` for the first item of a tuple, ``(1, "W2")`` for a nested one).
    ``unchanged``: positions of arguments the function must not modify. ``repeat``: call it that many
    times with the same arguments; ``sweep``: call it once per tuple of positional arguments (``args`` is
    then unused), e.g. a schedule at every step; with either, ``got`` is the list of results.
    """

    what: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    expected: Any = None
    hint: str = ""
    diagnoses: tuple = ()
    rtol: float = 1e-9
    atol: float = 1e-12
    check: Callable | None = None
    output: Any = None
    unchanged: tuple = ()
    repeat: int = 1
    sweep: list | None = None

    def arguments(self) -> list:
        """The positional arguments of each call this case makes."""
        return [tuple(a) for a in self.sweep] if self.sweep is not None else [self.args] * self.repeat


@dataclass
class Task:
    """A graded task: the function the answer defines and the generator of its cases (from a rng)."""

    task: str
    function: str
    cases: Callable[[np.random.Generator], Iterable[Case]]


def reference_steps(opt, theta, grads: Iterable):
    """``(t, theta, state, grad, new_theta, new_state)`` for each gradient of ``grads``, from a reference optimizer.

    Each step starts from the *reference's* theta and state (teacher forcing), so a case per step
    checks that step alone: one wrong step does not hide the others.
    """
    state = opt.init(theta)
    for t, grad in enumerate(grads, start=1):
        new_theta, new_state = opt.update(theta, grad, state)
        yield t, theta, state, grad, new_theta, new_state
        theta, state = new_theta, new_state


def quadratic(A, center=None, returns: str = "grad", grad_scale: float = 1.0) -> Objective:
    A = np.asarray(A, dtype=float)
    center = np.zeros(len(A)) if center is None else np.asarray(center, dtype=float)
    return Objective("quadratic", {"A": A, "center": center}, returns, grad_scale)


def rosenbrock(a: float = 1.0, b: float = 100.0, returns: str = "grad") -> Objective:
    return Objective("rosenbrock", {"a": a, "b": b}, returns)


def wire(value):
    """The JSON form of an argument (numbers, arrays, tuples, lists, dicts, :class:`Rng`, :class:`Objective`)."""
    if isinstance(value, Rng):
        return {"$rng": int(value.seed)}
    if isinstance(value, Objective):
        return {"$fn": value.kind, **{k: wire(v) for k, v in value.params.items()},
                "returns": value.returns, "grad_scale": value.grad_scale}
    if isinstance(value, tuple):
        return {"$tuple": [wire(item) for item in value]}
    if isinstance(value, list):
        return [wire(item) for item in value]
    if isinstance(value, dict):
        return {str(key): wire(item) for key, item in value.items()}
    return encode(value)


# ---------------------------------------------------------------- task specs

_specs: dict = {}
_specs_lock = threading.RLock()  # a private spec loads the public one while loading


def load_spec(name_or_path) -> Any:
    """The task-spec module for an exercise (``"01_gradient_descent"`` or a path to a ``.py`` file)."""
    path = Path(name_or_path)
    if path.suffix != ".py":
        path = SOLUTIONS / f"{path.stem}.py"
    if not path.is_file():
        raise ValueError(f"no marks-mode task spec {path}")
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    with _specs_lock:
        if key not in _specs:
            module_spec = importlib.util.spec_from_file_location(f"course_task_spec_{len(_specs)}", path)
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            if not isinstance(getattr(module, "TASKS", None), list):
                raise ValueError(f"{path} defines no list TASKS")
            _specs[key] = module
        return _specs[key]


def extra_cases(tasks_: list, extra: dict) -> list:
    """``tasks_`` with more cases: ``extra`` maps a task name to another generator ``rng -> cases``.

    An instructor's private spec (``TEMPLATES/NN_topic.py``) adds hidden cases this way::

        TASKS = extra_cases(load_spec("01_gradient_descent").TASKS, {"task-1": my_hidden_cases})
    """
    def chained(first, second):
        return lambda rng: [*first(rng), *second(rng)]

    return [Task(t.task, t.function, chained(t.cases, extra[t.task]) if t.task in extra else t.cases) for t in tasks_]


_cases: dict = {}
_cases_lock = threading.Lock()


def cases_for(spec, exercise: str, seed: int) -> dict:
    """``{task: [Case]}`` drawn from ``seed`` (computed once per spec and seed, shared by the batch)."""
    key = (id(spec), seed)
    with _cases_lock:
        if key not in _cases:
            drawn = {}
            for t in spec.TASKS:  # one stream per task: adding a task or a hidden case moves no other input
                rng = np.random.default_rng([seed, zlib.crc32(f"{exercise}/{t.task}".encode())])
                drawn[t.task] = list(t.cases(rng))
            if len(_cases) >= 32:  # a batch uses one seed per exercise: keep the recent ones only
                _cases.pop(next(iter(_cases)))
            _cases[key] = drawn
        return _cases[key]
