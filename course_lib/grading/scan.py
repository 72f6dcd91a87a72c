"""Static checks of a submission's answer cells, before anything runs.

Grading never trusts a submission, but the common tricks are cheap to spot: importing the
reference implementation or the solutions, reaching into the interpreter (builtins, ``setattr``,
``get_ipython``, ``sys.modules``, ``vars``) or assigning to attributes of imported modules
(monkeypatching a check helper). nbval markers in answer cells are neutralised.
"""

from __future__ import annotations

import ast
import re

FORBIDDEN_MODULES = ("course_lib", "solutions", "builtins", "importlib", "ctypes", "gc", "inspect", "nbval", "pytest")
FORBIDDEN_CALLS = ("setattr", "delattr", "exec", "eval", "compile", "open", "__import__", "globals", "vars",
                   "get_ipython", "breakpoint")
FORBIDDEN_NAMES = ("__builtins__", "__import__", "solutions")  # sys.modules: a dotted name, checked below
NBVAL_MARKER = re.compile(r"NBVAL_[A-Z_]+|PYTEST_VALIDATE_IGNORE_OUTPUT")


def neutralise_markers(source: str) -> str:
    """Make nbval comment markers in student code inert."""
    return NBVAL_MARKER.sub("(nbval marker removed by the grader)", source)


def unparsable(source: str, max_chars: int = 50_000) -> str:
    """Why an answer cannot run at all (too long, a syntax error), or ``""``. Not tampering."""
    if len(source) > max_chars:
        return f"the answer cell is too long ({len(source)} characters; at most {max_chars})"
    try:
        ast.parse(source)
    except SyntaxError as error:
        return f"syntax error on line {error.lineno}: {error.msg}"
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        return f"Python cannot read this answer ({type(error).__name__}: nested too deeply, or a null byte?)"
    return ""


def problems(source: str) -> list[str]:
    """Reasons to refuse an answer cell as tampering (empty when it looks fine, or cannot be parsed:
    see :func:`unparsable`)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return []
    try:
        return _problems(tree, source)
    except (RecursionError, MemoryError):
        return ["nested too deeply for the grader to check"]


def _problems(tree, source: str) -> list[str]:
    found, module_aliases = [], set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                if name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"imports {name} (answers may not use the reference code, solutions or grader)")
            if isinstance(node, ast.Import):
                module_aliases |= {(a.asname or a.name).split(".")[0] for a in node.names}
            else:
                module_aliases |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"calls {node.func.id}()")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_CALLS:
            found.append(f"calls .{node.func.attr}()")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"uses {node.id}")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            base = target
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(target, (ast.Attribute, ast.Subscript)) and isinstance(base, ast.Name) \
                    and base.id in module_aliases | {"sys", "np", "numpy", "math"}:
                found.append(f"modifies {ast.unparse(target)} (monkeypatching a module)")
    if "sys.modules" in source:
        found.append("uses sys.modules")
    return sorted(set(found))
