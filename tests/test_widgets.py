"""Explorers driven headlessly: pictures change, lines are the trajectories, divergence is
reported, nothing leaks, and a saved notebook keeps a PNG of the explorer."""

from __future__ import annotations

import base64
import io
import tracemalloc

import ipywidgets as W
import matplotlib
import numpy as np
import pytest
from PIL import Image

from course_lib import explorers, functions, optim, widgets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def png_size(data) -> tuple[int, int]:
    return Image.open(io.BytesIO(bytes(data))).size


def live_widgets() -> int:
    return len(W.Widget.widgets)


@pytest.fixture
def explorer():
    e = widgets.explore(functions.rosenbrock, ("sgd", "momentum", "adam"), steps=60)
    yield e
    e.close()


def test_step_slider_changes_the_picture(explorer):
    explorer.step.value = 5
    first = bytes(explorer.image.value)
    explorer.step.value = 40
    assert bytes(explorer.image.value) != first
    assert png_size(explorer.image.value) == (600, 500)


@pytest.mark.parametrize("make", [lambda: widgets.explore("rosenbrock", steps=60), explorers.tangent_explorer,
                                  explorers.quadratic_explorer])
def test_play_follows_the_step_slider_only_while_paused(make):
    e = make()
    pictures = []
    e.image.observe(lambda change: pictures.append(change["new"]), names="value")
    e.step.value = 7
    assert (e.play.value, len(pictures)) == (7, 1)  # Play goes on from where the slider was left
    e.play.playing = True
    e.step.value = 9  # driven by Play in the browser: Play's own value is not set back
    assert (e.play.value, len(pictures)) == (7, 2)
    e.close()


def test_drawn_lines_are_the_optimizers_trajectories(explorer):
    explorer.step.value = 25
    for name, traj in explorer.trajectories.items():
        x, y = explorer.scene.paths[name].get_data()
        np.testing.assert_array_equal(np.column_stack([x, y]), traj.xs[:26])
        expected = optim.minimize(explorer.scene.optimizers[name], functions.rosenbrock, steps=60)
        np.testing.assert_array_equal(traj.xs, expected.xs)


def test_lr_slider_recomputes_only_that_trajectory(explorer):
    before = {name: traj for name, traj in explorer.trajectories.items()}
    explorer.controls["adam"]["lr"].value = 0.01
    assert explorer.scene.optimizers["adam"].lr == pytest.approx(0.01)
    expected = optim.minimize(optim.Adam(lr=explorer.scene.optimizers["adam"].lr), functions.rosenbrock, steps=60)
    np.testing.assert_array_equal(explorer.trajectories["adam"].xs, expected.xs)
    assert explorer.trajectories["sgd"] is before["sgd"]


def test_checkbox_and_betas_sliders_reach_the_optimizer(explorer):
    explorer.controls["adam"]["amsgrad"].value = True
    explorer.controls["adam"]["beta1"].value = 0.5
    assert explorer.scene.optimizers["adam"].amsgrad and explorer.scene.optimizers["adam"].betas[0] == 0.5


def test_divergence_is_shown_not_crashed():
    e = widgets.explore(functions.rosenbrock, {"too fast": optim.SGD(lr=0.1), "fine": optim.SGD(lr=1e-3)}, steps=50)
    traj = e.trajectories["too fast"]
    assert traj.diverged
    e.step.value = 50
    assert e.scene.readout("too fast", 50) == f"diverged at step {traj.diverged_at}"
    assert e.scene.readout("fine", 50).startswith("f = ")
    x, y = e.scene.crosses["too fast"].get_data()
    assert len(x) == 1 and -2 <= x[0] <= 2 and -1 <= y[0] <= 3  # the X sits inside the view
    assert e.scene.ax.get_xlim() == (-2.0, 2.0) and e.scene.ax.get_ylim() == (-1.0, 3.0)
    e.close()


def test_invalid_combination_is_reported_in_the_panel():
    e = widgets.explore(functions.quadratic, {"nesterov": optim.SGD(lr=0.05, momentum=0.9, nesterov=True)}, steps=20)
    e.controls["nesterov"]["momentum"].value = 0.0
    assert "Nesterov momentum requires a momentum" in e.status.value
    assert e.scene.optimizers["nesterov"].momentum == 0.9  # the last valid run stays
    e.controls["nesterov"]["momentum"].value = 0.5
    assert e.status.value == ""
    e.close()


def test_start_sliders_move_every_start(explorer):
    explorer.start[0].value = 0.5
    for traj in explorer.trajectories.values():
        assert traj.xs[0][0] == 0.5 and traj.xs[0][1] == 1.0


def test_display_bundle_carries_a_png_fallback_and_stable_text(explorer):
    bundle, metadata = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert metadata["image/png"]["alt"].startswith("sgd, momentum, adam on rosenbrock from (-1.2, 1), step 60 of 60: "
                                                   "sgd f = ")
    assert png_size(base64.b64decode(bundle["image/png"])) == (600, 500)
    assert bundle["text/plain"] == "Explorer(rosenbrock: sgd, momentum, adam)"


def test_no_pyplot_figures_are_created(explorer):
    import matplotlib.pyplot as plt

    explorer.step.value = 3
    explorers.schedule_explorer().close()
    assert plt.get_fignums() == []
    assert matplotlib.get_backend()  # pyplot untouched otherwise


def test_memory_stays_flat_over_200_updates(explorer):
    rng = np.random.default_rng(0)
    for k in rng.integers(0, 61, 20):  # warm-up
        explorer.step.value = int(k)
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    for i, k in enumerate(rng.integers(0, 61, 200)):
        explorer.step.value = int(k)
        if i % 10 == 0:
            explorer.controls["sgd"]["lr"].value = float(rng.uniform(1e-4, 1e-3))
    growth = tracemalloc.get_traced_memory()[0] - baseline
    tracemalloc.stop()
    assert growth < 2 * 2**20


def test_rerunning_a_cell_replaces_its_explorer(monkeypatch):
    monkeypatch.setattr(widgets, "_current_cell_id", lambda: "cell-1")
    first = widgets.explore(functions.quadratic, ("sgd",), steps=10)
    count = live_widgets()
    for _ in range(5):
        latest = widgets.explore(functions.quadratic, ("sgd",), steps=10)
    assert live_widgets() == count
    assert first.widget.comm is None  # closed
    latest.close()


def test_race_has_no_hyperparameter_sliders():
    r = widgets.race("himmelblau", ("sgd", "adam"), steps=30)
    assert r.controls == {} and set(r.trajectories) == {"sgd", "adam"}
    r.close()


def test_optimizer_names_objects_and_dicts_are_accepted():
    e = widgets.explore("quadratic", [optim.Adam(lr=0.1), "sgd", optim.Adam(lr=0.01)], steps=5)
    assert list(e.trajectories) == ["Adam", "sgd", "Adam#2"]
    e.close()
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'"):
        widgets.explore("quadratic", ["adamm"])
    with pytest.raises(ValueError, match="2-D"):
        widgets.explore("quartic")


def test_tangent_explorer_steps_along_the_curve():
    e = explorers.tangent_explorer(lr=0.05, steps=10)
    first = bytes(e.image.value)
    e.step.value = 5
    assert bytes(e.image.value) != first
    assert e.ax.get_title().startswith("step 5: θ = ")
    e.lr.value = 1.0
    e.step.value = 10
    assert "diverged" in e.ax.get_title() or "left the plotted range" in e.ax.get_title()
    e.close()
    with pytest.raises(ValueError, match="1-D"):
        explorers.tangent_explorer(functions.rosenbrock)


def test_quadratic_explorer_reports_the_rate_and_divergence():
    e = explorers.quadratic_explorer(kappa=10.0, lr_times_L=1.0, steps=40)
    assert "theory" in e.ax.get_title() and "0.900" in e.ax.get_title()  # max|1 - lr mu| = 1 - 1/10
    e.lr_times_L.value = 2.1
    assert "diverged" in e.ax.get_title() or "measured 1.0" in e.ax.get_title()
    e.close()


def test_schedule_explorer_plots_the_schedule_and_reports_bad_input():
    e = explorers.schedule_explorer("StepLR", lr=0.1, steps=100)
    x, y = e.ax.lines[0].get_data()
    np.testing.assert_allclose(y, [0.1 * 0.5 ** (t // 30) for t in range(100)])
    e.choice.value = "MultiStepLR"
    e.parameters["MultiStepLR"]["milestones"].value = "10, x"
    assert "whole numbers" in e.status.value
    e.close()
