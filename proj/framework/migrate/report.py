"""What a migration found: the edits to one file, and what it could not port."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path  # noqa: TC003 - dataclass fields are read at run time


@dataclass(frozen=True)
class Unported:
    """Something of Kedro's that ``proj migrate`` left as it was.

    Attributes:
        path: The file.
        line: Its line (1-based), or 0 for the whole file.
        what: What was found, e.g. ``"import of kedro.framework.cli.utils.find_run_command"``.
        todo: What the person should do about it.
    """

    path: Path
    line: int
    what: str
    todo: str

    def where(self, root: Path) -> str:
        """``file:line`` relative to ``root``."""
        rel = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        return f"{rel}:{self.line}" if self.line else str(rel)


@dataclass
class FileEdit:
    """The new text of one file and a line per change made in it.

    Attributes:
        path: The file.
        old: Its text now.
        new: Its text after the migration.
        notes: One sentence per change, e.g. ``"line 3: kedro.pipeline -> proj.pipeline"``.
    """

    path: Path
    old: str
    new: str
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the text differs."""
        return self.old != self.new

    def diff(self, root: Path) -> str:
        """A unified diff of the change, paths relative to ``root``."""
        rel = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"a/{rel}",
            tofile=f"b/{rel}",
        )
        text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        return text
