"""The program that runs *inside* the sandbox in marks mode (standalone: the standard library and numpy).

It reads one JSON request on stdin, ``{"cells": [source, ...], "calls": [call, ...], "limits": {...}}``,
sets its resource limits, executes the answer cells in one namespace (with ``np`` and ``math``, as in
the notebook), then calls the functions they define on the inputs the trusted grader chose and writes
one JSON line per event to stdout: ``{"ready": true}`` before any answer runs, ``{"cell": i}`` or
``{"cell": i, "error": ...}`` after each cell, ``{"call": id, "value": ...}`` or ``{"call": id, "error": ...}``
after each call.

Everything here is on the student's side of the boundary: the answers can rewrite this program while
it runs. That is harmless, because its only output is data. The trusted grader (``marks.py``) decodes
the lines with :func:`decode` (plain numbers, strings, lists, dicts and numeric arrays only, never
pickle), computes the expected values itself and compares. The request holds inputs, never expected
values, hidden checks or solutions.

Wire format of a value: JSON, with ``{"$array": nested list, "shape": [...], "dtype": "float64"}`` for a
numpy array. In a request only, ``{"$rng": seed}`` is ``np.random.default_rng(seed)``,
``{"$fn": "quadratic", ...}`` / ``{"$fn": "rosenbrock", ...}`` a test function (see :func:`objective`)
and ``{"$tuple": [...]}`` a tuple.
"""

from __future__ import annotations

import json
import math
import os
import sys

MAX_LINE = 1_000_000  # bytes of one encoded event; a larger result is an error of that call
MAX_ERROR = 300  # characters of an echoed error message
MAX_ITEMS = 200_000  # numbers in one array or list of a result
DTYPES = {"b": "bool", "i": "int64", "u": "int64", "f": "float64"}


def encode(value, depth: int = 0):
    """A JSON-ready copy of ``value`` (numbers, strings, None, lists, tuples, str-keyed dicts, arrays)."""
    import numpy as np

    if depth > 32:
        raise ValueError("the result is nested more than 32 levels deep")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return encode(value.item(), depth + 1)
    if isinstance(value, np.ndarray):
        if value.size > MAX_ITEMS:
            raise ValueError(f"the result is too large (an array of {value.size} numbers)")
        if value.dtype.kind not in DTYPES:
            raise TypeError(f"an array of dtype {value.dtype} (expected numbers)")
        array = value.astype(DTYPES[value.dtype.kind])
        return {"$array": array.ravel().tolist(), "shape": list(array.shape), "dtype": DTYPES[value.dtype.kind]}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            raise ValueError(f"the result is too large (a list of {len(value)} items)")
        return [encode(item, depth + 1) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: encode(item, depth + 1) for key, item in value.items()}
    raise TypeError(f"a {type(value).__name__} (expected numbers, arrays, lists, tuples or dicts)")


def decode(value, live: bool = False, depth: int = 0):
    """The value a wire value stands for. ``live`` (the sandbox's side only) also builds rngs and functions;
    without it, anything but plain data and numeric arrays is a ``ValueError``."""
    import numpy as np

    if depth > 64:
        raise ValueError("nested more than 64 levels deep")
    if isinstance(value, list):
        return [decode(item, live, depth + 1) for item in value]
    if not isinstance(value, dict):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise ValueError(f"unexpected {type(value).__name__}")
    if "$array" in value:
        if value.get("dtype") not in DTYPES.values():
            raise ValueError(f"unexpected array dtype {value.get('dtype')!r}")
        shape = tuple(int(n) for n in value["shape"])
        flat = np.array(value["$array"], dtype=value["dtype"])
        if flat.ndim != 1 or flat.size != math.prod(shape):
            raise ValueError("an array whose data does not match its shape")
        return flat.reshape(shape)
    if live and "$rng" in value:
        return np.random.default_rng(value["$rng"])
    if live and "$fn" in value:
        return objective(**{key: decode(item, live, depth + 1) for key, item in value.items()})
    if "$tuple" in value:
        return tuple(decode(item, live, depth + 1) for item in value["$tuple"])
    if any(key.startswith("$") for key in value):
        raise ValueError(f"unexpected marker {sorted(value)[0]!r}")
    return {key: decode(item, live, depth + 1) for key, item in value.items()}


def objective(**spec):
    r"""A test function as a plain callable, built from data.

    ``$fn``: ``"quadratic"`` (:math:`f = \tfrac12 (x-c)^\top A (x-c)`, :math:`\nabla f = A(x-c)`, with ``A``
    and ``center``) or ``"rosenbrock"`` (:math:`f = (a-x)^2 + b(y-x^2)^2`, with ``a`` and ``b``); the same
    formulas as :class:`course_lib.functions.Quadratic` and :class:`~course_lib.functions.classic.Rosenbrock`
    (a test pins them). ``returns``: ``"value"``, ``"grad"`` or ``"value_and_grad"``; ``grad_scale``
    multiplies the gradient (a deliberately wrong gradient for gradient checks).
    """
    import numpy as np

    kind, returns, scale = spec["$fn"], spec.get("returns", "grad"), float(spec.get("grad_scale", 1.0))
    if kind == "quadratic":
        A, center = np.array(spec["A"], dtype=float), np.array(spec["center"], dtype=float)

        def value(x):
            d = np.asarray(x, dtype=float) - center
            return float(0.5 * d @ A @ d)

        def grad(x):
            return A @ (np.asarray(x, dtype=float) - center)
    elif kind == "rosenbrock":
        a, b = float(spec.get("a", 1.0)), float(spec.get("b", 100.0))

        def value(x):
            return float((a - x[0]) ** 2 + b * (x[1] - x[0] ** 2) ** 2)

        def grad(x):
            r = 2 * b * (x[1] - x[0] ** 2)
            return np.array([-2 * (a - x[0]) - r * 2 * x[0], r])
    else:
        raise ValueError(f"unknown test function {kind!r}")
    if returns == "value":
        return value
    if returns == "grad":
        return lambda x: scale * grad(x)
    return lambda x: (value(x), scale * grad(x))


def describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR] + "..."


def set_limits(limits: dict) -> None:
    """Hard resource limits for this process and its children (they cannot be raised again)."""
    import resource

    names = {"memory": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "file_size": resource.RLIMIT_FSIZE,
             "processes": resource.RLIMIT_NPROC, "open_files": resource.RLIMIT_NOFILE}
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, limit in limits.items():
        resource.setrlimit(names[name], (int(limit), int(limit)))


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    set_limits(request.get("limits", {}))
    out = os.fdopen(os.dup(1), "w")  # the protocol's own copy of stdout (a file the grader opened)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # the answers' prints (and their children's) go nowhere
    os.dup2(null, 2)
    sys.stdout = sys.stderr = open(os.devnull, "w")

    def emit(event: dict) -> None:
        line = json.dumps(event, allow_nan=True)
        if len(line) > MAX_LINE:
            line = json.dumps({key: event[key] for key in event if key in ("cell", "call")} |
                              {"error": f"the result is too large (more than {MAX_LINE} bytes as JSON)"})
        out.write(line + "\n")
        out.flush()

    import numpy as np

    emit({"ready": True})  # the sandbox works; what follows is the answers' doing
    namespace = {"__name__": "__main__", "np": np, "numpy": np, "math": math}
    for number, source in enumerate(request["cells"]):
        try:
            exec(compile(source, f"<answer cell {number + 1}>", "exec"), namespace)
            emit({"cell": number})
        except BaseException as error:  # noqa: BLE001 - every failure of an answer is reported as data
            emit({"cell": number, "error": describe(error)})
    for call in request["calls"]:
        try:
            function = namespace.get(call["function"])
            if not callable(function):
                raise NameError(f"your answers do not define a function {call['function']}")
            args, kwargs = decode(call["args"], live=True), decode(call["kwargs"], live=True)
            value = function(*args, **kwargs)
            if call.get("returns_args"):
                value = {"value": value, "args": [args[i] for i in call["returns_args"]]}
            emit({"call": call["id"], "value": encode(value)})
        except BaseException as error:  # noqa: BLE001
            emit({"call": call["id"], "error": describe(error)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
