"""minimize() and Trajectory: shapes, defaults, clean divergence, objectives."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import functions, optim
from course_lib.optim.minimize import BLOW_UP_FACTOR


def test_trajectory_shapes_and_records():
    f = functions.rosenbrock
    traj = optim.minimize(optim.Adam(lr=0.05), f, steps=30)
    assert traj.xs.shape == (31, 2) and traj.losses.shape == (31,) and traj.lrs.shape == (30,)
    np.testing.assert_array_equal(traj.xs[0], f.start)
    np.testing.assert_allclose(traj.losses, [f.value(x) for x in traj.xs], rtol=0, atol=0)
    assert traj.diverged_at is None and not traj.diverged
    assert traj.final_loss == traj.losses[-1]


def test_x0_is_not_mutated_and_the_default_start_is_copied():
    x0 = np.array([1.0, 2.0])
    optim.minimize(optim.SGD(lr=0.1, momentum=0.9), functions.quadratic, x0=x0, steps=5)
    np.testing.assert_array_equal(x0, [1.0, 2.0])
    start = functions.quadratic.start.copy()
    optim.minimize(optim.SGD(lr=0.1), functions.quadratic, steps=5)
    np.testing.assert_array_equal(functions.quadratic.start, start)


def test_divergence_stops_cleanly_without_warnings():
    # pytest turns warnings into errors (pyproject), so an overflow warning would fail here
    traj = optim.minimize(optim.SGD(lr=1.0), functions.rosenbrock, steps=100)
    assert traj.diverged
    k = traj.blew_up_at
    assert len(traj.xs) == len(traj.losses) == k and len(traj.lrs) == k - 1
    assert np.all(np.isfinite(traj.xs)) and np.all(np.isfinite(traj.losses))
    assert 1 <= traj.diverged_at <= k


def test_divergence_is_reported_where_it_starts_not_where_it_overflows():
    # eta*L = 2.1 on a quadratic: the error along the top eigenvector grows by 1.1 from step 1
    f = functions.ill_conditioned_quadratic(kappa=10.0)
    traj = optim.minimize(optim.SGD(lr=2.1 / f.L), f, steps=5000)
    assert traj.diverged_at == 1
    assert np.all(np.diff(traj.losses) > 0)  # it really grew from the first step
    assert traj.blew_up_at < 5000 and traj.losses[-1] <= traj.losses[0] * (1 + BLOW_UP_FACTOR)


def test_onset_is_the_start_of_the_final_rise_above_the_start_loss():
    losses = iter([5.0, 4.0, 6.0, 3.0, 7.0, 9.0, np.inf])
    traj = optim.minimize(optim.SGD(lr=0.0), lambda x: (next(losses), np.zeros_like(x)), x0=[0.0], steps=10)
    assert (traj.diverged_at, traj.blew_up_at) == (4, 6)
    np.testing.assert_array_equal(traj.losses, [5.0, 4.0, 6.0, 3.0, 7.0, 9.0])


def test_a_run_that_rises_above_its_start_and_comes_back_has_not_diverged():
    losses = iter([5.0, 50.0, 500.0, 1.0, 0.5])
    traj = optim.minimize(optim.SGD(lr=0.0), lambda x: (next(losses), np.zeros_like(x)), x0=[0.0], steps=4)
    assert not traj.diverged and traj.diverged_at is None and traj.blew_up_at is None


def test_a_finite_loss_a_million_times_its_start_is_a_blow_up():
    losses = iter([2.0, 3.0, 2.0 + 1e6 * 2.0 + 1.0])
    traj = optim.minimize(optim.SGD(lr=0.0), lambda x: (next(losses), np.zeros_like(x)), x0=[0.0], steps=5)
    assert (traj.diverged_at, traj.blew_up_at) == (1, 2)


@pytest.mark.parametrize("x0", [[np.nan, 0.0], [np.inf, 1.0], [0.0, -np.inf]])
def test_a_non_finite_start_is_refused_by_name(x0):
    with pytest.raises(ValueError, match=r"Invalid x0: .*finite"):
        optim.minimize(optim.SGD(lr=0.1), functions.quadratic, x0=x0, steps=3)


@pytest.mark.parametrize("x0", [[1.0, 2.0, 3.0], [1.0], [[1.0, 2.0]]])
def test_a_start_of_the_wrong_dimension_is_refused_by_name(x0):
    with pytest.raises(ValueError, match=r"Invalid x0 shape .* rosenbrock takes a vector of 2 numbers"):
        optim.minimize(optim.SGD(lr=0.1), functions.rosenbrock, x0=x0, steps=3)


def test_a_start_that_is_not_numbers_is_refused_by_name():
    with pytest.raises(ValueError, match=r"Invalid x0"):
        optim.minimize(optim.SGD(lr=0.1), functions.rosenbrock, x0=["a", "b"], steps=3)


def test_a_start_with_an_infinite_loss_is_refused():
    with pytest.raises(ValueError, match=r"Invalid x0: the loss there is inf"):
        optim.minimize(optim.SGD(lr=0.1), lambda x: (np.inf, x), x0=[1.0], steps=3)


def test_a_plain_callable_objective():
    traj = optim.minimize(optim.SGD(lr=0.25), lambda x: (float(x @ x), 2 * x), x0=[4.0], steps=2)
    np.testing.assert_array_equal(traj.xs, [[4.0], [2.0], [1.0]])
    np.testing.assert_array_equal(traj.losses, [16.0, 4.0, 1.0])


def test_matrix_shaped_parameters():
    target = np.arange(6.0).reshape(2, 3)
    traj = optim.minimize(optim.Adam(lr=0.5), lambda w: (np.sum((w - target) ** 2), 2 * (w - target)),
                          x0=np.zeros((2, 3)), steps=200)
    assert traj.xs.shape == (201, 2, 3)
    np.testing.assert_allclose(traj.final_x, target, atol=1e-2)


def test_newton_with_a_singular_hessian_is_reported_as_diverged():
    traj = optim.minimize(optim.Newton(), functions.Quadratic(np.diag([1.0, 0.0])), x0=[1.0, 1.0], steps=3)
    assert traj.diverged_at == 1


def test_lbfgs_and_newton_through_minimize():
    # torch's default tolerance_change=1e-9 on the loss stops L-BFGS near 1 - 2e-5 here
    for opt in (optim.LBFGS(line_search_fn="strong_wolfe", tolerance_change=1e-14), optim.Newton()):
        traj = optim.minimize(opt, functions.rosenbrock, steps=30)
        np.testing.assert_allclose(traj.final_x, [1.0, 1.0], atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Invalid steps value: -1"):
        optim.minimize(optim.SGD(), functions.quadratic, steps=-1)
    with pytest.raises(ValueError, match="x0 is required"):
        optim.minimize(optim.SGD(), lambda x: (0.0, x), steps=1)
    with pytest.raises(TypeError, match="fun must be"):
        optim.minimize(optim.SGD(), 3.0, x0=[1.0], steps=1)
    with pytest.raises(TypeError, match="hessian"):
        optim.minimize(optim.Newton(), lambda x: (0.0, x), x0=[1.0], steps=1)
