"""``python -m course_lib html NOTEBOOK``: a self-contained HTML page of a notebook, with pictures.

Two things go wrong with a plain ``jupyter nbconvert --to html`` of a notebook that was executed
by nbconvert (which saves the widgets' state in the notebook):

- nbconvert's HTML exporter ranks the widget view first, so each explorer becomes an empty box
  that only the widget JavaScript, fetched from a CDN, can fill; the PNG every explorer carries
  is not used. Here the PNG ranks before the widget view (sliders cannot work without a kernel
  anyway), so a widget without a picture still shows as a widget.
- nbconvert's ``lab`` template writes no alt text: it puts "No description has been provided
  for this image" on every picture. Here the alt text comes from the output's metadata
  (``{"image/png": {"alt": ...}}``, which every explorer provides; a figure's is
  :func:`alt_of`: the text given with :func:`set_alt`, else one made from its titles, labels
  and legends).
"""

from __future__ import annotations

import functools
from pathlib import Path

PRIORITY = ["application/javascript", "text/html", "text/markdown", "image/svg+xml", "text/vnd.mermaid",
            "text/latex", "image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json", "text/plain"]
NO_ALT = "No description has been provided for this image"  # what nbconvert writes when there is none
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block data_png scoped -%}
{%- set alt = output | get_metadata('alt', 'image/png') -%}
{%- if alt -%}
{{ super() | replace('<img ', '<img alt="' ~ (alt | escape_html) ~ '" ', 1) }}
{%- else -%}
{{ super() }}
{%- endif -%}
{%- endblock data_png -%}
"""
ALT_ATTRIBUTE = "_course_alt"


def set_alt(figure, text: str):
    """Give ``figure`` (from :func:`course_lib.plotting.new_figure`) the alt text its PNG carries
    into saved notebooks and HTML pages; returns the figure, so a cell can end with it."""
    setattr(figure, ALT_ATTRIBUTE, str(text))
    return figure


TEX = {"\\theta": "θ", "\\eta": "η", "\\lambda": "λ", "\\kappa": "κ", "\\mu": "μ", "\\beta": "β",
       "\\alpha": "α", "\\nabla": "∇", "\\sqrt": "√", "\\star": "*", "\\max": "max", "\\log": "log",
       "\\cdot": "·", "\\,": " ", "$": "", "{": "", "}": "", "\\": "", "\n": " "}


def plain_text(tex: str) -> str:
    """Matplotlib text without its TeX markup, for alt text: ``$f(\\theta_t) - f^\\star$`` -> ``f(θ_t) - f^*``."""
    for markup, text in TEX.items():
        tex = tex.replace(markup, text)
    return " ".join(tex.split())


def describe(figure) -> str:
    """Alt text made from a figure's axes: title, axis labels and legend entries of each panel."""
    panels = []
    for ax in figure.axes:
        parts = [plain_text(ax.get_title())] if ax.get_title() else []
        if ax.get_xlabel() or ax.get_ylabel():
            parts.append(f"{plain_text(ax.get_ylabel()) or 'value'} against {plain_text(ax.get_xlabel()) or 'x'}"
                         + (" (log scale)" if ax.get_yscale() == "log" else ""))
        legend = ax.get_legend()
        if legend is not None:
            parts.append("lines: " + ", ".join(plain_text(t.get_text()) for t in legend.get_texts()))
        if parts:
            panels.append("; ".join(parts))
    return "Figure: " + (" | ".join(panels) if panels else "no titles or labels")


def alt_of(figure) -> str:
    """The figure's alt text: the one given with :func:`set_alt`, else :func:`describe`'s."""
    return getattr(figure, ALT_ATTRIBUTE, None) or describe(figure)


@functools.cache
def _exporter_class():
    import jinja2
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    class CourseHTMLExporter(HTMLExporter):
        """nbconvert's HTML exporter with pictures ranked before widget views and alt text from the
        outputs' metadata (``jupyter nbconvert --to course_html`` once registered as an exporter)."""

        export_from_notebook = "HTML, pictures kept"

        @property
        def default_config(self):
            config = super().default_config
            config.merge(Config({"NbConvertBase": {"display_data_priority": PRIORITY}}))
            return config

        def __init__(self, **kwargs):
            kwargs.setdefault("extra_loaders", [jinja2.DictLoader({"course_static.html.j2": TEMPLATE})])
            kwargs.setdefault("template_file", "course_static.html.j2")
            super().__init__(**kwargs)

    return CourseHTMLExporter


def __getattr__(name: str):
    # the exporter class is built on first use: set_alt must not import nbconvert
    if name == "CourseHTMLExporter":
        return _exporter_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_html(notebook, out=None) -> tuple[Path, int]:
    """Write ``notebook`` (a path) as a self-contained HTML page; return its path and the number
    of pictures that have no alt text."""
    notebook = Path(notebook)
    out = notebook.with_suffix(".html") if out is None else Path(out)
    html, _ = _exporter_class()().from_filename(str(notebook))
    out.write_text(html, encoding="utf-8")
    return out, html.count(f'alt="{NO_ALT}"')
