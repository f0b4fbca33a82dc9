"""Writing what ``proj viz build`` and ``proj viz export`` produce: atomically, and never
over a file that proj did not write unless asked to.

Every file proj writes here carries :data:`MARKER` near its start (the snapshot's
``"schema"`` value, a comment in Mermaid and DOT, a ``<meta name="generator">`` in the
page). Writing replaces an existing file only when it is empty or carries the marker, so
re-exporting or rebuilding is quiet while a hand-written ``docs/pipeline.mmd`` or
``index.html`` is kept unless ``force`` says otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proj.exceptions import VizError
from proj.framework.files import write_text_atomic
from proj.viz.snapshot import SCHEMA

if TYPE_CHECKING:
    from pathlib import Path

#: Found near the start of every file that proj viz writes (the snapshot schema's name).
MARKER = SCHEMA

#: How much of an existing file is read to look for :data:`MARKER`, in characters.
_HEAD = 4096


def written_by_proj(path: Path) -> bool:
    """Whether an existing file may be replaced: it is empty or carries :data:`MARKER`.

    Args:
        path: An existing file.

    Returns:
        True for an empty file or one written by ``proj viz``; False otherwise, and for
        anything that cannot be read as text.
    """
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            head = file.read(_HEAD)
    except OSError:
        return False
    return not head.strip() or MARKER in head


def write_output(path: Path, text: str, *, force: bool = False, option: str = "--output") -> None:
    """Write UTF-8 text to ``path`` atomically (temporary file, then :func:`os.replace`).

    Args:
        path: The target; missing parent folders are created.
        text: The content; it must contain :data:`MARKER` so the next write may replace it.
        force: Replace the file even when proj did not write it.
        option: The command-line option that chose ``path``, named in error hints.

    Raises:
        VizError: ``path`` is a folder, is a file proj did not write (without
            ``force``), or cannot be written; the old file is then left as it was.
    """
    if path.is_dir():
        raise VizError(f"Cannot write {path}: it is a folder.", hint=f"Give a file to {option}.")
    if path.exists() and not force and not written_by_proj(path):
        raise VizError(
            f"Refusing to overwrite {path}: proj viz did not write it.",
            hint=f"Pass --force to replace it, or choose another {option}.",
        )
    try:
        write_text_atomic(path, text)
    except OSError as exc:
        raise VizError(
            f"Cannot write {path}: {exc.strerror or exc}.", hint=f"Choose another {option}."
        ) from exc
