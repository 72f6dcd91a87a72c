"""Grade submissions: ``python -m course_lib grade SUBMISSION.ipynb [...]``.

For each submission:

1. read it (a broken file is an error for that submission only; the file is never written);
2. rebuild it from the trusted template in ``exercises/``: only the *sources* of its answer
   cells (matched by cell id) are taken; check cells, outputs, markers, tags, metadata and
   kernelspec come from the template; answer cells that fail the static scan are replaced by
   the stub and their task is flagged;
3. run nbval on the rebuilt copy in a temporary folder with a fresh kernel and a per-cell timeout;
4. a task passes only if every one of its check cells passed; a crash or a timeout fails its own
   task, which is stubbed and the notebook re-run, so the other tasks are still graded;
5. report per task (points, feedback taken from the check's message), as text, JSON and Markdown.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import EXERCISES
from .notebook import is_answer, read, role, tasks
from .scan import neutralise_markers, problems

CONFTEST = """def pytest_collectstart(collector):
    if str(getattr(collector, "fspath", "")).endswith(".ipynb"):
        collector.skip_compare += ("stderr",)
"""
CRASH = re.compile(r"dead|died|Timeout|timed out|Kernel", re.IGNORECASE)


@dataclass
class TaskResult:
    task: str
    points: int
    earned: int = 0
    status: str = "failed"
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


def rebuild(template, submission):
    """The notebook to run (template + the submission's answer sources) and flagged tasks."""
    answers = {cell.get("id"): cell for cell in submission.cells if cell.get("id")}
    nb = nbformat.from_dict(json.loads(json.dumps(template)))  # deep copy of the trusted template
    flagged = {}
    for cell in nb.cells:
        if not is_answer(cell):
            continue
        task = role(cell)["task"]
        student = answers.get(cell.get("id"))
        if student is None or student.get("cell_type") != "code":
            flagged.setdefault(task, []).append("answer cell missing (deleted, or its id changed)")
            continue
        source = "".join(student.source) if isinstance(student.source, list) else str(student.source)
        reasons = problems(source)
        if reasons:
            flagged.setdefault(task, []).extend(reasons)
            continue  # keep the template's stub
        cell.source = neutralise_markers(source)
        cell.metadata["tags"] = ["nbval-ignore-output"]  # print freely in answers; errors still fail
    return nb, flagged


def run_nbval(nb, cell_timeout: float) -> dict:
    """``{code cell number: (outcome, message)}`` from one nbval run on a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        tmp = Path(tmp)
        nbformat.write(nb, tmp / "submission.ipynb")
        (tmp / "conftest.py").write_text(CONFTEST)
        (tmp / "pytest.ini").write_text("[pytest]\n")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                   "--nbval", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout}",
                   "--junitxml", str(tmp / "junit.xml"), "-o", "addopts=", "submission.ipynb"]
        env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
        subprocess.run(command, cwd=tmp, env=env, capture_output=True, text=True,
                       timeout=cell_timeout * (len(nb.cells) + 2) + 120)
        results = {}
        if (tmp / "junit.xml").exists():
            for case in ET.parse(tmp / "junit.xml").getroot().iter("testcase"):
                number = int(re.search(r"Cell (\d+)", case.get("name", "")).group(1))
                problem = next((child for child in case if child.tag in ("failure", "error", "skipped")), None)
                if problem is None:
                    results[number] = ("passed", "")
                else:
                    results[number] = (problem.tag, (problem.get("message") or "") + "\n" + (problem.text or ""))
        return results


ANSI = re.compile(r"(?:\x1b|#x1B)\[[0-9;]*m")
ERROR_LINE = re.compile(r"^(?P<name>[A-Za-z_]\w*(?:Error|Exception|Exit|Interrupt))(?::[ ]?(?P<text>.*))?$",
                        re.MULTILINE)


def feedback_from(message: str) -> str:
    """The check's own words (what was tested, expected vs got, hint) from nbval's report."""
    clean = ANSI.sub("", message)
    errors = list(ERROR_LINE.finditer(clean))
    if not errors:
        if "Timeout" in clean or "timed out" in clean:
            return "timed out: an infinite loop?"
        return "the output differs from the expected output" if clean.strip() else "the cell did not run"
    last = errors[-1]
    name, text = last["name"], (last["text"] or "").strip()
    if name == "AssertionError":
        following = clean[last.end():].splitlines()[1:]
        details = []
        for line in following:
            if not line.strip():
                break
            details.append(line.strip())
        return " | ".join([text] + details)
    if name == "NotImplementedError":
        return f"not implemented yet (the stub still raises NotImplementedError: {text})"
    return f"{name}: {text}" if text else name


def grade_notebook(nb, template, cell_timeout: float = 60.0) -> list:
    """Task results for an already-rebuilt notebook (re-runs after a crash or timeout)."""
    totals = tasks(template)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    stubbed = {}
    while True:
        outcomes = run_nbval(nb, cell_timeout)
        crashed = None
        for number, cell in enumerate(code_cells):
            outcome, message = outcomes.get(number, ("missing", "the cell did not run"))
            kind = role(cell).get("kind")
            if outcome != "passed" and CRASH.search(message) and kind and role(cell)["task"] not in stubbed:
                crashed = role(cell)["task"]
                stubbed[crashed] = (f"the {kind} crashed the kernel or timed out "
                                    "(sys.exit, os._exit, an infinite loop in your function?)")
                break
        if crashed is None:
            break
        for original, cell in zip(template.cells, nb.cells, strict=True):  # put the stub back and re-run
            if is_answer(cell) and role(cell)["task"] == crashed:
                cell.source = original.source
    results = {task: TaskResult(task, points) for task, points in totals.items()}
    failures = {task: [] for task in totals}
    for number, cell in enumerate(code_cells):
        info = role(cell)
        task = info.get("task")
        if task in results:
            outcome, message = outcomes.get(number, ("missing", "the cell did not run"))
            if outcome != "passed":
                failures[task].append(feedback_from(message))
    for task, result in results.items():
        if task in stubbed:
            result.feedback = stubbed[task]
        elif failures[task]:
            result.feedback = next((f for f in failures[task] if f), "failed")
        else:
            result.status, result.earned = "passed", result.points
    return list(results.values())


def grade(path, template_dir=EXERCISES, cell_timeout: float = 60.0) -> Report:
    """Grade one submission file (never modified) against ``template_dir/<same name>``."""
    path = Path(path)
    report = Report(submission=str(path))
    try:
        template_path = Path(template_dir) / path.name
        if not template_path.exists():
            raise ValueError(f"no exercise template {template_path} (the submission's file name must match it)")
        report.template = str(template_path)
        template = read(template_path)
        nb, flagged = rebuild(template, read(path))
        report.tasks = grade_notebook(nb, template, cell_timeout)
        for result in report.tasks:
            if result.task in flagged:
                result.status, result.earned = "flagged", 0
                result.feedback = "; ".join(flagged[result.task])
    except (ValueError, OSError, subprocess.TimeoutExpired) as error:
        report.error = str(error)
    return report


def grade_many(paths, template_dir=EXERCISES, workers: int = 2, cell_timeout: float = 60.0,
               progress: bool = True) -> list:
    """Grade several submissions in parallel (each in its own kernel), with a progress bar."""
    from tqdm import tqdm

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(grade, p, template_dir, cell_timeout) for p in paths]
        return [f.result() for f in tqdm(futures, desc="grading", disable=not progress, file=sys.stderr)]


def as_text(report: Report) -> str:
    if report.error:
        return f"{report.submission}: ERROR {report.error}"
    lines = [f"{report.submission}: {report.score}/{report.max_score} points"]
    for t in report.tasks:
        line = f"  {t.status.upper():8s} {t.task:10s} {t.earned}/{t.points}"
        lines.append(line + (f"  {t.feedback}" if t.feedback else ""))
    return "\n".join(lines)


def as_markdown(reports) -> str:
    lines = ["| submission | task | result | points | feedback |", "|---|---|---|---|---|"]
    for r in reports:
        if r.error:
            lines.append(f"| {Path(r.submission).name} | - | error | 0 | {r.error} |")
        for t in r.tasks:
            mark = "✅" if t.status == "passed" else "❌"
            lines.append(f"| {Path(r.submission).name} | {t.task} | {mark} {t.status} | {t.earned}/{t.points} | "
                         f"{t.feedback.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def as_json(reports) -> str:
    return json.dumps([{**asdict(r), "score": r.score, "max_score": r.max_score, "passed": r.passed}
                       for r in reports], indent=2)
