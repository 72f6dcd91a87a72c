"""Landscapes: value, gradient, Hessian, known minima, plotting domain and default start.

Points carry their coordinates on the first axis, so the same call evaluates one point
``(d,)`` or a grid ``(d, H, W)``::

    f = rosenbrock
    f.value(np.array([1.0, 1.0]))        # 0.0
    X, Y, Z = f.grid(200)                # for contour plots
"""

import numpy as np

from ._base import Landscape, Quadratic, hessian_2d, ill_conditioned_quadratic
from .classic import (
    Beale,
    Booth,
    GoldsteinPrice,
    Himmelblau,
    MonkeySaddle,
    Quartic1D,
    Rastrigin,
    Rosenbrock,
    Saddle,
    SixHumpCamel,
)

rosenbrock = Rosenbrock()
beale = Beale()
himmelblau = Himmelblau()
booth = Booth()
six_hump_camel = SixHumpCamel()
saddle = Saddle()
monkey_saddle = MonkeySaddle()
rastrigin = Rastrigin()
goldstein_price = GoldsteinPrice()
quartic = Quartic1D()
quadratic = ill_conditioned_quadratic(kappa=10.0, angle=30.0)

#: Every ready-made landscape by name (used by the widgets and the command line).
LANDSCAPES = {
    "quadratic": quadratic,
    **{
        f.name: f
        for f in (rosenbrock, beale, himmelblau, booth, six_hump_camel, saddle, monkey_saddle,
                  rastrigin, goldstein_price, quartic)
    },
}


def get(name) -> Landscape:
    """The landscape called ``name`` (see ``LANDSCAPES``); a :class:`Landscape` is returned as it is."""
    if isinstance(name, Landscape):
        return name
    if isinstance(name, str) and name in LANDSCAPES:
        return LANDSCAPES[name]
    raise ValueError(f"Unknown landscape {name!r}; choose from {sorted(LANDSCAPES)} or pass a Landscape")


def start_point(fun, x0=None) -> np.ndarray:
    """``x0`` as a point of ``fun``'s dimension with finite coordinates (default: ``fun.start``)."""
    if x0 is None:
        return np.array(fun.start, dtype=float)
    try:
        point = np.array(x0, dtype=float)
    except (TypeError, ValueError):
        point = None
    if point is None or point.shape != (fun.dim,) or not np.all(np.isfinite(point)):
        example = [float(v) for v in fun.start]
        raise ValueError(f"Invalid x0 value: {x0!r} ({fun.dim} finite numbers for {fun.name}, e.g. x0={example})")
    return point


__all__ = [
    "Landscape", "start_point", "Quadratic", "ill_conditioned_quadratic", "hessian_2d", "LANDSCAPES", "get",
    "Rosenbrock", "Beale", "Himmelblau", "Booth", "SixHumpCamel", "Saddle", "MonkeySaddle",
    "Rastrigin", "GoldsteinPrice", "Quartic1D", "rosenbrock", "beale", "himmelblau", "booth",
    "six_hump_camel", "saddle", "monkey_saddle", "rastrigin", "goldstein_price", "quartic",
    "quadratic",
]
