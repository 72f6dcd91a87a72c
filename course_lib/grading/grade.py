"""Grade submissions with nbval, for feedback: ``python -m course_lib grade SUBMISSION.ipynb [...]``.

For each submission:

1. read it: a regular file only (no symbolic link, FIFO or device), at most
   :data:`MAX_NOTEBOOK_BYTES`, never written;
2. rebuild it from the trusted template in ``exercises/`` (a JupyterLab duplicate such as
   ``01_gradient_descent-Copy1.ipynb`` uses ``01_gradient_descent.ipynb``): only the *sources*
   of its answer cells are taken, matched by cell id, else by grading metadata, else by order
   (nbformat 4.0 and Colab save no ids); check cells, outputs, markers, tags, metadata and
   kernelspec come from the template. An answer that fails the static scan is replaced by the
   stub and its task is *flagged* (tampering); one that does not parse, or is longer than
   :data:`MAX_ANSWER_CHARS`, is replaced by the stub and its task *fails* with the reason;
3. run nbval on the rebuilt copy in a fresh working folder, with a fresh kernel, a per-cell
   timeout and a hard deadline for the whole submission, under :mod:`.reaper` (no process of
   the run survives it). Output goes to a file, never to a pipe. The per-cell facts come from
   :mod:`.nbval_facts`, written outside the working folder under a random name and checked
   (regular file, size, a secret nonce, one entry per code cell, agreement with pytest's exit
   status);
4. a task passes only if every one of its check cells passed. A timeout or a dead kernel (facts,
   not words in the output) fails its own task, which is stubbed and the notebook re-run, so the
   other tasks are still graded;
5. report per task (points, the check's own message, cleaned and capped) as text, JSON and
   Markdown. Any exception while grading one submission is that submission's error.

This mode gives feedback; the student's code shares the machine with the grader, so it is not a
security boundary (see the instructor guide for marks that count).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import EXERCISES
from .notebook import is_answer, is_check, parse, read, role, tasks
from .reaper import DEADLINE
from .scan import neutralise_markers, problems, unparsable

MAX_NOTEBOOK_BYTES = 20_000_000  # a notebook with many figures stays far below
MAX_ANSWER_CHARS = 50_000  # an answer cell is a function or two
MAX_FEEDBACK_CHARS, MAX_FEEDBACK_LINES = 600, 8
MAX_FACTS_BYTES = 2_000_000
LIBRARY = Path(__file__).resolve().parents[2]  # the folder that holds course_lib (the supervisor, plugin, checks)
COPY = re.compile(r"^(?P<stem>.+?)(?:-Copy\d+)+$")  # JupyterLab's "Duplicate": NAME-Copy1.ipynb


@dataclass
class TaskResult:
    task: str
    points: int
    earned: int = 0
    status: str = "failed"  # passed, failed, or flagged (the answer was refused as tampering)
    feedback: str = ""


@dataclass
class Report:
    submission: str
    template: str = ""
    tasks: list = field(default_factory=list)
    error: str = ""
    mode: str = "feedback"  # or "marks" (course_lib.grading.marks): which grader produced the report

    @property
    def score(self) -> int:
        return sum(t.earned for t in self.tasks)

    @property
    def max_score(self) -> int:
        return sum(t.points for t in self.tasks)

    @property
    def passed(self) -> bool:
        return not self.error and bool(self.tasks) and self.score == self.max_score


# -- reading ---------------------------------------------------------------------------------

def read_submission(path) -> nbformat.NotebookNode:
    """The submission as a notebook; a clear ``ValueError`` for anything but a regular notebook file."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    if stat.S_ISLNK(info.st_mode):
        raise ValueError(f"{path} is a symbolic link; give the notebook file itself")
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{path} is a folder; give the notebooks in it (e.g. {path}/*.ipynb)")
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path} is not a regular file (a FIFO, socket or device); give a notebook file")
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):  # replaced since the check above
            raise ValueError(f"{path} is not a regular file; give a notebook file")
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path} is larger than {MAX_NOTEBOOK_BYTES // 1_000_000} MB; "
                         "clear the outputs (Edit > Clear Outputs of All Cells) and save again")
    return parse(data, path)


def template_for(path, template_dir) -> Path:
    """The exercise template a submission is graded against (``NAME-Copy1.ipynb`` -> ``NAME.ipynb``)."""
    path = Path(path)
    copy = COPY.match(path.stem)
    name = (copy["stem"] + path.suffix) if copy else path.name
    template = Path(template_dir) / name
    if not template.is_file():
        raise ValueError(f"no exercise template {template} (the submission's file name must match it, "
                         "e.g. 01_gradient_descent.ipynb)")
    return template


# -- rebuilding --------------------------------------------------------------------------------

def _source(cell) -> str:
    return "".join(cell.source) if isinstance(cell.source, list) else str(cell.get("source", ""))


def match_answers(template, submission) -> dict:
    """``{index of a template answer cell: the submission's cell or None}``.

    By cell id; else by grading metadata (task, and rank within the task); else, when the
    submission has no cell ids at all (nbformat 4.0, Colab) and as many code cells as the
    template, by position among the code cells.
    """
    by_id = {cell.get("id"): cell for cell in submission.cells if cell.get("id")}
    by_task = {}
    for cell in submission.cells:
        if cell.get("cell_type") == "code" and is_answer(cell):
            by_task.setdefault(role(cell).get("task"), []).append(cell)
    template_code = [i for i, cell in enumerate(template.cells) if cell.cell_type == "code"]
    student_code = [cell for cell in submission.cells if cell.get("cell_type") == "code"]
    by_position = not by_id and len(template_code) == len(student_code)
    matched, rank = {}, {}
    for i, cell in enumerate(template.cells):
        if not is_answer(cell):
            continue
        task = role(cell)["task"]
        k = rank[task] = rank.get(task, -1) + 1
        found = by_id.get(cell.get("id"))
        if found is None and k < len(by_task.get(task, [])):
            found = by_task[task][k]
        if found is None and by_position:
            found = student_code[template_code.index(i)]
        matched[i] = found
    return matched


def rebuild(template, submission):
    """The notebook to run, flagged tasks ``{task: [reasons]}`` and refused tasks ``{task: [reasons]}``.

    Flagged: the answer looks like tampering (see :mod:`.scan`). Refused: it cannot run (a syntax
    error, too long). Both keep the template's stub.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(template)))  # deep copy of the trusted template
    flagged, refused = {}, {}
    for i, student in match_answers(template, submission).items():
        cell = nb.cells[i]
        task = role(cell)["task"]
        if student is None or student.get("cell_type") != "code":
            flagged.setdefault(task, []).append("answer cell missing (deleted, or its id and metadata changed)")
            continue
        source = _source(student)
        reason = unparsable(source, MAX_ANSWER_CHARS)
        if reason:
            refused.setdefault(task, []).append(reason)
            continue
        reasons = problems(source)
        if reasons:
            flagged.setdefault(task, []).extend(reasons)
            continue  # keep the template's stub
        cell.source = neutralise_markers(source)
        cell.metadata["tags"] = ["nbval-ignore-output"]  # print freely in answers; errors still fail
    return nb, flagged, refused


# -- running -----------------------------------------------------------------------------------

class RunError(Exception):
    """The nbval run did not produce facts that can be trusted (the submission's error)."""


def run_nbval(nb, cell_timeout: float, seconds: float) -> dict:
    """``{code cell number: facts}`` from one nbval run (see :mod:`.nbval_facts`).

    The run gets a fresh working folder (the kernel's); the settings, the facts and the log live
    in a separate private folder. Raises :class:`RunError` when the run exceeded ``seconds``, was
    killed, or left no trustworthy facts.
    """
    work = Path(tempfile.mkdtemp(prefix="grade-work-"))
    private = Path(tempfile.mkdtemp(prefix="grade-"))
    try:
        notebook = work / "submission.ipynb"
        nbformat.write(nb, notebook)
        nonce = secrets.token_hex(16)
        facts_path = private / f"{secrets.token_hex(12)}.json"
        settings = private / f"{secrets.token_hex(12)}.settings"
        settings.write_text(json.dumps({"report": str(facts_path), "nonce": nonce}))
        (private / "pytest.ini").write_text("[pytest]\n")
        command = [sys.executable, "-m", "pytest", "-q", "-c", str(private / "pytest.ini"), "--rootdir", str(work),
                   "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "course_lib.grading.nbval_facts",
                   "-o", "addopts=", "--nbval", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout:g}",
                   str(notebook)]
        importable = os.pathsep.join(filter(None, [str(LIBRARY), os.environ.get("PYTHONPATH")]))  # from any folder
        env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "COURSE_GRADING_FACTS": str(settings),
               "PYTHONPATH": importable}
        start = time.monotonic()
        with open(private / "run.log", "wb") as log:
            status = _supervised(command, work, env, log, seconds)
        elapsed = time.monotonic() - start
        if status == DEADLINE:
            raise RunError(f"grading stopped after {elapsed:.0f} s, the limit for one submission "
                           f"({seconds:.0f} s); make the answers faster")
        if status not in (0, 1):  # pytest: 0 all passed, 1 some failed; anything else is not a grading
            what = (f"killed by signal {status - 128}" if status > 128 else
                    f"killed by signal {-status}" if status < 0 else f"exit status {status}")
            raise RunError(f"the grading run ended abnormally ({what}); nothing could be graded")
        return _verified_facts(facts_path, nonce, nb, all_passed=status == 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def _supervised(command, work, env, log, seconds: float) -> int:
    """Run ``command`` under :mod:`.reaper`; its structured exit status."""
    reaper = [sys.executable, "-m", "course_lib.grading.reaper", f"{seconds:.3f}", "--", *command]
    process = subprocess.Popen(reaper, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                               start_new_session=True)
    try:
        return process.wait(timeout=seconds + 60)
    except subprocess.TimeoutExpired:  # the reaper itself is stuck: stop its whole session
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        return DEADLINE


def _verified_facts(path: Path, nonce: str, nb, all_passed: bool) -> dict:
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FACTS_BYTES:
            raise ValueError("not a small regular file")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("nonce") != nonce or not isinstance(data.get("cells"), list):
            raise ValueError("not written by the grader's plugin")
        facts = {}
        for cell in data["cells"]:
            number = cell["cell"]
            if not isinstance(number, int) or cell["outcome"] not in ("passed", "failed", "skipped"):
                raise ValueError("malformed entry")
            facts[number] = {"outcome": cell["outcome"], "ename": str(cell["ename"]), "evalue": str(cell["evalue"]),
                             "timed_out": bool(cell["timed_out"]), "kernel_alive": bool(cell["kernel_alive"]),
                             "seconds": float(cell["seconds"]),
                             "kernel_died_after": None if cell["kernel_died_after"] is None
                             else float(cell["kernel_died_after"])}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RunError(f"the grading run left no trustworthy report ({type(error).__name__}); "
                       "nothing could be graded") from None
    expected = sum(cell.cell_type == "code" for cell in nb.cells)
    if sorted(facts) != list(range(expected)):
        raise RunError("the grading run's report does not cover every cell; nothing could be graded")
    if all_passed != all(f["outcome"] == "passed" for f in facts.values()):
        raise RunError("the grading run's report disagrees with its exit status; nothing could be graded")
    return facts


# -- feedback ----------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
PATH = re.compile(r"(?<![\w)\].])(?:[A-Za-z]:)?[/\\](?:[\w.+@~-]+[/\\])+[\w.+@~-]*")


def clean(text: str, hidden=()) -> str:
    """A message fit to show: no colour codes, paths or environment values, nothing quoted from
    ``hidden`` (the checks' source), at most :data:`MAX_FEEDBACK_LINES` lines of at most
    :data:`MAX_FEEDBACK_CHARS` characters in all."""
    text = ANSI.sub("", str(text)).replace("\r", "")
    text = "".join(ch for ch in text if ch == "\n" or ch.isprintable())
    for line in hidden:
        if line in text:
            return "(the message quotes the grader's checks, so it is not shown)"
    for value in sorted({v for v in os.environ.values() if len(v) >= 8}, key=len, reverse=True):
        text = text.replace(value, "<environment>")
    text = PATH.sub("<path>", text)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    hint = lines.pop() if lines and lines[-1].startswith("hint: ") and len(lines[-1]) <= 300 else ""
    cut = len(lines) > MAX_FEEDBACK_LINES - bool(hint)
    text = "\n".join(lines[:MAX_FEEDBACK_LINES - bool(hint)])
    if len(text) > MAX_FEEDBACK_CHARS - len(hint):
        text, cut = text[:MAX_FEEDBACK_CHARS - len(hint)].rstrip(), True
    return text + (" ... (cut)" if cut else "") + (f"\n{hint}" if hint else "")  # the hint always survives


def _hidden_lines(template) -> list:
    """Lines of the checks' source long enough to be recognisable if a message quotes them."""
    return sorted({line.strip() for cell in template.cells if is_check(cell)
                   for line in _source(cell).splitlines() if len(line.strip()) >= 24})


def feedback_from(facts: dict, hidden=()) -> str:
    """The check's own words (what was tested, expected and got, the hint) from the cell's facts."""
    name, value = facts["ename"], facts["evalue"]
    if not name:
        if not facts["kernel_alive"]:
            return "not run: the kernel had stopped before this cell"
        return "the output differs from the expected output" if facts["outcome"] == "failed" else "the cell did not run"
    if name == "AssertionError":
        return clean(value, hidden) or "a check failed"
    if name == "NotImplementedError":
        return clean(f"not implemented yet (the stub still raises NotImplementedError: {value})", hidden)
    return clean(f"{name}: {value}" if value else name, hidden)


def _stopped(kind: str, facts: dict, cell_timeout: float) -> str:
    died = facts["kernel_died_after"]
    if died is not None and died < cell_timeout:  # dead before nbval's timeout: it was not nbval that stopped it
        return (f"the kernel stopped while running the {kind} (os._exit, a crash, too much memory or output); "
                "the other tasks were graded without it")
    return (f"the {kind} was stopped after {facts['seconds']:.1f} s: the limit is {cell_timeout:g} s per cell. "
            "A correct answer can be too slow: look for needless work, or a loop that never ends")


def grade_notebook(nb, template, cell_timeout: float = 60.0, seconds: float | None = None) -> list:
    """Task results for an already-rebuilt notebook (re-runs after a crash or timeout)."""
    totals = tasks(template)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    deadline = time.monotonic() + (seconds if seconds is not None else submission_seconds(nb, cell_timeout))
    hidden = _hidden_lines(template)
    stubbed = {}
    while True:
        facts = run_nbval(nb, cell_timeout, max(1.0, deadline - time.monotonic()))
        stopped = None
        for number, cell in enumerate(code_cells):  # the first cell that timed out or where the kernel died
            died_here = not facts[number]["kernel_alive"] and (number == 0 or facts[number - 1]["kernel_alive"])
            if facts[number]["timed_out"] or died_here:
                info = role(cell)
                if info.get("kind") and info["task"] not in stubbed:
                    stopped = info["task"]
                    stubbed[stopped] = _stopped(info["kind"], facts[number], cell_timeout)
                break
        if stopped is None:
            break
        for original, cell in zip(template.cells, nb.cells, strict=True):  # put the stub back and re-run
            if is_answer(cell) and role(cell)["task"] == stopped:
                cell.source = original.source
    results = {task: TaskResult(task, points) for task, points in totals.items()}
    failures = {task: [] for task in totals}
    for number, cell in enumerate(code_cells):
        task = role(cell).get("task")
        if task in results and facts[number]["outcome"] != "passed":
            failures[task].append(feedback_from(facts[number], hidden))
    for task, result in results.items():
        if task in stubbed:
            result.feedback = stubbed[task]
        elif failures[task]:
            result.feedback = next((f for f in failures[task] if f), "failed")
        else:
            result.status, result.earned = "passed", result.points
    return list(results.values())


def submission_seconds(nb, cell_timeout: float) -> float:
    """The default hard deadline for one submission: every code cell at its limit, plus start-up."""
    return cell_timeout * (sum(cell.cell_type == "code" for cell in nb.cells) + 2) + 60.0


def grade(path, template_dir=EXERCISES, cell_timeout: float = 60.0, seconds: float | None = None) -> Report:
    """Grade one submission file (never written) against its template in ``template_dir``.

    ``seconds``: the hard deadline for the whole submission (default :func:`submission_seconds`).
    Whatever goes wrong is this submission's ``error``; it never stops a batch.
    """
    report = Report(submission=str(path))
    try:
        submission = read_submission(path)
        template_path = template_for(path, template_dir)
        report.template = str(template_path)
        template = read(template_path)
        nb, flagged, refused = rebuild(template, submission)
        report.tasks = grade_notebook(nb, template, cell_timeout, seconds)
        for result in report.tasks:
            if result.task in flagged:
                result.status, result.earned = "flagged", 0
                result.feedback = "; ".join(flagged[result.task])
            elif result.task in refused:
                result.status, result.earned = "failed", 0
                result.feedback = "; ".join(refused[result.task])
    except (ValueError, RunError) as error:  # the grader's own words
        report.tasks, report.error = [], str(error)
    except Exception as error:  # anything else is still this submission's problem, not the batch's
        report.tasks = []
        report.error = clean(f"the grader could not grade this file ({type(error).__name__}: {error})")
    return report


def grade_many(paths, template_dir=EXERCISES, workers: int = 2, cell_timeout: float = 60.0,
               progress: bool = True, seconds: float | None = None) -> list:
    """Grade several submissions in parallel (each in its own kernel), with a progress bar."""
    from tqdm import tqdm

    if int(workers) < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if not cell_timeout > 0:
        raise ValueError(f"cell_timeout must be a positive number of seconds, got {cell_timeout}")
    with ThreadPoolExecutor(max_workers=int(workers)) as pool:
        futures = [pool.submit(grade, p, template_dir, cell_timeout, seconds) for p in paths]
        return [f.result() for f in tqdm(futures, desc="grading", disable=not progress, file=sys.stderr)]


# -- reports -----------------------------------------------------------------------------------

def as_text(report: Report) -> str:
    """One block per submission: a line per task, the feedback indented below it."""
    if report.error:
        return f"{report.submission}: ERROR\n    " + report.error.replace("\n", "\n    ")
    lines = [f"{report.submission}: {report.score}/{report.max_score} points"]
    for t in report.tasks:
        lines.append(f"  {t.task}: {t.status} ({t.earned}/{t.points})")
        lines += [f"    {line}" for line in t.feedback.splitlines()]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def as_markdown(reports) -> str:
    """A table: a row per task, a total row per submission."""
    lines = ["| submission | task | result | points | feedback |", "|---|---|---|---|---|"]
    for r in reports:
        name = _cell(Path(r.submission).name)
        if r.error:
            lines.append(f"| {name} | - | ❌ error | 0 | {_cell(r.error)} |")
        for t in r.tasks:
            mark = "✅" if t.status == "passed" else ("⚠️" if t.status == "flagged" else "❌")
            lines.append(f"| {name} | {t.task} | {mark} {t.status} | {t.earned}/{t.points} | {_cell(t.feedback)} |")
        lines.append(f"| {name} | **total** | {'✅' if r.passed else '❌'} | **{r.score}/{r.max_score}** | |")
    return "\n".join(lines) + "\n"


def as_json(reports) -> str:
    """Per submission: its tasks (``points``, ``earned``, ``status``, ``feedback``), totals, and the mode."""
    return json.dumps([{**asdict(r), "score": r.score, "max_score": r.max_score, "passed": r.passed}
                       for r in reports], indent=2)


def write_atomically(path, text: str) -> None:
    """Write a report: a temporary file beside ``path``, then a rename (readers never see half)."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
