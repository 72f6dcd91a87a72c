"""Command line: ``python -m course_lib COMMAND ...`` (``--help`` lists the commands).

The library (numpy, matplotlib, Jupyter) is imported inside the commands, never at the top:
``doctor`` runs on the standard library alone, in an environment where the install failed or
never happened, which is when it is needed.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from . import __version__
from .grading import EXERCISES

DESCRIPTION = "The course's command line: GIFs for slides, the environment check, exercises and grading."
DEFAULT = " (default: %(default)s)"


def _library_names():
    """``(2-D landscape names, optimizer preset names)`` for the help, or None without numpy."""
    try:
        from . import functions, presets
    except ImportError:
        return None
    return sorted(name for name, fun in functions.LANDSCAPES.items() if fun.dim == 2), list(presets.PRESETS)


# --- option types: argparse names the option in its message ("argument --steps: ...") -------
def whole_number(minimum: int):
    """An option type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
        return value

    return parse


def point(text: str) -> list[float]:
    """An option type: a 2-D point written ``x,y``."""
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 2 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected a point x,y (two finite numbers, e.g. 0,-4), got {text!r}")
    return values


def gif_path(text: str) -> Path:
    """An option type: a ``.gif`` file in a folder that exists."""
    path = Path(text)
    if path.suffix.lower() != ".gif":
        raise argparse.ArgumentTypeError(f"expected a file name ending in .gif, got {text!r}")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {str(path.parent)!r} does not exist (create it first)")
    return path


# --- commands --------------------------------------------------------------------------------
def _animate(args) -> int:
    from . import functions, presets
    from .plotting import animate

    names = [name.strip() for name in args.optimizers.split(",") if name.strip()]
    unknown = [name for name in names if name not in presets.PRESETS]
    if unknown or not names:
        print(f"error: argument --optimizers: unknown optimizer {', '.join(map(repr, unknown)) or 'list (empty)'};"
              f" choose from {', '.join(presets.PRESETS)}", file=sys.stderr)
        return 2
    fun = functions.get(args.function)
    path = animate(fun, names, out=args.out, x0=args.start, steps=args.steps, frames=args.frames, fps=args.fps,
                   talk=not args.small)
    print(f"wrote {path} ({len(names)} optimizers on {fun.name}, {args.steps} steps, {args.frames} frames)")
    return 0


def _doctor(args) -> int:
    from .doctor import main as doctor_main

    return doctor_main()


def _html(args) -> int:
    from .static_html import to_html

    for notebook in args.notebooks:
        out, missing_alt = to_html(notebook)
        print(f"wrote {out}" + (f" ({missing_alt} picture(s) without alt text)" if missing_alt else ""))
    return 0


def notebook_file(text: str) -> Path:
    """An argument type: an existing ``.ipynb`` file."""
    path = Path(text)
    if path.suffix != ".ipynb" or not path.is_file():
        raise argparse.ArgumentTypeError(f"expected a notebook file (.ipynb) that exists, got {text!r}")
    return path


def _release(args) -> int:
    from .grading.release import release, student_bundle

    if args.student_bundle:
        print(f"wrote the student bundle (no solutions/) to {student_bundle(Path(args.student_bundle))}")
        return 0
    differing = release(check=args.check)
    if args.check:
        if differing:
            print("exercises/ is out of date for: " + ", ".join(differing) + " (run python -m course_lib release)")
            return 1
        print("exercises/ is exactly what the generator produces")
        return 0
    print("regenerated: " + (", ".join(differing) if differing else "nothing (already current)"))
    return 0


def _grade(args) -> int:
    import os

    from .grading import grade, reaper

    if args.marks:  # decide outside a sandbox (course_lib.grading.marks); refuses without bubblewrap
        from .grading import marks

        reports = marks.grade_many(args.submissions, Path(args.templates), workers=args.workers,
                                   deadline=args.timeout, progress=not args.quiet)
    else:
        adopts_orphans = reaper.become_subreaper()  # a process that escaped a grading run comes back to us
        try:
            reports = grade.grade_many(args.submissions, Path(args.templates), workers=args.workers,
                                       cell_timeout=args.timeout, progress=not args.quiet)
        finally:
            if adopts_orphans:
                reaper.kill_everything_below(os.getpid())
    mode = "marks (sandboxed, decided outside)" if args.marks else "feedback (nbval; not proof)"
    print(f"mode: {mode}")
    for report in reports:
        print(grade.as_text(report))
    if args.json:
        grade.write_atomically(args.json, grade.as_json(reports))
    if args.markdown:
        grade.write_atomically(args.markdown, f"mode: {mode}\n\n" + grade.as_markdown(reports))
    return 0 if all(r.passed for r in reports) else 1


def _positive(kind):
    """An argparse type: a number above zero, or an error that names the option's rule."""
    def convert(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
        return value
    convert.__name__ = kind.__name__
    return convert


def _add_animate(commands, names) -> None:
    landscapes, optimizers = names or (None, None)
    animate = commands.add_parser("animate", help="export an optimizer race as an animated GIF",
                                  description="Export an optimizer race on a 2-D landscape as an animated GIF "
                                  "for slides (big fonts unless --small).")
    option = animate.add_argument
    option("--function", default="rosenbrock", choices=landscapes, help="the landscape" + DEFAULT)
    option("--optimizers", default="sgd,momentum,adam", help="comma-separated preset names"
           + (f", from: {', '.join(optimizers)}" if optimizers else "") + DEFAULT)
    option("--out", default=Path("race.gif"), type=gif_path, help="the GIF file to write" + DEFAULT)
    option("--steps", type=whole_number(1), default=1000, help="optimizer steps in the race" + DEFAULT)
    option("--frames", type=whole_number(2), default=60, help="pictures, evenly spaced over the steps" + DEFAULT)
    option("--fps", type=whole_number(1), default=15, help="frames per second; the last is held 2 s" + DEFAULT)
    option("--start", type=point, metavar="X,Y",
           help="start point, e.g. --start 0.5,2 or --start=-1,2 (default: the landscape's start)")
    option("--small", action="store_true", help="normal fonts instead of the big talk style")
    animate.set_defaults(run=_animate)


def build_parser(names=None) -> argparse.ArgumentParser:
    """The command line; ``names`` (from :func:`_library_names`) fill in the animate choices."""
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"course_lib {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_animate(commands, names)
    doctor = commands.add_parser("doctor", help="check the environment and print what to fix",
                                 description="Check Python, the packages, the JupyterLab widget extension and the "
                                 "python3 kernel; print the fix for each problem (exit code 1 if there is one).")
    doctor.set_defaults(run=_doctor)
    html = commands.add_parser("html", help="write notebooks as HTML pages that keep their pictures",
                               description="Write each notebook as a self-contained HTML page next to it: each "
                               "explorer shows its picture (not a widget that needs JavaScript from the internet), "
                               "and each picture its alt text.")
    html.add_argument("notebooks", nargs="+", type=notebook_file, metavar="NOTEBOOK",
                      help="executed notebooks, e.g. notebooks/00_setup_and_tour.ipynb")
    html.set_defaults(run=_html)
    release = commands.add_parser("release", help="regenerate exercises/ from solutions/",
                                  description="Regenerate exercises/ from solutions/ (answers become stubs).")
    release.add_argument("--check", action="store_true", help="only verify that exercises/ is current")
    release.add_argument("--student-bundle", metavar="DIR", help="write a copy of the course without solutions/")
    release.set_defaults(run=_release)
    grade_parser = commands.add_parser("grade", help="grade exercise notebooks against the templates",
                                       description="Grade exercise notebooks against the exercise of the same name.")
    grade_parser.add_argument("submissions", nargs="+", metavar="NOTEBOOK",
                              help="notebooks to grade, e.g. work/01_gradient_descent.ipynb")
    grade_parser.add_argument("--templates", default=str(EXERCISES),
                              help="folder of the trusted exercise templates (default: the course's exercises/)")
    grade_parser.add_argument("--workers", type=_positive(int), default=2,
                              help="submissions graded at the same time" + DEFAULT)
    grade_parser.add_argument("--timeout", type=_positive(float), default=60.0,
                              help="seconds per cell (feedback), per sandbox run (--marks)" + DEFAULT)
    grade_parser.add_argument("--marks", action="store_true",
                              help="marks that count: run the answers in a bubblewrap sandbox, compare outside")
    grade_parser.add_argument("--json", help="write a JSON report here")
    grade_parser.add_argument("--markdown", help="write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)")
    grade_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    grade_parser.set_defaults(run=_grade)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # doctor must not import what it checks; the other commands show the library's names
    parser = build_parser(None if argv[:1] == ["doctor"] else _library_names())
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ImportError as error:
        print(f"error: {error}; run python -m course_lib doctor to see what to install", file=sys.stderr)
        return 2
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
