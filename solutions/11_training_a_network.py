"""Marks-mode task spec for ``11_training_a_network.ipynb`` (see course_lib.grading.marks)."""

import numpy as np

from course_lib.data import two_moons
from course_lib.functions import Quadratic
from course_lib.grading.checks import ratio_is
from course_lib.grading.taskspec import Case, Task, quadratic
from course_lib.mlp import MLP
from course_lib.mlp import gradient_check as reference_check


def as_dict(net, flat):
    (W1, b1), (W2, b2) = net.unpack(flat)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def network(rng):
    """A small random network (2 inputs, a tanh layer, 1 output) and a two-moons sample."""
    net = MLP((2, int(rng.integers(2, 10)), 1))
    flat = net.init(int(rng.integers(2**31))) + 0.1 * rng.normal(size=net.n_params)
    X, y = two_moons(int(rng.integers(10, 40)), seed=int(rng.integers(2**31)))
    return net, flat, X, y


def forward_cases(rng):
    for _ in range(2):
        net, flat, X, _ = network(rng)
        n = len(X)
        yield Case(f"forward with {net.sizes[1]} hidden units on {n} samples", (as_dict(net, flat), X),
                   expected=net.logits(flat, X), hint="z = tanh(X @ W1 + b1) @ W2 + b2, as a 1-D array",
                   diagnoses=[(lambda got, exp, n=n: got.shape == (n, 1), "return z[:, 0] (shape (n,)), not (n, 1)")])


def loss_and_grads_cases(rng):
    for _ in range(2):
        net, flat, X, y = network(rng)
        expected_loss, expected_grad = net.loss_and_grad(flat, X, y)
        hidden, args = net.sizes[1], (as_dict(net, flat), X, y)
        yield Case(f"the loss with {hidden} hidden units", args, expected=expected_loss, output=0,
                   hint="mean over samples of log(1 + exp(z)) - y * z (np.logaddexp(0, z) is stable)")
        for key, expected in as_dict(net, expected_grad).items():
            yield Case(f"the gradient for {key} with {hidden} hidden units", args, expected=expected, output=(1, key),
                       hint="delta2 = (sigmoid(z) - y) / n; dW2 = a.T @ delta2; delta1 = (delta2 @ W2.T) * (1 - a**2)",
                       diagnoses=[(ratio_is(len(y)), f"the gradient for {key} is n times too large: average over "
                                   "the samples")])


def gradient_check_cases(rng):
    n = int(rng.integers(3, 8))
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    A = Q @ np.diag(rng.uniform(0.5, 2.0, size=n)) @ Q.T
    A = (A + A.T) / 2
    bowl = Quadratic(A)
    # a point whose gradient has no coordinate near 0, so that relative errors are well defined
    x = np.linalg.solve(A, rng.choice([-1, 1], size=n) * rng.uniform(0.5, 2.0, size=n))
    for name, scale in [("a correct gradient", 1.0), ("a gradient 2% too large", 1.02)]:
        def fun(p, scale=scale):
            return bowl.value(p), scale * bowl.grad(p)

        yield Case(f"gradient_check on {name} (a quadratic in dimension {n})",
                   (quadratic(A, returns="value_and_grad", grad_scale=scale), x),
                   expected=reference_check(fun, x, n_checks=n), rtol=1e-3, atol=1e-8,
                   hint="central differences (f(x + h e_i) - f(x - h e_i)) / 2h; relative error with |n| + |a| below")


TASKS = [Task("task-1", "forward", forward_cases),
         Task("task-2", "loss_and_grads", loss_and_grads_cases),
         Task("task-3", "gradient_check", gradient_check_cases)]
