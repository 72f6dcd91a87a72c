"""Bad input to the command line and to the public entry points gets a clear error that names the
option or argument: never a traceback from deep inside, never a silent wrong result."""

from __future__ import annotations

import re

import pytest

from course_lib import __main__ as cli
from course_lib import explorers, functions, optim, plotting, presets, schedules, widgets

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def cli_error(capsys, *argv) -> str:
    """The error message of a refused command line (argparse exits with code 2)."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize(("argv", "message"), [
    (["--start", "1"], "argument --start: expected a point x,y (two finite numbers, e.g. 0,-4), got '1'"),
    (["--start", "1,2,3"], "argument --start: expected a point x,y"),
    (["--start", "a,b"], "argument --start: expected a point x,y"),
    (["--start", "nan,1"], "argument --start: expected a point x,y"),
    (["--out", "no-such-folder/race.gif"], "argument --out: the folder 'no-such-folder' does not exist"),
    (["--out", "race.png"], "argument --out: expected a file name ending in .gif, got 'race.png'"),
    (["--steps", "0"], "argument --steps: expected a whole number >= 1, got '0'"),
    (["--steps", "2.5"], "argument --steps: expected a whole number >= 1, got '2.5'"),
    (["--frames", "1"], "argument --frames: expected a whole number >= 2, got '1'"),
    (["--fps", "0"], "argument --fps: expected a whole number >= 1, got '0'"),
    (["--function", "quartic"], "argument --function: invalid choice: 'quartic'"),
])
def test_animate_options_are_checked_before_anything_runs(capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    assert message in cli_error(capsys, "animate", *argv)
    assert not list(tmp_path.iterdir())  # nothing written


def test_animate_offers_only_landscapes_it_can_draw(capsys):
    with pytest.raises(SystemExit):
        cli.main(["animate", "--help"])
    help_text = capsys.readouterr().out
    offered = re.search(r"--function \{([^}]*)\}", help_text)[1].split(",")
    assert "quartic" not in offered and offered == sorted(n for n, f in functions.LANDSCAPES.items() if f.dim == 2)


def test_a_negative_start_is_written_with_equals(tmp_path, capsys):
    out = tmp_path / "race.gif"
    assert cli.main(["animate", "--function", "himmelblau", "--optimizers", "sgd", "--start=-1,2", "--steps", "3",
                     "--frames", "2", "--out", str(out)]) == 0
    assert out.exists()


def test_unknown_or_missing_optimizers_name_the_option(capsys):
    assert cli.main(["animate", "--optimizers", "sgd,adamm"]) == 2
    assert "argument --optimizers: unknown optimizer 'adamm'" in capsys.readouterr().err
    assert cli.main(["animate", "--optimizers", ","]) == 2
    assert "argument --optimizers: unknown optimizer list (empty)" in capsys.readouterr().err


def test_help_has_plain_text_and_every_option_explained(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    assert "``" not in top and ":mod:" not in top
    for command in ("animate", "doctor", "html", "release", "grade"):
        with pytest.raises(SystemExit):
            cli.main([command, "--help"])
        text = capsys.readouterr().out
        assert "``" not in text, command
        options = text.split("options:", 1)[1]
        # each option line carries its help on the same line or the next one
        entries = re.split(r"\n  (?=-)", options)
        for entry in entries[1:]:
            name, _, rest = entry.partition("  ")
            assert rest.strip() or "\n" in entry, f"{command}: {name} has no help"


# --- the Python entry points --------------------------------------------------------------
def test_race_with_a_start_of_the_wrong_dimension():
    with pytest.raises(ValueError, match=r"Invalid x0 value: \[0.0\] \(2 finite numbers for himmelblau"):
        widgets.race("himmelblau", ["sgd", "adam"], x0=[0.0])


@pytest.mark.parametrize("x0", [[float("nan"), 1.0], [1.0, float("inf")], "1,2", [1.0, 2.0, 3.0], [[1.0, 2.0]]])
def test_explore_with_a_bad_start(x0):
    with pytest.raises(ValueError, match=r"Invalid x0 value: .* \(2 finite numbers for rosenbrock, e\.g\. x0="):
        widgets.explore("rosenbrock", ["sgd"], x0=x0, steps=5)


def test_explore_accepts_a_single_name():
    explorer = widgets.explore("rosenbrock", "adam", steps=5)
    assert list(explorer.trajectories) == ["adam"]
    explorer.close()
    explorer = widgets.explore("rosenbrock", optim.Adam(lr=0.05), steps=5)
    assert list(explorer.trajectories) == ["Adam"]
    explorer.close()


@pytest.mark.parametrize("optimizers", [[1], ["sgd", None], {"mine": 3}])
def test_explore_with_something_that_is_not_an_optimizer(optimizers):
    with pytest.raises(TypeError, match="optimizers: expected preset names such as 'adam', Optimizer objects"):
        widgets.explore("rosenbrock", optimizers, steps=5)


@pytest.mark.parametrize("steps", [0, -3, 2.5, True])
def test_explore_and_animate_with_bad_steps(steps, tmp_path):
    with pytest.raises(ValueError, match=re.escape(f"Invalid steps value: {steps!r} (an integer >= 1)")):
        widgets.explore("rosenbrock", ["sgd"], steps=steps)
    with pytest.raises(ValueError, match=re.escape(f"Invalid steps value: {steps!r} (an integer >= 1)")):
        plotting.animate("booth", ["sgd"], out=tmp_path / "race.gif", steps=steps, frames=2)


def test_explore_with_an_unknown_landscape():
    with pytest.raises(ValueError, match=r"Unknown landscape 3; choose from \['beale'"):
        widgets.explore(3)
    with pytest.raises(ValueError, match="the race scene needs a 2-D landscape; quartic has dim=1"):
        widgets.explore("quartic")


@pytest.mark.parametrize("out", ["missing-folder/race.gif", "race.png", "race"])
def test_animate_with_a_bad_out(out, tmp_path):
    with pytest.raises(ValueError, match="Invalid out value: .* ending in .gif, in a folder that exists"):
        plotting.animate("booth", ["sgd"], out=tmp_path / out, steps=3, frames=2)
    assert not list(tmp_path.iterdir())


def test_explorer_outside_jupyter_says_what_it_is_and_saves_a_picture(tmp_path):
    explorer = widgets.explore("rosenbrock", ["sgd", "adam"], steps=10)
    text = repr(explorer)
    assert text.startswith("Explorer(rosenbrock: sgd, adam): an interactive picture.") and ".save(" in text
    path = explorer.save(tmp_path / "picture.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    explorer.close()
    assert repr(explorers.schedule_explorer()).startswith("ScheduleExplorer: an interactive picture.")


@pytest.mark.parametrize(("make", "message"), [
    (lambda: explorers.tangent_explorer(lr=-1), "Invalid lr value: -1 (a number > 0"),
    (lambda: explorers.tangent_explorer(lr=0), "Invalid lr value: 0 (a number > 0"),
    (lambda: explorers.tangent_explorer(x0=10), "Invalid x0 value: 10.0 (between -2.2 and 2.2"),
    (lambda: explorers.tangent_explorer("rosenbrock"), "needs a 1-D function; rosenbrock has dim=2"),
    (lambda: explorers.quadratic_explorer(kappa=5000), "Invalid kappa value: 5000 (between 1 and 1000"),
    (lambda: explorers.quadratic_explorer(kappa=0.5), "Invalid kappa value: 0.5 (between 1 and 1000"),
    (lambda: explorers.quadratic_explorer(lr_times_L=3), "Invalid lr_times_L value: 3 (between 0.05 and 2.2"),
    (lambda: explorers.quadratic_explorer(momentum=1.5), "Invalid momentum value: 1.5 (between 0.0 and 0.99"),
    (lambda: explorers.quadratic_explorer(steps=0), "Invalid steps value: 0"),
    (lambda: explorers.schedule_explorer("Foo"), "Unknown schedule 'Foo'; choose from StepLR"),
    (lambda: explorers.schedule_explorer(steps=0), "Invalid steps value: 0"),
    (lambda: explorers.schedule_explorer(lr=0.0), "Invalid base lr value: 0.0"),
    (lambda: explorers.minibatch_explorer(batch_size=7), "Invalid batch_size value: 7 (one of [1, 2, 5"),
    (lambda: explorers.minibatch_explorer(epochs=50), "Invalid epochs value: 50 (between 1 and 20"),
    (lambda: widgets.explore("rosenbrock", [optim.SGD(lr=0.0)], steps=5), "Invalid lr value: 0.0"),
])
def test_explorers_refuse_values_their_sliders_would_silently_change(make, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


def test_presets_functions_and_schedules_name_the_bad_value():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'; choose from sgd, momentum"):
        presets.preset("adamm", functions.rosenbrock)
    with pytest.raises(ValueError, match=r"Unknown landscape \['a'\]"):
        functions.get(["a"])
    assert functions.get(functions.booth) is functions.booth
    with pytest.raises(ValueError, match=re.escape("Invalid n value: -1 (an integer >= 1)")):
        schedules.Constant(0.1).values(-1)
    with pytest.raises(ValueError, match=re.escape("Invalid steps value: 0 (an integer >= 1)")):
        plotting.plot_schedule(schedules.Constant(0.1), steps=0)


def test_presets_and_animate_name_their_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match=re.escape("Invalid x0 value: [1.0] (2 finite numbers for rosenbrock")):
        presets.preset("sgd", functions.rosenbrock, x0=[1.0])
    with pytest.raises(ValueError, match=re.escape("Invalid x0 value: [nan, 1.0]")):  # not "Invalid learning rate"
        presets.preset("sgd", functions.rosenbrock, x0=[float("nan"), 1.0])
    assert presets.preset("sgd", "rosenbrock") == presets.preset("sgd", functions.rosenbrock)
    with pytest.raises(ValueError, match=re.escape("Invalid frames value: 2.5 (an integer >= 2)")):
        plotting.animate("booth", ["sgd"], out=tmp_path / "race.gif", steps=5, frames=2.5)
    with pytest.raises(ValueError, match=re.escape("Invalid fps value: 0.5 (a number >= 1)")):
        plotting.animate("booth", ["sgd"], out=tmp_path / "race.gif", steps=5, frames=2, fps=0.5)
    with pytest.raises(ValueError, match="curves must hold at least one named curve"):
        plotting.plot_curves({})
