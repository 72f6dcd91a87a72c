"""Ready-made optimizers by short name, with a learning rate suited to a landscape.

Used by the explorers and ``python -m course_lib animate --optimizers sgd,momentum,adam``.
The learning rates are demonstration defaults, not tuned optima: plain and momentum SGD
(and RAdam, whose first steps are plain momentum steps) use the curvature at the start,
:math:`\\eta = c / \\lambda_{\\max}(\\nabla^2 f(x_0))`, so the first steps are stable; adaptive
methods, whose steps are about :math:`\\eta` per coordinate, use a fraction of the plotting
domain's width.
"""

from __future__ import annotations

import numpy as np

from . import functions, optim

# name: (class, fixed hyperparameters, how lr is chosen, factor)
PRESETS = {
    "sgd": (optim.SGD, {}, "curvature", 0.5),
    "momentum": (optim.SGD, {"momentum": 0.9}, "curvature", 0.25),
    "nesterov": (optim.SGD, {"momentum": 0.9, "nesterov": True}, "curvature", 0.25),
    "adagrad": (optim.Adagrad, {}, "width", 0.1),
    "rmsprop": (optim.RMSprop, {}, "width", 0.025),
    "adadelta": (optim.Adadelta, {}, "fixed", 1.0),
    "adam": (optim.Adam, {}, "width", 0.025),
    "adamw": (optim.AdamW, {}, "width", 0.025),
    "adamax": (optim.Adamax, {}, "width", 0.025),
    "nadam": (optim.NAdam, {}, "width", 0.025),
    "radam": (optim.RAdam, {}, "curvature", 1.0),
    "lbfgs": (optim.LBFGS, {"line_search_fn": "strong_wolfe", "max_iter": 1, "max_eval": 25}, "fixed", 1.0),
    "newton": (optim.Newton, {}, "fixed", 1.0),
}


def suggested_lr(name: str, fun, x0=None) -> float:
    """The demonstration learning rate of preset ``name`` on landscape ``fun``."""
    _, _, rule, factor = PRESETS[name]
    if rule == "fixed":
        return factor
    if rule == "width":
        return factor * float(np.mean([high - low for low, high in fun.domain]))
    x0 = functions.start_point(fun, x0)
    curvature = float(np.max(np.abs(np.linalg.eigvalsh(fun.hessian(x0)))))
    return factor / max(curvature, 1e-12)


def preset(name: str, fun, x0=None, **overrides) -> optim.Optimizer:
    """The optimizer called ``name`` (see ``PRESETS``) with an lr suited to ``fun``.

    >>> from course_lib import functions
    >>> preset("momentum", functions.quadratic)
    SGD(lr=0.025, momentum=0.9, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False)
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown optimizer {name!r}; choose from {', '.join(PRESETS)}")
    fun = functions.get(fun)
    cls, fixed, _, _ = PRESETS[name]
    kwargs = {**fixed, **overrides}
    kwargs.setdefault("lr", float(f"{suggested_lr(name, fun, x0):.3g}"))
    return cls(**kwargs)
