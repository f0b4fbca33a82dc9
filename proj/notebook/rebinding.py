"""Names that a notebook imports or defines, then rebinds to a value.

Notebooks often reuse a name for what they computed from it::

    from bokeh.sampledata import iris
    iris = iris.flowers          # the module's data frame from here on

    def points(n): ...
    blues = points(300)
    points = hv.Points(...)      # a value from here on

In a generated pipeline the import (or function) lives at the module level of
``nodes.py`` while the value flows between nodes as a dataset, so one name cannot be
both. :func:`rename_rebound_definitions` gives the definition a new name (``iris_module``,
``points_function``, ``X_class``) in its own statement and in every read of it up to the
rebinding assignment (its right-hand side included), and leaves the value the name the
notebook uses, so datasets keep their names. The notebook's behaviour is unchanged: every
renamed read happens, top to bottom, before the name is rebound.

It renames only when that is certainly faithful, and otherwise leaves the notebook as it
is (the dataflow then reports the name as both a definition and a value):

* every definition of the name comes before its first value, at the top level of a
  cell (``import x`` of a dotted module, ``import a.b``, binds ``a`` and is left alone);
* the first value is a plain assignment (``x = ...``, ``x: T = ...``, or ``x`` in a
  tuple of targets);
* no function, lambda or class body defined up to the rebinding reads the name (such a
  read happens when the function is called, possibly after the rebinding), none
  assigns it through ``global``, and no comprehension before the rebinding binds it;
* the lines touched hold no IPython syntax (they are the cell's text unchanged).
"""

from __future__ import annotations

import ast
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proj.notebook.reading import Notebook
    from proj.notebook.statements import CellAnalysis, Statement

_DEFINITIONS = frozenset({"import", "def", "class", "lambda"})
_SUFFIX = {"import": "module", "def": "function", "lambda": "function", "class": "class"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass(frozen=True)
class _Edit:
    cell: int
    line: int  # 1-based, in the cell
    start: int  # UTF-8 byte offsets in that line, as ast gives them
    end: int
    text: str
    old: str  # what the span must hold (checked: f-string positions can be off in 3.11)


@dataclass(frozen=True)
class _Site:
    analysis: CellAnalysis
    index: int  # of the statement in its cell

    @property
    def statement(self) -> Statement:
        return self.analysis.statements[self.index]

    @property
    def where(self) -> str:
        return f"cell {self.analysis.cell.number}, line {self.statement.node.lineno}"


def rename_rebound_definitions(
    notebook: Notebook, analyses: dict[int, CellAnalysis]
) -> tuple[Notebook, list[str]]:
    """Rename definitions the notebook later rebinds to a value (see the module docstring).

    Args:
        notebook: The notebook.
        analyses: Cell number -> analysis, for every code cell.

    Returns:
        The notebook with those definitions renamed (the same object when nothing is),
        and a warning for each renamed name, naming both places.
    """
    sites = [
        _Site(analysis, index)
        for cell in notebook.code_cells
        if (analysis := analyses[cell.number]).error is None
        for index in range(len(analysis.statements))
    ]
    bound: dict[str, list[int]] = {}
    for position, site in enumerate(sites):
        for name in site.statement.binds:
            bound.setdefault(name, []).append(position)
    taken = set(bound)
    for site in sites:
        taken.update(event.name for event in site.statement.events)
        taken.update(site.statement.deferred)
    edits: list[_Edit] = []
    warnings: list[str] = []
    for name, positions in bound.items():
        planned = _plan(name, positions, sites, taken, analyses)
        if planned is None:
            continue
        new_name, noun, name_edits, first, value = planned
        taken.add(new_name)
        edits += name_edits
        what = "imported" if noun == "module" else "defined"
        warnings.append(
            f"{first.where}: '{name}' is {what} here and becomes a value at {value.where}; "
            f"the generated code names the {noun} '{new_name}' up to there"
        )
    if not edits:
        return notebook, []
    return _apply(notebook, edits), warnings


def _plan(
    name: str,
    positions: list[int],
    sites: list[_Site],
    taken: set[str],
    analyses: dict[int, CellAnalysis],
) -> tuple[str, str, list[_Edit], _Site, _Site] | None:
    def is_definition(site: _Site) -> bool:
        statement = site.statement
        return statement.kind in _DEFINITIONS and name not in statement.block_imports

    positions = [p for p in positions if not sites[p].statement.kernel_setup]
    values = [p for p in positions if not is_definition(sites[p])]
    definitions = [p for p in positions if is_definition(sites[p])]
    if not values or not definitions or max(definitions) > values[0]:
        return None
    # A function body defined after the first value can only run after it: it reads
    # the value, as in the pipeline. One defined before may run on either side.
    if any(name in s.statement.deferred for s in sites[: values[0] + 1]):
        return None
    if any(name in s.statement.global_writes for s in sites):
        return None
    first, value = sites[definitions[0]], sites[values[0]]
    kinds = {sites[p].statement.kind for p in definitions}
    suffix = _SUFFIX["import" if "import" in kinds else min(kinds)]
    new_name = f"{name}_{suffix}"
    number = 2
    while new_name in taken:
        new_name, number = f"{name}_{suffix}_{number}", number + 1
    edits: list[_Edit] = []
    definition_set = set(definitions)
    for position in range(definitions[0], values[0] + 1):
        site = sites[position]
        if position in definition_set:
            found = _definition_edits(site, name, new_name)
        elif position == values[0]:
            found = _value_edits(site, name, new_name)
        else:
            found = _statement_reads(site, name, new_name)
        if found is None:
            return None
        edits += found
    if not _unchanged_lines(edits, analyses):
        return None
    return new_name, suffix, edits, first, value


def _definition_edits(site: _Site, name: str, new_name: str) -> list[_Edit] | None:
    node = site.statement.node
    if isinstance(node, ast.Import | ast.ImportFrom):
        return _import_edits(site.analysis.cell.number, node, name, new_name)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return _def_edits(site, node, name, new_name)
    if isinstance(node, ast.Assign) and site.statement.kind == "lambda":
        targets = [t for t in node.targets if isinstance(t, ast.Name) and t.id == name]
        if len(node.targets) == 1 and targets:
            return [_edit(site.analysis.cell.number, targets[0], new_name, name)]
    return None


def _import_edits(
    cell: int, node: ast.Import | ast.ImportFrom, name: str, new_name: str
) -> list[_Edit] | None:
    edits = []
    for alias in node.names:
        if (alias.asname or alias.name) == name:
            old = alias.name if alias.asname is None else f"{alias.name} as {name}"
            edits.append(_edit(cell, alias, f"{alias.name} as {new_name}", old))
        elif alias.asname is None and alias.name.split(".")[0] == name:
            return None  # `import a.b` binds `a`: it cannot be renamed alone
    return edits or None


def _def_edits(
    site: _Site,
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
    name: str,
    new_name: str,
) -> list[_Edit] | None:
    line = site.analysis.lines[node.lineno - 1].encode()
    keyword = b"class" if isinstance(node, ast.ClassDef) else b"def"
    start = line.find(keyword, node.col_offset)
    start = line.find(name.encode(), start + len(keyword)) if start >= 0 else -1
    found = _statement_reads(site, name, new_name)
    if node.name != name or start < 0 or found is None:
        return None
    cell = site.analysis.cell.number
    end = start + len(name.encode())
    return [_Edit(cell, node.lineno, start, end, new_name, name), *found]


def _statement_reads(site: _Site, name: str, new_name: str) -> list[_Edit] | None:
    """Rename the reads of ``name`` a top-level statement makes when it runs."""
    node = site.statement.node
    if isinstance(node, ast.ClassDef):
        # A class body runs now, in a scope of its own: leave any use of the name alone.
        if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)):
            return None
        return []
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        # Decorators and defaults run now; the body later (`deferred` holds no read).
        arguments = node.args
        parts: list[ast.AST] = [*node.decorator_list, *arguments.defaults]
        parts += [d for d in arguments.kw_defaults if d is not None]
        edits: list[_Edit] = []
        for part in parts:
            found = _read_edits(site, part, name, new_name)
            if found is None:
                return None
            edits += found
        return edits
    return _read_edits(site, node, name, new_name)


def _value_edits(site: _Site, name: str, new_name: str) -> list[_Edit] | None:
    node = site.statement.node
    if isinstance(node, ast.Assign):
        targets: list[ast.expr] = list(node.targets)
        evaluated: ast.expr = node.value
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, evaluated = [node.target], node.value
    else:
        return None
    plain = [
        element
        for target in targets
        for element in (target.elts if isinstance(target, ast.Tuple | ast.List) else [target])
    ]
    if not any(isinstance(t, ast.Name) and t.id == name for t in plain):
        return None
    # The value is evaluated before any target is bound; targets such as `x[i] = ...`
    # or `x.a = ...` next to `x` would read it around the binding: leave those alone.
    for target in targets:
        for inner in ast.walk(target):
            if isinstance(inner, ast.Name) and inner.id == name and inner not in plain:
                return None
    return _read_edits(site, evaluated, name, new_name)


def _read_edits(site: _Site, root: ast.AST, name: str, new_name: str) -> list[_Edit] | None:
    """Rename every read of ``name`` evaluated now in ``root``; None where that is unsure."""
    cell = site.analysis.cell.number
    edits: list[_Edit] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            # Its defaults are evaluated now, its body later (`deferred` holds no read).
            stack.extend(node.args.defaults)
            stack.extend(d for d in node.args.kw_defaults if d is not None)
            continue
        if isinstance(node, _SCOPES):
            return None  # a def or class inside a block: leave it to the dataflow
        if isinstance(node, ast.GeneratorExp) and any(
            isinstance(n, ast.Name) and n.id == name for n in ast.walk(node)
        ):
            return None  # evaluated lazily, perhaps after the name is rebound
        if isinstance(node, _COMPREHENSIONS) and any(
            isinstance(t, ast.Name) and t.id == name
            for generator in node.generators
            for t in ast.walk(generator.target)
        ):
            return None
        if isinstance(node, ast.Name) and node.id == name:
            if not isinstance(node.ctx, ast.Load):
                return None  # bound or deleted before its first value: not this pattern
            edits.append(_edit(cell, node, new_name, name))
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return None
        stack.extend(ast.iter_child_nodes(node))
    return edits


def _edit(cell: int, node: ast.AST, text: str, old: str) -> _Edit:
    start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
    if node.end_lineno != node.lineno:  # type: ignore[attr-defined]
        start = end = -1  # an alias split over lines: not worth rewriting, left alone
    return _Edit(cell, node.lineno, start, end, text, old)  # type: ignore[attr-defined]


def _unchanged_lines(edits: list[_Edit], analyses: dict[int, CellAnalysis]) -> bool:
    """Every edited line is the cell's own text (no IPython syntax blanked in it), and
    every span holds what the edit expects there."""
    for edit in edits:
        analysis = analyses[edit.cell]
        source = analysis.cell.source.split("\n")
        if edit.start < 0 or edit.line > len(source):
            return False
        line = source[edit.line - 1]
        if line != analysis.lines[edit.line - 1]:
            return False
        if line.encode()[edit.start : edit.end].decode(errors="replace") != edit.old:
            return False
    return True


def _apply(notebook: Notebook, edits: list[_Edit]) -> Notebook:
    by_cell: dict[int, list[_Edit]] = {}
    for edit in edits:
        by_cell.setdefault(edit.cell, []).append(edit)
    cells = []
    for cell in notebook.cells:
        if cell.number not in by_cell:
            cells.append(cell)
            continue
        lines = cell.source.split("\n")
        encoded = [line.encode() for line in lines]
        # From the end of each line backwards, so earlier offsets stay valid.
        for edit in sorted(by_cell[cell.number], key=lambda e: (e.line, e.start), reverse=True):
            line = encoded[edit.line - 1]
            encoded[edit.line - 1] = line[: edit.start] + edit.text.encode() + line[edit.end :]
        cells.append(dataclasses.replace(cell, source="\n".join(b.decode() for b in encoded)))
    return dataclasses.replace(notebook, cells=tuple(cells))
