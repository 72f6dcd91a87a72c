"""Helpers for check cells: silent when right, a specific message when wrong.

A check cell ends with :func:`passed`, which prints one deterministic line. nbval compares that
line with the solution's, so a check that was skipped, silenced or crashed never matches.
"""

from __future__ import annotations

import numpy as np


def _show(value) -> str:
    """On one line; an array of more than 8 numbers shows its first and last 3 (per axis)."""
    return np.array2string(np.asarray(value, dtype=float), precision=6, suppress_small=True, separator=", ",
                           threshold=8, edgeitems=3, max_line_width=10**6).replace("\n", "")


def check_close(what: str, got, expected, hint: str = "", diagnoses=(), rtol: float = 1e-9, atol: float = 1e-12):
    """Raise ``AssertionError`` unless ``got`` equals ``expected`` (same shape, close values).

    ``diagnoses``: pairs ``(condition(got, expected) -> bool, message)``; the first whose
    condition holds replaces the generic hint (e.g. "bias correction missing?").
    """
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected an array of numbers, got {type(got).__name__}") from None
    expected = np.asarray(expected, dtype=float)
    same_shape = got_array.shape == expected.shape
    if same_shape and np.allclose(got_array, expected, rtol=rtol, atol=atol):
        return
    message = hint
    for condition, diagnosis in diagnoses:
        try:
            if condition(got_array, expected):
                message = diagnosis
                break
        except Exception:  # a diagnosis must never hide the failure itself
            continue
    if same_shape:
        detail = f"\nexpected {_show(expected)}\ngot {_show(got_array)}"
        if expected.size > 8:  # the summary may hide where they differ
            first = np.unravel_index(np.argmax(~np.isclose(got_array, expected, rtol=rtol, atol=atol)), expected.shape)
            index = first[0] if len(first) == 1 else tuple(int(i) for i in first)
            detail += f"\nfirst difference at index {index}: expected {expected[first]:.6g}, got {got_array[first]:.6g}"
    else:
        detail = f"\nexpected shape {expected.shape}\ngot shape {got_array.shape}"
    raise AssertionError(what + detail + (f"\nhint: {message}" if message else ""))


def plain(value, what: str = "your answer") -> np.ndarray:
    """``value`` copied into a new plain ``float64`` array (no subclass, nothing of the object kept).

    Check cells call it on an answer *before* they compute the expected value, so an answer
    object cannot look the expected value up while it is being converted.
    """
    try:
        return np.array(value, dtype=np.float64, copy=True, subok=False)
    except (TypeError, ValueError, OverflowError):
        raise AssertionError(f"{what}: expected an array of numbers, got {type(value).__name__}") from None


def ratio_is(factor: float, tolerance: float = 1e-3):
    """A diagnosis condition: ``got`` is ``factor`` times ``expected`` (e.g. 10x too small)."""
    def condition(got, expected):
        nonzero = np.abs(expected) > 1e-12
        return bool(np.any(nonzero)) and np.allclose(got[nonzero] / expected[nonzero], factor, rtol=tolerance)
    return condition


def passed(task: str, what: str) -> None:
    """The positive, deterministic last line of a check cell."""
    print(f"PASSED {task}: {what}")
