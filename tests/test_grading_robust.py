"""The feedback grader survives any submission: each failure is that submission's own error, no
process outlives grading, feedback is true (facts, not words in the output) and safe to show.

Every scenario is graded once, in one parallel batch (module fixture); the honest solution is in
the same batch and must still get full marks beside them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from course_lib.__main__ import main
from course_lib.grading import grade, reaper
from course_lib.grading.notebook import is_answer, role

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
ROOT = Path(__file__).resolve().parents[1]
NAME = "01_gradient_descent.ipynb"
SOLUTION = ROOT / "solutions" / NAME
needs_solutions = pytest.mark.skipif(not SOLUTION.exists(), reason="solutions/ is not in the student bundle")
CELL_TIMEOUT = 8  # seconds; every check cell of the solutions runs in well under 2 s
WRONG = "def gd_step(theta, grad, lr):\n    return theta"
MARK = "314.159"  # a sleep duration that names the processes a scenario leaves behind


def answers_from_solution() -> dict:
    nb = nbformat.read(SOLUTION, as_version=4)
    return {role(c)["task"]: c.source for c in nb.cells if is_answer(c)}


def make_submission(folder: Path, replace: dict = None, edit=None, name: str = NAME) -> Path:
    """The exercise with the solution's answers, some replaced (``{task: source, or source -> source}``)."""
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    answers = answers_from_solution()
    sources = {**answers, **{task: change(answers[task]) if callable(change) else change
                             for task, change in (replace or {}).items()}}
    for cell in nb.cells:
        if is_answer(cell):
            cell.source = sources[role(cell)["task"]]
    if edit:
        edit(nb)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / name)
    return folder / name


def survivors(mark: str = MARK) -> list:
    """Processes whose command line holds ``mark``."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def as_nbformat_40(nb, keep_metadata: bool):
    """What Colab saves: nbformat 4.0, no cell ids (and, optionally, no cell metadata)."""
    nb.nbformat_minor = 0
    for cell in nb.cells:
        cell.pop("id", None)
        if not keep_metadata:
            cell.metadata = {}


def swap_code_cells(nb):
    """No ids and no metadata, and the code cells no longer in the template's order."""
    as_nbformat_40(nb, keep_metadata=False)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    nb.cells[code[1]], nb.cells[code[3]] = nb.cells[code[3]], nb.cells[code[1]]


ESCAPE = f"""import subprocess, os
subprocess.Popen(["sleep", "{MARK}"], start_new_session=True)  # a child in a new session
if os.fork() == 0:  # and a double-forked daemon
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", "{MARK}"])
    os._exit(0)
""" + WRONG

# (label, answers to replace, edit, file name)
SCENARIOS = {
    "solution": ({}, None, NAME),
    "copy1": ({}, None, "01_gradient_descent-Copy1.ipynb"),
    "copy2_of_copy1": ({}, None, "01_gradient_descent-Copy1-Copy2.ipynb"),
    "nbformat_40": ({}, lambda nb: as_nbformat_40(nb, keep_metadata=True), NAME),
    "colab_no_metadata": ({}, lambda nb: as_nbformat_40(nb, keep_metadata=False), NAME),
    "honest_value_error": ({"task-2": "def divergence_threshold(A):\n"
                                      "    raise ValueError('the Kernel died, timed out: dead end')"}, None, NAME),
    "slow_but_correct": ({"task-2": lambda answer: answer.replace(  # the solution's answer, made slow
        "def divergence_threshold(A):", f"import time\ndef divergence_threshold(A):\n    time.sleep({CELL_TIMEOUT})")},
                         None, NAME),
    "syntax_error": ({"task-1": "def gd_step(theta, grad, lr):\n    return theta -"}, None, NAME),
    "recursion_in_ast": ({"task-1": "x = " + "+".join(["1"] * 10_000)}, None, NAME),
    "memory_in_ast": ({"task-1": "x = " + "-" * 10_000 + "1"}, None, NAME),
    "too_long": ({"task-1": "#" * (grade.MAX_ANSWER_CHARS + 1) + "\n" + WRONG}, None, NAME),
    "forged_junit": ({"task-1": "import os, signal\nfrom pathlib import Path\n"
                                "for name in ['junit.xml', '../junit.xml']:\n"
                                "    Path(name).write_text('<testsuite><testcase name=\"Cell 0\"/></testsuite>')\n"
                                "os.kill(os.getppid(), signal.SIGKILL)\n" + WRONG}, None, NAME),
    "truncated_junit": ({"task-3": "from pathlib import Path\nimport os, signal\n"
                                   "Path('junit.xml').write_text('<testsuite><testc')\n"
                                   "os.kill(os.getppid(), signal.SIGTERM)"}, None, NAME),
    "echo_environment": ({"task-2": "import os\ndef divergence_threshold(A):\n"
                                    "    raise ValueError(os.getcwd() + ' ' + ' '.join(os.environ.values()))"},
                         None, NAME),
    "echo_hidden_source": ({"task-1": "from pathlib import Path\ndef gd_step(theta, grad, lr):\n"
                                      "    raise ValueError(Path('submission.ipynb').read_text())"}, None, NAME),
    "long_message": ({"task-2": "def divergence_threshold(A):\n    raise ValueError('spam ' * 100_000)"}, None, NAME),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("robust")
    paths = {label: make_submission(tmp / label, replace, edit, name)
             for label, (replace, edit, name) in SCENARIOS.items()}
    reports = grade.grade_many(list(paths.values()), ROOT / "exercises", workers=2, cell_timeout=CELL_TIMEOUT,
                               progress=False)
    return dict(zip(paths, reports, strict=True))


def by_task(report) -> dict:
    return {t.task: t for t in report.tasks}


pytestmark = [pytestmark, needs_solutions]


def test_the_honest_solution_still_gets_full_marks(graded):
    assert graded["solution"].passed and graded["solution"].score == 3


@pytest.mark.parametrize("label", ["copy1", "copy2_of_copy1"])
def test_a_jupyterlab_duplicate_is_graded_against_its_exercise(graded, label):
    assert graded[label].passed and graded[label].template.endswith(NAME), graded[label].error


@pytest.mark.parametrize("label", ["nbformat_40", "colab_no_metadata"])
def test_answers_without_cell_ids_are_matched_by_metadata_or_order(graded, label):
    assert graded[label].passed, (graded[label].error, [t.feedback for t in graded[label].tasks])


def test_an_honest_error_is_reported_as_itself_not_as_a_crash(graded):
    task = by_task(graded["honest_value_error"])["task-2"]
    assert task.status == "failed" and task.feedback.startswith("ValueError: the Kernel died"), task.feedback
    assert "crash" not in task.feedback and "stopped" not in task.feedback
    assert by_task(graded["honest_value_error"])["task-3"].status == "passed"  # not stubbed and re-run as a crash


def test_a_slow_correct_answer_is_told_how_long_it_ran_and_the_limit(graded):
    task = by_task(graded["slow_but_correct"])["task-2"]
    assert task.status == "failed" and f"the limit is {CELL_TIMEOUT} s per cell" in task.feedback, task.feedback
    assert "stopped after" in task.feedback and "infinite loop?" not in task.feedback
    assert by_task(graded["slow_but_correct"])["task-1"].status == "passed"


def test_a_syntax_error_is_a_plain_error_not_tampering(graded):
    task = by_task(graded["syntax_error"])["task-1"]
    assert task.status == "failed" and task.feedback.startswith("syntax error on line 2"), task


@pytest.mark.parametrize(("label", "reason"), [("recursion_in_ast", "RecursionError"), ("memory_in_ast", "MemoryError"),
                                               ("too_long", "too long")])
def test_a_pathological_source_fails_its_task_and_never_the_batch(graded, label, reason):
    report = graded[label]
    assert not report.error and reason in by_task(report)["task-1"].feedback, (report.error, report.tasks)
    assert by_task(report)["task-1"].status == "failed" and by_task(report)["task-2"].status == "passed"


@pytest.mark.parametrize("label", ["forged_junit", "truncated_junit"])
def test_a_forged_or_broken_report_earns_nothing_and_stays_that_submissions_error(graded, label):
    report = graded[label]
    assert report.score == 0 and "ended abnormally" in report.error, (report.error, report.tasks)
    assert graded["solution"].passed


def test_no_process_of_a_submission_survives_grading_nor_holds_it_up(tmp_path):
    """Children in a new session and a double-forked daemon, all holding the kernel's output:
    grading neither waits for them (output goes to a file) nor leaves them running."""
    path = make_submission(tmp_path / "escape", {"task-1": ESCAPE})
    start = time.monotonic()
    report = grade.grade(path, cell_timeout=CELL_TIMEOUT)
    assert time.monotonic() - start < 120  # the children sleep for 314 s
    assert by_task(report)["task-1"].status == "failed" and by_task(report)["task-2"].status == "passed"
    assert survivors() == []


def test_echoed_errors_show_no_paths_and_no_environment(graded):
    feedback = by_task(graded["echo_environment"])["task-2"].feedback
    assert feedback.startswith("ValueError:") and "/tmp" not in feedback and str(ROOT) not in feedback
    for value in os.environ.values():
        assert len(value) < 8 or value not in feedback
    assert len(feedback) <= grade.MAX_FEEDBACK_CHARS + 20


def test_echoed_errors_never_quote_the_checks(graded):
    feedback = by_task(graded["echo_hidden_source"])["task-1"].feedback
    assert "check_close" not in feedback and "quotes the grader's checks" in feedback, feedback


def test_echoed_errors_are_capped(graded):
    feedback = by_task(graded["long_message"])["task-2"].feedback
    assert len(feedback) <= grade.MAX_FEEDBACK_CHARS + 20 and feedback.endswith("(cut)"), len(feedback)


# -- the file itself: refused before anything runs ----------------------------------------------

def test_a_symbolic_link_is_refused(tmp_path):
    target = make_submission(tmp_path / "real")
    link = tmp_path / "link" / NAME
    link.parent.mkdir()
    link.symlink_to(target)
    report = grade.grade(link)
    assert "symbolic link" in report.error and not report.tasks


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / NAME
    os.mkfifo(fifo)
    result = []
    worker = threading.Thread(target=lambda: result.append(grade.grade(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert result, "grading a FIFO hangs"
    assert "not a regular file" in result[0].error


def test_a_device_is_refused():
    assert "not a regular file" in grade.grade(os.devnull).error


def test_a_folder_gets_a_clear_message(tmp_path):
    (tmp_path / NAME).mkdir()
    run = subprocess.run([sys.executable, "-m", "course_lib", "grade", "--quiet", str(tmp_path / NAME)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "is a folder; give the notebooks in it" in run.stdout, run.stdout + run.stderr


def test_a_huge_notebook_is_refused(tmp_path, monkeypatch):
    path = make_submission(tmp_path / "big")
    monkeypatch.setattr(grade, "MAX_NOTEBOOK_BYTES", path.stat().st_size - 1)
    assert "larger than" in grade.grade(path).error


def test_a_malformed_notebook_is_that_submissions_error(tmp_path):
    deep = tmp_path / "deep" / NAME
    deep.parent.mkdir()
    deep.write_text("[" * 100_000 + "]" * 100_000)  # json recursion
    binary = tmp_path / "binary" / NAME
    binary.parent.mkdir()
    binary.write_bytes(b"\xff\xfe\x00garbage")
    for path in (deep, binary):
        assert "not a valid Jupyter notebook" in grade.grade(path).error


def test_the_whole_submission_has_a_hard_deadline(tmp_path):
    path = make_submission(tmp_path / "slow", {"task-1": "import time\ntime.sleep(60)\n" + WRONG})
    start = time.monotonic()
    report = grade.grade(path, cell_timeout=60, seconds=8)
    assert time.monotonic() - start < 40
    assert "grading stopped after" in report.error and "limit for one submission (8 s)" in report.error


# -- the supervisor and the command line -----------------------------------------------------------

def test_the_reaper_kills_children_in_new_sessions_and_daemons(tmp_path):
    script = tmp_path / "escape.py"
    script.write_text(ESCAPE.replace(WRONG, "print('started')"))
    command = [sys.executable, "-m", "course_lib.grading.reaper", "20", "--", sys.executable, str(script)]
    status = subprocess.run(command, stdout=subprocess.DEVNULL, timeout=60).returncode
    assert status == 0 and survivors() == []


def test_the_reaper_reports_a_deadline_and_a_signal_as_facts():
    run = [sys.executable, "-m", "course_lib.grading.reaper"]
    assert subprocess.run([*run, "0.5", "--", "sleep", "30"], timeout=30).returncode == reaper.DEADLINE
    kill = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    assert subprocess.run([*run, "10", "--", sys.executable, "-c", kill], timeout=30).returncode == 128 + 9


def test_no_process_survives_even_when_the_supervisor_is_killed(tmp_path):
    """The command line adopts the orphans of a killed supervisor (it is a subreaper too)."""
    mark = "27.1828"
    kill_the_reaper = (f"import os, signal, subprocess\nfrom pathlib import Path\n"
                       f"subprocess.Popen(['sleep', '{mark}'], start_new_session=True)\n"
                       "pytest_pid = os.getppid()\n"
                       "reaper_pid = int(Path(f'/proc/{pytest_pid}/stat').read_text().rsplit(')', 1)[1].split()[1])\n"
                       "os.kill(reaper_pid, signal.SIGKILL)\n" + WRONG)
    path = make_submission(tmp_path / "kill", {"task-1": kill_the_reaper})
    run = subprocess.run([sys.executable, "-m", "course_lib", "grade", "--quiet", "--timeout", str(CELL_TIMEOUT),
                          str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 1 and "ended abnormally" in run.stdout, run.stdout + run.stderr
    assert survivors(mark) == []


def test_the_reaper_caps_the_size_of_what_the_run_writes(tmp_path):
    write = f"open({str(tmp_path / 'out')!r}, 'wb').write(b'x' * 2_000_000)"
    run = [sys.executable, "-m", "course_lib.grading.reaper", "20", "1000000", "--", sys.executable, "-c", write]
    assert subprocess.run(run, timeout=60, capture_output=True).returncode != 0
    assert (tmp_path / "out").stat().st_size <= 1_000_000


@pytest.mark.parametrize(("option", "value"), [("--workers", "0"), ("--timeout", "-1"), ("--timeout", "0"),
                                               ("--workers", "two")])
def test_grade_refuses_bad_options_naming_them(capsys, option, value):
    with pytest.raises(SystemExit) as stop:
        main(["grade", option, value, "x.ipynb"])
    assert stop.value.code == 2 and f"argument {option}:" in capsys.readouterr().err


def test_reports_are_written_atomically(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")
    grade.write_atomically(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


# -- reports a student reads -------------------------------------------------------------------------

def _reports():
    ok = grade.Report("a/01_gradient_descent.ipynb", tasks=[grade.TaskResult("task-1", 1, 1, "passed"),
                                                            grade.TaskResult("task-2", 2, 0, "failed",
                                                                             "what\nexpected [1.]\ngot [2.]\nhint: h")])
    return [ok, grade.Report("b/01_gradient_descent.ipynb", error="b: not a valid Jupyter notebook")]


def test_text_feedback_is_on_several_lines_without_padding():
    text = grade.as_text(_reports()[0])
    assert "    expected [1.]\n    got [2.]\n    hint: h" in text and "  task-2: failed (0/2)" in text
    assert "  " not in text.replace("\n    ", "\n").replace("\n  ", "\n")  # indentation only, no alignment


def test_markdown_has_a_total_row_per_submission():
    markdown = grade.as_markdown(_reports())
    assert "| 01_gradient_descent.ipynb | **total** | ❌ | **1/3** | |" in markdown
    assert "what<br>expected [1.]<br>got [2.]<br>hint: h" in markdown


def test_check_close_feedback_has_no_alignment_padding():
    from course_lib.grading.checks import check_close

    with pytest.raises(AssertionError) as failure:
        check_close("x", [1.0, 2.0], [1.0, 3.0], hint="h")
    assert str(failure.value) == "x\nexpected [1., 3.]\ngot [1., 2.]\nhint: h"
