"""The README's race GIF is worth a slide: every optimizer moves visibly, its colours stay distinct
for colour-blind viewers, the loss axis fits the curves, someone reaches the minimum, and heads on
the same point do not hide each other. Checked on the GIF's own frames."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from course_lib import functions, plotting
from course_lib.scene import RACE_COLORS, RaceScene
from course_lib.widgets import _as_named_optimizers

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
README_RACE = ("rosenbrock", ("sgd", "momentum", "adam"))  # python -m course_lib animate's defaults


@pytest.fixture(scope="module")
def gif_frames(tmp_path_factory):
    out = plotting.animate(*README_RACE, out=tmp_path_factory.mktemp("gif") / "race.gif")
    with Image.open(out) as gif:
        frames = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frames.append(np.asarray(gif.convert("RGB"), dtype=float))
    return frames


@pytest.fixture(scope="module")
def scene():
    fun = functions.get(README_RACE[0])
    return RaceScene(fun, _as_named_optimizers(fun, README_RACE[1]), steps=1000, size=(800, 640), talk=True)


def pixels_of(frame: np.ndarray, color: str, tolerance: float = 40.0) -> np.ndarray:
    """Boolean mask of the pixels within ``tolerance`` (RGB 0-255) of ``color``."""
    return np.linalg.norm(frame - 255 * np.array(to_rgb(color)), axis=2) < tolerance


# --- colour vision: Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB ----------------
CVD = {
    "normal vision": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def lab(color: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of ``color`` as seen with ``vision``."""
    srgb = np.array(to_rgb(color))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(CVD[vision] @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_race_colours_stay_apart_for_colour_blind_viewers():
    """Any two of the first five race colours differ by >= 20 CIELAB units under every simulated
    vision (Okabe-Ito's blue and bluish green, COLORS' 1st and 3rd, differ by 17)."""
    for a, b in itertools.combinations(RACE_COLORS[:5], 2):
        worst = min(np.linalg.norm(lab(a, v) - lab(b, v)) for v in CVD)
        assert worst >= 20, (a, b, worst)
    assert len(set(RACE_COLORS)) == len(RACE_COLORS)


def test_every_optimizer_moves_visibly_and_one_reaches_the_minimum(scene):
    fun = scene.fun
    width = min(high - low for low, high in fun.domain)
    for name, traj in scene.trajectories.items():
        assert np.linalg.norm(traj.final_x - traj.xs[0]) > 0.1 * width, name
    gaps = [traj.final_loss - fun.min_value for traj in scene.trajectories.values()]
    assert min(gaps) < 1e-3 < max(gaps)  # the race has a winner and a loser


def test_every_path_shows_in_the_last_frame(gif_frames, scene):
    last = gif_frames[-1]
    for color, name in zip(RACE_COLORS, scene.optimizers, strict=False):
        assert pixels_of(last, color).sum() > 300, name


def test_heads_on_the_start_point_do_not_hide_each_other(gif_frames, scene):
    """In the first frame every head sits on the start: each one's colour shows around it."""
    first = gif_frames[0]
    x, y = scene.ax.transData.transform(scene.x0)
    row, col = int(round(first.shape[0] - y)), int(round(x))
    around = first[row - 20 : row + 21, col - 20 : col + 21]
    for color, name in zip(RACE_COLORS, scene.optimizers, strict=False):
        assert pixels_of(around, color).sum() >= 15, name


def test_the_loss_axis_fits_the_curves(scene):
    low, high = scene.ax_loss.get_ylim()
    gaps = np.concatenate([t.losses - scene.fun.min_value for t in scene.trajectories.values()])
    assert gaps.min() / 10 <= low <= gaps.min() and gaps.max() <= high <= 10 * gaps.max()


def test_a_curve_that_goes_lower_refits_the_loss_axis():
    fun = functions.rosenbrock
    scene = RaceScene(fun, _as_named_optimizers(fun, ["sgd"]), steps=300)
    low = scene.ax_loss.get_ylim()[0]
    scene.set_optimizer("sgd", _as_named_optimizers(fun, ["adam"])["adam"])
    best = float(np.min(scene.trajectories["sgd"].losses - fun.min_value))
    assert best < low and scene.ax_loss.get_ylim()[0] <= best
