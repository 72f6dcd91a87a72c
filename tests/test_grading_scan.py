"""The grader's static scan: each rule its module states, on one small answer each."""

from __future__ import annotations

import pytest

from course_lib.grading.scan import neutralise_markers, problems, unparsable

CLEAN = "import numpy as np\n\ndef gd_step(theta, grad, lr):\n    return np.asarray(theta) - lr * grad"


@pytest.mark.parametrize("source, reason", [
    ("import course_lib.optim", "imports course_lib.optim"),
    ("from solutions import gd_step", "imports solutions"),
    ("import builtins", "imports builtins"),
    ("setattr(object, 'x', 1)", "calls setattr()"),
    ("get_ipython().run_cell('1')", "calls get_ipython()"),
    ("print(vars())", "calls vars()"),
    ("open('answers.txt').read()", "calls open()"),
    ("checks = __builtins__", "uses __builtins__"),
    ("import sys\nloaded = sys.modules", "uses sys.modules"),
    ("import numpy as np\nnp.allclose = lambda *a, **k: True", "modifies np.allclose (monkeypatching a module)"),
    ("import math\nmath.pi += 1", "modifies math.pi (monkeypatching a module)"),
])
def test_each_rule_flags_its_trick(source, reason):
    found = problems(source)
    assert any(text.startswith(reason) for text in found), found


def test_an_ordinary_answer_is_not_flagged():
    assert problems(CLEAN) == []


def test_nbval_markers_in_answers_are_made_inert():
    source = neutralise_markers("x = 1  # NBVAL_IGNORE_OUTPUT\ny = 2  # PYTEST_VALIDATE_IGNORE_OUTPUT")
    assert "NBVAL_" not in source and "PYTEST_VALIDATE_IGNORE_OUTPUT" not in source
    assert source.startswith("x = 1  # ")


@pytest.mark.parametrize("source, reason", [
    ("def gd_step(:", "syntax error on line 1"),
    ("x = " + "+".join(["1"] * 10_000), "Python cannot read this answer (RecursionError"),  # ast.parse recurses
    ("x = " + "-" * 10_000 + "1", "Python cannot read this answer (MemoryError"),
    ("x = 1\0", ""),  # a null byte: ValueError or SyntaxError, depending on the Python version
    ("#" * 50_001, "the answer cell is too long"),
])
def test_an_answer_that_cannot_run_is_an_error_not_tampering(source, reason):
    found = unparsable(source)
    assert found and found.startswith(reason), found
    assert problems(source) == []  # a syntax error is not flagged as tampering, and never raises


def test_an_ordinary_answer_can_run():
    assert unparsable(CLEAN) == ""
