"""The grader: solutions pass, stubs fail, wrong answers get the intended hint, tampering never
passes, crashes and timeouts fail only their task, and the student's file is never modified."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from course_lib.grading import grade
from course_lib.grading.notebook import is_answer, role, stub_source

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
NAME = "01_gradient_descent.ipynb"
SOLUTION = ROOT / "solutions" / NAME
needs_solutions = pytest.mark.skipif(not SOLUTION.exists(), reason="solutions/ is not in the student bundle")


def answers_from_solution(name: str = NAME) -> dict:
    nb = nbformat.read(ROOT / "solutions" / name, as_version=4)
    return {role(c)["task"]: c.source for c in nb.cells if is_answer(c)}


def make_submission(tmp_path: Path, label: str, replace: dict = None, edit=None, name: str = NAME) -> Path:
    """The exercise with solution answers, some replaced (``{task: source}``), then ``edit(nb)``."""
    nb = nbformat.read(ROOT / "exercises" / name, as_version=4)
    sources = {**answers_from_solution(name), **(replace or {})}
    for cell in nb.cells:
        if is_answer(cell):
            cell.source = sources[role(cell)["task"]]
    if edit:
        edit(nb)
    folder = tmp_path / label
    folder.mkdir()
    nbformat.write(nb, folder / name)
    return folder / name


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


def by_task(report) -> dict:
    return {t.task: t for t in report.tasks}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade every scenario once, in parallel; returns {label: (path, digest before, report)}."""
    tmp = tmp_path_factory.mktemp("submissions")
    answers = answers_from_solution()

    def check_cell_edit(nb):
        for cell in nb.cells:
            if role(cell).get("kind") == "check":
                cell.source = 'print("PASSED task-1: gd_step matches the reference on 3 shapes and leaves its inputs alone")'

    def forged_outputs(nb):
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="PASSED everything\n")]

    def delete_checks(nb):
        nb.cells = [c for c in nb.cells if role(c).get("kind") != "check"]

    scenarios = {
        "solution": make_submission(tmp, "solution"),
        "stub": make_submission(tmp, "stub", {t: stub_source(s) for t, s in answers.items()}),
        "uphill": make_submission(tmp, "uphill", {"task-1": "def gd_step(theta, grad, lr):\n    return theta + lr * grad"}),
        "no_lr": make_submission(tmp, "no_lr", {"task-1": "def gd_step(theta, grad, lr):\n    return theta - grad"}),
        "one_over_L": make_submission(tmp, "one_over_L", {"task-2": "import numpy as np\ndef divergence_threshold(A):\n    return 1 / np.linalg.eigvalsh(A).max()"}),
        "smallest": make_submission(tmp, "smallest", {"task-2": "import numpy as np\ndef divergence_threshold(A):\n    return 2 / np.linalg.eigvalsh(A).min()"}),
        "no_theta0": make_submission(tmp, "no_theta0", {"task-3": (
            "import numpy as np\ndef run_gd(grad_fn, theta0, lr, steps):\n    theta, thetas = np.asarray(theta0, dtype=float), []\n"
            "    for _ in range(steps):\n        theta = theta - lr * grad_fn(theta)\n        thetas.append(theta)\n"
            "    return np.array(thetas)")}),
        "edited_check": make_submission(tmp, "edited_check", {"task-1": "def gd_step(theta, grad, lr):\n    return theta"}, check_cell_edit),
        "forged_outputs": make_submission(tmp, "forged_outputs", {"task-1": "def gd_step(theta, grad, lr):\n    return theta"}, forged_outputs),
        "deleted_checks": make_submission(tmp, "deleted_checks", {"task-1": "def gd_step(theta, grad, lr):\n    return theta"}, delete_checks),
        "monkeypatch": make_submission(tmp, "monkeypatch", {"task-1": "import course_lib.grading.checks as c\nc.check_close = lambda *a, **k: None\ndef gd_step(theta, grad, lr):\n    return theta"}),
        "patch_numpy": make_submission(tmp, "patch_numpy", {"task-1": "import numpy as np\nnp.allclose = lambda *a, **k: True\ndef gd_step(theta, grad, lr):\n    return theta"}),
        "showtraceback": make_submission(tmp, "showtraceback", {"task-1": "get_ipython().showtraceback = lambda *a, **k: None\ndef gd_step(theta, grad, lr):\n    return theta"}),
        "print_expected": make_submission(tmp, "print_expected", {"task-1": "print('PASSED task-1: gd_step matches the reference on 3 shapes and leaves its inputs alone')\ndef gd_step(theta, grad, lr):\n    return theta"}),
        "nbval_marker": make_submission(tmp, "nbval_marker", {"task-1": "# NBVAL_IGNORE_OUTPUT\n# NBVAL_RAISES_EXCEPTION\ndef gd_step(theta, grad, lr):\n    return theta"}),
        "reference_import": make_submission(tmp, "reference_import", {"task-1": "from course_lib.optim import SGD\ndef gd_step(theta, grad, lr):\n    return SGD(lr=lr).update(theta, grad, SGD(lr=lr).init(theta))[0]"}),
        "infinite_loop": make_submission(tmp, "infinite_loop", {"task-1": "def gd_step(theta, grad, lr):\n    while True:\n        pass"}),
        "sys_exit": make_submission(tmp, "sys_exit", {"task-2": "import sys\nsys.exit(3)"}),
        "kernel_crash": make_submission(tmp, "kernel_crash", {"task-2": "import os\nos._exit(1)"}),
    }
    for name, label, _, replace, _ in WRONG_ANSWERS:
        scenarios[label] = make_submission(tmp, label, replace, name=name)
    for name in sorted(p.name for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        scenarios[f"solution:{name}"] = make_submission(tmp, f"solution-{name}", name=name)
        stubs = {t: stub_source(s) for t, s in answers_from_solution(name).items()}
        scenarios[f"stub:{name}"] = make_submission(tmp, f"stub-{name}", stubs, name=name)
    bad = tmp / "broken"
    bad.mkdir()
    (bad / NAME).write_text("{ this is not json")
    scenarios["broken"] = bad / NAME
    digests = {label: hashlib.sha256(path.read_bytes()).hexdigest() for label, path in scenarios.items()}
    reports = grade.grade_many(list(scenarios.values()), ROOT / "exercises", workers=2, cell_timeout=10, progress=False)
    return {label: (path, digests[label], report) for (label, path), report in zip(scenarios.items(), reports, strict=True)}


pytestmark = [pytestmark, needs_solutions]


def test_solution_gets_full_marks(graded):
    report = graded["solution"][2]
    assert report.passed and report.score == report.max_score == 3


def test_every_solution_gets_full_marks_and_every_stub_none(graded):
    solutions = [label for label in graded if label.startswith("solution:")]
    assert len(solutions) == len(list((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))) >= 2
    for label in solutions:
        report = graded[label][2]
        assert report.passed and report.score == report.max_score > 0, label
        stub = graded[label.replace("solution:", "stub:")][2]
        assert stub.score == 0 and all(t.status == "failed" for t in stub.tasks), label


@pytest.mark.parametrize(("label", "task", "hint"), [(w[1], w[2], w[4]) for w in WRONG_ANSWERS])
def test_wrong_answers_get_the_intended_hint(graded, label, task, hint):
    result = by_task(graded[label][2])[task]
    assert result.status == "failed" and hint in result.feedback, result.feedback


def test_untouched_exercise_fails_every_task(graded):
    report = graded["stub"][2]
    assert report.score == 0 and all("NotImplementedError" in t.feedback for t in report.tasks)


@pytest.mark.parametrize(("label", "task", "hint"), [
    ("uphill", "task-1", "uphill"),
    ("no_lr", "task-1", "learning rate is missing"),
    ("one_over_L", "task-2", "that is 1/L"),
    ("smallest", "task-2", "largest"),
    ("no_theta0", "task-3", "include theta0 as the first row"),
])
def test_wrong_answers_fail_with_the_intended_hint(graded, label, task, hint):
    tasks = by_task(graded[label][2])
    assert tasks[task].status == "failed" and hint in tasks[task].feedback
    assert all(t.status == "passed" for name, t in tasks.items() if name != task)


@pytest.mark.parametrize("label", ["edited_check", "forged_outputs", "deleted_checks", "monkeypatch", "patch_numpy",
                                   "showtraceback", "print_expected", "nbval_marker", "reference_import"])
def test_tampering_never_passes(graded, label):
    tasks = by_task(graded[label][2])
    assert tasks["task-1"].earned == 0 and tasks["task-1"].status in ("failed", "flagged")
    assert tasks["task-2"].status == tasks["task-3"].status == "passed"


def test_flagged_answers_say_why(graded):
    assert "imports course_lib" in by_task(graded["monkeypatch"][2])["task-1"].feedback
    assert "monkeypatching" in by_task(graded["patch_numpy"][2])["task-1"].feedback
    assert "get_ipython" in by_task(graded["showtraceback"][2])["task-1"].feedback
    assert "reference code" in by_task(graded["reference_import"][2])["task-1"].feedback


@pytest.mark.parametrize(("label", "task"), [("infinite_loop", "task-1"), ("sys_exit", "task-2"), ("kernel_crash", "task-2")])
def test_a_crash_or_timeout_fails_only_its_task(graded, label, task):
    tasks = by_task(graded[label][2])
    assert tasks[task].status == "failed"
    assert all(t.status == "passed" for name, t in tasks.items() if name != task)


def test_malformed_notebook_is_an_error_for_that_submission_only(graded):
    report = graded["broken"][2]
    assert report.error.startswith(str(graded["broken"][0])) and "not a valid Jupyter notebook" in report.error
    assert graded["solution"][2].passed


def test_the_students_files_are_never_modified(graded):
    for label, (path, digest, _) in graded.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, label


def test_reports_as_json_and_markdown(graded):
    reports = [graded["solution"][2], graded["uphill"][2]]
    data = json.loads(grade.as_json(reports))
    assert [r["score"] for r in data] == [3, 2] and data[0]["passed"] and not data[1]["passed"]
    markdown = grade.as_markdown(reports)
    assert "| uphill" not in markdown and "task-1 | ❌ failed | 0/1 |" in markdown


def test_student_bundle_has_everything_but_the_solutions(tmp_path):
    from course_lib.grading.release import student_bundle

    bundle = student_bundle(tmp_path / "bundle")
    assert not (bundle / "solutions").exists() and not (bundle / ".git").exists()
    assert (bundle / "exercises" / NAME).exists() and (bundle / "notebooks").is_dir()
    assert (bundle / "requirements.txt").exists() and (bundle / "course_lib" / "grading" / "grade.py").exists()
    with pytest.raises(ValueError, match="not empty"):
        student_bundle(bundle)


def test_hidden_checks_in_an_instructor_template(tmp_path):
    templates = tmp_path / "trusted"
    templates.mkdir()
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    hidden = nbformat.v4.new_code_cell(
        "theta, grad = np.arange(5.0), np.ones(5)\n"
        "check_close('gd_step on a hidden case', gd_step(theta, grad, 0.5), theta - 0.5)\n"
        "passed('task-1', 'hidden case')")
    hidden.metadata["grading"] = {"kind": "check", "task": "task-1", "points": 1}
    hidden.outputs = [nbformat.v4.new_output("stream", name="stdout", text="PASSED task-1: hidden case\n")]
    hidden.execution_count = 1
    position = [i for i, c in enumerate(nb.cells) if c.get("id") == "task-1-check"][0] + 1
    nb.cells.insert(position, hidden)
    nbformat.write(nb, templates / NAME)
    # passes every visible check, but special-cases what it has seen
    sneaky = ("import numpy as np\ndef gd_step(theta, grad, lr):\n"
              "    return theta if np.shape(theta) == (5,) else theta - lr * grad")
    honest, cheat = grade.grade_many([make_submission(tmp_path, "honest"), make_submission(tmp_path, "cheat", {"task-1": sneaky})],
                                     templates, workers=2, cell_timeout=10, progress=False)
    assert honest.passed and honest.max_score == 4
    assert by_task(cheat)["task-1"].status == "failed" and "hidden case" in by_task(cheat)["task-1"].feedback
