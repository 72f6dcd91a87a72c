"""``python -m course_lib doctor``: check the environment and say exactly what to fix."""

from __future__ import annotations

import importlib.metadata as metadata
import sys

FIX = "pip install -r requirements.txt"
# package: (minimum major.minor, why the course needs it)
REQUIREMENTS = {
    "numpy": ((2, 0), "the reference implementations"),
    "matplotlib": ((3, 8), "figures and explorers"),
    "ipywidgets": ((8, 1), "sliders and the Play button"),
    "jupyterlab": ((4, 0), "the course's notebooks"),
    "jupyterlab_widgets": ((3, 0), "showing widgets in JupyterLab (the widget extension)"),
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


def checks() -> list:
    """``(ok, what, fix)`` for each requirement."""
    results = [(sys.version_info >= (3, 10), f"Python {sys.version.split()[0]} (>= 3.10)",
                "install Python 3.10 or newer and create a new virtual environment")]
    for package, (minimum, why) in REQUIREMENTS.items():
        wanted = ".".join(map(str, minimum))
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            results.append((False, f"{package} missing (needed for {why})", FIX))
            continue
        results.append((version_tuple(found) >= minimum, f"{package} {found} (>= {wanted}, for {why})", FIX))
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        kernels = KernelSpecManager().find_kernel_specs()
        results.append(("python3" in kernels, "a 'python3' Jupyter kernel", "python -m ipykernel install --user"))
    except ImportError:
        results.append((False, "jupyter_client missing", FIX))
    return results


def main() -> int:
    results = checks()
    for ok, what, fix in results:
        print(f"{'ok     ' if ok else 'PROBLEM'} {what}" + ("" if ok else f"\n        fix: {fix}"))
    problems = sum(not ok for ok, _, _ in results)
    print("everything the course needs is here" if not problems else f"{problems} problem(s): run the fixes above")
    return 0 if not problems else 1
