r"""Experiments and figures of lesson 11 (training a small network).

:func:`train_many` trains many copies of one :class:`~course_lib.mlp.MLP` at once (several
optimizers or learning rates, several seeds), with the same minibatches and initial weights as
the lesson's one-run loop: each run's seed gives its initial weights ``net.init(seed)`` and its
shuffling ``np.random.default_rng(seed)``. The forward and backward passes are those of
:meth:`MLP.loss_and_grad <course_lib.mlp.MLP.loss_and_grad>`, written for a stack of parameter
vectors (``batched_loss_and_grad``; the lesson checks that both agree), so that one Python step
serves every run.
"""

from __future__ import annotations

import numpy as np

from course_lib.data import minibatches
from course_lib.plotting import COLORS, new_figure, style


def _layers(net, params: np.ndarray) -> list:
    """``(W, b)`` of each layer for a stack of parameter vectors ``params`` of shape (R, d):
    ``W`` of shape (R, n_in, n_out), ``b`` of shape (R, 1, n_out)."""
    layers, start = [], 0
    for n_in, n_out in net.shapes:
        W = params[:, start : start + n_in * n_out].reshape(-1, n_in, n_out)
        start += n_in * n_out
        layers.append((W, params[:, None, start : start + n_out]))
        start += n_out
    return layers


def batched_logits(net, params: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The logits of R networks (``params`` of shape (R, d)) on ``X`` of shape (n, d_in) or (R, n, d_in)."""
    a = X
    layers = _layers(net, params)
    for W, b in layers[:-1]:
        a = np.tanh(a @ W + b)
    W, b = layers[-1]
    return (a @ W + b)[..., 0]


def batched_loss(net, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""Mean binary cross-entropy :math:`\log(1+e^z) - yz` of each of R networks."""
    z = batched_logits(net, params, X)
    return np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)


def batched_accuracy(net, params: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.mean((batched_logits(net, params, X) > 0) == (y > 0.5), axis=-1)


def batched_loss_and_grad(net, params: np.ndarray, X: np.ndarray, y: np.ndarray):
    r"""Loss and gradient of R networks, ``X`` of shape (R, B, d_in), ``y`` of shape (R, B).

    Backpropagation with :math:`\delta_\ell = \partial f/\partial z_\ell` (the pre-activation):
    :math:`\delta_{k+1} = (\sigma(z) - y)/B`, :math:`\partial f/\partial W_\ell = a_{\ell-1}^\top\delta_\ell`,
    :math:`\delta_{\ell-1} = (\delta_\ell W_\ell^\top)\odot(1 - a_{\ell-1}^2)`.
    """
    layers = _layers(net, params)
    activations = [X]
    for W, b in layers[:-1]:
        activations.append(np.tanh(activations[-1] @ W + b))
    W_out, b_out = layers[-1]
    z = (activations[-1] @ W_out + b_out)[..., 0]
    loss = np.mean(np.logaddexp(0.0, z) - y * z, axis=-1)
    delta = ((1.0 / (1.0 + np.exp(-z)) - y) / y.shape[-1])[..., None]
    grads = []
    for i in range(len(layers) - 1, -1, -1):
        W, _ = layers[i]
        grads.append((np.swapaxes(activations[i], 1, 2) @ delta, delta.sum(axis=1)))
        if i > 0:
            delta = (delta @ np.swapaxes(W, 1, 2)) * (1.0 - activations[i] ** 2)
    parts = [part.reshape(len(params), -1) for gW, gb in reversed(grads) for part in (gW, gb)]
    return loss, np.concatenate(parts, axis=1)


def train_many(net, optimizers: list, seeds, X, y, epochs: int, batch_size: int = 32,
               track_loss: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Train ``len(optimizers) x len(seeds)`` networks: every optimizer from every seed.

    Returns ``(params, losses)``: final parameters of shape (n_opt, n_seeds, d) and, if
    ``track_loss``, the training loss on all of ``(X, y)`` after each epoch, of shape
    (n_opt, n_seeds, epochs) (else ``None``).
    """
    seeds = list(seeds)
    n_opt, n_seeds = len(optimizers), len(seeds)
    params = np.stack([net.init(seed) for seed in seeds] * n_opt).reshape(n_opt, n_seeds, -1)
    states = [opt.init(params[k]) for k, opt in enumerate(optimizers)]
    rngs = [np.random.default_rng(seed) for seed in seeds]
    losses = np.empty((n_opt, n_seeds, epochs)) if track_loss else None
    with np.errstate(all="ignore"):  # a diverging run shows up as a non-finite loss
        for epoch in range(epochs):
            for batches in zip(*(minibatches(len(y), batch_size, rng) for rng in rngs), strict=True):
                Xb, yb = np.stack([X[b] for b in batches]), np.stack([y[b] for b in batches])
                flat = params.reshape(n_opt * n_seeds, -1)
                _, grads = batched_loss_and_grad(net, flat, np.tile(Xb, (n_opt, 1, 1)), np.tile(yb, (n_opt, 1)))
                grads = grads.reshape(params.shape)
                for k, opt in enumerate(optimizers):
                    new, states[k] = opt.update(params[k], grads[k], states[k])
                    params[k] = new
            if track_loss:
                flat = params.reshape(n_opt * n_seeds, -1)
                losses[:, :, epoch] = batched_loss(net, flat, X, y).reshape(n_opt, n_seeds)
    return params, losses


#: One colour per optimizer, the same in every figure of the lesson.
METHOD_COLORS = {"SGD": COLORS[0], "SGD + momentum 0.9": COLORS[1], "RMSprop": COLORS[4], "Adam": COLORS[2],
                 "AdamW (wd 1e-2)": COLORS[3]}
#: Initialisation scales of the Glorot experiment (multiples of Glorot's limit).
INIT_COLORS = {"too small": COLORS[5], "Glorot": COLORS[0], "too large": COLORS[1]}


def plot_computational_graph(size=(1000, 330), talk: bool = False):
    """The forward pass (black, left to right) and the backward pass (vermillion, right to left) of a
    network with two tanh hidden layers, with each node's gradient."""
    back = COLORS[1]
    nodes = [r"$x = a_0$", r"$z_1$", r"$a_1$", r"$z_2$", r"$a_2$", r"$z_3 = z$", r"$f$"]
    forward = [r"$\cdot W_1 + b_1$", r"$\tanh$", r"$\cdot W_2 + b_2$", r"$\tanh$", r"$\cdot W_3 + b_3$",
               r"mean BCE$(z, y)$"]
    backward_ops = ["", r"$\odot(1 - a_1^2)$", r"$\cdot W_2^\top$", r"$\odot(1 - a_2^2)$", r"$\cdot W_3^\top$", ""]
    backward = ["", r"$\delta_1$", r"$\delta_2 W_2^\top$", r"$\delta_2$", r"$\delta_3 W_3^\top$",
                r"$\delta_3 = \frac{\sigma(z) - y}{n}$", "1"]
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        ax.set_xlim(-0.6, 6.6)
        ax.set_ylim(-1.1, 1.0)
        ax.axis("off")
        box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "black"}
        for i, label in enumerate(nodes):
            ax.text(i, 0, label, ha="center", va="center", bbox=box, fontsize="large")
            if backward[i]:
                ax.text(i, -0.55, backward[i], ha="center", va="center", color=back, fontsize="large")
        for i, label in enumerate(forward):
            ax.annotate("", xy=(i + 0.72, 0.06), xytext=(i + 0.28, 0.06),
                        arrowprops={"arrowstyle": "->", "color": "black"})
            ax.text(i + 0.5, 0.2, label, ha="center", va="bottom")
            ax.annotate("", xy=(i + 0.28, -0.08), xytext=(i + 0.72, -0.08),
                        arrowprops={"arrowstyle": "->", "color": back})
            ax.text(i + 0.5, -0.22, backward_ops[i], ha="center", va="top", color=back, fontsize="small")
        for layer, node in ((1, 1), (2, 3), (3, 5)):
            ax.text(node - 0.5, 0.75, rf"$W_{layer}, b_{layer}$", ha="center", va="center",
                    bbox={**box, "edgecolor": "0.5"})
            ax.annotate("", xy=(node - 0.15, 0.12), xytext=(node - 0.45, 0.62),
                        arrowprops={"arrowstyle": "->", "color": "0.5"})
            ax.text(node - 0.5, -0.92, rf"$\partial f/\partial W_{layer} = a_{layer - 1}^\top \delta_{layer}$",
                    ha="center", va="center", color=back)
        ax.text(-0.55, -0.3, "backward", color=back, fontsize="small", ha="left")
        ax.text(-0.55, 0.35, "forward", fontsize="small", ha="left")
    return fig


def plot_lr_sensitivity(grids: dict, scores: dict, chosen: dict, ylabel: str = "validation loss",
                        cap: float = 1.0, size=(720, 400), talk: bool = False):
    """Mean over seeds (dots, with one standard error as bars) of ``scores[name]`` (shape
    (n_lr, n_seeds)) against the learning rate, one line per optimizer, the chosen lr circled.
    Means above ``cap`` (diverged runs included) are drawn at ``cap`` as triangles."""
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        for name, grid in grids.items():
            values = np.where(np.isfinite(scores[name]), scores[name], np.inf)
            mean = values.mean(axis=1)
            se = np.where(np.isfinite(mean), values.std(axis=1) / np.sqrt(values.shape[1]), 0.0)
            shown = np.minimum(mean, cap)
            color = METHOD_COLORS.get(name, "0.3")
            ax.errorbar(grid, shown, yerr=np.where(mean < cap, se, 0.0), fmt="-o", color=color, label=name,
                        markersize=4, capsize=2)
            over = mean >= cap
            ax.plot(np.asarray(grid)[over], shown[over], "^", color=color, markersize=8)
            k = list(grid).index(chosen[name])
            ax.plot(grid[k], shown[k], "o", markersize=13, markerfacecolor="none", markeredgecolor=color)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"learning rate $\eta$")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    return fig


def plot_activation_spread(layers, spreads: dict, grad_norms: dict, theory: dict | None = None, size=(900, 330),
                           talk: bool = False):
    """Left: the standard deviation of each hidden layer's activations (``theory``: dashed lines,
    same colour); right: the size of the gradient of each layer's weights; one line per
    initialisation scale (log y)."""
    with style(talk):
        fig = new_figure(*size)
        left, right = fig.subplots(1, 2)
        for name, values in (theory or {}).items():
            left.plot(layers, values, "--", color=INIT_COLORS.get(name, "0.3"), linewidth=1.2,
                      label=f"{name}: linear theory")
        for name in spreads:
            color = INIT_COLORS.get(name, "0.3")
            left.plot(layers, spreads[name], "-o", color=color, label=name, markersize=4)
            right.plot(np.arange(1, len(grad_norms[name]) + 1), grad_norms[name], "-o", color=color, label=name,
                       markersize=4)
        left.set_xlabel(r"hidden layer $\ell$")
        left.set_ylabel(r"std of the activations $a_\ell$")
        right.set_xlabel(r"layer $\ell$")
        right.set_ylabel(r"RMS of $\partial f/\partial W_\ell$")
        for ax in (left, right):
            ax.set_yscale("log")
            ax.legend(fontsize="small")
    return fig


def plot_loss_curves(curves: dict, colors: dict | None = None, ylabel: str = "training loss", size=(720, 380),
                     talk: bool = False):
    """The mean over seeds (line) and the range of the seeds (band) of each ``curves[name]``, an
    array of shape (n_seeds, epochs), against the epoch (log y)."""
    colors = colors or METHOD_COLORS
    with style(talk):
        fig = new_figure(*size)
        ax = fig.subplots()
        for name, runs in curves.items():
            epochs = np.arange(1, runs.shape[1] + 1)
            color = colors.get(name, "0.3")
            ax.fill_between(epochs, runs.min(axis=0), runs.max(axis=0), color=color, alpha=0.15, linewidth=0)
            ax.plot(epochs, runs.mean(axis=0), color=color, label=name)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize="small")
    return fig
