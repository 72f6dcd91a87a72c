"""The landscape protocol and the quadratic, the course's model problem.

Points are arrays whose *first* axis holds the coordinates, so one call evaluates a point
``x`` of shape ``(d,)`` or a whole grid of shape ``(d, H, W)``:
``value -> (...)``, ``grad -> (d, ...)``, ``hessian -> (d, d, ...)``.
"""

from __future__ import annotations

import numpy as np


def hessian_2d(hxx, hxy, hyy) -> np.ndarray:
    """Assemble a (2, 2, ...) Hessian from its entries, broadcasting constants."""
    hxx, hxy, hyy = np.broadcast_arrays(hxx, hxy, hyy)
    return np.array([[hxx, hxy], [hxy, hyy]], dtype=np.result_type(hxx, float))


class Landscape:
    """A differentiable function with what the course needs to plot and test it.

    Attributes: ``name``, ``dim``, ``domain`` (one ``(low, high)`` per coordinate, for
    plots), ``start`` (a good default start), ``minima`` (known minimisers, shape
    ``(k, dim)``; global ones first), ``min_value`` (the global minimum, ``None`` if
    unbounded below) and ``log_contours`` (contours read better on a log scale).
    """

    name = "landscape"
    dim = 2
    domain: tuple = ((-2.0, 2.0), (-2.0, 2.0))
    start: np.ndarray = np.zeros(2)
    minima: np.ndarray = np.zeros((0, 2))
    min_value: float | None = None
    log_contours = False

    def value(self, x) -> np.ndarray:  # pragma: no cover - defined by every landscape
        raise NotImplementedError

    def grad(self, x) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def hessian(self, x) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, x):
        return self.value(x)

    def value_and_grad(self, x):
        """``(f(x), grad f(x))``: the objective protocol used by ``minimize``."""
        x = np.asarray(x, dtype=float)
        return self.value(x), self.grad(x)

    def grid(self, n: int = 200):
        """``X, Y, Z`` on an ``n`` x ``n`` grid over the domain (2-D landscapes only)."""
        if self.dim != 2:
            raise ValueError(f"grid needs a 2-D landscape, {self.name} has dim={self.dim}")
        (x_lo, x_hi), (y_lo, y_hi) = self.domain
        X, Y = np.meshgrid(np.linspace(x_lo, x_hi, n), np.linspace(y_lo, y_hi, n))
        return X, Y, self.value(np.stack([X, Y]))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}, dim={self.dim}>"


class Quadratic(Landscape):
    r"""The quadratic :math:`f(x) = \tfrac12 (x-c)^\top A (x-c)` in any dimension.

    :math:`\nabla f = A(x-c)`, :math:`\nabla^2 f = A`. With :math:`A` symmetric positive
    definite, its eigenvalues :math:`\mu = \lambda_{\min}` and :math:`L = \lambda_{\max}`
    set the condition number :math:`\kappa = L/\mu`, which governs gradient descent.

    >>> f = Quadratic(np.diag([1.0, 10.0]))
    >>> float(f.value(np.array([1.0, 1.0]))), f.condition_number
    (5.5, 10.0)
    """

    log_contours = False

    def __init__(self, A, center=None, name: str = "quadratic", start=None, domain=None):
        A = np.asarray(A, dtype=float)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
            raise ValueError(f"A must be a symmetric square matrix, got shape {A.shape}")
        self.A, self.dim, self.name = A, A.shape[0], name
        self.center = np.zeros(self.dim) if center is None else np.asarray(center, dtype=float)
        self.eigenvalues, self.eigenvectors = np.linalg.eigh(A)
        positive_definite = self.eigenvalues[0] > 0
        self.minima = self.center[None, :] if positive_definite else np.zeros((0, self.dim))
        self.min_value = 0.0 if positive_definite else None
        self.start = self.center + 2.0 if start is None else np.asarray(start, dtype=float)
        self.domain = domain or tuple((c - 3.0, c + 3.0) for c in self.center)

    @property
    def L(self) -> float:
        """Largest eigenvalue: the gradient's Lipschitz constant."""
        return float(self.eigenvalues[-1])

    @property
    def mu(self) -> float:
        """Smallest eigenvalue: the strong-convexity constant (if positive)."""
        return float(self.eigenvalues[0])

    @property
    def condition_number(self) -> float:
        return self.L / self.mu

    def _offset(self, x):
        x = np.asarray(x, dtype=float)
        return x - self.center.reshape((self.dim,) + (1,) * (x.ndim - 1))

    def value(self, x):
        diff = self._offset(x)
        return 0.5 * np.einsum("i...,ij,j...->...", diff, self.A, diff)

    def grad(self, x):
        return np.einsum("ij,j...->i...", self.A, self._offset(x))

    def hessian(self, x):
        shape = np.shape(x)[1:]
        return np.broadcast_to(self.A.reshape(self.A.shape + (1,) * len(shape)), self.A.shape + shape).copy()


def ill_conditioned_quadratic(kappa: float = 10.0, angle: float = 30.0, mu: float = 1.0) -> Quadratic:
    r"""A 2-D quadratic with eigenvalues :math:`\mu` and :math:`\kappa\mu`, axes rotated by ``angle`` degrees.

    :math:`A = R_\phi \operatorname{diag}(\mu, \kappa\mu) R_\phi^\top`.

    >>> f = ill_conditioned_quadratic(kappa=25.0)
    >>> round(f.condition_number, 9)
    25.0
    """
    if not kappa >= 1:
        raise ValueError(f"Invalid kappa value: {kappa} (a condition number >= 1)")
    if not mu > 0:
        raise ValueError(f"Invalid mu value: {mu} (> 0)")
    phi = np.deg2rad(angle)
    R = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
    A = R @ np.diag([mu, kappa * mu]) @ R.T
    A = (A + A.T) / 2
    return Quadratic(A, name=f"quadratic(kappa={kappa:g})", start=np.array([-2.5, 1.5]))
