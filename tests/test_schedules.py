"""Schedules beyond the torch parity: closed-form facts, validation, use as an optimizer's lr."""

from __future__ import annotations

import math

import numpy as np
import pytest
from golden_problems import golden

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
        (lambda: schedules.InverseTimeLR(0.1, t0=0), "Invalid t0 value: 0"),
        (lambda: schedules.InverseTimeLR(0.1, t0=10, power=0), "Invalid power value: 0"),
        (lambda: schedules.ReduceLROnPlateau(0.1, factor=1.0), "Invalid factor value: 1.0"),
        (lambda: schedules.ReduceLROnPlateau(0.1, mode="best"), "mode 'best' is unknown"),
        (lambda: schedules.ReduceLROnPlateau(0.1, threshold_mode="pct"), "threshold mode 'pct' is unknown"),
        (lambda: schedules.ReduceLROnPlateau(0.1, patience=-1), "Invalid patience value: -1"),
        (lambda: schedules.ReduceLROnPlateau(0.1, cooldown=1.5), "Invalid cooldown value: 1.5"),
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


def test_inverse_time_is_one_over_t_and_one_over_sqrt_t():
    one_over_t = schedules.InverseTimeLR(0.2, t0=5)
    np.testing.assert_allclose(one_over_t.values(50), [0.2 * 5 / (5 + t) for t in range(50)], rtol=1e-14)
    one_over_sqrt_t = schedules.InverseTimeLR(0.2, t0=5, power=0.5)
    np.testing.assert_allclose(one_over_sqrt_t.values(50), [0.2 * math.sqrt(5 / (5 + t)) for t in range(50)],
                               rtol=1e-14)


def test_inverse_time_equals_keras_inverse_time_decay():
    # keras.io InverseTimeDecay: lr / (1 + decay_rate * step / decay_steps)
    lr, decay_steps, decay_rate = 0.1, 20, 0.5
    s = schedules.InverseTimeLR(lr, t0=decay_steps / decay_rate)
    np.testing.assert_allclose(s.values(100), [lr / (1 + decay_rate * t / decay_steps) for t in range(100)],
                               rtol=1e-14)


def test_robbins_monro_sums_partial_sums_of_one_over_t():
    # sum eta_t grows like log T (diverges), sum eta_t^2 stays below eta0^2 t0^2 * pi^2 / 6 (converges)
    s = schedules.InverseTimeLR(1.0, t0=1)
    etas = np.array(s.values(100_000))
    assert etas.sum() > math.log(100_000)
    assert (etas**2).sum() < math.pi**2 / 6


PLATEAU_RUNS = golden()["plateau"]


def test_plateau_golden_runs_cover_every_rule():
    kwargs = [r["kwargs"] for r in PLATEAU_RUNS]
    assert {k.get("mode", "min") for k in kwargs} == {"min", "max"}
    assert {k.get("threshold_mode", "rel") for k in kwargs} == {"rel", "abs"}
    assert any(k.get("cooldown") for k in kwargs) and any(k.get("min_lr") for k in kwargs)
    assert any("eps" in k for k in kwargs)
    # the runs really reduce (several distinct rates) except the one where each cut is below eps
    assert sum(len(set(r["lrs"])) > 2 for r in PLATEAU_RUNS) >= 5


@pytest.mark.parametrize("record", PLATEAU_RUNS, ids=lambda r: f"ReduceLROnPlateau{r['kwargs']}")
def test_reduce_lr_on_plateau_matches_torch(record):
    plateau = schedules.ReduceLROnPlateau(record["lr"], **record["kwargs"])
    lrs = [plateau.lr] + [plateau.step(metric) for metric in record["metrics"]]
    np.testing.assert_allclose(lrs, record["lrs"], rtol=0, atol=1e-15)


def test_reduce_lr_on_plateau_waits_patience_then_cools_down():
    plateau = schedules.ReduceLROnPlateau(1.0, factor=0.5, patience=2, cooldown=2)
    lrs = [plateau.step(1.0) for _ in range(10)]  # never improves after the first epoch
    # 3 bad epochs (> patience 2) -> cut; 2 epochs of cooldown; then 3 more bad epochs -> cut
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]
    plateau.reset()
    assert plateau.lr == 1.0 and plateau.best == math.inf


def test_reduce_lr_on_plateau_drives_an_optimizer_through_a_callable_lr():
    plateau = schedules.ReduceLROnPlateau(0.1, factor=0.5, patience=0)
    opt = optim.SGD(lr=lambda t: plateau.lr)
    x, state = np.array([1.0]), opt.init(np.array([1.0]))
    x, state = opt.update(x, np.array([1.0]), state)
    assert x[0] == pytest.approx(0.9)
    plateau.step(1.0)
    plateau.step(1.0)  # no improvement, patience 0: halve
    x, state = opt.update(x, np.array([1.0]), state)
    assert x[0] == pytest.approx(0.85)
    assert repr(plateau).startswith("ReduceLROnPlateau(lr=0.1, mode='min', factor=0.5, patience=0")
