r"""A small multilayer perceptron in numpy, for binary classification, with backpropagation.

Architecture: ``sizes = (d_in, h_1, ..., h_k, 1)``. With :math:`a_0 = x` (one example per row),

.. math::
    z_\ell = a_{\ell-1} W_\ell + b_\ell, \qquad a_\ell = \tanh(z_\ell) \quad (\ell = 1, \dots, k),
    \qquad z = z_{k+1} = a_k W_{k+1} + b_{k+1},

and the binary cross-entropy of :math:`\sigma(z)`, computed stably from the logit :math:`z`:

.. math::
    f_i = \log(1 + e^{z_i}) - y_i z_i, \qquad \frac{\partial f_i}{\partial z_i} = \sigma(z_i) - y_i,
    \qquad f = \frac1n \sum_{i=1}^n f_i.

Backpropagation carries :math:`\delta_\ell = \partial f / \partial z_\ell` (the gradient with respect to
layer :math:`\ell`'s pre-activation) from the output back:
:math:`\delta_{k+1} = (\sigma(z) - y)/n`, :math:`\partial f/\partial W_\ell = a_{\ell-1}^\top \delta_\ell`,
:math:`\partial f/\partial b_\ell = \sum_{\text{batch}} \delta_\ell`,
:math:`\delta_{\ell-1} = (\delta_\ell W_\ell^\top) \odot (1 - a_{\ell-1}^2)`
(Rumelhart, Hinton and Williams, 1986; Goodfellow, Bengio and Courville, *Deep Learning*, 2016,
section 6.5). All parameters :math:`\theta` live in one flat vector, so every optimizer of
:mod:`course_lib.optim` trains the network unchanged.
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
        r"""Glorot-uniform weights, zero biases, as one flat vector.

        Each weight of a layer with ``n_in`` inputs and ``n_out`` outputs is drawn from
        :math:`U(-r, r)`, :math:`r = \sqrt{6 / (n_\text{in} + n_\text{out})}`: variance
        :math:`r^2/3 = 2/(n_\text{in} + n_\text{out})`, the compromise between keeping the
        activations' variance (:math:`n_\text{in}\operatorname{Var}W = 1`) and the gradients'
        (:math:`n_\text{out}\operatorname{Var}W = 1`) through the layers (Glorot and Bengio, 2010,
        "Understanding the difficulty of training deep feedforward neural networks", eq. 16).
        """
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
        """Mean binary cross-entropy f and its gradient with respect to the flat ``params``, by backpropagation."""
        layers = self.unpack(params)
        activations = [X]
        for W, b in layers[:-1]:  # forward pass, keeping each layer's output
            activations.append(np.tanh(activations[-1] @ W + b))
        W_out, b_out = layers[-1]
        z = (activations[-1] @ W_out + b_out)[:, 0]
        loss = float(np.mean(np.logaddexp(0.0, z) - y * z))
        delta = ((1.0 / (1.0 + np.exp(-z)) - y) / len(y))[:, None]  # delta_{k+1} = df/dz
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
