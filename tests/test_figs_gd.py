"""Lesson 01's helpers against closed forms: the descent lemma's parabola and steepest descent under a norm.

The reference for steepest descent is duality: the least value of g^T delta over a unit ball is minus the
dual norm of g (l2 -> l2, l-inf -> l1, D-norm -> D^{-1}-norm; Boyd and Vandenberghe 2004, sec. 9.4 and appendix A.1).
"""

import numpy as np
import pytest

from course_lib.figs_gd import descent_lemma_bound, steepest_direction, unit_sphere

D = np.array([1.0, 4.0])
NORMS = {
    "l2": lambda x: np.linalg.norm(x, axis=-1),
    "linf": lambda x: np.max(np.abs(x), axis=-1),
    "diag": lambda x: np.sqrt(np.sum(D * np.asarray(x) ** 2, axis=-1)),
}
DUAL_NORMS = {
    "l2": lambda g: np.linalg.norm(g),
    "linf": lambda g: np.sum(np.abs(g)),
    "diag": lambda g: np.sqrt(np.sum(g**2 / D)),
}


def test_descent_lemma_bound_is_the_parabola():
    eta, f0, g2, L = np.array([0.0, 0.05, 0.1, 0.2]), 5.0, 4.0, 10.0
    np.testing.assert_allclose(descent_lemma_bound(eta, f0, g2, L), f0 - eta * (1 - eta * L / 2) * g2, rtol=1e-15)
    # eta = 1/L: the guaranteed decrease |g|^2/(2L); eta = 2/L: no decrease
    assert descent_lemma_bound(0.1, f0, g2, L) == pytest.approx(f0 - g2 / (2 * L), rel=1e-15)
    assert descent_lemma_bound(0.2, f0, g2, L) == pytest.approx(f0, rel=1e-15)


@pytest.mark.parametrize("norm", ["l2", "linf", "diag"])
@pytest.mark.parametrize("g", [[1.0, 0.4], [-3.0, 2.0], [0.0, -1.5]])
def test_steepest_direction_has_unit_norm_and_reaches_minus_the_dual_norm(norm, g):
    g = np.array(g)
    d = steepest_direction(g, norm, D)
    assert NORMS[norm](d) == pytest.approx(1.0, rel=1e-12)
    assert g @ d == pytest.approx(-DUAL_NORMS[norm](g), rel=1e-12)


@pytest.mark.parametrize("norm", ["l2", "linf", "diag"])
def test_unit_sphere_points_have_norm_one(norm):
    np.testing.assert_allclose(NORMS[norm](unit_sphere(norm, D, n=360)), 1.0, rtol=1e-12)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="Invalid norm"):
        steepest_direction([1.0, 0.0], "l1")
    with pytest.raises(ValueError, match="Invalid D"):
        steepest_direction([1.0, 0.0], "diag", D=[1.0, 0.0])
    with pytest.raises(ValueError, match="Invalid D"):
        unit_sphere("diag")
    with pytest.raises(ValueError, match="Invalid g"):
        steepest_direction([0.0, 0.0])
