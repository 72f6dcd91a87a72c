"""Typical wrong answers, each with the hint its check must give (read by tests/test_grading.py).

Instructor-only, like the rest of solutions/: several of these are one edit away from the right
answer, and ADAM_STEP *is* the answer to exercise 07 task 1. The student bundle leaves this folder
out, and the grading tests skip there.
"""
# ruff: noqa: E501

ADAM = "07_adam_and_family.ipynb"
ADAM_STEP = """import numpy as np
def adam_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v"""
# (exercise, label, task that fails, answers to replace, words the feedback must contain)
WRONG_ANSWERS = [
    (ADAM, "adam_no_m_correction", "task-2", {"task-1": ADAM_STEP.replace("m_hat = m / (1 - beta1**t)", "m_hat = m")},
     "10x too small"),
    (ADAM, "adam_no_corrections", "task-2", {"task-1": ADAM_STEP.replace("m_hat = m / (1 - beta1**t)", "m_hat = m")
                                             .replace("v_hat = v / (1 - beta2**t)", "v_hat = v")}, "both bias corrections"),
    (ADAM, "adam_off_by_one", "task-2", {"task-1": ADAM_STEP.replace("beta1**t", "beta1**(t + 1)").replace("beta2**t", "beta2**(t + 1)")},
     "off by one"),
    (ADAM, "adam_eps_inside", "task-1", {"task-1": ADAM_STEP.replace("np.sqrt(v_hat) + eps", "np.sqrt(v_hat + eps)")},
     "sqrt(v_hat) + eps"),
    (ADAM, "adamw_as_l2", "task-3", {"task-3": "def adamw_step(theta, grad, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):\n"
                                               "    return adam_step(theta, grad + weight_decay * theta, m, v, t, lr=lr, betas=betas, eps=eps)"},
     "must not enter m"),
    ("04_momentum_and_nesterov.ipynb", "momentum_damped_first_buffer", "task-1",
     {"task-1": "import numpy as np\ndef momentum_step(theta, grad, buf, lr, mu, nesterov=False):\n"
                "    buf = (1 - mu) * np.asarray(grad, dtype=float) if buf is None else mu * buf + grad\n"
                "    return theta - lr * (grad + mu * buf if nesterov else buf), buf"},
     "not (1 - mu) * grad"),
    ("04_momentum_and_nesterov.ipynb", "ema_lr_multiplied", "task-2",
     {"task-2": "def ema_learning_rate(lr, beta):\n    return lr * (1 - beta)"}, "divide, do not multiply"),
    ("05_adagrad.ipynb", "adagrad_eps_inside", "task-1",
     {"task-1": "import numpy as np\ndef adagrad_step(theta, grad, state_sum, lr=0.01, eps=1e-10):\n"
                "    state_sum = state_sum + grad * grad\n    return theta - lr * grad / np.sqrt(state_sum + eps), state_sum"},
     "eps outside the square root"),
    ("05_adagrad.ipynb", "adagrad_mean", "task-2",
     {"task-2": "import numpy as np\ndef effective_learning_rates(grads, lr=0.01, eps=1e-10):\n"
                "    return lr / (np.sqrt(np.mean(np.asarray(grads) ** 2, axis=0)) + eps)"}, "not the mean"),
    ("06_rmsprop_and_adadelta.ipynb", "rmsprop_as_adagrad", "task-1",
     {"task-1": "import numpy as np\ndef rmsprop_step(theta, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):\n"
                "    square_avg = square_avg + grad * grad\n    return theta - lr * grad / (np.sqrt(square_avg) + eps), square_avg"},
     "AdaGrad's running sum"),
    ("06_rmsprop_and_adadelta.ipynb", "rmsprop_eps_inside", "task-1",
     {"task-1": "import numpy as np\ndef rmsprop_step(theta, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):\n"
                "    square_avg = alpha * square_avg + (1 - alpha) * grad * grad\n"
                "    return theta - lr * grad / np.sqrt(square_avg + eps), square_avg"},
     "eps after the square root"),
    ("06_rmsprop_and_adadelta.ipynb", "centered_wrong_sign", "task-2",
     {"task-2": "import numpy as np\ndef centered_rmsprop_step(theta, grad, square_avg, grad_avg, lr=0.01, alpha=0.99, eps=1e-8):\n"
                "    square_avg = alpha * square_avg + (1 - alpha) * grad * grad\n    grad_avg = alpha * grad_avg + (1 - alpha) * grad\n"
                "    return theta - lr * grad / (np.sqrt(square_avg + grad_avg**2) + eps), square_avg, grad_avg"},
     "standard deviation"),
    ("02_step_size_and_conditioning.ipynb", "step_two_over_L", "task-1",
     {"task-1": "import numpy as np\ndef optimal_step(A):\n    return 2 / np.linalg.eigvalsh(A).max()"}, "divergence threshold"),
    ("02_step_size_and_conditioning.ipynb", "rate_one_minus_inverse_kappa", "task-2",
     {"task-2": "import numpy as np\ndef best_rate(A):\n    e = np.linalg.eigvalsh(A)\n    return 1 - e.min() / e.max()"}, "1 - 1/kappa"),
    ("08_learning_rate_schedules.ipynb", "cosine_clamped", "task-1",
     {"task-1": "import math\ndef cosine_lr(t, lr, T_max, eta_min=0.0):\n    t = min(t, T_max)\n"
                "    return eta_min + (lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2"}, "do not clamp t"),
    ("08_learning_rate_schedules.ipynb", "warmup_without_restart", "task-2",
     {"task-2": "def warmup_cosine_lr(t, lr, warmup, total, start_factor=0.01, eta_min=0.0):\n    if t < warmup:\n"
                "        return lr * (start_factor + (1 - start_factor) * t / warmup)\n    return cosine_lr(t, lr, total, eta_min)"},
     "restart the cosine"),
    ("09_newton_and_quasi_newton.ipynb", "newton_without_damping", "task-1",
     {"task-1": "import numpy as np\ndef newton_step(theta, grad, hess, damping=0.0):\n    return theta - np.linalg.solve(hess, grad)"},
     "damping is missing"),
    ("09_newton_and_quasi_newton.ipynb", "backtracking_one_too_early", "task-2",
     {"task-2": "def backtracking(f, grad_f, x, d, t0=1.0, c1=1e-4, rho=0.5):\n    fx, slope, t = f(x), grad_f(x) @ d, t0\n"
                "    while f(x + t * d) > fx + c1 * t * slope:\n        t *= rho\n    return t / rho"}, "one step too early"),
    ("03_stochastic_and_minibatch.ipynb", "batches_with_replacement", "task-1",
     {"task-1": "def minibatch_indices(n, batch_size, rng):\n"
                "    return [rng.integers(0, n, size=min(batch_size, n - s)) for s in range(0, n, batch_size)]"},
     "each index exactly once"),
    ("03_stochastic_and_minibatch.ipynb", "sgd_summed_gradient", "task-2",
     {"task-2": "def sgd_epoch(w, X, y, lr, batches):\n    for b in batches:\n"
                "        w = w - lr * X[b].T @ (X[b] @ w - y[b])\n    return w"}, "not the sum"),
    ("11_training_a_network.ipynb", "forward_keeps_column", "task-1",
     {"task-1": "import numpy as np\ndef forward(params, X):\n"
                "    return np.tanh(X @ params['W1'] + params['b1']) @ params['W2'] + params['b2']"}, "not (n, 1)"),
    ("11_training_a_network.ipynb", "backprop_summed", "task-2",
     {"task-2": "import numpy as np\ndef loss_and_grads(params, X, y):\n    a = np.tanh(X @ params['W1'] + params['b1'])\n"
                "    z = (a @ params['W2'] + params['b2'])[:, 0]\n    loss = float(np.mean(np.logaddexp(0.0, z) - y * z))\n"
                "    delta2 = (1 / (1 + np.exp(-z)) - y)[:, None]\n    delta1 = (delta2 @ params['W2'].T) * (1 - a**2)\n"
                "    return loss, {'W2': a.T @ delta2, 'b2': delta2.sum(axis=0), 'W1': X.T @ delta1, 'b1': delta1.sum(axis=0)}"},
     "average over the samples"),
]

# Exercise 01's wrong answers and near-misses used by the tests ({label: {task: source}})
EXERCISE_01 = {
    "uphill": {"task-1": "def gd_step(theta, grad, lr):\n    return theta + lr * grad"},
    "no_lr": {"task-1": "def gd_step(theta, grad, lr):\n    return theta - grad"},
    "one_over_L": {"task-2": "import numpy as np\ndef divergence_threshold(A):\n    return 1 / np.linalg.eigvalsh(A).max()"},
    "smallest": {"task-2": "import numpy as np\ndef divergence_threshold(A):\n    return 2 / np.linalg.eigvalsh(A).min()"},
    "no_theta0": {"task-3": (
        "import numpy as np\ndef run_gd(grad_fn, theta0, lr, steps):\n    theta, thetas = np.asarray(theta0, dtype=float), []\n"
        "    for _ in range(steps):\n        theta = theta - lr * grad_fn(theta)\n        thetas.append(theta)\n"
        "    return np.array(thetas)")},
}
# passes every visible check of exercise 01 task 1, but special-cases what it has seen (hidden checks catch it)
SNEAKY_GD_STEP = ("import numpy as np\ndef gd_step(theta, grad, lr):\n"
                  "    return theta if np.shape(theta) == (5,) else theta - lr * grad")
