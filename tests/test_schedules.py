"""Schedules beyond the torch parity: closed-form facts, validation, use as an optimizer's lr."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import functions, optim, schedules


def test_cosine_annealing_is_periodic_past_t_max_like_torch():
    s = schedules.CosineAnnealingLR(0.1, T_max=10, eta_min=0.0)
    assert s(10) == pytest.approx(0.0, abs=1e-18)
    assert s(15) == pytest.approx(0.05)  # climbing back up, not held at eta_min
    assert s(20) == pytest.approx(0.1)
    np.testing.assert_allclose(s.values(40)[20:], s.values(20), atol=1e-15)


def test_exponential_decay_with_gamma_one_never_decays():
    assert schedules.ExponentialLR(0.1, gamma=1.0).values(1000) == [0.1] * 1000


def test_warm_restarts_restart_at_the_cycle_lengths():
    s = schedules.CosineAnnealingWarmRestarts(1.0, T_0=3, T_mult=2)
    restarts = [t for t in range(1, 40) if s(t) == 1.0]
    assert restarts == [3, 9, 21]  # cycles of 3, 6, 12 steps


def test_warmup_cosine_rises_linearly_then_anneals_to_eta_min():
    s = schedules.WarmupCosine(1.0, warmup_steps=4, total_steps=14, start_factor=0.2, eta_min=0.1)
    np.testing.assert_allclose(s.values(5), [0.2, 0.4, 0.6, 0.8, 1.0])
    assert s(14) == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(s.values(15)[4:], s.values(15)[5:], strict=False))


def test_one_cycle_peaks_at_max_lr_and_ends_far_below():
    s = schedules.OneCycleLR(max_lr=1.0, total_steps=100)
    assert max(s.values(100)) == pytest.approx(1.0)
    assert s(0) == pytest.approx(1.0 / 25) and s(99) == pytest.approx(1.0 / 25 / 1e4)
    assert s.momentum(0) == 0.95 and min(s.momentum(t) for t in range(100)) == pytest.approx(0.85)
    with pytest.raises(ValueError, match="Tried to step 101 times"):
        s(101)


def test_polynomial_reaches_zero_and_stays():
    s = schedules.PolynomialLR(0.3, total_iters=4, power=2.0)
    np.testing.assert_allclose(s.values(7), [0.3 * (1 - t / 4) ** 2 for t in range(5)] + [0.0, 0.0])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: schedules.StepLR(0.1, step_size=0), "Invalid step_size value: 0"),
        (lambda: schedules.LinearLR(0.1, start_factor=0.0), "Starting multiplicative factor"),
        (lambda: schedules.ConstantLR(0.1, factor=2.0), "between 0 and 1"),
        (lambda: schedules.CosineAnnealingLR(0.1, T_max=0), "Invalid T_max value: 0"),
        (lambda: schedules.CosineAnnealingWarmRestarts(0.1, T_0=0), "Expected positive integer T_0"),
        (lambda: schedules.CosineAnnealingWarmRestarts(0.1, T_0=5, T_mult=0), "T_mult >= 1"),
        (lambda: schedules.OneCycleLR(1.0, total_steps=10, pct_start=1.5), "pct_start"),
        (lambda: schedules.OneCycleLR(1.0, total_steps=10, anneal_strategy="exp"), "anneal_strategy"),
        (lambda: schedules.WarmupCosine(0.1, warmup_steps=10, total_steps=10), "Invalid total_steps value: 10"),
        (lambda: schedules.ExponentialLR(0.1, gamma=0.0), "Invalid gamma value: 0.0"),
        (lambda: schedules.Constant(-0.1), "Invalid learning rate: -0.1"),
    ],
)
def test_invalid_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_invalid_step_is_rejected():
    with pytest.raises(ValueError, match="Invalid step t: -1"):
        schedules.StepLR(0.1, 5)(-1)
    with pytest.raises(ValueError, match="Invalid step t: 1.5"):
        schedules.StepLR(0.1, 5)(1.5)
    assert schedules.StepLR(0.1, 5)(np.int64(5)) == pytest.approx(0.01)


def test_repr_round_trips():
    s = schedules.MultiStepLR(0.1, milestones=[30, 10], gamma=0.5)
    assert repr(s) == "MultiStepLR(lr=0.1, milestones=(10, 30), gamma=0.5)"
    assert repr(eval(repr(s), vars(schedules))) == repr(s)


def test_a_schedule_drives_the_optimizer_and_is_recorded():
    s = schedules.StepLR(0.2, step_size=3, gamma=0.5)
    traj = optim.minimize(optim.SGD(lr=s), functions.quadratic, steps=7)
    np.testing.assert_array_equal(traj.lrs, [0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.05])
    # step k moved by exactly lr(k) * grad(x_k)
    for k in range(7):
        expected = traj.xs[k] - s(k) * functions.quadratic.grad(traj.xs[k])
        np.testing.assert_allclose(traj.xs[k + 1], expected, rtol=0, atol=1e-15)


def test_cosine_formula_is_not_the_popular_lr0_cos_t_over_T():
    s = schedules.CosineAnnealingLR(1.0, T_max=10)
    assert s(5) == pytest.approx(0.5)
    assert 1.0 * math.cos(5 / 10) != pytest.approx(s(5))
