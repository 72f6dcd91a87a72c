"""Preset optimizers: the learning-rate rules follow their stated formulas."""

from __future__ import annotations

import pytest

from course_lib import functions, optim, presets


def test_curvature_rule_uses_the_largest_hessian_eigenvalue():
    f = functions.ill_conditioned_quadratic(kappa=40.0)  # lambda_max = 40 everywhere
    assert presets.preset("sgd", f).lr == pytest.approx(0.5 / 40)
    assert presets.preset("momentum", f).lr == pytest.approx(0.25 / 40)


def test_width_rule_uses_the_domain():
    assert presets.preset("adam", functions.booth).lr == pytest.approx(0.025 * 20)  # domain width 20


def test_overrides_and_fixed_hyperparameters():
    opt = presets.preset("nesterov", functions.quadratic, lr=0.01)
    assert isinstance(opt, optim.SGD) and opt.lr == 0.01 and opt.nesterov and opt.momentum == 0.9


@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_every_preset_makes_progress_on_the_default_quadratic(name):
    traj = optim.minimize(presets.preset(name, functions.quadratic), functions.quadratic, steps=200)
    assert not traj.diverged and traj.final_loss < traj.losses[0]


def test_unknown_name():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'; choose from sgd, momentum"):
        presets.preset("adamm", functions.quadratic)
