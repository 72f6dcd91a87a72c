"""Landscapes: gradients and Hessians against finite differences, minima, vectorisation."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import functions

LANDSCAPES = list(functions.LANDSCAPES.values()) + [
    functions.Rastrigin(dim=3),
    functions.Quadratic(np.diag([1.0, 2.0, 5.0, 9.0]), center=np.arange(4.0)),
    functions.Rosenbrock(a=2.0, b=10.0),
]
IDS = [f"{f.name}-{f.dim}d" for f in LANDSCAPES]


def sample_points(f, n=5, seed=0):
    rng = np.random.default_rng(seed)
    lows, highs = np.array(f.domain).T
    return rng.uniform(lows, highs, size=(n, f.dim))


def central_difference(fun, x, h):
    return np.array([(fun(x + h * e) - fun(x - h * e)) / (2 * h) for e in np.eye(len(x))])


@pytest.mark.parametrize("f", LANDSCAPES, ids=IDS)
def test_gradient_matches_finite_differences(f):
    for x in sample_points(f):
        fd = central_difference(f.value, x, 1e-6)
        np.testing.assert_allclose(f.grad(x), fd, rtol=1e-6, atol=1e-6 * (1 + np.abs(fd).max()))


@pytest.mark.parametrize("f", LANDSCAPES, ids=IDS)
def test_hessian_matches_finite_differences_and_is_symmetric(f):
    for x in sample_points(f, seed=1):
        H = f.hessian(x)
        fd = central_difference(f.grad, x, 1e-6)  # row i: d grad / d x_i
        np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-6 * (1 + np.abs(fd).max()))
        np.testing.assert_array_equal(H, H.T)


@pytest.mark.parametrize("f", LANDSCAPES, ids=IDS)
def test_known_minima_are_stationary_with_the_stated_value(f):
    for m in f.minima:
        assert np.abs(f.grad(m)).max() < 1e-9
        assert np.all(np.linalg.eigvalsh(f.hessian(m)) > 0)  # a strict local minimum
    if len(f.minima):
        assert f.value(f.minima[0]) == pytest.approx(f.min_value, abs=1e-12)
        # nothing on a grid over the domain lies below the global minimum
        grid = np.stack(np.meshgrid(*[np.linspace(lo, hi, 41) for lo, hi in f.domain][:3], indexing="ij"))
        if f.dim <= 3:
            assert f.value(grid).min() >= f.min_value - 1e-9


@pytest.mark.parametrize("f", LANDSCAPES, ids=IDS)
def test_vectorised_on_grids_equals_pointwise(f):
    points = sample_points(f, n=6, seed=2)
    grid = points.T.reshape(f.dim, 2, 3)  # coordinates first, any trailing shape
    values, grads, hessians = f.value(grid), f.grad(grid), f.hessian(grid)
    assert values.shape == (2, 3) and grads.shape == (f.dim, 2, 3) and hessians.shape == (f.dim, f.dim, 2, 3)
    for k, x in enumerate(points):
        i, j = divmod(k, 3)
        np.testing.assert_allclose(values[i, j], f.value(x), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(grads[:, i, j], f.grad(x), rtol=1e-14, atol=1e-14)
        np.testing.assert_allclose(hessians[:, :, i, j], f.hessian(x), rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("f", LANDSCAPES, ids=IDS)
def test_start_lies_in_the_domain(f):
    lows, highs = np.array(f.domain).T
    assert f.start.shape == (f.dim,) and np.all(lows <= f.start) and np.all(f.start <= highs)


def test_grid_for_contour_plots():
    X, Y, Z = functions.rosenbrock.grid(50)
    assert X.shape == Y.shape == Z.shape == (50, 50)
    assert Z[0, 0] == functions.rosenbrock.value(np.array([X[0, 0], Y[0, 0]]))
    with pytest.raises(ValueError, match="2-D"):
        functions.quartic.grid()


def test_ill_conditioned_quadratic_has_the_requested_spectrum():
    f = functions.ill_conditioned_quadratic(kappa=50.0, angle=45.0, mu=0.5)
    np.testing.assert_allclose(f.eigenvalues, [0.5, 25.0])
    assert f.condition_number == pytest.approx(50.0)
    np.testing.assert_allclose(np.abs(f.eigenvectors[:, 0]), [np.sqrt(0.5)] * 2)


def test_saddles_have_no_minimum_and_indefinite_or_zero_curvature():
    assert functions.saddle.min_value is None and len(functions.saddle.minima) == 0
    np.testing.assert_array_equal(np.linalg.eigvalsh(functions.saddle.hessian(np.zeros(2))), [-2.0, 2.0])
    np.testing.assert_array_equal(functions.monkey_saddle.hessian(np.zeros(2)), np.zeros((2, 2)))


def test_quartic_has_a_local_and_a_global_minimum():
    f = functions.quartic
    assert f.value(f.minima[0]) < f.value(f.minima[1])
    assert f.start[0] > f.minima[1][0]  # the default start sits in the local basin


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="kappa"):
        functions.ill_conditioned_quadratic(kappa=0.5)
    with pytest.raises(ValueError, match="symmetric"):
        functions.Quadratic([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="dim"):
        functions.Rastrigin(dim=0)
    with pytest.raises(ValueError, match="Unknown landscape 'nope'"):
        functions.get("nope")
    assert functions.get("rosenbrock") is functions.rosenbrock
