"""The helpers of lessons 05-06: full-matrix AdaGrad and the batched quadratic runs, against closed forms."""

import numpy as np

from course_lib import optim
from course_lib.figs_adaptive import FullMatrixAdagrad, rotated_quadratics, rotations, run_quadratics, steps_to


def test_full_matrix_adagrad_in_one_dimension_is_adagrad():
    # d = 1: (sum g^2)^(1/2) is the same number for both, so the paths agree
    A, x0 = np.array([[[3.0]]]), np.array([[2.0]])
    full, _ = run_quadratics(FullMatrixAdagrad(lr=0.3), A, x0, 50)
    diagonal, _ = run_quadratics(optim.Adagrad(lr=0.3), A, x0, 50)
    np.testing.assert_allclose(full, diagonal, rtol=1e-12, atol=1e-15)


def test_full_matrix_adagrad_path_rotates_with_the_problem_and_the_diagonal_one_does_not():
    R = rotations([30.0])[0]
    A = rotated_quadratics(50.0, [0.0, 30.0])
    x0 = np.stack([np.array([1.0, -2.0]), R @ np.array([1.0, -2.0])], axis=1)
    for opt, should_rotate in [(FullMatrixAdagrad(lr=0.2), True), (optim.Adagrad(lr=0.2), False)]:
        xs, _ = run_quadratics(opt, A, x0, 40)
        rotated_gap = np.max(np.abs(xs[:, :, 1] - xs[:, :, 0] @ R.T))
        assert (rotated_gap < 1e-9) == should_rotate, (type(opt).__name__, rotated_gap)


def test_gradient_descent_runs_match_the_closed_form():
    # GD on diag(1, 10): each coordinate shrinks by (1 - eta * lambda_i) per step
    A, x0, eta = rotated_quadratics(10.0, [0.0]), np.array([[1.0], [1.0]]), 0.05
    xs, losses = run_quadratics(optim.SGD(lr=eta), A, x0, 30)
    t = np.arange(31)
    np.testing.assert_allclose(xs[:, 0, 0], (1 - eta) ** t, rtol=1e-12)
    np.testing.assert_allclose(xs[:, 1, 0], (1 - 10 * eta) ** t, rtol=1e-12)
    closed_form_loss = 0.5 * ((1 - eta) ** (2 * t) + 10 * (1 - 10 * eta) ** (2 * t))
    np.testing.assert_allclose(losses[:, 0], closed_form_loss, rtol=1e-12)
    first_below = int(np.argmax(closed_form_loss < 1e-2 * closed_form_loss[0]))
    assert steps_to(losses, tolerance=1e-2)[0] == first_below
