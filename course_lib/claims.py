"""Claims checked in code: a lesson's sentence, followed by the measurement that backs it.

>>> claim("two steps of size 0.5 halve the error twice", abs(0.25 - 0.5**2) < 1e-12, error=0.25)
✓ two steps of size 0.5 halve the error twice — error = 0.25
>>> claim("the rate is below 0.5", 0.818 < 0.5, rate=0.8182, bound=0.5)
Traceback (most recent call last):
...
course_lib.claims.ClaimFailed: ✗ FALSE: the rate is below 0.5 — rate = 0.818, bound = 0.5

Numbers are printed at ``digits`` significant digits (3 by default), the precision that is
stable across CPUs, BLAS libraries and numpy versions for the rates and ratios the lessons
measure. The comparison itself is made on the full-precision values, so the stored output does
not need the fragile digits.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["ClaimFailed", "claim", "fmt"]


class ClaimFailed(AssertionError):
    """A lesson's claim did not hold for the measured numbers."""


def fmt(value, digits: int = 3) -> str:
    """``value`` as text that does not depend on the machine: floats at ``digits`` significant
    digits, integers and booleans exactly, arrays elementwise.

    >>> fmt(0.81818181), fmt(np.float64(1234567.0)), fmt(42), fmt([1e-12, 2.0])
    ('0.818', '1.23e+06', '42', '[1e-12, 2]')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.{digits}g}"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(fmt(item, digits) for item in np.asarray(value).ravel().tolist()) + "]"
    return str(value)


def claim(statement: str, condition, digits: int = 3, **measured) -> None:
    """Print ``statement`` with the ``measured`` numbers if ``condition`` holds, else raise.

    ``condition`` is the check of the statement on the measured numbers (a bool or a numpy bool);
    ``measured`` names the numbers a reader should see, printed by :func:`fmt`.
    """
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"condition must be a bool (the check of the statement), got {type(condition).__name__}")
    numbers_text = ", ".join(f"{name} = {fmt(value, digits)}" for name, value in measured.items())
    line = statement + (f" — {numbers_text}" if numbers_text else "")
    if not condition:
        raise ClaimFailed(f"✗ FALSE: {line}")
    print(f"✓ {line}")
