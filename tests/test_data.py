"""Generated data, least squares and the minibatch iterator."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.data import LeastSquares, linear_regression_data, minibatches


def test_each_epoch_visits_every_sample_once():
    rng = np.random.default_rng(0)
    for n, b in [(10, 3), (12, 4), (7, 7), (5, 10)]:
        batches = list(minibatches(n, b, rng))
        assert sorted(np.concatenate(batches).tolist()) == list(range(n))
        assert [len(x) for x in batches] == [b] * (n // b) + ([n % b] if n % b else [])
        dropped = list(minibatches(n, b, rng, drop_last=True))
        assert all(len(x) == b for x in dropped) and len(dropped) == n // b


def test_epochs_reshuffle():
    rng = np.random.default_rng(1)
    assert list(minibatches(20, 20, rng))[0].tolist() != list(minibatches(20, 20, rng))[0].tolist()


def test_least_squares_gradient_and_minimizer():
    data = linear_regression_data(n=200, seed=3)
    loss = LeastSquares(data.X, data.y)
    w = np.array([0.3, 0.7])
    h = 1e-6
    fd = [(loss.value(w + h * e) - loss.value(w - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(loss.grad(w), fd, rtol=1e-6)
    np.testing.assert_allclose(loss.grad(loss.minimizer()), 0.0, atol=1e-12)
    np.testing.assert_allclose(loss.minimizer(), data.w_true, atol=0.1)


def test_minibatch_gradients_average_to_the_full_gradient_over_an_epoch():
    data = linear_regression_data(n=100, seed=4)
    loss = LeastSquares(data.X, data.y)
    w = np.array([1.0, 1.0])
    batches = list(minibatches(100, 10, np.random.default_rng(0)))
    np.testing.assert_allclose(np.mean([loss.grad(w, b) for b in batches], axis=0), loss.grad(w), rtol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="batch_size"):
        list(minibatches(10, 0, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="Invalid n value: 0"):
        linear_regression_data(n=0)
