r"""A small multilayer perceptron in numpy, for binary classification, with backpropagation.

Architecture: ``sizes = (d_in, h_1, ..., h_k, 1)``; :math:`\tanh` hidden layers, a linear output
:math:`z` (the logit) and the binary cross-entropy, computed stably from the logit:

.. math::
    \ell(z, y) = \log(1 + e^{z}) - y z, \qquad \frac{\partial \ell}{\partial z} = \sigma(z) - y.

All parameters live in one flat vector, so every optimizer of :mod:`course_lib.optim` trains it
unchanged (Goodfellow, Bengio and Courville, *Deep Learning*, section 6.5, for backpropagation).
"""

from __future__ import annotations

import numpy as np


class MLP:
    """``loss_and_grad(params, X, y)`` for a tanh network with a sigmoid output."""

    def __init__(self, sizes=(2, 16, 16, 1)):
        if len(sizes) < 2 or sizes[-1] != 1 or min(sizes) < 1:
            raise ValueError(f"Invalid sizes: {sizes!r} (input, hidden..., 1)")
        self.sizes = tuple(sizes)
        self.shapes = [(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)]
        self.n_params = sum(n_in * n_out + n_out for n_in, n_out in self.shapes)

    def init(self, seed: int = 0) -> np.ndarray:
        """Glorot-uniform weights, zero biases, as one flat vector."""
        rng = np.random.default_rng(seed)
        parts = []
        for n_in, n_out in self.shapes:
            limit = np.sqrt(6.0 / (n_in + n_out))
            parts += [rng.uniform(-limit, limit, size=n_in * n_out), np.zeros(n_out)]
        return np.concatenate(parts)

    def unpack(self, params: np.ndarray) -> list:
        """The ``(W, b)`` of each layer, as views into ``params``."""
        layers, start = [], 0
        for n_in, n_out in self.shapes:
            W = params[start : start + n_in * n_out].reshape(n_in, n_out)
            start += n_in * n_out
            layers.append((W, params[start : start + n_out]))
            start += n_out
        return layers

    def logits(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The output logit for each row of ``X``."""
        a = X
        layers = self.unpack(params)
        for W, b in layers[:-1]:
            a = np.tanh(a @ W + b)
        W, b = layers[-1]
        return (a @ W + b)[:, 0]

    def predict_proba(self, params: np.ndarray, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(params, X)))

    def loss_and_grad(self, params: np.ndarray, X: np.ndarray, y: np.ndarray):
        """Mean binary cross-entropy and its gradient by backpropagation."""
        layers = self.unpack(params)
        activations = [X]
        for W, b in layers[:-1]:  # forward pass, keeping each layer's output
            activations.append(np.tanh(activations[-1] @ W + b))
        W_out, b_out = layers[-1]
        z = (activations[-1] @ W_out + b_out)[:, 0]
        loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
        delta = ((1.0 / (1.0 + np.exp(-z)) - y) / len(y))[:, None]  # dloss/dz
        grads = []
        for i in range(len(layers) - 1, -1, -1):  # backward pass
            W, _ = layers[i]
            grads.append((activations[i].T @ delta, delta.sum(axis=0)))
            if i > 0:
                delta = (delta @ W.T) * (1.0 - activations[i] ** 2)  # tanh' = 1 - tanh^2
        return loss, np.concatenate([part.ravel() for gW, gb in reversed(grads) for part in (gW, gb)])

    def accuracy(self, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
        return float(np.mean((self.logits(params, X) > 0) == (y > 0.5)))


def gradient_check(fun, params: np.ndarray, n_checks: int = 20, h: float = 1e-6, seed: int = 0) -> float:
    """Largest relative error between ``fun``'s gradient and central differences on
    ``n_checks`` random coordinates (``fun(params) -> (loss, grad)``)."""
    rng = np.random.default_rng(seed)
    _, grad = fun(params)
    worst = 0.0
    for i in rng.choice(len(params), size=min(n_checks, len(params)), replace=False):
        step = np.zeros_like(params)
        step[i] = h
        numeric = (fun(params + step)[0] - fun(params - step)[0]) / (2 * h)
        worst = max(worst, abs(numeric - grad[i]) / max(abs(numeric) + abs(grad[i]), 1e-12))
    return worst
