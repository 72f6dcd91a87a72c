"""The course as a learner sees it: every notebook run in JupyterLab in Chromium, every explorer
driven with the keyboard, and one exercise answered and checked."""

import re

import pytest
from labdriver import REPO, ExplorerBox, NotebookPage
from lessons import LESSONS, explorer_count

from course_lib.grading import notebook as roles

NOTEBOOKS = [path.name for path in LESSONS]


@pytest.fixture
def opened(lab, artifacts, request):
    """Open notebooks in fresh pages; on failure keep a screenshot; always shut the kernels down."""
    server, browser = lab
    pages = []

    def open_notebook(path: str) -> NotebookPage:
        pages.append(NotebookPage(browser, server, path))
        return pages[-1]

    yield open_notebook
    for notebook in pages:
        if getattr(request.node, "failed_call", False):
            notebook.page.screenshot(path=artifacts / f"FAILED-{request.node.name}.png")
        notebook.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_its_explorers_respond(opened, artifacts, name):
    notebook = opened(f"notebooks/{name}")
    notebook.run_all()
    assert notebook.problems() == []

    boxes = notebook.explorers()
    assert len(boxes) == explorer_count(roles.read(REPO / "notebooks" / name))
    for number, box in enumerate(boxes, 1):
        explorer = ExplorerBox(box)
        picture = explorer.picture()
        step, lr = explorer.slider(r"^step$"), explorer.slider(r"\blr\b")  # a race has no lr slider
        assert step is not None or lr is not None, f"explorer {number} has neither a step nor an lr slider"
        for handle in filter(None, [step, lr]):
            new_picture = explorer.press(handle)
            assert new_picture != picture, f"explorer {number}: the picture did not change"
            picture = new_picture
        box.screenshot(path=artifacts / f"{name.removesuffix('.ipynb')}-explorer{number}.png")
        if step is not None:
            assert explorer.play(frames=3) >= 3


def solution_of(exercise: str, task: str) -> str:
    """The solution's answer cell for ``task``, without the solution markers."""
    nb = roles.read(REPO / "solutions" / exercise)
    (cell,) = [c for c in nb.cells if roles.is_answer(c) and roles.role(c)["task"] == task]
    lines = cell.source.splitlines()
    return "\n".join(line for line in lines if not (roles.BEGIN.match(line) or roles.END.match(line)))


@pytest.mark.skipif(not (REPO / "solutions").exists(), reason="solutions/ is not in the student bundle")
def test_exercise_answer_typed_in_the_browser_passes_its_check(opened, artifacts):
    exercise = "01_gradient_descent.ipynb"
    notebook = opened(f"exercises/{exercise}")
    page = notebook.page
    cells = page.locator(".jp-Notebook .jp-Cell")
    nb = roles.read(REPO / "exercises" / exercise)
    answer = next(i for i, c in enumerate(nb.cells) if roles.is_answer(c))
    check = answer + 1
    assert roles.is_check(nb.cells[check])

    def check_feedback() -> str:
        notebook.wait_until_idle()
        (cell,) = [c for c in notebook.cells() if c["index"] == check]
        return "".join(out.get("text", "") or f"{out.get('ename')}: {out.get('evalue')}" for out in cell["outputs"])

    # as a learner does: run from the top with Shift+Enter; the stub's check fails
    cells.nth(0).click()
    for _ in range(check + 1):
        page.keyboard.press("Shift+Enter")
    feedback = check_feedback()
    assert "NotImplementedError" in feedback and "PASSED" not in feedback, feedback

    # type the answer into the answer cell, run it and its check
    cells.nth(answer).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(solution_of(exercise, roles.role(nb.cells[answer])["task"]))
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    feedback = check_feedback()
    cells.nth(check).screenshot(path=artifacts / "exercise-check-passed.png")
    assert re.search(r"PASSED task-1\b", feedback), feedback
