"""python -m course_lib doctor: passes here, and names the fix when something is missing."""

from __future__ import annotations

from course_lib import __main__ as cli
from course_lib import doctor


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
