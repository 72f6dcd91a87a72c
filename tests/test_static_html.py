"""Static exports keep their pictures: a notebook executed by nbconvert (which saves the widgets'
state), then written as HTML, shows each explorer's PNG with alt text, not an empty widget box."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from course_lib import __main__ as cli
from course_lib import plotting, static_html

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

CELLS = [
    "from course_lib.widgets import explore\nexplore('rosenbrock', ('sgd', 'adam'), steps=40)",
    # what a figure with alt text displays as: _repr_png_ returning (data, {"alt": ...})
    "from course_lib import plotting, static_html\n"
    "class Figure:\n"
    "    def _repr_png_(self):\n"
    "        fig = plotting.new_figure(200, 100)\n"
    "        fig.subplots().plot([0, 1], [1, 0])\n"
    "        return plotting.figure_to_png(fig), {'alt': 'a falling line'}\n"
    "Figure()",
    "import ipywidgets\nipywidgets.IntSlider(3)",  # a widget with no picture stays a widget
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook as ``jupyter nbconvert --to notebook --execute`` leaves it (widget state saved)."""
    folder = tmp_path_factory.mktemp("html")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    assert "widgets" in nb.metadata
    path = folder / "lesson.ipynb"
    nbformat.write(nb, path)
    return path


def pictures(html: str) -> list[str]:
    return re.findall(r"<img [^>]*src=\"data:image/png;base64,[^\"]+\"[^>]*>", html)


def alt(img: str) -> str:
    return re.search(r'alt="([^"]*)"', img)[1]


def test_plain_nbconvert_would_show_an_empty_widget_box(executed):
    """Why the course has its own export: nbconvert's default ranks the widget view first."""
    html, _ = HTMLExporter().from_filename(str(executed))
    assert len(pictures(html)) == 1 and alt(pictures(html)[0]) == static_html.NO_ALT


def test_course_export_shows_each_picture_with_alt_text(executed, tmp_path):
    out, missing = static_html.to_html(executed, tmp_path / "lesson.html")
    html = out.read_text()
    shown = pictures(html)
    assert len(shown) == 2 and missing == 0
    assert alt(shown[0]).startswith("sgd, adam on rosenbrock from (-1.2, 1), step 40 of 40: sgd f = ")
    assert alt(shown[1]) == "a falling line"
    assert html.count('<script type="application/vnd.jupyter.widget-view+json">') == 1  # the slider only


def test_html_command(executed, capsys):
    assert cli.main(["html", str(executed)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {executed.with_suffix('.html')}"
    assert len(pictures(executed.with_suffix(".html").read_text())) == 2


def test_html_command_names_a_bad_argument(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(["html", str(tmp_path / "missing.ipynb")])
    assert "argument NOTEBOOK: expected a notebook file (.ipynb) that exists" in capsys.readouterr().err


def test_the_exporter_class_works_as_an_nbconvert_exporter(executed):
    """What ``jupyter nbconvert --to course_html`` runs once registered (entry point
    ``nbconvert.exporters``: ``course_html = "course_lib.static_html:CourseHTMLExporter"``)."""
    html, _ = static_html.CourseHTMLExporter().from_filename(str(executed))
    assert len(pictures(html)) == 2 and static_html.NO_ALT not in html


def test_jupyter_nbconvert_with_the_course_exporter(executed, tmp_path):
    exporter = "course_lib.static_html.CourseHTMLExporter"
    env = dict(os.environ, PYTHONPATH=str(Path(static_html.__file__).parents[1]))
    done = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", exporter, str(executed),
                           "--output-dir", str(tmp_path)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Alternative text is missing" not in done.stderr, done.stderr
    assert len(pictures((tmp_path / "lesson.html").read_text())) == 2


def test_a_figure_has_alt_text_from_its_labels_or_the_one_given():
    fig = plotting.plot_curves({"sgd": [3.0, 2.0, 1.0], "adam": [3.0, 1.0, 0.5]}, ylabel=r"$f(\theta_t) - f^\star$",
                               title="Rosenbrock")
    assert static_html.alt_of(fig) == "Figure: Rosenbrock; f(θ_t) - f^* against step t (log scale); lines: sgd, adam"
    assert static_html.set_alt(fig, "loss against step") is fig and static_html.alt_of(fig) == "loss against step"
    assert static_html.alt_of(plotting.new_figure(100, 100)) == "Figure: no titles or labels"
