"""python -m course_lib doctor: passes here, and names the fix when something is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course_lib import __main__ as cli
from course_lib import doctor

ROOT = Path(__file__).resolve().parents[1]


def test_doctor_passes_in_the_course_environment(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "everything the course needs is here" in out and "jupyterlab_widgets" in out


def test_doctor_names_the_fix(monkeypatch, capsys):
    monkeypatch.setitem(doctor.REQUIREMENTS, "not-a-real-package", ((1, 0), "testing"))
    monkeypatch.setitem(doctor.REQUIREMENTS, "numpy", ((99, 0), "the reference implementations"))
    assert doctor.main() == 1
    out = capsys.readouterr().out
    assert "PROBLEM not-a-real-package missing (needed for testing)" in out
    assert "PROBLEM numpy" in out and "fix: pip install -r requirements.txt" in out and "2 problem(s)" in out


def test_version_parsing():
    assert doctor.version_tuple("8.1.9") == (8, 1) and doctor.version_tuple("0.11.0rc1") == (0, 11)


def test_python_range_is_the_installs():
    # requires-python = ">=3.11,<3.14"
    assert [doctor.python_check(v)[0] for v in [(3, 10, 13), (3, 11, 0), (3, 12, 1), (3, 13, 9), (3, 14, 0)]] == [
        False, True, True, True, False]
    ok, what, fix = doctor.python_check((3, 10, 13))
    assert what == "Python 3.10.13 (the course needs 3.11, 3.12 or 3.13)" and "install Python 3.13" in fix


def test_on_an_unsupported_python_the_python_fix_comes_first(capsys):
    assert doctor.main(version=(3, 10, 2)) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("PROBLEM Python 3.10.2") and "python3.13 -m venv .venv" in lines[1]


def run_with_nothing_installed(*args) -> subprocess.CompletedProcess:
    """``python -S``: no site-packages, so none of the course's packages (numpy, Jupyter, ...) exists;
    the course is found through the working folder, as after a fresh clone."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run([sys.executable, "-S", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_doctor_runs_where_nothing_is_installed():
    done = run_with_nothing_installed("-c", "import numpy")
    assert "No module named 'numpy'" in done.stderr  # the environment really is empty
    done = run_with_nothing_installed("-m", "course_lib", "doctor")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "PROBLEM numpy missing (needed for the reference implementations)\n" \
           "        fix: pip install -r requirements.txt" in done.stdout
    assert "PROBLEM jupyter_client missing" in done.stdout


def test_help_works_where_nothing_is_installed():
    done = run_with_nothing_installed("-m", "course_lib", "--help")
    assert done.returncode == 0 and "doctor" in done.stdout, done.stderr
    done = run_with_nothing_installed("-m", "course_lib", "animate")
    assert done.returncode == 2 and "run python -m course_lib doctor" in done.stderr and "Traceback" not in done.stderr


def test_doctor_imports_no_package_it_checks():
    code = "import sys; from course_lib import __main__ as cli; cli.main(['doctor']); print(sorted(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    loaded = done.stdout.splitlines()[-1]
    for package in ("numpy", "matplotlib", "ipywidgets", "PIL"):
        assert f"'{package}'" not in loaded, package


@pytest.mark.parametrize("version", ["3.10", "3.12", "3.13"])
def test_doctor_with_another_bare_python(version):
    """A pyenv Python without the course's packages, if this machine has one."""
    found = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python"))
    if not found:
        pytest.skip(f"no pyenv Python {version} here")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([str(found[-1]), "-m", "course_lib", "doctor"], env=env, cwd=ROOT.parent,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stdout.startswith("PROBLEM Python 3.10" if version == "3.10" else f"ok      Python {version}")


def test_doctor_checks_the_python_range_that_pyproject_declares():
    import tomllib

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    (low_major, low_minor), (high_major, high_minor) = doctor.PYTHON_RANGE
    assert requires == f">={low_major}.{low_minor},<{high_major}.{high_minor}"
