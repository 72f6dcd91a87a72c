"""Lesson 07's experiment helpers against closed forms, hand computations and the course optimizers
(which the golden tests pin to torch)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import figs_adam, optim


def test_rectifier_is_radams_step_on_a_constant_gradient():
    # with eps = 0 and g_t = 1, RAdam's adaptive step is exactly eta * r_t (m_hat = 1, l_t = 1)
    steps = figs_adam.step_sizes(optim.RAdam(lr=1.0, eps=0.0), np.ones(300))
    t = np.arange(6, 301)
    # steps are measured as differences of iterates, so a few units of rounding in the last digits
    np.testing.assert_allclose(steps[5:], figs_adam.radam_rectifier(t), rtol=1e-9)
    np.testing.assert_allclose(steps[:5], 1.0, rtol=1e-9)  # plain momentum steps eta * m_hat


def test_rectifier_values_and_threshold():
    rho_inf = 2 / (1 - 0.999) - 1
    rho_6 = rho_inf - 2 * 6 * 0.999**6 / (1 - 0.999**6)
    by_hand = np.sqrt((rho_6 - 4) * (rho_6 - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_6))
    assert figs_adam.radam_rectifier(6) == pytest.approx(by_hand, rel=1e-12)
    assert 4 < figs_adam.radam_rho(5) < 5 < figs_adam.radam_rho(6)
    assert np.isnan(figs_adam.radam_rectifier(4))


def test_spike_step_matches_the_zero_history_formula():
    spike_times = np.array([1, 2, 10, 1000, 5000])
    measured = figs_adam.spike_step(spike_times, history=1e-12)  # eps = 0: a zero history would give 0/0
    np.testing.assert_allclose(measured, figs_adam.spike_step_theory(spike_times), rtol=1e-9)
    assert measured.max() < (1 - 0.9) / np.sqrt(1 - 0.999)


def test_amsgrad_reddi_by_hand():
    sizes, denominators = figs_adam.amsgrad_reddi([2.0, 1.0], lr=1.0)
    m1, v1 = 0.1 * 2.0, 0.001 * 4.0
    m2, v2 = 0.9 * m1 + 0.1 * 1.0, 0.999 * v1 + 0.001 * 1.0
    np.testing.assert_allclose(sizes, [m1 / np.sqrt(v1), m2 / np.sqrt(max(v1, v2))], rtol=1e-12)
    rng = np.random.default_rng(0)
    _, denominators = figs_adam.amsgrad_reddi(rng.standard_normal(500) * np.geomspace(10, 0.1, 500))
    assert np.all(np.diff(denominators) >= 0)


def test_reddi_counterexample():
    # Reddi, Kale and Kumar (2018), Theorem 1: Adam goes to the worst point +1, AMSGrad to -1
    alpha_t = lambda k: 0.5 / np.sqrt(k + 1)
    betas = (0.0, 1 / (1 + 3.0**2))
    adam = figs_adam.reddi_online_problem(optim.Adam(lr=alpha_t, betas=betas), steps=1500)
    amsgrad = figs_adam.reddi_online_problem(optim.Adam(lr=alpha_t, betas=betas, amsgrad=True), steps=1500)
    assert adam[-300:].mean() > 0.95 and amsgrad[-300:].mean() < -0.95
    assert np.all(np.abs(adam) <= 1) and np.all(np.abs(amsgrad) <= 1)


def test_adamw_paper_is_torch_with_weight_decay_over_alpha():
    grad = lambda x: np.array([3.0, -1.0]) * (x - 1.0)
    x0 = np.array([0.2, -0.4])
    paper = figs_adam.adamw_paper(grad, x0, alpha=0.02, weight_decay=1e-3, steps=200)
    opt = optim.AdamW(lr=0.02, weight_decay=1e-3 / 0.02)
    x, state = x0, opt.init(x0)
    for _ in range(200):
        x, state = opt.update(x, grad(x), state)
    np.testing.assert_allclose(paper, x, rtol=0, atol=1e-13)


def test_adamw_paper_schedule_multiplies_both_terms():
    # zero gradient: only the decay acts, theta_t = prod (1 - eta_t lambda) theta_0, whatever alpha
    schedule = lambda t: 1.0 / t
    end = figs_adam.adamw_paper(lambda x: np.zeros_like(x), np.ones(1), alpha=5.0, weight_decay=0.1,
                                steps=10, schedule=schedule)
    assert end[0] == pytest.approx(np.prod([1 - 0.1 / t for t in range(1, 11)]), rel=1e-12)


def test_nadam_mu_schedule():
    assert figs_adam.nadam_mu(1) == pytest.approx(0.9 * (1 - 0.5 * 0.96**0.004), rel=1e-12)
    state = optim.NAdam().update(np.zeros(1), np.ones(1), optim.NAdam().init(np.zeros(1)))[1]
    assert state.mu_product == pytest.approx(figs_adam.nadam_mu(1), rel=1e-12)


def test_method_colours_are_distinct():
    assert len(set(figs_adam.METHOD_COLORS.values())) == len(figs_adam.METHOD_COLORS)
