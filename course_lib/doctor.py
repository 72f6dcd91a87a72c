"""``python -m course_lib doctor``: check the environment and say exactly what to fix.

Standard library only, and no import of the packages it checks: it must run where the install
failed half-way or never happened, which is when it is needed.
"""

from __future__ import annotations

import importlib.metadata as metadata
import sys

FIX = "pip install -r requirements.txt"
#: The Python versions the course installs on: ``requires-python = ">=3.11,<3.14"`` (pyproject.toml).
PYTHON_RANGE = ((3, 11), (3, 14))
# package: (minimum major.minor, why the course needs it)
REQUIREMENTS = {
    "numpy": ((2, 0), "the reference implementations"),
    "matplotlib": ((3, 8), "figures and explorers"),
    "ipywidgets": ((8, 1), "sliders and the Play button"),
    "jupyterlab": ((4, 0), "the course's notebooks"),
    "jupyterlab_widgets": ((3, 0), "showing widgets in JupyterLab: the widget extension"),
    "ipykernel": ((6, 0), "running notebooks"),
    "pillow": ((10, 0), "GIF export"),
    "nbval": ((0, 11), "checking notebooks and grading exercises"),
}


def version_tuple(text: str) -> tuple:
    parts = []
    for part in text.split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def python_check(version=None) -> tuple:
    """``(ok, what, fix)`` for the running Python (or ``version``, e.g. ``(3, 10, 2)``)."""
    version = tuple(sys.version_info[:3] if version is None else version)
    (major, first), (_, stop) = PYTHON_RANGE
    names = [f"{major}.{minor}" for minor in range(first, stop)]
    supported = ", ".join(names[:-1]) + f" or {names[-1]}"
    fix = (f"install Python {names[-1]} (python.org, or your system's package manager), make a new virtual "
           f"environment with it (python{names[-1]} -m venv .venv) and run {FIX} in it")
    ok = PYTHON_RANGE[0] <= version[:2] < PYTHON_RANGE[1]
    return ok, f"Python {'.'.join(map(str, version))} (the course needs {supported})", fix


def checks(version=None) -> list:
    """``(ok, what, fix)`` for each requirement, the Python version (``version``, default: this one) first."""
    results = [python_check(version)]
    # on an unsupported Python the install fails: the Python fix comes first
    fix = FIX if results[0][0] else "the Python fix above (its last step installs everything)"
    for package, (minimum, why) in REQUIREMENTS.items():
        wanted = ".".join(map(str, minimum))
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            results.append((False, f"{package} missing (needed for {why})", fix))
            continue
        results.append((version_tuple(found) >= minimum, f"{package} {found} (>= {wanted}, for {why})", fix))
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        kernels = KernelSpecManager().find_kernel_specs()
        results.append(("python3" in kernels, "a 'python3' Jupyter kernel", "python -m ipykernel install --user"))
    except ImportError:
        results.append((False, "jupyter_client missing (needed for finding the python3 kernel)", fix))
    return results


def main(version=None) -> int:
    results = checks(version)
    for ok, what, fix in results:
        print(f"{'ok     ' if ok else 'PROBLEM'} {what}" + ("" if ok else f"\n        fix: {fix}"))
    problems = sum(not ok for ok, _, _ in results)
    print("everything the course needs is here" if not problems else f"{problems} problem(s): run the fixes above")
    return 0 if not problems else 1
