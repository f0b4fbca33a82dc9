"""IPython syntax in code cells: turning a cell into plain Python with the same lines.

:func:`python_source` blanks, line for line (so line numbers keep pointing at the cell):

* line magics (``%matplotlib inline``), shell escapes (``!pip install x``), help
  (``obj?``, ``?obj``, ``obj??``) and magic assignments (``files = !ls``);
  a blanked line inside a block becomes ``pass`` when the block needs a body;
* ``%time STATEMENT`` (not ``%timeit``) keeps its statement, which IPython runs once in
  the notebook's namespace (``%time model = fit(X)`` binds ``model``);
* the first line of a cell magic whose body is Python (``%%time``, ``%%timeit``,
  ``%%capture``, ``%%prun``); any other cell magic (``%%bash``, ``%%sql``,
  ``%%writefile``, ...) makes the whole cell non-Python (``skipped``).

A line counts as IPython syntax only where a new Python statement could start: a small
scanner follows strings (single, double and triple quoted), brackets and backslash
continuations, so ``%`` or ``!`` at the start of a line inside a string or a bracketed
expression (``(a\\n % b)``) is left alone, and a ``?`` is help only outside strings and
comments (Python itself never uses ``?``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proj.notebook.reading import Cell

#: Cell magics whose body is ordinary Python code.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
_TIMED = re.compile(r"^(\s*)%time\s+(\S.*)$")
_MAGIC_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_][\w\s,.\[\]()]*=\s*[!%]")


@dataclass(frozen=True)
class PythonSource:
    """A code cell as plain Python (see :func:`python_source`).

    Attributes:
        text: The cell's source with IPython syntax blanked; same line numbers.
        skipped: Why the whole cell is not Python (e.g. ``"a %%bash cell"``), or None.
        magic_lines: ``(line, text)`` of every line that was blanked.
        magic_assignments: ``(line, text)`` of blanked lines that assigned a name.
    """

    text: str
    skipped: str | None = None
    magic_lines: tuple[tuple[int, str], ...] = ()
    magic_assignments: tuple[tuple[int, str], ...] = ()


@dataclass
class _Scanner:
    """Where the text seen so far leaves off: open string, bracket depth, ``\\`` at the end."""

    quote: str = ""
    depth: int = 0
    continued: bool = False

    @property
    def between_statements(self) -> bool:
        return not self.quote and not self.depth and not self.continued

    def copy(self) -> _Scanner:
        return _Scanner(self.quote, self.depth, self.continued)

    def feed(self, line: str) -> bool:
        """Advance over one line; return whether it holds ``?`` outside strings/comments."""
        question = False
        self.continued = False
        index, size = 0, len(line)
        while index < size:
            char = line[index]
            if self.quote:
                if char == "\\":
                    index += 2
                elif line.startswith(self.quote, index):
                    index += len(self.quote)
                    self.quote = ""
                else:
                    index += 1
                continue
            if char == "#":
                break
            if char in "'\"":
                self.quote = (
                    line[index : index + 3] if line[index : index + 3] in ('"""', "'''") else char
                )
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            elif char == "?":
                question = True
            index += 1
        self.continued = line.endswith("\\") and not line.endswith("\\\\")
        if len(self.quote) == 1 and not self.continued:
            self.quote = ""  # an unterminated one-line string: a syntax error later
        return question


def python_source(cell: Cell) -> PythonSource:
    """Turn a code cell into plain Python with the same line numbers.

    Args:
        cell: A code cell.

    Returns:
        The cell as Python (see the module docstring for what is blanked or skipped).
    """
    lines = cell.source.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    already: tuple[tuple[int, str], ...] = ()
    if first is not None and lines[first].lstrip().startswith("%%"):
        words = lines[first].strip()[2:].split(maxsplit=1)
        name = words[0] if words else ""
        if name not in PYTHON_BODY_CELL_MAGICS:
            return PythonSource(text="", skipped=f"a %%{name} cell")
        already = ((first + 1, lines[first]),)
        lines = [*lines]
        lines[first] = ""
    scanner = _Scanner()
    magic: list[tuple[int, str]] = list(already)
    assignments: list[tuple[int, str]] = []
    out: list[str] = []
    indented: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if scanner.between_statements:
            stripped = line.strip()
            trial = scanner.copy()
            help_line = trial.feed(line)
            timed = _TIMED.match(line)
            if timed and not help_line:
                # `%time x = f()` runs (and binds) like `x = f()`: keep the statement.
                out.append(timed.group(1) + timed.group(2))
                scanner = _Scanner()
                scanner.feed(timed.group(2))
                continue
            if (stripped and stripped[0] in "%!?") or help_line or _MAGIC_ASSIGNMENT.match(line):
                magic.append((number, line))
                if _MAGIC_ASSIGNMENT.match(line):
                    assignments.append((number, line))
                indent = line[: len(line) - len(line.lstrip())]
                if indent:
                    indented.append((len(out), indent))
                out.append("")
                continue
            scanner = trial
        else:
            scanner.feed(line)
        out.append(line)
    if indented:
        out = _fill_blocks(out, indented)
    return PythonSource(
        text="\n".join(out),
        magic_lines=tuple(magic),
        magic_assignments=tuple(assignments),
    )


def _fill_blocks(out: list[str], indented: list[tuple[int, str]]) -> list[str]:
    """Put ``pass`` where an indented magic was blanked, when that is what makes the
    cell parse (``if fast:`` followed only by ``!pip install x`` needs a body)."""
    import ast

    filled = [*out]
    for index, indent in indented:
        filled[index] = f"{indent}pass"
    try:
        ast.parse("\n".join(filled))
    except SyntaxError:
        return out
    return filled
