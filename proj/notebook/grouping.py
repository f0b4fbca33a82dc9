"""Which cells become which node of a converted pipeline, and what each node is called.

The rule (``split="headings"``, the default):

* A Markdown cell with a heading (``#`` to ``######``, any level) closes the current
  group; the code cells after it, up to the next heading, form one node named after
  that heading (``## Load the data`` -> ``load_the_data``).
* Code cells before the first heading each form their own node, named ``cell_<n>``
  (``n``: the cell's number in the notebook, counting every cell from 1). A notebook
  without headings therefore gives one node per code cell.

With ``split="cells"`` every code cell is its own node, named after the heading above it
(the first cell under a heading) or ``cell_<n>``.

Cell tags override the rule:

* ``skip``: the cell is left out (setup that only the notebook needs, scratch work).
* ``node:NAME``: the cell starts a node called ``NAME`` (a Python identifier); the
  untagged code cells after it join that node until the next heading or tag.
  Consecutive cells tagged with the same name form one node; the same name on cells
  that are not consecutive is an error.
* ``node``: the cell starts a new node (named by the rule above).

Cell magics that are not Python (``%%bash``, ...) are left out as if tagged ``skip``.
Names are made unique by adding ``_2``, ``_3``, ...
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from proj.exceptions import NotebookError
from proj.notebook.reading import heading_of

if TYPE_CHECKING:
    from proj.notebook.reading import Notebook
    from proj.notebook.statements import CellAnalysis

SKIP_TAG = "skip"
NODE_TAG = "node"
Split = Literal["headings", "cells"]
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Group:
    """Cells that become one node.

    Attributes:
        name: The node's (and its function's) name.
        cells: The code cells, analysed, in notebook order.
        heading: The Markdown heading the group sits under, if any.
    """

    name: str
    cells: list[CellAnalysis] = field(default_factory=list)
    heading: str | None = None

    def describe(self) -> str:
        """``"Cell 4"`` or ``"Cells 4, 5 and 7"``, plus the heading when there is one."""
        numbers = [str(a.cell.number) for a in self.cells]
        if len(numbers) == 1:
            text = f"Cell {numbers[0]}"
        else:
            text = f"Cells {', '.join(numbers[:-1])} and {numbers[-1]}"
        if self.heading:
            return f"{text}, under the heading {self.heading!r}"
        return text


def slug(text: str) -> str:
    """A Python identifier from free text: ``"1. Load the données"`` -> ``"load_the_donnees"``.

    Args:
        text: A heading or any label.

    Returns:
        Lower-case ASCII letters, digits and underscores, not starting with a digit
        (``step_`` is put in front), not a keyword (``_`` appended); may be empty.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    words = re.sub(r"^[0-9_]+(?=[a-z])", "", words)
    if words and words[0].isdigit():
        words = f"step_{words}"
    if keyword.iskeyword(words):
        words += "_"
    return words


def node_tag(tags: tuple[str, ...]) -> str | None:
    """The node name a cell's tags ask for: ``"NAME"`` for ``node:NAME``, ``""`` for a
    bare ``node`` tag, None when there is no such tag."""
    for tag in tags:
        if tag.startswith(f"{NODE_TAG}:"):
            return tag.split(":", 1)[1].strip()
    return "" if NODE_TAG in tags else None


def group_cells(
    notebook: Notebook, analyses: dict[int, CellAnalysis], split: Split = "headings"
) -> tuple[list[Group], list[int]]:
    """Group a notebook's code cells into nodes (see the module docstring).

    Args:
        notebook: The notebook.
        analyses: Cell number -> analysis, for every code cell.
        split: ``"headings"`` or ``"cells"``.

    Returns:
        ``(groups, skipped)``: the groups in notebook order with unique names, and the
        numbers of the code cells left out.

    Raises:
        NotebookError: A ``node:NAME`` tag names something that is not an identifier,
            or the same name tags cells that are not consecutive.
    """
    if split not in ("headings", "cells"):
        raise NotebookError(f"Unknown split rule {split!r}.", hint="Use 'headings' or 'cells'.")
    groups: list[Group] = []
    skipped: list[int] = []
    current: Group | None = None
    heading: str | None = None
    fresh_heading = False
    explicit: dict[str, Group] = {}
    for cell in notebook.cells:
        found = heading_of(cell)
        if found is not None:
            heading, fresh_heading = found, True
            current = None
            continue
        if cell.cell_type != "code":
            continue
        analysis = analyses[cell.number]
        if SKIP_TAG in cell.tags or analysis.python.skipped:
            skipped.append(cell.number)
            continue
        requested = node_tag(cell.tags)
        if requested:
            if not _IDENTIFIER.fullmatch(requested) or keyword.iskeyword(requested):
                raise NotebookError(
                    f"{notebook.name}: cell {cell.number} is tagged 'node:{requested}', "
                    "which is not a valid Python name.",
                    hint="Use letters, digits and underscores, e.g. 'node:clean_data'.",
                )
            if current is not None and current is explicit.get(requested):
                current.cells.append(analysis)
                continue
            if requested in explicit:
                first = explicit[requested].cells[0].cell.number
                raise NotebookError(
                    f"{notebook.name}: cells {first} and {cell.number} are both tagged "
                    f"'node:{requested}' but are not consecutive.",
                    hint="Give each node its own name, or move the cells together.",
                )
        if current is None or split == "cells" or requested is not None or heading is None:
            automatic = slug(heading) if fresh_heading and heading else ""
            current = Group(name=requested or automatic or f"cell_{cell.number}", heading=heading)
            fresh_heading = False
            if requested:
                explicit[requested] = current
            groups.append(current)
        assert current is not None
        current.cells.append(analysis)
    _unique_names(groups, set(explicit))
    return groups, skipped


def _unique_names(groups: list[Group], fixed: set[str]) -> None:
    """Suffix automatic names (``_2``, ``_3``, ...) so that no two groups share one."""
    used = set(fixed)
    for group in groups:
        if group.name in fixed:
            continue
        candidate, number = group.name, 2
        while candidate in used:
            candidate = f"{group.name}_{number}"
            number += 1
        group.name = candidate
        used.add(candidate)
