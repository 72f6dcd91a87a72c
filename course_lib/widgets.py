"""Interactive explorers: sliders and a Play button over the race scene.

The picture is an ``ipywidgets.Image`` fed with PNG frames from :class:`~course_lib.scene.RaceScene`
(cached background + blitted moving artists), so moving the step slider costs one blit and one
PNG encoding, and moving a hyperparameter slider recomputes one trajectory. Displaying an
explorer also stores a PNG of the current frame, so a saved notebook shows a picture where no
kernel runs (GitHub, nbviewer, HTML export).
"""

from __future__ import annotations

import base64
import math
import weakref
from numbers import Real
from pathlib import Path

import ipywidgets as W

from . import functions, optim, presets
from .scene import RaceScene
from .static_html import plain_text

# hyperparameter -> (slider kind, low, high); lr gets a log slider around its value
SLIDER_RANGES = {
    "momentum": (0.0, 0.99), "dampening": (0.0, 0.99), "alpha": (0.5, 0.999), "rho": (0.5, 0.999),
    "weight_decay": (0.0, 0.5), "lr_decay": (0.0, 0.5), "momentum_decay": (0.0, 0.05), "damping": (0.0, 10.0),
}
CHECKBOXES = ("nesterov", "amsgrad", "centered")
_LIVE = weakref.WeakValueDictionary()  # cell id -> explorer shown from that cell


def _current_cell_id():
    """JupyterLab sends the cell's id with each execution; None elsewhere."""
    try:
        from IPython import get_ipython

        return get_ipython().parent_header.get("metadata", {}).get("cellId")
    except Exception:  # not in IPython, or no parent header
        return None


STYLE = {"description_width": "100px"}


def _lr_slider(lr: float, description: str) -> W.FloatLogSlider:
    if isinstance(lr, bool) or not (isinstance(lr, Real) and 0 < lr < math.inf):
        raise ValueError(f"Invalid {description} value: {lr!r} (a number > 0: its slider is logarithmic)")
    exponent = math.log10(lr)
    return W.FloatLogSlider(value=lr, base=10, min=math.floor(exponent) - 3,
                            max=math.ceil(exponent) + 1, step=0.05, description=description,
                            readout_format=".2e", continuous_update=True, style=STYLE)


def step_and_play(steps: int, value: int, interval: int, on_step, **slider_options):
    """A step slider calling ``on_step(change)``, and the Play button that drives it: ``(step, play, link)``.

    Play moves the slider through a link in the browser. The slider moves Play from the kernel, after
    ``on_step`` has sent the new picture, and only while Play is paused, so Play goes on from where the
    learner left the slider. A key press on the slider thus sends one message to the kernel, not two (a
    two-way link would also send Play's, ahead of the slider's).
    """
    step = W.IntSlider(value=value, min=0, max=steps, description="step", **slider_options)
    play = W.Play(value=value, min=0, max=steps, interval=interval, description="Play")

    def follow(change):
        on_step(change)
        if not play.playing:
            play.value = change["new"]

    step.observe(follow, names="value")
    return step, play, W.jsdlink((play, "value"), (step, "value"))


def hyperparameter_controls(opt) -> dict:
    """A widget per tunable hyperparameter of ``opt``: log slider for lr, sliders, checkboxes."""
    controls = {}
    for name, value in opt.hyperparameters.items():
        if name == "lr" and not callable(value):
            controls["lr"] = _lr_slider(value, "lr")
        elif name == "betas":
            controls["beta1"] = W.FloatSlider(value=value[0], min=0.0, max=0.999, step=0.001, description="beta1",
                                              style=STYLE)
            controls["beta2"] = W.FloatSlider(value=value[1], min=0.5, max=0.9999, step=0.0001,
                                              description="beta2", readout_format=".4f", style=STYLE)
        elif name in SLIDER_RANGES:
            low, high = SLIDER_RANGES[name]
            controls[name] = W.FloatSlider(value=value, min=low, max=high, step=(high - low) / 200,
                                           description=name, readout_format=".3f", style=STYLE)
        elif name in CHECKBOXES:
            controls[name] = W.Checkbox(value=value, description=name, indent=False)
    return controls


def _hyperparameters_from(controls: dict) -> dict:
    values = {name: widget.value for name, widget in controls.items()}
    if "beta1" in values:
        values["betas"] = (values.pop("beta1"), values.pop("beta2"))
    return values


def _as_named_optimizers(fun, optimizers) -> dict:
    """Accept a dict name -> Optimizer, a list of Optimizers, preset names, or one name (``"adam"``)."""
    if isinstance(optimizers, (str, optim.Optimizer)):
        optimizers = [optimizers]
    if isinstance(optimizers, dict):
        items = optimizers.items()
    else:
        items = [(o, o) if isinstance(o, str) else (type(o).__name__, o) for o in optimizers]
    named = {}
    for name, opt in items:
        if not isinstance(opt, (str, optim.Optimizer)):
            raise TypeError(f"optimizers: expected preset names such as 'adam', Optimizer objects, or a dict "
                            f"name -> Optimizer; got {opt!r}")
        named[name if name not in named else f"{name}#{len(named)}"] = (
            presets.preset(opt, fun) if isinstance(opt, str) else opt
        )
    return named


class PictureWidget:
    """Base of the explorers: a picture (``self.image``) inside ``self.widget``.

    Subclasses set ``self.widget`` and ``self.image`` and define :meth:`png`. Displaying one
    shows the live widget where a widget manager runs and carries a PNG of the current frame
    for everywhere else; re-running the cell that made it closes the previous one.
    """

    name = "picture"

    def _register(self) -> None:
        cell = _current_cell_id()
        if cell is not None:  # re-running a cell replaces its explorer: free the old one
            old = _LIVE.get(cell)
            if old is not None and old is not self:
                old.close()
            _LIVE[cell] = self

    def png(self, compress_level: int = 1) -> bytes:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return (f"{self.name}: an interactive picture. In Jupyter, make it the last line of a cell to get its "
                f"sliders; elsewhere, .save('picture.png') writes the current picture.")

    def save(self, path) -> Path:
        """Write the current picture to ``path`` as a PNG and return the path."""
        path = Path(path)
        path.write_bytes(self.png(compress_level=6))
        return path

    def alt_text(self) -> str:
        """What the current picture shows, in words (the PNG's alt text in saved notebooks)."""
        title = plain_text(self.figure.axes[0].get_title()) if self.figure.axes else ""
        return f"{self.name}" + (f": {title}" if title else "")

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        bundle["image/png"] = base64.b64encode(self.png(compress_level=6)).decode()
        bundle["text/plain"] = self.name  # stable text: nbval compares text/plain
        return bundle, {"image/png": {"alt": self.alt_text()}}  # read by course_lib.static_html

    def close(self) -> None:
        """Close every widget and free the figure (also done when its cell is re-run)."""
        _close_tree(self.widget)
        for link in getattr(self, "_links", ()):
            link.close()
        self.figure.clear()


class Explorer(PictureWidget):
    """A landscape with one trajectory per optimizer, a step slider with Play, start sliders,
    hyperparameter sliders per optimizer, the loss panel, and a legend with current losses."""

    def __init__(self, fun, optimizers, x0=None, steps=200, size=(600, 500), controls=True, talk=False):
        fun = functions.get(fun)
        self.scene = RaceScene(fun, _as_named_optimizers(fun, optimizers), x0, steps, size, talk)
        self.fun, self.steps = fun, steps
        self.image = W.Image(format="png", value=self.scene.png(steps))
        self.step, self.play, link = step_and_play(steps, steps, interval=60, on_step=self._on_step,
                                                   continuous_update=True, style=STYLE)
        self._links = [link]
        self.status = W.HTML("")
        self.controls = {}
        boxes = [W.HBox([self.play, self.step]), self._start_controls()]
        if controls:
            for name, opt in self.scene.optimizers.items():
                self.controls[name] = hyperparameter_controls(opt)
                for widget in self.controls[name].values():
                    widget.observe(self._on_hyperparameter(name), names="value")
            tabs = W.Tab([W.VBox(list(c.values())) for c in self.controls.values()])
            tabs.titles = list(self.controls)
            boxes.append(tabs)
        boxes.append(self.status)
        self.widget = W.HBox([self.image, W.VBox(boxes)])
        self.figure = self.scene.fig
        self.name = f"Explorer({fun.name}: {', '.join(self.scene.optimizers)})"
        self._register()

    def _start_controls(self) -> W.HBox:
        (x_lo, x_hi), (y_lo, y_hi) = self.fun.domain
        x0 = self.scene.x0
        self.start = [
            W.FloatSlider(value=x0[0], min=x_lo, max=x_hi, step=(x_hi - x_lo) / 200, description="start x",
                          continuous_update=False, style=STYLE),
            W.FloatSlider(value=x0[1], min=y_lo, max=y_hi, step=(y_hi - y_lo) / 200, description="start y",
                          continuous_update=False, style=STYLE),
        ]
        for slider in self.start:
            slider.observe(self._on_start, names="value")
        return W.VBox(self.start)

    # --- events ---------------------------------------------------------------------------
    def _redraw(self) -> None:
        self.image.value = self.scene.png(self.step.value)

    def _on_step(self, change) -> None:
        self._redraw()

    def _on_start(self, change) -> None:
        self.scene.set_start([s.value for s in self.start])
        self._redraw()

    def _on_hyperparameter(self, name):
        def handler(change):
            try:
                opt = self.scene.optimizers[name].replace(**_hyperparameters_from(self.controls[name]))
            except ValueError as error:  # e.g. Nesterov with zero momentum: say so, keep the old run
                self.status.value = f"<span style='color:#D55E00'>{name}: {error}</span>"
                return
            self.status.value = ""
            self.scene.set_optimizer(name, opt)
            self._redraw()

        return handler

    @property
    def trajectories(self) -> dict:
        return self.scene.trajectories

    def alt_text(self) -> str:
        """The race in words: landscape, start, step, and each optimizer's loss or divergence."""
        k, x0 = self.step.value, self.scene.x0
        states = "; ".join(f"{name} {self.scene.readout(name, k)}" for name in self.trajectories)
        return (f"{', '.join(self.trajectories)} on {self.fun.name} from ({x0[0]:.3g}, {x0[1]:.3g}), "
                f"step {k} of {self.steps}: {states}")

    def png(self, compress_level: int = 1) -> bytes:
        """The current frame as PNG bytes."""
        return self.scene.png(self.step.value, compress_level)


def _close_tree(widget) -> None:
    """Close a widget, its children, and their layout and style widgets."""
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, W.Widget):
            part.close()
    widget.close()


def explore(fun, optimizers=("sgd", "momentum", "adam"), x0=None, steps=200, **kwargs) -> Explorer:
    """Explore optimizers on a 2-D landscape (a landscape or its name) with sliders and Play.

    ``optimizers``: preset names (``"adam"``), Optimizer objects, or a dict name -> Optimizer.
    """
    return Explorer(fun, optimizers, x0=x0, steps=steps, **kwargs)


def race(fun, optimizers=("sgd", "momentum", "nesterov", "rmsprop", "adam"), x0=None, steps=200, **kwargs):
    """Several optimizers on one landscape, driven only by the step slider and Play."""
    return Explorer(fun, optimizers, x0=x0, steps=steps, controls=False, **kwargs)
