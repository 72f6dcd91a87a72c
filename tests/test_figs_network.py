"""The batched trainer of lesson 11 against the reference MLP and the one-run loop."""

import numpy as np
import pytest

from course_lib import optim
from course_lib.data import minibatches, two_moons
from course_lib.figs_network import batched_loss, batched_loss_and_grad, train_many
from course_lib.mlp import MLP

X, Y = two_moons(64, noise=0.15, seed=0)
NET = MLP((2, 5, 4, 1))


def test_batched_loss_and_grad_matches_the_reference_for_each_network():
    params = np.stack([NET.init(seed) for seed in range(3)])
    batches = [slice(0, 16), slice(16, 32), slice(32, 48)]
    losses, grads = batched_loss_and_grad(NET, params, np.stack([X[b] for b in batches]),
                                          np.stack([Y[b] for b in batches]))
    for k, b in enumerate(batches):
        loss, grad = NET.loss_and_grad(params[k], X[b], Y[b])
        assert losses[k] == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(grads[k], grad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(batched_loss(NET, params, X, Y), [NET.loss_and_grad(p, X, Y)[0] for p in params],
                               rtol=1e-12)


def one_run(opt, seed, epochs):
    params, rng = NET.init(seed), np.random.default_rng(seed)
    state = opt.init(params)
    for _ in range(epochs):
        for batch in minibatches(len(Y), 16, rng):
            params, state = opt.update(params, NET.loss_and_grad(params, X[batch], Y[batch])[1], state)
    return params, NET.loss_and_grad(params, X, Y)[0]


def test_train_many_reproduces_one_run_per_optimizer_and_seed():
    opts = [optim.SGD(lr=0.3, momentum=0.9), optim.Adam(lr=0.01)]
    params, losses = train_many(NET, opts, [4, 7], X, Y, epochs=3, batch_size=16, track_loss=True)
    assert params.shape == (2, 2, NET.n_params) and losses.shape == (2, 2, 3)
    for i, opt in enumerate(opts):
        for j, seed in enumerate([4, 7]):
            expected, loss = one_run(opt, seed, epochs=3)
            np.testing.assert_allclose(params[i, j], expected, rtol=1e-9, atol=1e-12)
            assert losses[i, j, -1] == pytest.approx(loss, rel=1e-9)
    assert train_many(NET, opts, [4], X, Y, epochs=1)[1] is None
