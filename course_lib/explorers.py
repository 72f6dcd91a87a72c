"""Smaller explorers for single lessons: the 1-D gradient step, the quadratic and its
condition number, and learning-rate schedules. Each redraws its (light) figure on a change.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from . import functions, optim, schedules
from .plotting import COLORS, draw_landscape, figure_to_png, new_figure, style
from .scene import check_steps
from .widgets import PictureWidget, _close_tree, _lr_slider, step_and_play


def check_range(name: str, value, low, high):
    """``value`` if ``low <= value <= high``: a slider would silently move a value outside its range."""
    if not low <= value <= high:
        raise ValueError(f"Invalid {name} value: {value!r} (between {low} and {high}, the range of its slider)")
    return value


class FigureExplorer(PictureWidget):
    """A figure redrawn by :meth:`draw` whenever one of its controls changes."""

    def __init__(self, layout: list, watched: list, size=(600, 450), talk=False, links=()):
        self.talk = talk
        with style(talk):
            self.figure = new_figure(*size)
            self.ax = self.figure.subplots()
        self.image = W.Image(format="png")
        self._links = list(links)
        self._watched = list(watched)
        for control in watched:
            control.observe(lambda change: self.refresh(), names="value")
        self.widget = W.HBox([self.image, W.VBox(layout)])
        self.refresh()
        self._register()

    def close(self) -> None:
        super().close()
        for control in self._watched:  # also those not on screen now
            _close_tree(control)

    def draw(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def refresh(self) -> None:
        with style(self.talk):
            self.ax.clear()
            self.draw()
        self.image.value = self.png()

    def png(self, compress_level: int = 1) -> bytes:
        return figure_to_png(self.figure, compress_level)


class TangentExplorer(FigureExplorer):
    r"""Gradient descent on a 1-D function: the tangent at :math:`x_k` and the step
    :math:`x_{k+1} = x_k - \eta f'(x_k)` drawn on the curve."""

    def __init__(self, fun=None, x0=None, lr=0.05, steps=30, **kwargs):
        self.fun = functions.quartic if fun is None else functions.get(fun)
        if self.fun.dim != 1:
            raise ValueError(f"the tangent explorer needs a 1-D function; {self.fun.name} has dim={self.fun.dim}")
        (low, high), = self.fun.domain
        self.lr = _lr_slider(lr, "lr")
        x0 = check_range("x0", float(self.fun.start[0] if x0 is None else x0), low, high)
        steps = check_steps(steps)
        self.x0 = W.FloatSlider(value=x0, min=low, max=high,
                                step=(high - low) / 400, description="x0")
        self.step, self.play, link = step_and_play(steps, 1, interval=300, on_step=lambda change: self.refresh())
        self.name = f"TangentExplorer({self.fun.name})"
        super().__init__([W.HBox([self.play, self.step]), self.lr, self.x0], [self.lr, self.x0], links=[link], **kwargs)

    def draw(self) -> None:
        fun, ax = self.fun, self.ax
        (low, high), = fun.domain
        grid = np.linspace(low, high, 400)
        values = fun.value(grid[None, :])
        ax.plot(grid, values, color="0.3")
        traj = optim.minimize(optim.SGD(lr=self.lr.value), fun, x0=[self.x0.value], steps=self.step.max)
        k = min(self.step.value, len(traj.xs) - 1)
        xs = traj.xs[: k + 1, 0]
        inside = (xs >= low) & (xs <= high)
        ax.plot(xs[inside], traj.losses[: k + 1][inside], "o", color=COLORS[0], markersize=4, alpha=0.6)
        x, slope = xs[-1], float(fun.grad(np.array([xs[-1]]))[0])
        if low <= x <= high:
            half = 0.15 * (high - low)
            ax.plot([x - half, x + half], [traj.losses[k] - slope * half, traj.losses[k] + slope * half],
                    color=COLORS[1], label=f"tangent, slope f'(θ) = {slope:.3g}")
            ax.plot([x], [traj.losses[k]], "o", color=COLORS[1], markersize=8)
        if k + 1 < len(traj.xs) and low <= traj.xs[k + 1, 0] <= high:
            ax.annotate("", xy=(traj.xs[k + 1, 0], traj.losses[k + 1]), xytext=(x, traj.losses[k]),
                        arrowprops={"arrowstyle": "->", "color": COLORS[2], "linewidth": 2})
        title = f"step {k}: θ = {x:.4g}, f(θ) = {traj.losses[k]:.4g}"
        if traj.diverged and self.step.value >= traj.diverged_at - 1:
            title = f"diverged at step {traj.diverged_at} (lr too large)"
        elif not low <= x <= high:
            title = f"step {k}: θ = {x:.3g} left the plotted range"
        ax.set_title(title)
        ax.set_xlim(low, high)
        ax.set_ylim(values.min() - 0.1 * np.ptp(values), values.max() + 0.1 * np.ptp(values))
        ax.set_xlabel(r"$\theta$")
        ax.set_ylabel(r"$f(\theta)$")
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper center")


class QuadraticExplorer(FigureExplorer):
    r"""Gradient descent (with optional momentum) on :math:`\tfrac12 x^\top A x`: the
    eigen-directions, the zig-zag, and the rate :math:`\max_i |1 - \eta\lambda_i|` against
    the measured one."""

    def __init__(self, kappa=10.0, angle=30.0, lr_times_L=1.0, momentum=0.0, steps=60, **kwargs):
        check_range("kappa", kappa, 1, 1000), check_range("angle", angle, 0, 90)
        check_range("lr_times_L", lr_times_L, 0.05, 2.2), check_range("momentum", momentum, 0.0, 0.99)
        steps = check_steps(steps)
        self.kappa = W.FloatLogSlider(value=kappa, base=10, min=0, max=3, step=0.05, description="kappa")
        self.angle = W.FloatSlider(value=angle, min=0, max=90, step=1, description="angle (deg)")
        self.lr_times_L = W.FloatSlider(value=lr_times_L, min=0.05, max=2.2, step=0.01, description="lr x L")
        self.momentum = W.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01, description="momentum")
        self.step, self.play, link = step_and_play(steps, steps, interval=300,
                                                   on_step=lambda change: self.refresh())
        self.name = "QuadraticExplorer"
        watched = [self.kappa, self.angle, self.lr_times_L, self.momentum]
        super().__init__([W.HBox([self.play, self.step]), *watched], watched, links=[link], **kwargs)

    def draw(self) -> None:
        ax = self.ax
        fun = functions.ill_conditioned_quadratic(kappa=self.kappa.value, angle=self.angle.value)
        lr = self.lr_times_L.value / fun.L
        traj = optim.minimize(optim.SGD(lr=lr, momentum=self.momentum.value), fun, steps=self.step.max)
        draw_landscape(ax, fun, n=120)
        for i, (value, vector, color) in enumerate(zip(fun.eigenvalues, fun.eigenvectors.T, COLORS[3:5], strict=True)):
            ax.annotate("", xy=vector * 1.5, xytext=(0, 0),
                        arrowprops={"arrowstyle": "->", "color": color, "linewidth": 2})
            ax.text(*(vector * 1.75), rf"$\lambda_{i + 1} = {value:.3g}$", color=color, ha="center", va="center",
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": color})
        k = min(self.step.value, len(traj.xs) - 1)
        shown = np.clip(traj.xs[: k + 1], -3, 3)
        ax.plot(shown[:, 0], shown[:, 1], ".-", color=COLORS[0], markersize=5)
        theory = max(abs(1 - lr * fun.mu), abs(1 - lr * fun.L))
        if traj.diverged:
            summary = f"diverged at step {traj.diverged_at}: lr > 2/L"
        else:
            errors = np.linalg.norm(traj.xs, axis=1)
            measured = (errors[-1] / errors[0]) ** (1 / (len(errors) - 1)) if errors[0] > 0 else 0.0
            summary = f"rate per step: measured {measured:.3f}"
            if self.momentum.value == 0:
                summary += rf", theory $\max|1-\eta\lambda|$ = {theory:.3f}"
        ax.set_title(f"kappa = {fun.condition_number:.3g}, lr = {self.lr_times_L.value:.2f}/L\n{summary}",
                     fontsize="medium")
        ax.set_aspect("equal")


# schedule name -> its parameters: (kind, default, low, high); total_steps follows the explorer
SCHEDULE_PARAMETERS = {
    "StepLR": {"step_size": ("int", 30, 1, 200), "gamma": ("float", 0.5, 0.05, 1.0)},
    "MultiStepLR": {"milestones": ("text", "30,60,80", None, None), "gamma": ("float", 0.3, 0.05, 1.0)},
    "ExponentialLR": {"gamma": ("float", 0.97, 0.8, 1.0)},
    "ConstantLR": {"factor": ("float", 1 / 3, 0.0, 1.0), "total_iters": ("int", 20, 0, 200)},
    "LinearLR": {"start_factor": ("float", 0.1, 0.01, 1.0), "end_factor": ("float", 1.0, 0.0, 1.0),
                 "total_iters": ("int", 20, 1, 200)},
    "PolynomialLR": {"total_iters": ("int", 80, 1, 200), "power": ("float", 2.0, 0.1, 5.0)},
    "CosineAnnealingLR": {"T_max": ("int", 50, 1, 200), "eta_min": ("float", 0.0, 0.0, 0.05)},
    "CosineAnnealingWarmRestarts": {"T_0": ("int", 20, 1, 100), "T_mult": ("int", 2, 1, 3),
                                    "eta_min": ("float", 0.0, 0.0, 0.05)},
    "OneCycleLR": {"pct_start": ("float", 0.3, 0.05, 0.95), "three_phase": ("bool", False, None, None),
                   "anneal_strategy": ("choice", "cos", ("cos", "linear"), None)},
    "WarmupCosine": {"warmup_steps": ("int", 10, 1, 99), "start_factor": ("float", 0.01, 0.001, 1.0),
                     "eta_min": ("float", 0.0, 0.0, 0.05)},
}


def _parameter_widget(name, kind, default, low, high):
    if kind == "int":
        return W.IntSlider(value=default, min=low, max=high, description=name)
    if kind == "float":
        return W.FloatSlider(value=default, min=low, max=high, step=(high - low) / 200, description=name,
                             readout_format=".3f")
    if kind == "bool":
        return W.Checkbox(value=default, description=name, indent=False)
    if kind == "choice":
        return W.Dropdown(options=low, value=default, description=name)
    return W.Text(value=default, description=name, continuous_update=False)


class ScheduleExplorer(FigureExplorer):
    """Any course schedule, with sliders for its parameters: ``lr(t)`` over ``steps`` steps."""

    def __init__(self, schedule="WarmupCosine", lr=0.1, steps=100, **kwargs):
        if schedule not in SCHEDULE_PARAMETERS:
            raise ValueError(f"Unknown schedule {schedule!r}; choose from {', '.join(SCHEDULE_PARAMETERS)}")
        self.steps = check_steps(steps)
        self.choice = W.Dropdown(options=list(SCHEDULE_PARAMETERS), value=schedule, description="schedule")
        self.lr = _lr_slider(lr, "base lr")
        self.parameters = {name: {p: _parameter_widget(p, *spec) for p, spec in specs.items()}
                           for name, specs in SCHEDULE_PARAMETERS.items()}
        self.box = W.VBox(list(self.parameters[schedule].values()))
        self.choice.observe(self._on_choice, names="value")
        self.status = W.HTML("")
        watched = [self.choice, self.lr] + [w for ws in self.parameters.values() for w in ws.values()]
        self.name = "ScheduleExplorer"
        super().__init__([self.choice, self.lr, self.box, self.status], watched, **kwargs)

    def _on_choice(self, change) -> None:
        self.box.children = list(self.parameters[self.choice.value].values())

    def schedule(self) -> schedules.Schedule:
        """The schedule the controls describe."""
        name = self.choice.value
        values = {p: w.value for p, w in self.parameters[name].items()}
        if name == "MultiStepLR":
            text = values["milestones"].replace(" ", "")
            if not all(m.isdigit() for m in text.split(",") if m):
                raise ValueError(f"milestones: write whole numbers separated by commas, got {text!r}")
            values["milestones"] = [int(m) for m in text.split(",") if m]
        if name == "OneCycleLR":
            return schedules.OneCycleLR(max_lr=self.lr.value, total_steps=self.steps, **values)
        if name == "WarmupCosine":
            values["total_steps"] = self.steps
        return getattr(schedules, name)(self.lr.value, **values)

    def draw(self) -> None:
        try:
            schedule = self.schedule()
        except ValueError as error:
            self.status.value = f"<span style='color:#D55E00'>{error}</span>"
            return
        self.status.value = ""
        t = np.arange(self.steps)
        self.ax.plot(t, schedule.values(self.steps), color=COLORS[0])
        self.ax.set_xlabel("completed steps $t$")
        self.ax.set_ylabel(r"$\eta_t$")
        self.ax.set_title(repr(schedule), fontsize="small", wrap=True)
        self.ax.set_ylim(bottom=0)


class MinibatchExplorer(FigureExplorer):
    """Minibatch SGD on least squares in two weights: the path over the full loss's contours
    for a chosen batch size, learning rate and number of epochs."""

    def __init__(self, regression=None, lr=0.05, batch_size=10, epochs=3, **kwargs):
        from .data import LeastSquares, linear_regression_data

        self.regression = linear_regression_data() if regression is None else regression
        self.loss = LeastSquares(self.regression.X, self.regression.y)
        n = len(self.regression.y)
        sizes = sorted({1, 2, 5, 10, 20, 50, 100, 200, 500, n} & set(range(1, n + 1)))
        if batch_size not in sizes:
            raise ValueError(f"Invalid batch_size value: {batch_size!r} (one of {sizes}, the slider's choices)")
        check_range("epochs", epochs, 1, 20)
        self.batch_size = W.SelectionSlider(options=sizes, value=batch_size, description="batch size")
        self.lr = _lr_slider(lr, "lr")
        self.epochs = W.IntSlider(value=epochs, min=1, max=20, description="epochs")
        self.seed = W.IntSlider(value=0, min=0, max=9, description="seed")
        self.name = "MinibatchExplorer"
        watched = [self.batch_size, self.lr, self.epochs, self.seed]
        super().__init__(watched, watched, **kwargs)

    def draw(self) -> None:
        from .data import minibatch_run

        w_star = self.loss.minimizer()
        landscape = functions.Quadratic(self.loss.X.T @ self.loss.X / len(self.loss.y), center=w_star,
                                        domain=((w_star[0] - 3, w_star[0] + 3), (w_star[1] - 3, w_star[1] + 3)))
        draw_landscape(self.ax, landscape, n=100)
        ws, losses = minibatch_run(optim.SGD(lr=self.lr.value), self.loss, w_star - np.array([2.5, -2.0]),
                                   self.batch_size.value, self.epochs.value, self.seed.value)
        finite = np.all(np.isfinite(ws), axis=1)
        shown = np.clip(ws[finite], w_star - 3, w_star + 3)
        self.ax.plot(shown[:, 0], shown[:, 1], "-", color=COLORS[0], linewidth=1, alpha=0.8)
        self.ax.plot(*shown[-1], "o", color=COLORS[1])
        excess = losses - self.loss.value(w_star)
        growing = not np.isfinite(excess[-1]) or excess[-1] > excess[0]
        self.ax.set_title("diverging: lower the learning rate" if growing
                          else f"{len(ws) - 1} steps, final f - f* = {excess[-1]:.2e}", fontsize="medium")
        self.ax.set_xlabel(r"$\theta_1$")
        self.ax.set_ylabel(r"$\theta_2$")


def minibatch_explorer(regression=None, lr=0.05, batch_size=10, epochs=3, **kwargs) -> MinibatchExplorer:
    """Minibatch SGD on a 2-weight linear regression: batch size, lr, epochs and seed."""
    return MinibatchExplorer(regression, lr, batch_size, epochs, **kwargs)


def tangent_explorer(fun=None, x0=None, lr=0.05, steps=30, **kwargs) -> TangentExplorer:
    """Gradient descent in 1-D: tangent line and step on the curve (default: the quartic)."""
    return TangentExplorer(fun, x0, lr, steps, **kwargs)


def quadratic_explorer(kappa=10.0, angle=30.0, lr_times_L=1.0, momentum=0.0, steps=60, **kwargs):
    """Gradient descent on a 2-D quadratic with chosen condition number and rotation."""
    return QuadraticExplorer(kappa, angle, lr_times_L, momentum, steps, **kwargs)


def schedule_explorer(schedule="WarmupCosine", lr=0.1, steps=100, **kwargs) -> ScheduleExplorer:
    """Plot any course schedule with sliders for its parameters."""
    return ScheduleExplorer(schedule, lr, steps, **kwargs)


__all__ = ["tangent_explorer", "quadratic_explorer", "schedule_explorer", "minibatch_explorer", "TangentExplorer",
           "MinibatchExplorer",
           "QuadraticExplorer", "ScheduleExplorer", "SCHEDULE_PARAMETERS"]
