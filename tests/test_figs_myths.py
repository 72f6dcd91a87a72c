"""Tests of course_lib.figs_myths against closed forms and the Keras documentation's examples."""

import math

import numpy as np
import pytest

from course_lib.figs_myths import (
    MythLog,
    delay_stability_limit,
    delayed_gd,
    keras_adam,
    keras_exponential_decay,
    keras_inverse_time_decay,
    keras_piecewise_constant_decay,
)


def test_delay_limit_closed_forms():
    # tau = 0: GD's 2/L. tau = 1: z^2 - z + a = 0 has |z| = sqrt(a) for a > 1/4, so the limit is a = 1.
    assert delay_stability_limit(0) == pytest.approx(2.0, abs=1e-15)
    assert delay_stability_limit(1) == pytest.approx(1.0, abs=1e-15)
    # Levin and May's form 2 cos(tau pi / (2 tau + 1)) for larger delays
    for tau in (2, 5, 16):
        assert delay_stability_limit(tau) == pytest.approx(2 * math.cos(tau * math.pi / (2 * tau + 1)), rel=1e-12)


def test_delay_limit_against_the_characteristic_roots():
    # e_t = e_{t-1} - a e_{t-1-tau}: characteristic polynomial z^(tau+1) - z^tau + a
    for tau in (1, 2, 4):
        limit = delay_stability_limit(tau)
        for a, stable in ((0.97 * limit, True), (1.03 * limit, False)):
            roots = np.roots([1.0, -1.0] + [0.0] * (tau - 1) + [a])
            assert (np.abs(roots).max() < 1) == stable


def test_delayed_gd_with_no_delay_is_gd():
    xs = delayed_gd(lambda x: x, [1.0], 0.5, 0, 5)
    np.testing.assert_allclose(xs[:, 0], 0.5 ** np.arange(6), rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="delay"):
        delayed_gd(lambda x: x, [1.0], 0.5, -1, 5)


def test_keras_schedules_match_their_documented_examples():
    # keras.io PiecewiseConstantDecay example: 1.0 for the first 100001 steps, 0.5 for the next 10000, then 0.1
    pc = keras_piecewise_constant_decay([100000, 110000], [1.0, 0.5, 0.1])
    assert (pc(0), pc(100000), pc(100001), pc(110000), pc(110001)) == (1.0, 1.0, 0.5, 0.5, 0.1)
    with pytest.raises(ValueError, match="values"):
        keras_piecewise_constant_decay([10], [1.0])
    # ExponentialDecay: lr * rate^(step / decay_steps); staircase floors the exponent
    assert keras_exponential_decay(0.1, 10, 0.5)(15) == pytest.approx(0.1 * 0.5**1.5, rel=1e-15)
    assert keras_exponential_decay(0.1, 10, 0.5, staircase=True)(15) == pytest.approx(0.05, rel=1e-15)
    # InverseTimeDecay: lr / (1 + rate * step / decay_steps)
    assert keras_inverse_time_decay(0.1, 10, 0.5)(15) == pytest.approx(0.1 / 1.75, rel=1e-15)
    assert keras_inverse_time_decay(0.1, 10, 0.5, staircase=True)(15) == pytest.approx(0.1 / 1.5, rel=1e-15)


def test_keras_adam_first_step_closed_form():
    # t = 1: m = (1 - b1) g, v = (1 - b2) g^2, alpha = lr sqrt(1 - b2) / (1 - b1)
    # step = lr sqrt(1 - b2) |g| / (sqrt(1 - b2) |g| + eps)
    g, lr, eps = 1e-6, 1.0, 1e-7
    theta, (t, _, _) = keras_adam(lr=lr, epsilon=eps)(np.zeros(1), np.array([g]), (0, 0.0, 0.0))
    expected = lr * math.sqrt(1e-3) * g / (math.sqrt(1e-3) * g + eps)
    assert t == 1
    assert -theta[0] == pytest.approx(expected, rel=1e-12)


def test_myth_log_counts_and_rejects_bad_input():
    log = MythLog()
    with pytest.raises(ValueError, match="myth"):
        log.claim("no myth open", True)
    log.myth(1, "x", "false")
    log.claim("a check", True)
    with pytest.raises(AssertionError):
        log.claim("a false check", False)
    assert log.rows[0]["checks"] == 1
    with pytest.raises(ValueError, match="verdict"):
        log.myth(2, "y", "maybe")
    with pytest.raises(ValueError, match="already"):
        log.myth(1, "x again", "true")
