"""Marks-mode task spec for ``03_stochastic_and_minibatch.ipynb`` (see course_lib.grading.marks)."""

import numpy as np

from course_lib.data import LeastSquares, linear_regression_data, minibatches
from course_lib.grading.checks import check_close
from course_lib.grading.taskspec import Case, Rng, Task
from course_lib.optim import SGD


def partition_check(n, batch_size):
    """A check of two epochs drawn with the same seed: a shuffled partition, cut in order, reproducible."""
    def check(got):
        first, again = ([np.asarray(batch) for batch in epoch] for epoch in got)
        what = f"minibatch_indices({n}, {batch_size})"
        check_close(f"{what}: the sorted indices of one epoch", np.sort(np.concatenate(first)), np.arange(n),
                    hint="each index exactly once per epoch: cut one permutation, do not draw with replacement")
        check_close(f"{what}: the batch sizes", [len(b) for b in first],
                    [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else []),
                    hint="consecutive batches of batch_size; only the last one may be smaller")
        check_close(f"{what} is reproducible with the same rng seed", np.concatenate(again), np.concatenate(first),
                    hint="use the rng you are given (no global np.random)")
        if n >= 50:
            check_close(f"{what} shuffles (is the epoch in a random order?)",
                        float(np.all(np.concatenate(first) == np.arange(n))), 0.0,
                        hint="shuffle with rng.permutation(n) before cutting")
    return check


def minibatch_indices_cases(rng):
    for n, batch_size in [(int(rng.integers(5, 40)), int(rng.integers(2, 9))), (int(rng.integers(50, 300)), 16),
                          (int(rng.integers(3, 9)), 10), (500, 500)]:
        yield Case(f"minibatch_indices({n}, {batch_size})", (n, batch_size, Rng(int(rng.integers(2**31)))),
                   repeat=2, check=partition_check(n, batch_size))


def sgd_epoch_cases(rng):
    middle = int(rng.integers(5, 20))
    n = middle * int(rng.integers(4, 12))  # batches of equal size: the "sum" mistake is then batch_size x the step
    data = linear_regression_data(n=n, seed=int(rng.integers(2**31)))
    loss = LeastSquares(data.X, data.y)
    for batch_size, lr in [(1, 0.01), (middle, 0.1), (n, 0.5)]:
        batches = [np.array(b) for b in np.array_split(rng.permutation(n), n // batch_size)]
        runs = {}
        for step_lr in [lr, lr * batch_size]:  # the mean gradient, and the usual mistake (the sum)
            opt, w = SGD(lr=step_lr), np.zeros(2)
            state = opt.init(w)
            for b in batches:
                w, state = opt.update(w, loss.grad(w, b), state)
            runs[step_lr] = w
        summed = runs[lr * batch_size]
        yield Case(f"sgd_epoch with batches of {batch_size} and lr={lr}", (np.zeros(2), data.X, data.y, lr, batches),
                   expected=runs[lr], hint="w - lr * X_B.T @ (X_B @ w - y_B) / B for each batch in turn",
                   diagnoses=[(lambda got, exp, b=batch_size, summed=summed: b > 1 and np.allclose(got, summed),
                               "your steps are batch_size times too large: use the mean gradient over the batch, "
                               "not the sum")])


def steps_per_epoch_cases(rng):
    for n, b in [(int(rng.integers(100, 2000)), int(rng.integers(2, 64))), (64, 64), (int(rng.integers(5, 30)), 3),
                 (int(rng.integers(1, 9)), 10)]:
        for drop_last in [False, True]:
            expected = len(list(minibatches(n, b, np.random.default_rng(0), drop_last=drop_last)))
            yield Case(f"steps_per_epoch({n}, {b}, drop_last={drop_last})", (n, b, drop_last), expected=expected,
                       hint="ceil(n / batch_size) steps, or floor(n / batch_size) with drop_last",
                       diagnoses=[(lambda got, exp, n=n, b=b, drop_last=drop_last: not drop_last and got == n // b,
                                   "the incomplete last batch is still a step (unless drop_last)")])


TASKS = [Task("task-1", "minibatch_indices", minibatch_indices_cases),
         Task("task-2", "sgd_epoch", sgd_epoch_cases),
         Task("task-3", "steps_per_epoch", steps_per_epoch_cases)]
