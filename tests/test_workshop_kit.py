"""The workshop kit stays true to the course: Binder installs the README's environment, the
launch links open lessons that exist, the instructor guide's timing table matches the notebooks,
and every lesson's headings start slides."""

from __future__ import annotations

import math
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from lessons import LESSONS, ROOT, explorer_count

from course_lib.grading import notebook as roles

needs_guide = pytest.mark.skipif(not (ROOT / "docs" / "instructor-guide.md").exists(),
                                 reason="the instructor guide is not in the student bundle")


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def test_binder_installs_exactly_the_readme_requirements():
    binder = ROOT / "binder" / "requirements.txt"
    assert requirement_lines(binder) == ["-r ../requirements.txt"]
    assert (binder.parent / "../requirements.txt").resolve() == ROOT / "requirements.txt"
    assert "-e ." in requirement_lines(ROOT / "requirements.txt")  # course_lib itself


def test_binder_build_fails_when_the_doctor_finds_a_problem():
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    text = post_build.read_text()
    assert "set -euo pipefail" in text and "python -m course_lib doctor" in text


def launch_targets(text: str, pattern: str) -> list[str]:
    return [urllib.parse.unquote(match) for match in re.findall(pattern, text)]


@needs_guide
def test_launch_links_open_lessons_that_exist():
    readme = (ROOT / "README.md").read_text()
    binder = launch_targets(readme, r"mybinder\.org/v2/gh/[^)\s]*\?urlpath=lab/tree/([^)\s&]+)")
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    # nbgitpuller: urlpath=lab/tree/<clone folder>/<path in the repository>
    pulled = [target.split("/", 1)[1] for target in launch_targets(guide, r"git-pull\?\S*urlpath=lab%2Ftree%2F(\S+)")]
    assert binder and pulled
    for target in binder + pulled:
        assert (ROOT / target).is_file(), target


def lesson_facts(path: Path) -> tuple[int, int, int]:
    """Words of prose, live explorers, and graded exercise tasks of a lesson."""
    nb = roles.read(path)
    words = sum(len(re.findall(r"[A-Za-z]+", c.source)) for c in nb.cells if c.cell_type == "markdown")
    exercise = ROOT / "exercises" / path.name
    tasks = len(roles.tasks(roles.read(exercise))) if exercise.exists() else 0
    return words, explorer_count(nb), tasks


@needs_guide
def test_instructor_timing_table_matches_the_notebooks():
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    rows = {m["number"]: m for m in re.finditer(
        r"^\| (?P<number>\d\d) \| (?P<name>\w+) \| (?P<words>\d+) \| (?P<explorers>\d+) \| (?P<tasks>\d+|–) \|"
        r" [\d.]+ s \| (?P<slot>\d+) min \|$", guide, flags=re.MULTILINE)}
    assert sorted(rows) == [path.name[:2] for path in LESSONS]
    total = 0
    for path in LESSONS:
        row = rows[path.name[:2]]
        words, explorers, tasks = lesson_facts(path)
        assert f"{row['number']}_{row['name']}.ipynb" == path.name
        assert (int(row["words"]), int(row["explorers"]), row["tasks"]) == (words, explorers, str(tasks or "–"))
        slot = 5 * math.ceil((words / 120 + 5 * explorers + 8 * tasks + 5) / 5)  # the guide's stated rule
        assert int(row["slot"]) == slot, path.name
        total += slot
    assert f"All thirteen: {total} minutes of slots" in guide and len(LESSONS) == 13


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name[:2])
def test_every_heading_starts_a_slide(path):
    nb = roles.read(path)
    for index, cell in enumerate(nb.cells):
        heading = cell.cell_type == "markdown" and cell.source.startswith("#")
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type == ("slide" if heading else None), f"cell {index}"
    assert nb.metadata.get("rise") == {"scroll": True}
