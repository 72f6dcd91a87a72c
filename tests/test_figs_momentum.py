"""Lesson 04's helpers against closed forms and the reference optimizer (not against themselves)."""

import numpy as np
import pytest

from course_lib import figs_momentum as fm
from course_lib import functions, optim, schedules


def test_rate_is_sqrt_beta_in_the_complex_band_and_one_at_the_stability_limit():
    beta = 0.5
    band = np.linspace((1 - np.sqrt(beta)) ** 2 + 1e-3, (1 + np.sqrt(beta)) ** 2 - 1e-3, 7)
    np.testing.assert_allclose(fm.rate(band, beta), np.sqrt(beta), rtol=1e-12)
    assert fm.rate(2 * (1 + beta), beta) == pytest.approx(1.0)
    assert fm.rate(0.0, 0.0) == pytest.approx(1.0)  # gradient descent with eta = 0 does not move
    assert fm.rate(0.3, 0.0) == pytest.approx(0.7)  # beta = 0: gradient descent, |1 - eta lambda|


def test_rate_is_the_spectral_radius_of_the_iteration_matrix():
    for eta_lambda, beta, nesterov in [(0.1, 0.5, False), (3.5, 0.8, False), (0.02, 0.95, True), (1.5, 0.3, True)]:
        radius = np.max(np.abs(np.linalg.eigvals(fm.iteration_matrix(eta_lambda, beta, nesterov))))
        assert fm.rate(eta_lambda, beta, nesterov) == pytest.approx(radius, rel=1e-9)


def test_polyak_parameters_give_the_textbook_rate():
    mu, L = 1.0, 100.0
    eta, beta = fm.polyak_parameters(mu, L)
    assert (eta, beta) == pytest.approx((4 / 121, (9 / 11) ** 2))
    assert max(fm.rate(eta * mu, beta), fm.rate(eta * L, beta)) == pytest.approx(9 / 11, rel=1e-6)


def test_fitted_rate_of_a_geometric_sequence_and_of_a_run_stopped_early():
    assert fm.fitted_rate(3.0 * 0.9 ** np.arange(100)) == pytest.approx(0.9)
    assert fm.fitted_rate(np.array([1.0, 0.5, 0.0])) == 0.0  # reached zero
    assert np.isnan(fm.fitted_rate(np.array([1.0, 10.0, 1e3])))  # too short to fit: not a fast rate


def test_lr_inside_form_equals_torch_form_for_a_constant_lr_and_not_under_steplr():
    f = functions.quadratic
    same = fm.minimize_lr_inside(0.9, schedules.Constant(0.05), f, f.start, 50)
    torch_form = optim.minimize(optim.SGD(lr=0.05, momentum=0.9), f, steps=50).xs
    np.testing.assert_allclose(same, torch_form, atol=1e-12)
    step_lr = schedules.StepLR(0.05, step_size=10, gamma=0.1)
    other = fm.minimize_lr_inside(0.9, step_lr, f, f.start, 50)
    assert np.abs(other - optim.minimize(optim.SGD(lr=step_lr, momentum=0.9), f, steps=50).xs).max() > 1e-3


def test_nesterov_worst_function_has_the_stated_minimiser_and_curvature():
    hard = fm.nesterov_worst_function(9, L=2.0)
    center = 1 - np.arange(1, 10) / 10
    np.testing.assert_allclose(hard.grad(center), 0.0, atol=1e-12)
    assert hard.value(center) == pytest.approx(0.0, abs=1e-12)
    eigenvalues = np.linalg.eigvalsh(hard.A)  # L/4 * tridiag(-1, 2, -1): in (0, L)
    assert 0 < eigenvalues.min() and eigenvalues.max() <= 2.0
    np.testing.assert_allclose(hard.start, 0.0)  # Nesterov's theorem starts at the origin


def test_piecewise_quadratic_is_1_strongly_convex_and_25_smooth():
    fun = fm.PiecewiseQuadratic()
    x = np.linspace(-3, 4, 2001)
    g = np.array([fun.grad(np.array([v]))[0] for v in x])
    slopes = np.diff(g) / np.diff(x)
    assert slopes.min() == pytest.approx(1.0) and slopes.max() == pytest.approx(25.0)
    assert fun.grad(np.array([0.0]))[0] == 0.0 and float(fun.value(np.array([0.0]))) == 0.0
    h = 1e-6  # value and gradient agree (central differences), across both kinks
    for v in (-1.0, 0.999, 1.5, 2.0, 3.3):
        numeric = (fun.value(np.array([v + h])) - fun.value(np.array([v - h]))) / (2 * h)
        assert float(numeric) == pytest.approx(fun.grad(np.array([v]))[0], rel=1e-5, abs=1e-5)


def test_nesterov_convex_takes_gradient_steps_from_the_extrapolated_point():
    f = functions.quadratic
    xs = fm.nesterov_convex(f, f.start, f.L, 3)
    x1 = f.start - f.grad(f.start) / f.L  # sigma_1 = 1: the first step is a plain gradient step
    np.testing.assert_allclose(xs[1], x1, atol=1e-14)
    sigma2 = (1 + np.sqrt(5)) / 2
    y2 = x1 + (1 - 1) / sigma2 * (x1 - f.start)  # (sigma_1 - 1) = 0: no extrapolation yet
    np.testing.assert_allclose(xs[2], y2 - f.grad(y2) / f.L, atol=1e-14)
    sigma3 = (1 + np.sqrt(1 + 4 * sigma2**2)) / 2
    y3 = xs[2] + (sigma2 - 1) / sigma3 * (xs[2] - xs[1])
    np.testing.assert_allclose(xs[3], y3 - f.grad(y3) / f.L, atol=1e-14)
