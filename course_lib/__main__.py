"""Command line: ``python -m course_lib COMMAND ...`` (``--help`` lists the commands)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, functions, presets
from .grading import EXERCISES


def _animate(args) -> int:
    from .plotting import animate

    names = [name.strip() for name in args.optimizers.split(",") if name.strip()]
    for name in names:
        if name not in presets.PRESETS:
            print(f"error: unknown optimizer {name!r}; choose from {', '.join(presets.PRESETS)}", file=sys.stderr)
            return 2
    fun = functions.get(args.function)
    x0 = None if args.start is None else [float(v) for v in args.start.split(",")]
    path = animate(fun, names, out=args.out, x0=x0, steps=args.steps, frames=args.frames, fps=args.fps,
                   talk=not args.small)
    print(f"wrote {path} ({len(names)} optimizers on {fun.name}, {args.steps} steps, {args.frames} frames)")
    return 0


def _doctor(args) -> int:
    from .doctor import main as doctor_main

    return doctor_main()


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

    adopts_orphans = reaper.become_subreaper()  # a process that escaped a grading run comes back to us
    try:
        reports = grade.grade_many(args.submissions, Path(args.templates), workers=args.workers,
                                   cell_timeout=args.timeout, progress=not args.quiet)
    finally:
        if adopts_orphans:
            reaper.kill_everything_below(os.getpid())
    for report in reports:
        print(grade.as_text(report))
    if args.json:
        grade.write_atomically(args.json, grade.as_json(reports))
    if args.markdown:
        grade.write_atomically(args.markdown, grade.as_markdown(reports))
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__)
    parser.add_argument("--version", action="version", version=f"course_lib {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    animate = commands.add_parser("animate", help="export an optimizer race as an animated GIF")
    animate.add_argument("--function", default="rosenbrock", choices=sorted(functions.LANDSCAPES))
    animate.add_argument("--optimizers", default="sgd,momentum,adam",
                         help=f"comma-separated, from: {', '.join(presets.PRESETS)}")
    animate.add_argument("--out", default="race.gif")
    animate.add_argument("--steps", type=int, default=200)
    animate.add_argument("--frames", type=int, default=60)
    animate.add_argument("--fps", type=int, default=15)
    animate.add_argument("--start", help="start point 'x,y' (default: the landscape's start)")
    animate.add_argument("--small", action="store_true", help="normal fonts instead of the big talk style")
    animate.set_defaults(run=_animate)
    doctor = commands.add_parser("doctor", help="check the environment and print what to fix")
    doctor.set_defaults(run=_doctor)
    release = commands.add_parser("release", help="regenerate exercises/ from solutions/")
    release.add_argument("--check", action="store_true", help="only verify that exercises/ is current")
    release.add_argument("--student-bundle", metavar="DIR", help="write a copy of the course without solutions/")
    release.set_defaults(run=_release)
    grade_parser = commands.add_parser("grade", help="grade exercise notebooks against the templates")
    grade_parser.add_argument("submissions", nargs="+")
    grade_parser.add_argument("--templates", default=str(EXERCISES), help="folder of exercise templates")
    grade_parser.add_argument("--workers", type=_positive(int), default=2,
                              help="submissions graded at the same time (default 2)")
    grade_parser.add_argument("--timeout", type=_positive(float), default=60.0, help="seconds per cell (default 60)")
    grade_parser.add_argument("--json", help="write a JSON report here")
    grade_parser.add_argument("--markdown", help="write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY)")
    grade_parser.add_argument("--quiet", action="store_true", help="no progress bar")
    grade_parser.set_defaults(run=_grade)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
