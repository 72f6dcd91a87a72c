"""Lesson 08's helpers: the blocked full-batch loss and the schedule colours."""

import pytest

from course_lib.data import two_moons
from course_lib.figs_schedules import SCHEDULE_COLORS, full_loss, schedule_color
from course_lib.mlp import MLP


@pytest.mark.parametrize("block", [1, 32, 33, 400, 1000])
def test_full_loss_in_blocks_is_the_full_batch_loss(block):
    X, y = two_moons(400, noise=0.15, seed=0)
    net = MLP((2, 64, 64, 1))
    params = net.init(seed=3)
    assert full_loss(net, params, X, y, block=block) == pytest.approx(net.loss_and_grad(params, X, y)[0], rel=1e-12)


def test_each_kind_of_schedule_has_its_own_colour():
    step_family = {SCHEDULE_COLORS["StepLR"], SCHEDULE_COLORS["MultiStepLR"]}
    assert len(step_family) == 1
    others = [color for name, color in SCHEDULE_COLORS.items() if name != "MultiStepLR"]
    assert len(set(others)) == len(others)


def test_schedule_color_reads_the_first_word_and_names_unknown_labels():
    assert schedule_color("CosineAnnealingLR(T_max=100)") == SCHEDULE_COLORS["CosineAnnealingLR"]
    assert schedule_color("OneCycleLR") == SCHEDULE_COLORS["OneCycleLR"]
    with pytest.raises(ValueError, match="label must start with one of"):
        schedule_color("SuperSchedule(3)")
