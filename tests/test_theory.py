"""Convergence rates measured on quadratics against the closed-form theory (within 2%)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import functions, optim


def measured_rate(traj, minimiser, first, last):
    """Per-step contraction of the distance to the minimiser between steps ``first`` and ``last``."""
    errors = np.linalg.norm(traj.xs - minimiser, axis=1)
    return (errors[last] / errors[first]) ** (1.0 / (last - first))


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_gradient_descent_rate_is_kappa_minus_1_over_kappa_plus_1(kappa):
    f = functions.ill_conditioned_quadratic(kappa=kappa, angle=20.0)
    traj = optim.minimize(optim.SGD(lr=2 / (f.L + f.mu)), f, steps=200)
    theory = (kappa - 1) / (kappa + 1)
    rate = measured_rate(traj, f.minima[0], 0, 150 if kappa == 100.0 else 40)
    assert rate == pytest.approx(theory, rel=0.02)


def test_gradient_descent_diverges_above_2_over_L():
    f = functions.ill_conditioned_quadratic(kappa=10.0)
    below = optim.minimize(optim.SGD(lr=1.99 / f.L), f, steps=3000)
    above = optim.minimize(optim.SGD(lr=2.01 / f.L), f, steps=3000)
    assert below.final_loss < 1e-6 * below.losses[0]
    assert above.diverged and above.blew_up_at < 3000 and above.losses[-1] > 1e5 * above.losses[0]
    # along the top eigenvector the error is multiplied by |1 - lr L| each step
    assert measured_rate(above, f.minima[0], 400, 600) == pytest.approx(1.01, rel=1e-3)


def test_far_too_large_step_is_reported_as_diverged():
    f = functions.ill_conditioned_quadratic(kappa=10.0)
    traj = optim.minimize(optim.SGD(lr=3.0 / f.L), f, steps=5000)
    assert traj.diverged and traj.diverged_at == 1 and traj.blew_up_at < 5000
    assert np.all(np.isfinite(traj.xs)) and len(traj.xs) == traj.blew_up_at


@pytest.mark.parametrize("kappa", [100.0, 1000.0])
def test_heavy_ball_with_polyak_parameters_reaches_the_sqrt_kappa_rate(kappa):
    f = functions.ill_conditioned_quadratic(kappa=kappa, angle=20.0)
    lr = 4 / (math.sqrt(f.L) + math.sqrt(f.mu)) ** 2
    momentum = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    traj = optim.minimize(optim.SGD(lr=lr, momentum=momentum), f, steps=500)
    theory = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    # the optimal parameters give a double eigenvalue, so the error behaves like k r^k:
    # measure late, over a window, before rounding errors take over
    first, last = (80, 120) if kappa == 100.0 else (300, 450)
    assert measured_rate(traj, f.minima[0], first, last) == pytest.approx(theory, rel=0.02)
    gd_rate = (kappa - 1) / (kappa + 1)
    assert theory < gd_rate  # and the speed-up is real: ~sqrt(kappa) fewer steps
