"""The numpy MLP: backpropagation against finite differences and a closed-form case."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import optim
from course_lib.data import two_moons
from course_lib.mlp import MLP, gradient_check


def test_backprop_matches_finite_differences():
    X, y = two_moons(50, seed=1)
    net = MLP((2, 5, 4, 1))
    params = net.init(3)
    assert gradient_check(lambda p: net.loss_and_grad(p, X, y), params, n_checks=net.n_params) < 1e-6


def test_logistic_regression_special_case():
    # no hidden layer: the model is logistic regression, whose gradient is X^T (sigma(Xw + b) - y) / n
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), (rng.random(20) > 0.5).astype(float)
    net = MLP((3, 1))
    params = rng.normal(size=net.n_params)
    w, b = params[:3], params[3]
    p = 1 / (1 + np.exp(-(X @ w + b)))
    loss, grad = net.loss_and_grad(params, X, y)
    assert loss == pytest.approx(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)), rel=1e-12)
    np.testing.assert_allclose(grad, np.concatenate([X.T @ (p - y), [np.sum(p - y)]]) / 20, rtol=1e-10)


def test_training_separates_two_moons():
    X, y = two_moons(200, seed=0)
    net = MLP((2, 16, 1))
    traj = optim.minimize(optim.Adam(lr=0.02), lambda p: net.loss_and_grad(p, X, y), x0=net.init(0), steps=500)
    assert traj.final_loss < 0.1 and net.accuracy(traj.final_x, X, y) > 0.95


def test_bad_sizes_and_data():
    with pytest.raises(ValueError, match="Invalid sizes"):
        MLP((2, 3))
    with pytest.raises(ValueError, match="Invalid n value: 1"):
        two_moons(1)
    X, y = two_moons(7, seed=0)
    assert X.shape == (7, 2) and sorted(set(y)) == [0.0, 1.0]
