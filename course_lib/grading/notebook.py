"""Cell roles in exercise notebooks, and the solution -> stub transformation.

A cell's role lives in its metadata, ``{"grading": {"kind": "answer" | "check", "task": "task-1",
"points": 1}}``, mirrored in its tags (``answer`` / ``check``) so it is visible in JupyterLab.
In a solution, an answer cell holds its solution between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (the text after ``BEGIN SOLUTION`` is the hint the stub will show).
"""

from __future__ import annotations

import re

import nbformat

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION(?P<hint>.*)$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")


def role(cell) -> dict:
    """The cell's grading metadata (empty for ordinary cells)."""
    return dict(cell.get("metadata", {}).get("grading", {}))


def is_answer(cell) -> bool:
    return role(cell).get("kind") == "answer"


def is_check(cell) -> bool:
    return role(cell).get("kind") == "check"


def tasks(nb) -> dict:
    """``{task: points}`` in notebook order, from the check cells."""
    found = {}
    for cell in nb.cells:
        if is_check(cell):
            info = role(cell)
            found[info["task"]] = found.get(info["task"], 0) + int(info.get("points", 1))
    return found


def stub_source(source: str) -> str:
    """Replace every solution region by ``raise NotImplementedError(hint)`` at its indentation."""
    out, inside = [], False
    for line in source.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise ValueError("nested ### BEGIN SOLUTION")
            inside = True
            indent, hint = begin["indent"], begin["hint"].strip(" :-") or "write your solution here"
            out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError({hint!r})"]
        elif END.match(line):
            if not inside:
                raise ValueError("### END SOLUTION without ### BEGIN SOLUTION")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("### BEGIN SOLUTION without ### END SOLUTION")
    return "\n".join(out)


def parse(data, name="notebook") -> nbformat.NotebookNode:
    """Parse and validate notebook text or bytes (nbformat 4); raises ValueError with a clear message."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # bad JSON or encoding, too deep, wrong version, schema errors
        detail = str(error).splitlines()[0][:200] if str(error) else ""
        raise ValueError(f"{name}: not a valid Jupyter notebook ({type(error).__name__}: {detail})") from None
    return nb


def read(path) -> nbformat.NotebookNode:
    """Read and validate a notebook file (nbformat 4); raises ValueError with a clear message."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise ValueError(f"{path}: cannot be read ({error.strerror})") from None
    return parse(data, path)
