"""Command line: ``python -m course_lib COMMAND ...`` (``--help`` lists the commands)."""

from __future__ import annotations

import argparse
import sys

from . import __version__, functions, presets


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
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
