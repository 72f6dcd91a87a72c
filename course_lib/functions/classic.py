"""Classic test landscapes (Surjanovic and Bingham, "Virtual Library of Simulation
Experiments", sfu.ca/~ssurjano) with hand-derived gradients and Hessians."""

from __future__ import annotations

import numpy as np

from ._base import Landscape, hessian_2d


class Rosenbrock(Landscape):
    r""":math:`f = (a-x)^2 + b\,(y-x^2)^2`: a curved, narrow valley; minimum :math:`(a, a^2)`."""

    name, log_contours = "rosenbrock", True
    domain = ((-2.0, 2.0), (-1.0, 3.0))
    start = np.array([-1.2, 1.0])

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a, self.b = a, b
        self.minima, self.min_value = np.array([[a, a * a]]), 0.0

    def value(self, x):
        return (self.a - x[0]) ** 2 + self.b * (x[1] - x[0] ** 2) ** 2

    def grad(self, x):
        df_dr = 2 * self.b * (x[1] - x[0] ** 2)  # chain rule through r = y - x^2
        return np.array([-2 * (self.a - x[0]) - df_dr * 2 * x[0], df_dr])

    def hessian(self, x):
        b = self.b
        return hessian_2d(2 - 4 * b * x[1] + 12 * b * x[0] ** 2, -4 * b * x[0], 2 * b)


class Beale(Landscape):
    r""":math:`f = \sum_{i=1}^{3} (c_i - x + x y^i)^2`, :math:`c = (1.5, 2.25, 2.625)`; minimum (3, 0.5)."""

    name, log_contours = "beale", True
    domain = ((-4.5, 4.5), (-4.5, 4.5))
    start = np.array([1.0, 1.5])
    minima, min_value = np.array([[3.0, 0.5]]), 0.0
    c = (1.5, 2.25, 2.625)

    def value(self, x):
        return sum((c - x[0] + x[0] * x[1] ** i) ** 2 for i, c in enumerate(self.c, start=1))

    def grad(self, x):
        gx = gy = 0.0
        for i, c in enumerate(self.c, start=1):
            u = c - x[0] + x[0] * x[1] ** i
            gx = gx + 2 * u * (x[1] ** i - 1)
            gy = gy + 2 * u * i * x[0] * x[1] ** (i - 1)
        return np.array([gx, gy])

    def hessian(self, x):
        hxx = hxy = hyy = 0.0
        for i, c in enumerate(self.c, start=1):
            u = c - x[0] + x[0] * x[1] ** i
            ux, uy = x[1] ** i - 1, i * x[0] * x[1] ** (i - 1)
            hxx = hxx + 2 * ux * ux
            hxy = hxy + 2 * (ux * uy + u * i * x[1] ** (i - 1))
            hyy = hyy + 2 * (uy * uy + u * i * (i - 1) * x[0] * x[1] ** max(i - 2, 0))
        return hessian_2d(hxx, hxy, hyy)


class Himmelblau(Landscape):
    r""":math:`f = (x^2+y-11)^2 + (x+y^2-7)^2`: four global minima, all with :math:`f = 0`."""

    name = "himmelblau"
    domain = ((-5.0, 5.0), (-5.0, 5.0))
    start = np.array([0.0, 0.0])
    minima = np.array([
        [3.0, 2.0],
        [-2.805118086952745, 3.131312518250573],
        [-3.779310253377747, -3.283185991286169],
        [3.5844283403304917, -1.8481265269644034],
    ])
    min_value = 0.0

    def value(self, x):
        return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2

    def grad(self, x):
        u, v = x[0] ** 2 + x[1] - 11, x[0] + x[1] ** 2 - 7
        return np.array([4 * x[0] * u + 2 * v, 2 * u + 4 * x[1] * v])

    def hessian(self, x):
        return hessian_2d(
            12 * x[0] ** 2 + 4 * x[1] - 42, 4 * x[0] + 4 * x[1], 12 * x[1] ** 2 + 4 * x[0] - 26
        )


class Booth(Landscape):
    r""":math:`f = (x+2y-7)^2 + (2x+y-5)^2`: a quadratic bowl with minimum (1, 3)."""

    name = "booth"
    domain = ((-10.0, 10.0), (-10.0, 10.0))
    start = np.array([-8.0, -6.0])
    minima, min_value = np.array([[1.0, 3.0]]), 0.0

    def value(self, x):
        return (x[0] + 2 * x[1] - 7) ** 2 + (2 * x[0] + x[1] - 5) ** 2

    def grad(self, x):
        return np.array([10 * x[0] + 8 * x[1] - 34, 8 * x[0] + 10 * x[1] - 38])

    def hessian(self, x):
        return hessian_2d(10.0, 8.0, 10.0 + 0 * x[0])


class SixHumpCamel(Landscape):
    r""":math:`f = (4 - 2.1x^2 + x^4/3)x^2 + xy + (4y^2-4)y^2`: six minima, two global."""

    name = "six_hump_camel"
    domain = ((-2.0, 2.0), (-1.0, 1.0))
    start = np.array([-1.5, 0.5])
    minima = np.array([[0.08984201310031807, -0.7126564030207396],
                       [-0.08984201310031807, 0.7126564030207396]])
    min_value = -1.0316284534898774

    def value(self, x):
        return (4 - 2.1 * x[0] ** 2 + x[0] ** 4 / 3) * x[0] ** 2 + x[0] * x[1] + (4 * x[1] ** 2 - 4) * x[1] ** 2

    def grad(self, x):
        return np.array([
            8 * x[0] - 8.4 * x[0] ** 3 + 2 * x[0] ** 5 + x[1],
            x[0] - 8 * x[1] + 16 * x[1] ** 3,
        ])

    def hessian(self, x):
        return hessian_2d(8 - 25.2 * x[0] ** 2 + 10 * x[0] ** 4, 1.0, -8 + 48 * x[1] ** 2)


class Saddle(Landscape):
    r""":math:`f = x^2 - y^2`: a saddle at the origin, unbounded below."""

    name = "saddle"
    domain = ((-2.0, 2.0), (-2.0, 2.0))
    start = np.array([-1.5, 1e-3])

    def value(self, x):
        return x[0] ** 2 - x[1] ** 2

    def grad(self, x):
        return np.array([2 * x[0], -2 * x[1]])

    def hessian(self, x):
        return hessian_2d(2.0, 0.0, -2.0 + 0 * x[0])


class MonkeySaddle(Landscape):
    r""":math:`f = x^3 - 3xy^2`: a degenerate saddle (zero Hessian) at the origin."""

    name = "monkey_saddle"
    domain = ((-1.5, 1.5), (-1.5, 1.5))
    start = np.array([1.0, 0.01])

    def value(self, x):
        return x[0] ** 3 - 3 * x[0] * x[1] ** 2

    def grad(self, x):
        return np.array([3 * x[0] ** 2 - 3 * x[1] ** 2, -6 * x[0] * x[1]])

    def hessian(self, x):
        return hessian_2d(6 * x[0], -6 * x[1], -6 * x[0])


class Rastrigin(Landscape):
    r""":math:`f = A d + \sum_i \left(x_i^2 - A\cos(2\pi x_i)\right)`: a grid of local minima, in any dimension."""

    name = "rastrigin"

    def __init__(self, dim: int = 2, A: float = 10.0):
        if dim < 1:
            raise ValueError(f"Invalid dim value: {dim} (>= 1)")
        self.dim, self.A = dim, A
        self.domain = ((-5.12, 5.12),) * dim
        self.start = np.full(dim, 3.3)
        self.minima, self.min_value = np.zeros((1, dim)), 0.0

    def value(self, x):
        x = np.asarray(x, dtype=float)
        return self.A * self.dim + np.sum(x**2 - self.A * np.cos(2 * np.pi * x), axis=0)

    def grad(self, x):
        x = np.asarray(x, dtype=float)
        return 2 * x + 2 * np.pi * self.A * np.sin(2 * np.pi * x)

    def hessian(self, x):
        x = np.asarray(x, dtype=float)
        diagonal = 2 + 4 * np.pi**2 * self.A * np.cos(2 * np.pi * x)
        eye = np.eye(self.dim).reshape((self.dim, self.dim) + (1,) * (x.ndim - 1))
        return eye * diagonal[None, ...]


class GoldsteinPrice(Landscape):
    r""":math:`f = [1 + (x+y+1)^2 B][30 + (2x-3y)^2 D]`, minimum 3 at (0, -1), with local minima.

    :math:`B = 19 - 14x + 3x^2 - 14y + 6xy + 3y^2`,
    :math:`D = 18 - 32x + 12x^2 + 48y - 36xy + 27y^2`.
    """

    name, log_contours = "goldstein_price", True
    domain = ((-2.0, 2.0), (-2.0, 2.0))
    start = np.array([-0.5, 0.5])
    minima, min_value = np.array([[0.0, -1.0]]), 3.0

    @staticmethod
    def _parts(x):
        a, c = x[0] + x[1] + 1, 2 * x[0] - 3 * x[1]
        B = 19 - 14 * x[0] + 3 * x[0] ** 2 - 14 * x[1] + 6 * x[0] * x[1] + 3 * x[1] ** 2
        D = 18 - 32 * x[0] + 12 * x[0] ** 2 + 48 * x[1] - 36 * x[0] * x[1] + 27 * x[1] ** 2
        Bx = By = -14 + 6 * x[0] + 6 * x[1]
        Dx, Dy = -32 + 24 * x[0] - 36 * x[1], 48 - 36 * x[0] + 54 * x[1]
        P, Q = 1 + a**2 * B, 30 + c**2 * D
        Px, Py = 2 * a * B + a**2 * Bx, 2 * a * B + a**2 * By
        Qx, Qy = 4 * c * D + c**2 * Dx, -6 * c * D + c**2 * Dy
        return a, c, B, D, Bx, By, Dx, Dy, P, Q, Px, Py, Qx, Qy

    def value(self, x):
        parts = self._parts(x)
        return parts[8] * parts[9]

    def grad(self, x):
        *_, P, Q, Px, Py, Qx, Qy = self._parts(x)
        return np.array([Px * Q + P * Qx, Py * Q + P * Qy])

    def hessian(self, x):
        a, c, B, D, Bx, By, Dx, Dy, P, Q, Px, Py, Qx, Qy = self._parts(x)
        Pxx, Pyy = 2 * B + 4 * a * Bx + 6 * a**2, 2 * B + 4 * a * By + 6 * a**2
        Pxy = 2 * B + 2 * a * (Bx + By) + 6 * a**2
        Qxx = 8 * D + 8 * c * Dx + 24 * c**2
        Qxy = -12 * D + 4 * c * Dy - 6 * c * Dx - 36 * c**2
        Qyy = 18 * D - 12 * c * Dy + 54 * c**2
        return hessian_2d(
            Pxx * Q + 2 * Px * Qx + P * Qxx,
            Pxy * Q + Px * Qy + Py * Qx + P * Qxy,
            Pyy * Q + 2 * Py * Qy + P * Qyy,
        )


class Quartic1D(Landscape):
    r""":math:`f(x) = x^4 - 4x^2 + x`: a global minimum near -1.47 and a local one near 1.35."""

    name, dim = "quartic", 1
    domain = ((-2.2, 2.2),)
    start = np.array([1.9])
    minima = np.array([[-1.47299760111403], [1.346997408527774]])
    min_value = -5.444192066610897

    def value(self, x):
        return x[0] ** 4 - 4 * x[0] ** 2 + x[0]

    def grad(self, x):
        return np.array([4 * x[0] ** 3 - 8 * x[0] + 1])

    def hessian(self, x):
        return np.array([[12 * np.asarray(x[0], dtype=float) ** 2 - 8]])
