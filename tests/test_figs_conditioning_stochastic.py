"""Lessons 02-03's helpers against independent references: finite differences, the spectral norm,
gradient descent's closed form on a quadratic, and a plain loop of minibatch SGD."""

import numpy as np
import pytest

from course_lib.data import ill_conditioned_regression
from course_lib.figs_conditioning import LogCoshQuadratic, fitted_rate, rate
from course_lib.figs_stochastic import sgd_runs


def log_cosh_example():
    R = np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]])
    return LogCoshQuadratic(R @ np.diag([1.0, 10.0]) @ R.T, b=np.array([3.0, -2.0]), c=4.0)


def test_log_cosh_gradient_and_hessian_match_finite_differences():
    g, h = log_cosh_example(), 1e-6
    for theta in np.random.default_rng(0).normal(scale=2.0, size=(5, 2)):
        grad_fd = np.array([(g.value(theta + h * e) - g.value(theta - h * e)) / (2 * h) for e in np.eye(2)])
        hess_fd = np.array([(g.grad(theta + h * e) - g.grad(theta - h * e)) / (2 * h) for e in np.eye(2)])
        assert np.allclose(g.grad(theta), grad_fd, rtol=1e-6, atol=1e-6)
        assert np.allclose(g.hessian(theta), hess_fd, rtol=1e-6, atol=1e-6)
        eigenvalues = np.linalg.eigvalsh(g.hessian(theta))
        assert g.mu <= eigenvalues[0] and eigenvalues[-1] <= g.L


def test_log_cosh_minimum_has_zero_gradient_and_bad_input_is_named():
    g = log_cosh_example()
    assert np.linalg.norm(g.grad(g.minima[0])) < 1e-12
    with pytest.raises(ValueError, match="positive definite"):
        LogCoshQuadratic(np.diag([1.0, -1.0]), b=np.zeros(2))
    with pytest.raises(ValueError, match="c value"):
        LogCoshQuadratic(np.eye(2), b=np.zeros(2), c=-1.0)


def test_rate_is_the_spectral_norm_of_the_iteration_matrix():
    eigenvalues = np.array([0.5, 1.3, 4.0])                     # mu = 0.5, L = 4
    for eta in [0.05, 0.3, 2 / 4.5, 0.49, 0.6]:
        iteration = np.eye(3) - eta * np.diag(eigenvalues)
        assert rate(eta, 0.5, 4.0) == pytest.approx(np.linalg.norm(iteration, 2), abs=1e-15)
    assert fitted_rate(3.0 * 0.7 ** np.arange(20), 5, 15) == pytest.approx(0.7, rel=1e-12)
    with pytest.raises(ValueError, match="window"):
        fitted_rate(np.ones(5), 3, 3)


def test_full_batch_sgd_runs_is_gradient_descent_in_closed_form():
    data = ill_conditioned_regression(n=64, d=4, kappa=10.0, seed=1)
    A = data.X.T @ data.X / 64
    theta_star = np.linalg.solve(A, data.X.T @ data.y / 64)
    eta, theta0 = 0.7, np.ones(4)
    examples, gaps = sgd_runs(data.X, data.y, theta0, 64, [eta], epochs=5, seeds=(0,), records_per_epoch=1)
    assert examples.tolist() == [0, 64, 128, 192, 256, 320]
    for t in range(6):
        e = np.linalg.matrix_power(np.eye(4) - eta * A, t) @ (theta0 - theta_star)
        assert gaps[0, 0, t] == pytest.approx(0.5 * e @ A @ e, rel=1e-9)


@pytest.mark.parametrize("replace", [False, True])
def test_minibatch_sgd_runs_matches_a_plain_loop(replace):
    data = ill_conditioned_regression(n=32, d=3, kappa=5.0, seed=2)
    theta_star = np.linalg.lstsq(data.X, data.y, rcond=None)[0]
    lrs, batch, epochs = [0.05, 0.2], 4, 3
    _, gaps = sgd_runs(data.X, data.y, np.zeros(3), batch, lrs, epochs, seeds=(7, 8), records_per_epoch=8,
                       replace=replace, lr_decay=lambda t: 1 / (1 + 0.1 * t))
    for s, seed in enumerate((7, 8)):
        for k, lr in enumerate(lrs):
            rng, theta, t, expected = np.random.default_rng(seed), np.zeros(3), 0, []
            for _ in range(epochs):
                order = rng.integers(32, size=32) if replace else rng.permutation(32)
                for start in range(0, 32, batch):
                    idx = order[start:start + batch]
                    grad = data.X[idx].T @ (data.X[idx] @ theta - data.y[idx]) / batch
                    theta = theta - lr / (1 + 0.1 * t) * grad
                    t += 1
                    e = theta - theta_star
                    expected.append(0.5 * np.mean((data.X @ e) ** 2))
            assert np.allclose(gaps[s, k, 1:], expected, rtol=1e-9)


def test_sgd_runs_names_bad_input():
    data = ill_conditioned_regression(n=32, d=3, seed=0)
    with pytest.raises(ValueError, match="batch_size"):
        sgd_runs(data.X, data.y, np.zeros(3), 5, [0.1], 1)
    with pytest.raises(ValueError, match="records_per_epoch"):
        sgd_runs(data.X, data.y, np.zeros(3), 4, [0.1], 1, records_per_epoch=3)
