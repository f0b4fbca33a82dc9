"""Notebook-relative paths in converted code, rewritten relative to the project root.

A notebook runs with its own folder as working folder (``notebooks/``), so it reads
``pd.read_csv("../data/01_raw/sales.csv")``; a pipeline runs from the project root, where
that path points elsewhere. :func:`rewrite_paths` finds every plain string literal of the
generated code whose value is a relative path (it has a ``/`` or a file suffix) that
exists relative to the notebook's folder, and rewrites it relative to the project root
(``"data/01_raw/sales.csv"``), keeping its quotes and prefix. Each rewrite is a note with
the cell and line. Nothing changes when the notebook sits in the project root.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_MAX_LENGTH = 260


def _looks_like_path(value: str) -> bool:
    if not value or len(value) > _MAX_LENGTH or "\n" in value or "\0" in value:
        return False
    if "://" in value or os.path.isabs(value) or value.startswith("~"):
        return False
    return "/" in value or "\\" in value or bool(PurePath(value).suffix)


def rewrite_paths(
    body: str, *, notebook_dir: Path, root: Path, where: Callable[[int], str]
) -> tuple[str, list[str]]:
    """Rewrite notebook-relative path literals of generated code (see the module docstring).

    Args:
        body: Python code (it must parse); line numbers as ``where`` expects them.
        notebook_dir: The notebook's folder.
        root: The project root.
        where: Describes a line of ``body`` for the notes, e.g. ``"cell 3, line 2"``.

    Returns:
        The new code and one note per rewritten literal.
    """
    notebook_dir, root = notebook_dir.resolve(), root.resolve()
    if notebook_dir == root:
        return body, []
    lines = body.split("\n")
    edits: list[tuple[int, int, int, str]] = []
    notes: list[tuple[int, int, str]] = []
    for node in ast.walk(ast.parse(body)):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            continue
        value = node.value
        if not _looks_like_path(value):
            continue
        line = lines[node.lineno - 1].encode("utf-8")
        segment = line[node.col_offset : node.end_col_offset].decode("utf-8")
        try:
            if ast.literal_eval(segment) != value:
                continue  # implicit concatenation, or inside an f-string
        except (ValueError, SyntaxError):
            continue
        prefix = segment[: len(segment) - len(segment.lstrip("rRuU"))]
        quote = segment[len(prefix)]
        if segment[len(prefix) : len(prefix) + 3] == quote * 3:
            continue
        target = notebook_dir / value
        if not target.exists():
            continue
        new = Path(os.path.relpath(target.resolve(), root)).as_posix()
        if new == value or quote in new or ("\\" in new and not prefix):
            continue
        literal = f"{prefix}{quote}{new}{quote}"
        edits.append((node.lineno, node.col_offset, node.end_col_offset, literal))
        notes.append(
            (
                node.lineno,
                node.col_offset,
                f"{where(node.lineno)}: the path {value!r} is relative to the notebook's "
                f"folder; the pipeline runs from the project root, so it reads {new!r}.",
            )
        )
    for number, start, end, text in sorted(edits, reverse=True):
        encoded = lines[number - 1].encode("utf-8")
        lines[number - 1] = (encoded[:start] + text.encode("utf-8") + encoded[end:]).decode("utf-8")
    return "\n".join(lines), [note for _, _, note in sorted(notes)]
