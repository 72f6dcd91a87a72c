"""GIF export (function and command line), static figures, and the saved-notebook fallback."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from nbclient import NotebookClient
from PIL import Image

from course_lib import __main__ as cli
from course_lib import functions, optim, plotting, schedules

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_animate_writes_a_looping_gif(tmp_path):
    out = plotting.animate("booth", ("sgd", "adam"), out=tmp_path / "race.gif", steps=40, frames=9, fps=10)
    with Image.open(out) as gif:
        assert gif.n_frames == 9 and gif.size == (800, 640) and gif.info["loop"] == 0
        gif.seek(0)
        first = gif.convert("RGB").tobytes()
        gif.seek(8)
        assert gif.convert("RGB").tobytes() != first


def test_cli_animate(tmp_path, capsys):
    out = tmp_path / "race.gif"
    code = cli.main(["animate", "--function", "rosenbrock", "--optimizers", "sgd,momentum,adam",
                     "--out", str(out), "--steps", "30", "--frames", "4"])
    assert code == 0 and out.exists()
    assert "wrote" in capsys.readouterr().out
    assert cli.main(["animate", "--optimizers", "sgd,adamm", "--out", str(out)]) == 2
    assert "unknown optimizer 'adamm'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # argparse: "argument --frames: expected a whole number >= 2"
        cli.main(["animate", "--frames", "1", "--out", str(out)])
    assert refused.value.code == 2 and "argument --frames" in capsys.readouterr().err


def test_static_figures_render():
    trajectories = {"sgd": optim.minimize(optim.SGD(lr=1e-3), functions.rosenbrock, steps=20),
                    "diverging": optim.minimize(optim.SGD(lr=0.1), functions.rosenbrock, steps=20)}
    fig = plotting.plot_trajectories(functions.rosenbrock, trajectories, talk=True)
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert labels[1].startswith("diverging (diverged at step ")
    assert Image.open(io.BytesIO(plotting.figure_to_png(fig))).size == (900, 420)
    fig = plotting.plot_schedule(schedules.CosineAnnealingLR(0.1, T_max=10), steps=30)
    assert len(fig.axes[0].lines[0].get_xdata()) == 30


def test_saved_notebook_keeps_a_picture_of_the_explorer(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from course_lib.widgets import explore\n"
                                          "explore('rosenbrock', ('sgd', 'adam'), steps=40)")]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert len(outputs) == 1 and outputs[0].output_type == "execute_result"
    data = outputs[0].data
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"] == "Explorer(rosenbrock: sgd, adam)"
    assert Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).size == (600, 500)
