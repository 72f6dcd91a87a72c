"""Small generated data sets and the minibatch iterator, all seeded."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Regression(NamedTuple):
    X: np.ndarray  # (n, d) inputs
    y: np.ndarray  # (n,) targets
    w_true: np.ndarray  # (d,) the parameters theta that generated y
    noise: float


def linear_regression_data(n: int = 1000, w_true=(2.0, -1.0), noise: float = 0.5, seed: int = 0) -> Regression:
    r"""Inputs :math:`x_i \sim \mathcal N(0, I)` and targets
    :math:`y_i = \theta_{\text{true}}^\top x_i + \sigma\varepsilon_i` (``w_true`` is :math:`\theta_{\text{true}}`)."""
    if n < 1:
        raise ValueError(f"Invalid n value: {n} (>= 1)")
    rng = np.random.default_rng(seed)
    w_true = np.asarray(w_true, dtype=float)
    X = rng.normal(size=(n, len(w_true)))
    y = X @ w_true + noise * rng.normal(size=n)
    return Regression(X, y, w_true, noise)


def ill_conditioned_regression(n: int = 4096, d: int = 20, kappa: float = 100.0, noise: float = 0.5,
                               seed: int = 0) -> Regression:
    r"""Least squares whose Hessian :math:`A = X^\top X / n` has the eigenvalues
    :math:`\lambda_i` spaced evenly in :math:`\log` from :math:`\mu = 1/\kappa` to :math:`L = 1`, exactly.

    :math:`X = \sqrt n\, U \operatorname{diag}(\sqrt{\lambda})\, V^\top` with :math:`U` (``n`` x ``d``,
    orthonormal columns) and :math:`V` (``d`` x ``d``, orthogonal) random; targets
    :math:`y_i = x_i^\top\theta_{\text{true}} + \sigma\varepsilon_i` with
    :math:`\theta_{\text{true}} \sim \mathcal N(0, I)`.

    >>> data = ill_conditioned_regression(n=64, d=4, kappa=100.0)
    >>> np.round(np.linalg.eigvalsh(data.X.T @ data.X / 64), 6).tolist()
    [0.01, 0.046416, 0.215443, 1.0]
    """
    if not 1 <= d <= n:
        raise ValueError(f"Invalid n, d values: n={n}, d={d} (1 <= d <= n)")
    if not kappa >= 1:
        raise ValueError(f"Invalid kappa value: {kappa} (a condition number >= 1)")
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.normal(size=(n, d)))
    V, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = np.geomspace(1.0 / kappa, 1.0, d)
    X = np.sqrt(n) * (U * np.sqrt(eigenvalues)) @ V.T
    theta_true = rng.normal(size=d)
    y = X @ theta_true + noise * rng.normal(size=n)
    return Regression(X, y, theta_true, noise)


class LeastSquares:
    r"""Mean squared error :math:`f(\theta) = \frac{1}{2n}\lVert X\theta - y\rVert^2` and its gradient
    :math:`\nabla f(\theta) = \frac1n X^\top (X\theta - y)` on all samples or on a minibatch ``idx``
    (the argument ``w`` is :math:`\theta`)."""

    def __init__(self, X, y):
        self.X, self.y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)

    def value(self, w, idx=slice(None)):
        residual = self.X[idx] @ w - self.y[idx]
        return 0.5 * float(np.mean(residual**2))

    def grad(self, w, idx=slice(None)):
        X = self.X[idx]
        return X.T @ (X @ w - self.y[idx]) / len(X)

    def value_and_grad(self, w):
        return self.value(w), self.grad(w)

    def minimizer(self) -> np.ndarray:
        """The least-squares solution (normal equations)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]


def minibatches(n: int, batch_size: int, rng: np.random.Generator, drop_last: bool = False):
    """Index arrays for one epoch: a fresh random permutation of ``range(n)`` cut into batches.

    Every sample appears exactly once per epoch; the last batch is smaller when ``batch_size``
    does not divide ``n`` (or dropped with ``drop_last``).

    >>> [b.tolist() for b in minibatches(5, 2, np.random.default_rng(0))]
    [[2, 4], [3, 0], [1]]
    """
    if not 1 <= batch_size:
        raise ValueError(f"Invalid batch_size value: {batch_size} (>= 1)")
    order = rng.permutation(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start : start + batch_size]


def two_moons(n: int = 400, noise: float = 0.15, seed: int = 0):
    """Two interleaving half circles, labels 0 and 1 (``n // 2`` each), with Gaussian noise."""
    if n < 2:
        raise ValueError(f"Invalid n value: {n} (>= 2)")
    rng = np.random.default_rng(seed)
    half = n // 2
    t = rng.uniform(0.0, np.pi, size=n)
    outer = np.column_stack([np.cos(t[:half]), np.sin(t[:half])])
    inner = np.column_stack([1.0 - np.cos(t[half:]), 0.5 - np.sin(t[half:])])
    X = np.vstack([outer, inner]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(half), np.ones(n - half)])
    return X, y


def minibatch_run(opt, loss: LeastSquares, w0, batch_size: int, epochs: int, seed: int = 0):
    r"""Train with minibatches: each step uses the gradient of one minibatch only.

    Returns ``(ws, losses)``: the parameters :math:`\theta_t` after each step (``ws[0] = w0``) and the
    *full* training loss :math:`f(\theta_t)` at each of them (what we want to minimise, measured on all samples).
    ``batch_size = n`` is full-batch gradient descent; ``batch_size = 1`` is "pure" SGD.
    """
    rng = np.random.default_rng(seed)
    w = np.asarray(w0, dtype=float)
    state = opt.init(w)
    ws = [w]
    with np.errstate(all="ignore"):  # a diverging run shows up as inf/nan losses, without warnings
        for _ in range(epochs):
            for batch in minibatches(len(loss.y), batch_size, rng):
                w, state = opt.update(w, loss.grad(w, batch), state)
                ws.append(w)
        ws = np.array(ws)
        residuals = loss.X @ ws.T - loss.y[:, None]
        return ws, 0.5 * np.mean(residuals**2, axis=0)
