"""The README's way in works: its Python blocks run as scripts and print what the README says,
and its launch command opens lesson 00 with the whole course (lessons, exercises, work/) in reach."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from lessons import ROOT

README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def run_script(code: str, folder) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    return subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_readme_has_its_python_blocks():
    assert len(PYTHON_BLOCKS) >= 2 and "## `course_lib` in one screen" in README


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_every_python_block_runs_as_a_script_and_prints(index, tmp_path):
    done = run_script(PYTHON_BLOCKS[index], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "a block run as a script must print what it computes"
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr


def test_one_screen_prints_what_the_readme_shows(tmp_path):
    block = re.search(r"## `course_lib` in one screen\n\n```python\n(.*?)```\n\nprints\n\n```text\n(.*?)```",
                      README, flags=re.DOTALL)
    assert block, "the one-screen block is followed by 'prints' and its output"
    done = run_script(block[1], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == block[2]


def test_explorers_outside_jupyter_say_how_to_use_them(tmp_path):
    block = next(b for b in PYTHON_BLOCKS if "explore(" in b)
    done = run_script(block, tmp_path)
    assert "Explorer(rosenbrock: adam): an interactive picture" in done.stdout, done.stderr
    assert (tmp_path / "explorer.png").read_bytes()[:4] == b"\x89PNG"


def launch_command() -> list[str]:
    quickstart = re.search(r"## Quickstart.*?```bash\n(.*?)\n```", README, flags=re.DOTALL)[1]
    install, launch = quickstart.split(" && ")
    assert install == "pip install -r requirements.txt"
    return launch.split()


def test_launch_serves_the_course_folder_and_opens_lesson_00(tmp_path):
    """The README's launch command, run from the course's folder: jupyter_server makes the folder
    of a file argument the root unless --notebook-dir says otherwise (then exercises/ and work/
    would be out of reach), and the browser opens the file."""
    command = launch_command()
    assert command[:2] == ["jupyter", "lab"] and (ROOT / command[-1]).is_file()
    runtime = tmp_path / "runtime"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(runtime),
               JUPYTER_DATA_DIR=str(tmp_path / "data"))
    server = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", *command[2:], "--no-browser", "--allow-root",
                               "--ServerApp.ip=127.0.0.1", "--ServerApp.port=0", "--IdentityProvider.token=",
                               f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not list(runtime.glob("jpserver-file-to-run-*-open.html")) and time.monotonic() < deadline:
            assert server.poll() is None, "jupyter lab exited"
            time.sleep(0.3)
        opener = next(runtime.glob("jpserver-file-to-run-*-open.html")).read_text()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/lab/tree/([^\"?]+)", opener)
        assert url and url[2] == "notebooks/00_setup_and_tour.ipynb", opener
        with urllib.request.urlopen(f"{url[1]}/api/contents", timeout=30) as answer:
            root = {item["name"] for item in json.load(answer)["content"]}
        assert {"notebooks", "exercises", "work"} <= root, root
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_work_folder_ships_with_its_instructions():
    text = (ROOT / "work" / "README.md").read_text()
    assert "exercises/" in text and "Paste" in text and "python -m course_lib grade work/" in text
    guide = (ROOT / "docs" / "instructor-guide.md").read_text()
    assert " ".join(launch_command()) in guide and "jupyter lab notebooks/`" not in guide
