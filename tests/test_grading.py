"""The grader: solutions pass, stubs fail, wrong answers get the intended hint, tampering never
passes, crashes and timeouts fail only their task, and the student's file is never modified."""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib.util
import json
import re
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


BEGIN_HINT = re.compile(r"### BEGIN SOLUTION(.*)")


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


def load_wrong_answers():
    """solutions/wrong_answers.py (instructor-only: near-answers, and one answer), or None in the bundle."""
    path = ROOT / "solutions" / "wrong_answers.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("wrong_answers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WRONG = load_wrong_answers()
# (exercise, label, task that fails, answers to replace, words the feedback must contain)
WRONG_ANSWERS = WRONG.WRONG_ANSWERS if WRONG else []


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
        **{label: make_submission(tmp, label, replace) for label, replace in WRONG.EXERCISE_01.items()},
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


@pytest.mark.parametrize(("label", "task", "feedback"), [
    ("infinite_loop", "task-1", "the check was stopped after"),  # gd_step loops: the check calls it
    ("sys_exit", "task-2", "SystemExit: 3"),  # IPython catches it: an ordinary error
    ("kernel_crash", "task-2", "the kernel stopped while running the answer (os._exit"),
])
def test_a_crash_or_timeout_fails_only_its_task(graded, label, task, feedback):
    tasks = by_task(graded[label][2])
    assert tasks[task].status == "failed" and tasks[task].feedback.startswith(feedback), tasks[task].feedback
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
    assert {r["mode"] for r in data} == {"feedback"}  # nbval in the grader's own process tree: feedback
    markdown = grade.as_markdown(reports)
    assert "| uphill" not in markdown and "task-1 | ❌ failed | 0/1 |" in markdown


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    from course_lib.grading.release import student_bundle

    return student_bundle(tmp_path_factory.mktemp("bundle") / "course")


def test_student_bundle_has_what_students_need(bundle):
    from course_lib.grading.release import student_bundle

    assert (bundle / "exercises" / NAME).exists() and (bundle / "notebooks").is_dir()
    assert (bundle / "requirements.txt").exists() and (bundle / "course_lib" / "grading" / "grade.py").exists()
    with pytest.raises(ValueError, match="not empty"):
        student_bundle(bundle)


def test_student_bundle_has_no_instructor_material(bundle):
    for path in ["solutions", ".git", "tools", ".ci", "docs/instructor-guide.md", "docs/student-README.md"]:
        assert not (bundle / path).exists(), path
    readme = (bundle / "README.md").read_text()
    assert readme == (ROOT / "docs" / "student-README.md").read_text()
    for instructor_words in ["solutions/", "release", "instructor", "## For instructors", "tools/", ".ci"]:
        assert instructor_words not in readme, instructor_words
    assert "exercises/" in readme and "python -m course_lib grade work/" in readme


def solution_regions():
    """``(notebook, task, the code between BEGIN and END SOLUTION)`` of every answer cell."""
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_answer(cell):
                region = re.search(r"### BEGIN SOLUTION[^\n]*\n(.*?)\n[ \t]*### END SOLUTION", cell.source, re.DOTALL)
                yield path.name, role(cell)["task"], region[1]


def test_student_bundle_contains_no_solution_code(bundle):
    texts = {}
    for path in bundle.rglob("*"):
        if path.is_file() and path.suffix in (".py", ".ipynb", ".md", ".txt", ".yml", ".cfg", ".toml", ".json"):
            text = path.read_text(errors="replace")
            texts[path] = text + "\n" + text.replace("\\n", "\n").replace('\\"', '"')  # as in .ipynb JSON strings
    regions = list(solution_regions())
    assert len(regions) == 30
    for name, task, region in regions:
        lines = [line.strip() for line in region.splitlines() if len(line.strip()) >= 25]
        for path, text in texts.items():
            assert region not in text, (name, task, path)
            if path.parts[-2] == "tests":  # tests are code a student reads: not one line of an answer
                assert not [line for line in lines if line in text], (name, task, path)


def free_names(source: str) -> set:
    """Names a cell reads but neither imports nor assigns (nor binds as an argument)."""
    tree = ast.parse(source)
    read, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return read - bound - set(dir(builtins))


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.name[:2])
def test_check_cells_import_what_they_use_and_compare_plain_arrays(path):
    cells = nbformat.read(path, as_version=4).cells
    answers = {node.name for cell in cells if is_answer(cell)
               for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.FunctionDef)}
    for cell in cells:
        if role(cell).get("kind") == "check":
            assert free_names(cell.source) <= answers, (cell.get("id"), free_names(cell.source) - answers)
            assert "plain(" in cell.source, cell.get("id")


FORMULA = re.compile(r"\*\*|\s[+\-]\s|[\w)\]]\s*[*/@]\s*[\w(\[]|==|<=|>=|\bdivided by\b")


@pytest.mark.parametrize(("name", "task", "hint"), [
    (path.name, role(cell)["task"], BEGIN_HINT.search(cell.source)[1].strip())
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    for cell in nbformat.read(path, as_version=4).cells if is_answer(cell)])
def test_stub_hints_point_the_way_without_dictating_a_formula(name, task, hint):
    assert hint and not FORMULA.search(hint), hint


def test_exercise_01_task_3_hint_agrees_with_its_text():
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    text = next(c.source for c in nb.cells if c.get("id") == "task-3-text")
    stub = next(c.source for c in nb.cells if c.get("id") == "task-3-answer")
    assert "write the update here" in text and "gd_step" not in stub  # the task forbids calling gd_step


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
    sneaky = WRONG.SNEAKY_GD_STEP  # passes every visible check, but special-cases what it has seen
    honest, cheat = grade.grade_many([make_submission(tmp_path, "honest"), make_submission(tmp_path, "cheat", {"task-1": sneaky})],
                                     templates, workers=2, cell_timeout=10, progress=False)
    assert honest.passed and honest.max_score == 4
    assert by_task(cheat)["task-1"].status == "failed" and "hidden case" in by_task(cheat)["task-1"].feedback
