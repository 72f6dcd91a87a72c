# ruff: noqa: E501  (student answers as one-line strings read best unwrapped, as in test_grading.py)
"""Marks mode: answers run in a bubblewrap sandbox that returns only data; the grade is decided outside.

Honest solutions score 100 %, stubs 0 %, the typical wrong answers get their hints, and every attack class
of issue 14 that applies to marks mode earns nothing, changes nothing outside the sandbox's scratch and
leaves no process behind. One sandbox run per submission serves all its tasks.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from test_grading import WRONG as WRONG_MODULE
from test_grading import WRONG_ANSWERS, answers_from_solution, make_submission

from course_lib.grading import grade, marks, sandbox, taskspec
from course_lib.grading.notebook import stub_source

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
NAME = "01_gradient_descent.ipynb"
SPECS = sorted(p.with_suffix(".ipynb").name for p in (ROOT / "solutions").glob("[0-9][0-9]_*.py"))
DEADLINE = 3.0
WRONG = "def gd_step(theta, grad, lr):\n    return theta\n"  # what an attack computes when its trick fails


def sandbox_works() -> bool:
    """Whether bubblewrap runs here; with COURSE_REQUIRE_SANDBOX=1 (for CI), a missing sandbox fails instead."""
    try:
        sandbox.check_available()
        return True
    except sandbox.SandboxUnavailable:
        if os.environ.get("COURSE_REQUIRE_SANDBOX") == "1":
            raise
        return False


pytestmark = [pytestmark, pytest.mark.skipif(not (ROOT / "solutions" / NAME).exists(), reason="no solutions/"),
              pytest.mark.skipif(not sandbox_works(), reason="bubblewrap cannot run here (marks mode refuses)")]


def gated(condition: str) -> str:
    """gd_step that is right only when ``condition`` (an attack's success) holds inside the sandbox.
    The right step is the solution's own, read at run time (the student bundle has no solutions/)."""
    return (answers_from_solution()["task-1"] + "\n_right_step = gd_step\n\n"
            "import os, numpy as np\n"
            "def attack_worked():\n    try:\n        return " + condition + "\n    except Exception:\n        return False\n"
            "def gd_step(theta, grad, lr):\n    return _right_step(theta, grad, lr) if attack_worked() else theta\n")


def without_ids(nb):
    """As Colab saves it: nbformat 4.4, no cell ids."""
    nb.nbformat_minor = 4
    for cell in nb.cells:
        cell.pop("id", None)


def sandbox_processes() -> list:
    """Live processes (not zombies waiting to be reaped) that run as one of the sandbox's uids."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            uid = int(status.split("\nUid:\t")[1].split()[0])
            state = status.split("\nState:\t")[1][0]
        except (OSError, IndexError, ValueError):
            continue
        if marks.sandbox.FIRST_UID <= uid < marks.sandbox.FIRST_UID + 64 and state != "Z":
            found.append((entry.name, state, (entry / "cmdline").read_bytes()[:60]))
    return found


@pytest.fixture(scope="module")
def outside(tmp_path_factory):
    """A folder outside the sandbox, with a classmate's submission and a report the attacks go after."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "report.json").write_text('{"genuine": true}')
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory, outside):
    """Every scenario graded in one batch: ``{label: (path, digest before, report)}``."""
    tmp = tmp_path_factory.mktemp("marks")
    classmate = make_submission(tmp, "classmate")
    solutions, checkout = ROOT / "solutions" / NAME, ROOT
    attacks = {
        # the student's code shares nothing with the checks any more
        "ipython_hooks": "get_ipython().events.register('post_run_cell', lambda r: None)\n" + WRONG,
        "patch_numpy": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n" + WRONG,
        "patch_check_close": "import course_lib.grading.checks as c\nc.check_close = lambda *a, **k: None\n" + WRONG,
        "array_frame_peek": ("import sys\nclass Peek:\n    def __array__(self, dtype=None, copy=None):\n"
                             "        f = sys._getframe(1)\n        while f:\n            for k in ('expected', 'exp'):\n"
                             "                if k in f.f_locals:\n                    return np.asarray(f.f_locals[k])\n"
                             "            f = f.f_back\n        return np.zeros(1)\n"
                             "def gd_step(theta, grad, lr):\n    return Peek()\n"),
        "shadow_builtins": "import builtins\nbuiltins.float = lambda *a: 0.0\nbuiltins.isinstance = lambda *a: True\n" + WRONG,
        "settrace": ("import sys\ndef tracer(frame, event, arg):\n    if 'expected' in frame.f_locals:\n"
                     "        frame.f_locals['got'] = frame.f_locals['expected']\n    return tracer\nsys.settrace(tracer)\n" + WRONG),
        "reference_import": "from course_lib.optim import SGD\ndef gd_step(theta, grad, lr):\n    return SGD(lr=lr).update(theta, grad, SGD(lr=lr).init(theta))[0]\n",
        "forge_results": ("import os, json\nfor i in range(200):\n"
                          "    os.write(3, (json.dumps({'call': i, 'value': 0.0}) + '\\n').encode())\n" + WRONG),
        "patch_runner": ("import sys\nrunner = sys.modules['__main__']\nrunner.encode = lambda value: 1.0\n" + WRONG),
        # the filesystem: nothing of the checkout, the solutions, other submissions or the grader's files
        "read_solutions": gated(f"'BEGIN SOLUTION' in open({str(solutions)!r}).read()"),
        "read_checkout": gated(f"len(os.listdir({str(checkout)!r})) > 0"),
        "read_classmate": gated(f"len(open({str(classmate)!r}).read()) > 0"),
        "read_environment": gated("'PYTHONPATH' in os.environ and 'work' in os.environ['PYTHONPATH'] or "
                                  "any('/work' in v for v in os.environ.values())"),
        "write_outside": gated(f"open({str(outside / 'report.json')!r}, 'w').write('forged') > 0 or "
                               f"open({str(outside / 'planted.py')!r}, 'w').write('x') > 0"),
        "write_checkout": gated(f"open({str(checkout / 'course_lib' / 'grading' / 'checks.py')!r}, 'a').write('#') > 0"),
        "shell_out": gated(f"__import__('subprocess').run(['cat', {str(solutions)!r}], capture_output=True).returncode == 0"),
        "write_scratch": gated("open('/tmp/scratch.txt', 'w').write('mine') > 0"),  # allowed: the control
        # persisting into the next student's grading: every sandbox starts from a fresh scratch space
        "persist_write": "open('/tmp/planted', 'w').write('x')\nimport os\nos.makedirs(os.path.expanduser('~/.ipython/profile_default/startup'), exist_ok=True)\n" + WRONG,
        "persist_read": gated("open('/tmp/planted').read() == 'x' or os.path.exists(os.path.expanduser('~/.ipython'))"),
        # processes: none survives, none holds the grader up
        "daemon": ("import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                   "        time.sleep(60)\n    os._exit(0)\n" + WRONG),
        "child_holds_output": ("import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    os._exit(0)\n" + WRONG),
        # the network
        "network": gated("__import__('socket').create_connection(('1.1.1.1', 53), timeout=1) is not None"),
        "network_local": gated("__import__('socket').create_connection(('127.0.0.1', 22), timeout=1) is not None"),
    }
    scenarios = {f"solution:{name}": make_submission(tmp, f"solution-{name}", name=name) for name in SPECS}
    for name in SPECS:
        stubs = {t: stub_source(s) for t, s in answers_from_solution(name).items()}
        scenarios[f"stub:{name}"] = make_submission(tmp, f"stub-{name}", stubs, name=name)
    scenarios.update({label: make_submission(tmp, label, {"task-1": source}) for label, source in attacks.items()})
    scenarios.update({
        # batch breakers: each is that submission's problem only
        "huge_result": make_submission(tmp, "huge_result", {"task-1": "def gd_step(theta, grad, lr):\n    return [0.5] * 2 * 10**6\n"}),
        "huge_print": make_submission(tmp, "huge_print", {"task-1": "print('x' * 10**8)\n" + WRONG}),
        "huge_write": make_submission(tmp, "huge_write", {"task-1": "import os\nos.write(3, b'x' * 2**26)\n" + WRONG}),
        "infinite_loop": make_submission(tmp, "infinite_loop", {"task-1": "def gd_step(theta, grad, lr):\n    while True:\n        pass\n"}),
        "loop_in_cell": make_submission(tmp, "loop_in_cell", {"task-2": "while True:\n    pass\n"}),
        "memory": make_submission(tmp, "memory", {"task-1": "import numpy as np\nhog = np.ones(10**10)\n" + WRONG}),
        "fork_bomb": make_submission(tmp, "fork_bomb", {"task-1": "import os\nfor _ in range(200):\n    try:\n        os.fork()\n"
                                                                   "    except OSError:\n        pass\n" + WRONG}),
        "exit": make_submission(tmp, "exit", {"task-2": "import os\nos._exit(3)\n"}),
        "recursion_in_parse": make_submission(tmp, "recursion_in_parse", {"task-1": "x = " + "-" * 90_000 + "1\n"}),
        "huge_source": make_submission(tmp, "huge_source", {"task-1": WRONG + "#" * 200_000}),
        "no_cell_ids": make_submission(tmp, "no_cell_ids", edit=without_ids),
        "odd_result": make_submission(tmp, "odd_result", {"task-1": "def minibatch_indices(n, batch_size, rng):\n    return 5\n"},
                                      name="03_stochastic_and_minibatch.ipynb"),
    })
    special = tmp / "special"
    special.mkdir()
    (special / "broken").mkdir()
    (special / "broken" / NAME).write_text("{ this is not json")
    (special / "deep").mkdir()
    (special / "deep" / NAME).write_text('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (special / "symlink").mkdir()
    (special / "symlink" / NAME).symlink_to(scenarios[f"solution:{NAME}"])
    (special / "fifo").mkdir()
    os.mkfifo(special / "fifo" / NAME)
    for label in ("broken", "deep", "symlink", "fifo"):
        scenarios[label] = special / label / NAME
    scenarios["classmate"] = classmate
    digests = {label: hashlib.sha256(path.read_bytes()).hexdigest() for label, path in scenarios.items()
               if path.is_file() and not path.is_symlink()}
    start = time.perf_counter()
    reports = marks.grade_many(list(scenarios.values()), workers=2, deadline=DEADLINE, progress=False)
    seconds = time.perf_counter() - start
    return {"reports": dict(zip(scenarios, reports, strict=True)), "paths": scenarios, "digests": digests,
            "seconds": seconds, "processes_after": sandbox_processes()}


def tasks_of(report) -> dict:
    return {t.task: t for t in report.tasks}


def test_every_solution_gets_full_marks_and_every_stub_none(graded):
    assert {"01_gradient_descent.ipynb", "07_adam_and_family.ipynb"} <= set(SPECS)
    for name in SPECS:
        report = graded["reports"][f"solution:{name}"]
        assert report.mode == "marks" and not report.error, report.error
        assert report.passed and report.score == report.max_score > 0, grade.as_text(report)
        stub = graded["reports"][f"stub:{name}"]
        assert stub.score == 0 and stub.max_score == report.max_score and not stub.error, grade.as_text(stub)
        assert all("not implemented yet" in t.feedback for t in stub.tasks), grade.as_text(stub)


ATTACKS = ["ipython_hooks", "patch_numpy", "patch_check_close", "array_frame_peek", "shadow_builtins", "settrace",
           "reference_import", "read_solutions", "read_checkout", "read_classmate",
           "read_environment", "write_outside", "write_checkout", "shell_out", "persist_write", "persist_read", "daemon", "child_holds_output", "network",
           "network_local", "huge_result", "huge_print", "huge_write", "infinite_loop", "memory", "fork_bomb",
           "recursion_in_parse", "huge_source"]


@pytest.mark.parametrize("label", ATTACKS)
def test_an_attack_earns_nothing_and_fails_only_its_task(graded, label):
    tasks = tasks_of(graded["reports"][label])
    assert tasks["task-1"].status == "failed" and tasks["task-1"].earned == 0, tasks["task-1"]
    assert tasks["task-2"].status == tasks["task-3"].status == "passed", grade.as_text(graded["reports"][label])


@pytest.mark.parametrize("label", ["forge_results", "patch_runner"])
def test_rewriting_the_runner_or_its_output_only_hurts_the_student(graded, label):
    """The sandbox's output is data: forged lines or a patched runner give wrong values, never points."""
    report = graded["reports"][label]
    assert tasks_of(report)["task-1"].earned == 0 and report.score < report.max_score


def test_the_gate_of_the_filesystem_attacks_can_open(graded):
    """The control: the same gate passes when what it tries is allowed (writing in the scratch space)."""
    assert graded["reports"]["write_scratch"].passed


def test_nothing_outside_the_sandbox_changed(graded, outside):
    assert (outside / "report.json").read_text() == '{"genuine": true}' and not (outside / "planted.py").exists()
    assert not (ROOT / "course_lib" / "grading" / "checks.py").read_text().endswith("#")
    for label, digest in graded["digests"].items():
        assert hashlib.sha256(graded["paths"][label].read_bytes()).hexdigest() == digest, label


def test_no_process_survives_and_nothing_hangs_the_batch(graded):
    assert graded["processes_after"] == []
    # two sandboxes hit the deadline (3 s each) and the rest take well under a second: not 60 s of sleepers
    assert graded["seconds"] < 40, graded["seconds"]


@pytest.mark.parametrize(("label", "task", "words"), [
    ("infinite_loop", "task-1", "timed out"), ("loop_in_cell", "task-2", "timed out"),
    ("exit", "task-2", "exit status 3"), ("memory", "task-1", "MemoryError"), ("huge_result", "task-1", "too large"),
    ("recursion_in_parse", "task-1", "raised MemoryError"),
    ("huge_source", "task-1", "longer than"), ("ipython_hooks", "task-1", "NameError"),
    ("reference_import", "task-1", "ModuleNotFoundError"), ("array_frame_peek", "task-1", "expected numbers"),
])
def test_crashes_and_timeouts_are_told_from_facts(graded, label, task, words):
    assert words in tasks_of(graded["reports"][label])[task].feedback


@pytest.mark.parametrize(("label", "words"), [("broken", "not a valid Jupyter notebook"),
                                              ("deep", "not a valid Jupyter notebook (RecursionError: maximum recursion depth"),
                                              ("symlink", "symbolic link"), ("fifo", "not a regular file")])
def test_bad_submission_files_are_errors_of_their_own(graded, label, words):
    report = graded["reports"][label]
    assert words in report.error and report.score == 0 and not report.passed


def test_a_result_of_an_unexpected_form_fails_only_its_task(graded):
    report = graded["reports"]["odd_result"]
    assert not report.error and [t.status for t in report.tasks] == ["failed", "passed", "passed"], grade.as_text(report)


def test_a_notebook_without_cell_ids_is_matched_by_its_metadata(graded):
    assert graded["reports"]["no_cell_ids"].passed


GD_HINTS = {"uphill": "uphill", "no_lr": "learning rate is missing", "one_over_L": "that is 1/L",
            "smallest": "largest", "no_theta0": "include theta0 as the first row"}
# exercise 01's, as in test_grading.py's test_wrong_answers_fail_with_the_intended_hint (sources in solutions/)
GD_WRONG_ANSWERS = [(NAME, label, next(iter(replace)), replace, GD_HINTS[label])
                    for label, replace in (WRONG_MODULE.EXERCISE_01.items() if WRONG_MODULE else []) if label in GD_HINTS]


def test_the_typical_wrong_answers_get_their_hints(tmp_path):
    cases = [case for case in WRONG_ANSWERS + GD_WRONG_ANSWERS if case[0] in SPECS]
    paths = [make_submission(tmp_path, label, replace, name=name) for name, label, _, replace, _ in cases]
    reports = marks.grade_many(paths, workers=2, deadline=DEADLINE, progress=False)
    assert len(cases) == len(WRONG_ANSWERS) + len(GD_WRONG_ANSWERS) == 27  # every exercise has a spec
    for (_, label, task, _, hint), report in zip(cases, reports, strict=True):
        result = tasks_of(report)[task]
        assert result.status == "failed" and hint in result.feedback, (label, result.feedback)


def test_a_table_of_answers_fails_on_the_next_run(tmp_path):
    """Inputs come from a secret seed per run: answers looked up from one run's inputs fail the next run."""
    spec = taskspec.load_spec(ROOT / "solutions" / "01_gradient_descent.py")
    seen = taskspec.cases_for(spec, "01_gradient_descent", seed=1)["task-2"]
    table = {round(float(np.asarray(case.args[0]).sum()), 6): float(case.expected) for case in seen}
    source = f"import numpy as np\nTABLE = {table!r}\ndef divergence_threshold(A):\n    return TABLE.get(round(float(np.sum(A)), 6), 1.0)\n"
    path = make_submission(tmp_path, "table", {"task-2": source})
    same_run, next_run = (marks.grade_many([path], deadline=DEADLINE, seed=seed, progress=False)[0] for seed in (1, 2))
    assert tasks_of(same_run)["task-2"].status == "passed"  # the table is right for the inputs it was built from
    assert tasks_of(next_run)["task-2"].status == "failed"
    drawn = [taskspec.cases_for(spec, "01_gradient_descent", seed=seed)["task-2"][0].args[0] for seed in (3, 4)]
    assert not np.allclose(drawn[0], drawn[1])  # two runs, two sets of inputs


def test_the_sandbox_never_sees_expected_values(monkeypatch, tmp_path):
    requests = []
    real_run = sandbox.run
    monkeypatch.setattr(sandbox, "run", lambda request, deadline: requests.append(json.dumps(request)) or real_run(request, deadline))
    report = marks.grade(make_submission(tmp_path, "solution"), deadline=DEADLINE, seed=7)
    assert report.passed and len(requests) == 1  # one sandbox run serves every task
    spec = taskspec.load_spec(ROOT / "solutions" / "01_gradient_descent.py")
    for case in taskspec.cases_for(spec, "01_gradient_descent", seed=7)["task-2"]:
        assert repr(float(case.expected)) not in requests[0]
    assert "check_close" not in requests[0] and "passed(" not in requests[0]


def test_hidden_cases_in_an_instructor_spec(tmp_path):
    """A private copy of the spec (in --templates) adds cases the students never see."""
    trusted = tmp_path / "trusted"
    trusted.mkdir()
    (trusted / "01_gradient_descent.py").write_text(
        "import numpy as np\nfrom course_lib.grading.taskspec import Case, extra_cases, load_spec\n\n\n"
        "def hidden(rng):\n    theta, grad = np.arange(9.0).reshape(3, 3), np.ones((3, 3))\n"
        "    yield Case('gd_step on a hidden case', (theta, grad, 0.5), expected=theta - 0.5)\n\n\n"
        "TASKS = extra_cases(load_spec('01_gradient_descent').TASKS, {'task-1': hidden})\n")
    sneaky = (answers_from_solution()["task-1"] + "\n_right_step = gd_step\n\nimport numpy as np\n"
              "def gd_step(theta, grad, lr):\n    return theta if np.shape(theta) == (3, 3) else _right_step(theta, grad, lr)\n")
    honest, cheat = marks.grade_many([make_submission(tmp_path, "honest"), make_submission(tmp_path, "cheat", {"task-1": sneaky})],
                                     trusted, deadline=DEADLINE, progress=False)
    assert honest.passed
    assert tasks_of(cheat)["task-1"].status == "failed" and "hidden case" in tasks_of(cheat)["task-1"].feedback


def test_the_sandbox_test_functions_are_the_course_functions():
    from course_lib.functions import Quadratic
    from course_lib.functions.classic import Rosenbrock
    from course_lib.grading.sandbox_runner import decode

    rng = np.random.default_rng(3)
    A = rng.normal(size=(3, 3))
    A, center, x = A @ A.T, rng.normal(size=3), rng.normal(size=3)
    quadratic = decode(taskspec.wire(taskspec.quadratic(A, center, returns="value_and_grad")), live=True)
    value, grad = quadratic(x)
    assert np.isclose(value, Quadratic(A, center).value(x)) and np.allclose(grad, Quadratic(A, center).grad(x))
    banana = decode(taskspec.wire(taskspec.rosenbrock(0.7, 30.0, returns="value_and_grad")), live=True)
    value, grad = banana(x[:2])
    assert np.isclose(value, Rosenbrock(0.7, 30.0).value(x[:2])) and np.allclose(grad, Rosenbrock(0.7, 30.0).grad(x[:2]))


def test_the_cli_marks_mode_and_its_report(tmp_path, capsys):
    from course_lib.__main__ import main

    path = make_submission(tmp_path, "solution")
    code = main(["grade", "--marks", "--quiet", "--timeout", "5", str(path), "--json", str(tmp_path / "r.json"),
                 "--markdown", str(tmp_path / "r.md")])
    assert code == 0 and "mode: marks" in capsys.readouterr().out
    data = json.loads((tmp_path / "r.json").read_text())
    assert data[0]["mode"] == "marks" and data[0]["score"] == data[0]["max_score"] == 3
    assert [t["earned"] for t in data[0]["tasks"]] == [t["points"] for t in data[0]["tasks"]] == [1, 1, 1]
    assert (tmp_path / "r.md").read_text().startswith("mode: marks")


def test_without_a_sandbox_marks_mode_refuses(tmp_path, monkeypatch, capsys):
    from course_lib.__main__ import main

    monkeypatch.setattr(sandbox, "_available", None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on PATH
    assert main(["grade", "--marks", "--quiet", str(make_submission(tmp_path, "solution"))]) == 2
    assert "bubblewrap" in capsys.readouterr().err
