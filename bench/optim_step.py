"""Median time of one optimizer step on 10^6 float64 parameters: course_lib next to torch.optim.

    python bench/optim_step.py [--size 1000000] [--repeats 30]

torch runs with foreach=False (the plain per-tensor loop) when it is installed; it is not a
course requirement, so without it only course_lib's times are printed. Goal: ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from course_lib import optim

CASES = {
    "Adam": ({"lr": 1e-3}, "Adam"),
    "SGD-momentum": ({"lr": 1e-3, "momentum": 0.9}, "SGD"),
}


def median_ms(step, repeats: int) -> float:
    step()  # warm-up: first-step buffers, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def time_course_lib(name: str, kwargs: dict, x: np.ndarray, grad: np.ndarray, repeats: int) -> float:
    opt = getattr(optim, CASES[name][1])(**kwargs)
    box = {"x": x.copy(), "state": opt.init(x)}

    def step():
        box["x"], box["state"] = opt.update(box["x"], grad, box["state"])

    return median_ms(step, repeats)


def time_torch(name: str, kwargs: dict, x: np.ndarray, grad: np.ndarray, repeats: int) -> float:
    import torch

    param = torch.nn.Parameter(torch.from_numpy(x.copy()))
    param.grad = torch.from_numpy(grad.copy())
    opt = getattr(torch.optim, CASES[name][1])([param], **kwargs, foreach=False)
    return median_ms(opt.step, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**6)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, grad = rng.normal(size=args.size), rng.normal(size=args.size)
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
    print(f"{args.size:,} float64 parameters, median of {args.repeats} steps")
    for name, (kwargs, _) in CASES.items():
        ours = time_course_lib(name, kwargs, x, grad, args.repeats)
        if have_torch:
            theirs = time_torch(name, kwargs, x, grad, args.repeats)
            print(f"{name:13s} course_lib {ours:7.2f} ms   torch {theirs:7.2f} ms   ratio {ours / theirs:.2f}")
        else:
            print(f"{name:13s} course_lib {ours:7.2f} ms   (torch not installed: no comparison)")


if __name__ == "__main__":
    main()
