"""Notebook -> module: the cells tagged ``node`` and everything their definitions use.

The rule, in full:

* **Roots.** Every function, class, ``name = lambda ...`` and constant defined at the
  top level of a code cell whose tags contain ``node`` (a constant there: UPPER_CASE
  names, or a value that calls nothing). Other statements of tagged cells (calls,
  prints, exploratory code) are left out with a warning naming cell and line;
  untagged cells never contribute code of their own.
* **What comes along.** The names a root uses, when it is defined and when its body
  runs (annotations, decorators, default values and class bases included), are looked
  up among the top-level bindings of *all* code cells: imports, optional imports,
  functions, classes and constants. A *constant* is UPPER_CASE or a value that calls
  nothing, or any name bound once to a value built from literals, imports and other
  constants, calls included, whatever its case (``_SPACE = re.compile(...)``, see
  :func:`~proj.notebook.statements.notebook_constants`). An *optional import* is a
  ``try:`` holding only imports whose handlers catch ``ImportError``/
  ``ModuleNotFoundError`` and only import, assign literals (``plt = None``), ``pass``
  or print/warn a message (the exact rule: :mod:`proj.notebook.statements`); it comes
  along whole, like an import. What those use comes along too, recursively, each
  definition once.
* **Redefinitions.** A name bound several times resolves to its last binding in a
  tagged cell, or else to its last binding anywhere: the last definition wins.
* **Order.** ``from __future__`` imports, then the other imports in notebook order (one
  ``from m import a, b`` line per module), then the optional imports in notebook order
  (after the imports their messages may use, before the definitions that may use
  them), then definitions so that each comes after what it uses (depth-first from the
  roots in notebook order).
* **Never refused, but reported.** Only a syntax error in a tagged cell (after IPython
  syntax is neutralised) stops the conversion. A name a definition uses that the module
  cannot provide is a warning with cell and line, and the module is written: a notebook
  variable computed by ordinary code (``df = load()``: pass it as an argument), a name
  imported inside a block (``if fast: import ujson as json``), a name that may come
  from a star import, or a name defined nowhere. Tagged cells without any definition
  give a warning and no module.

Text is copied from the cells (comments included), IPython syntax removed, and the
result starts with the header of :mod:`proj.notebook.source`.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from proj.exceptions import NotebookError
from proj.notebook.reading import read_notebook
from proj.notebook.source import layout, with_header
from proj.notebook.statements import analyze_cell, notebook_constants

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Mapping
    from pathlib import Path

    from proj.notebook.reading import Notebook
    from proj.notebook.statements import CellAnalysis, Statement

NODE_TAG = "node"
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__name__", "__file__", "__doc__"}
_DEFINITION_KINDS = ("def", "class", "lambda")


@dataclass
class ModuleResult:
    """The module generated from a notebook.

    Attributes:
        notebook: The notebook read.
        source: The module's text, or None when no cell is tagged ``node``.
        tagged_cells: Numbers of the cells tagged ``node``.
        warnings: Things the user should know, each naming a cell and line.
        origins: For each line of ``source`` (index 0 = line 1), the ``(cell, line)``
            it was copied from, or None for generated lines.
    """

    notebook: Notebook
    source: str | None
    tagged_cells: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origins: list[tuple[int, int] | None] = field(default_factory=list)

    def where(self, line: int) -> str:
        """Describe a line of the generated module by its origin, e.g. ``"cell 4, line 2"``."""
        origin = self.origins[line - 1] if 0 < line <= len(self.origins) else None
        if origin is None:
            return f"line {line} of the generated module"
        return f"cell {origin[0]}, line {origin[1]}"


@dataclass(frozen=True)
class _Item:
    analysis: CellAnalysis
    index: int  # statement index in the cell

    @property
    def statement(self) -> Statement:
        return self.analysis.statements[self.index]

    @property
    def position(self) -> tuple[int, int]:
        return self.analysis.cell.number, self.index


def to_module(nb: Notebook | Mapping[str, Any] | str | Path, *, name: str | None = None) -> str:
    """Convert the cells tagged ``node`` of a notebook into the text of a Python module.

    Args:
        nb: A notebook: :class:`~proj.notebook.reading.Notebook`, a path, or parsed JSON.
        name: How the header names the notebook; default: the path as given.

    Returns:
        The module's source (UTF-8 text, ``\\n`` line ends), header first.

    Raises:
        NotebookError: The notebook cannot be read, no cell is tagged ``node``, or the
            tagged code cannot be converted (see :func:`convert_module`).
    """
    result = convert_module(nb, name=name)
    if result.source is None:
        raise NotebookError(
            f"{result.notebook.name} has no code cell tagged '{NODE_TAG}'; nothing to convert.",
            hint="Add the tag 'node' to the cells to convert (View > Cell Toolbar > Tags).",
        )
    return result.source


def convert_module(
    nb: Notebook | Mapping[str, Any] | str | Path, *, name: str | None = None
) -> ModuleResult:
    """Convert the cells tagged ``node`` into a module (see the module docstring).

    Args:
        nb: A notebook: :class:`~proj.notebook.reading.Notebook`, a path, or parsed JSON.
        name: How the header names the notebook; default: the path as given.

    Returns:
        The result; ``source`` is None (with a warning) when no cell is tagged.

    Raises:
        NotebookError: Unreadable notebook, non-Python kernel, a syntax error in a
            tagged cell (cell and line named), a definition using a computed notebook
            variable, or a name that may come from a star import.
    """
    notebook = read_notebook(nb, name=name)
    analyses = [analyze_cell(cell) for cell in notebook.code_cells]
    tagged = [a for a in analyses if NODE_TAG in a.cell.tags]
    result = ModuleResult(notebook, None, [a.cell.number for a in tagged])
    if not tagged:
        result.warnings.append(f"{notebook.name}: no code cell is tagged '{NODE_TAG}'.")
        return result
    _check_cells(notebook, analyses, result)
    builder = _Builder(notebook, analyses, tagged, result)
    builder.collect()
    if not builder.definitions:
        result.warnings.append(
            f"{notebook.name}: the cells tagged '{NODE_TAG}' define no function, class or "
            "constant; nothing to write."
        )
        return result
    result.source = builder.render()
    return result


def _check_cells(notebook: Notebook, analyses: list[CellAnalysis], result: ModuleResult) -> None:
    for analysis in analyses:
        number = analysis.cell.number
        is_tagged = NODE_TAG in analysis.cell.tags
        if analysis.python.skipped:
            if is_tagged:
                result.warnings.append(
                    f"cell {number} is {analysis.python.skipped}, not Python: left out."
                )
            continue
        error = analysis.error
        if error is None:
            continue
        line = error.lineno or 1
        text = analysis.lines[line - 1].strip() if 0 < line <= len(analysis.lines) else ""
        if is_tagged:
            raise NotebookError(
                f"{notebook.name}: cell {number}, line {line}: {error.msg}: {text!r}",
                hint=f"Fix the syntax of cell {number} (or remove its 'node' tag).",
            )
        result.warnings.append(
            f"cell {number} (untagged) does not parse ({error.msg}, line {line}); "
            "definitions in it are not available."
        )


class _Builder:
    """Resolves names to definitions and collects what the module needs."""

    def __init__(
        self,
        notebook: Notebook,
        analyses: list[CellAnalysis],
        tagged: list[CellAnalysis],
        result: ModuleResult,
    ) -> None:
        self.notebook = notebook
        self.result = result
        self.tagged = tagged
        self.last_any: dict[str, _Item] = {}
        self.last_tagged: dict[str, _Item] = {}
        self.star_imports: list[_Item] = []
        self.stars_used = False
        self.changed: dict[str, tuple[int, int]] = {}
        self.futures: list[_Item] = []
        for analysis in analyses:
            is_tagged = NODE_TAG in analysis.cell.tags
            for index, statement in enumerate(analysis.statements):
                item = _Item(analysis, index)
                if statement.kind == "future":
                    self.futures.append(item)
                if any(p.message.startswith("`from ") for p in statement.problems):
                    self.star_imports.append(item)
                for event in statement.events:
                    if event.kind in ("mutate", "del"):
                        self.changed.setdefault(event.name, (analysis.cell.number, event.line))
                for bound in statement.binds:
                    self.last_any[bound] = item
                    if is_tagged:
                        self.last_tagged[bound] = item
        self.definitions: list[_Item] = []
        self.imports: dict[tuple[int, int], tuple[_Item, set[str]]] = {}
        self.optional: dict[tuple[int, int], _Item] = {}
        self.constants = notebook_constants(analyses)
        self.reported: set[tuple[str, str]] = set()

    def resolve(self, name: str) -> _Item | None:
        return self.last_tagged.get(name) or self.last_any.get(name)

    def constant(self, item: _Item) -> bool:
        """An assignment the module can keep (see the module docstring)."""
        if item.position in self.constants:
            return True
        return item.statement.is_constant and not any(
            name in self.changed for name in item.statement.binds
        )

    def collect(self) -> None:
        roots: list[_Item] = []
        values: list[_Item] = []
        for analysis in self.tagged:
            for index, statement in enumerate(analysis.statements):
                item = _Item(analysis, index)
                number, line = analysis.cell.number, statement.node.lineno
                if statement.kind in _DEFINITION_KINDS or (
                    statement.is_constant and self.constant(item)
                ):
                    if all(self.resolve(b) == item for b in statement.binds):
                        roots.append(item)
                elif item.position in self.constants:
                    values.append(item)
                elif (
                    isinstance(statement.node, ast.Import)
                    and statement.kind == "import"
                    and not statement.optional_import
                ):
                    # `import hvplot.pandas` may be there for what importing does (it
                    # registers `.hvplot`): a module import of a tagged cell stays.
                    for name in statement.binds:
                        if self.resolve(name) == item:
                            self.imports.setdefault(item.position, (item, set()))[1].add(name)
                elif statement.kind not in ("import", "future") and not statement.display_only:
                    self.result.warnings.append(
                        f"cell {number}, line {line}: left out of the module (only imports, "
                        "functions, classes and constants are converted)."
                    )
        self._walk(roots)
        kept = {item.position for item in self.definitions}
        for item in values:
            if item.position not in kept:
                self.result.warnings.append(
                    f"cell {item.analysis.cell.number}, line {item.statement.node.lineno}: "
                    "left out of the module: no converted function uses the value it computes."
                )

    def _walk(self, roots: list[_Item]) -> None:
        self.definitions = dependency_order(
            roots, self._dependencies, key=lambda item: item.position
        )

    def _dependencies(self, item: _Item) -> list[_Item]:
        statement = item.statement
        names: dict[str, int] = {}
        for event in statement.events:
            if event.kind in ("read", "mutate"):
                names.setdefault(event.name, event.line)
        for name, line in statement.deferred.items():
            names.setdefault(name, line)
        found: dict[tuple[int, int], _Item] = {}
        number = item.analysis.cell.number
        own = {event.name for event in statement.events if event.kind == "bind"}
        for name, line in names.items():
            if name in own:
                continue
            target = self.resolve(name)
            where = f"cell {number}, line {line}"
            if target is None:
                self._undefined(name, where)
                continue
            kind = target.statement.kind
            if target.statement.optional_import:
                if target.position not in self.optional:
                    self.optional[target.position] = target
                    self._dependencies(target)  # the imports its fallback uses (warnings)
            elif kind == "import":
                self.imports.setdefault(target.position, (target, set()))[1].add(name)
            elif kind in _DEFINITION_KINDS or self.constant(target):
                found[target.position] = target
            elif kind != "future":
                self._unavailable(name, target, where)
        return [found[position] for position in sorted(found)]

    def _unavailable(self, name: str, target: _Item, where: str) -> None:
        """Warn about a name bound by code the module cannot hold."""
        if name in target.statement.block_imports:
            origin = target.analysis.cell.number, target.statement.block_imports[name]
            self._warn(
                name,
                f"{where}: '{name}' is imported inside a block in cell {origin[0]}, "
                f"line {origin[1]}, which the module leaves out; move the import to the "
                "top level of a cell.",
            )
            return
        origin = target.analysis.cell.number, target.statement.node.lineno
        what = "computed"
        if name in self.changed and target.statement.is_constant:
            origin, what = self.changed[name], "changed in place"
        self._warn(
            name,
            f"{where}: '{name}' is a notebook variable {what} in cell "
            f"{origin[0]}, line {origin[1]}, which the module leaves out; pass it as "
            "an argument (the code fails with NameError when it reaches that line).",
        )

    def _undefined(self, name: str, where: str) -> None:
        if name in BUILTIN_NAMES:
            return
        if self.star_imports:
            self.stars_used = True
            places = " and ".join(
                f"cell {item.analysis.cell.number}, line {item.statement.node.lineno}"
                for item in self.star_imports
            )
            self._warn(
                name,
                f"{where}: '{name}' is not defined in any cell; it may come from the star "
                f"import in {places}, which the module keeps; better import the name itself.",
            )
        else:
            self._warn(
                name,
                f"{where}: '{name}' is not defined in any code cell (the function "
                "will fail when it reaches that line).",
            )

    def _warn(self, name: str, message: str) -> None:
        key = (name, message.split(":", 1)[0])
        if key not in self.reported:
            self.reported.add(key)
            self.result.warnings.append(message)

    # ------------------------------------------------------------------ rendering

    def render(self) -> str:
        name = self.notebook.name.replace('"""', "'''").replace("\\", "/")
        lines = layout(
            f'"""Code from the cells tagged "node" in {name}."""',
            self._render_imports(),
            [
                (item.analysis, item.statement)
                for item in [
                    *(self.optional[key] for key in sorted(self.optional)),
                    *self.definitions,
                ]
            ],
        )
        body = "\n".join(line for line, _ in lines) + "\n"
        source = with_header(
            body, notebook_name=self.notebook.name, notebook_hash=self.notebook.content_hash
        )
        self.result.origins = [None, None, None, *(origin for _, origin in lines)]
        try:
            compile(source, self.notebook.name, "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise NotebookError(
                f"{self.notebook.name}: the generated module does not compile at "
                f"{self.result.where(exc.lineno or 1)}: {exc.msg}",
                hint="Report this with the notebook: proj should not generate invalid code.",
            ) from exc
        return source

    def _render_imports(self) -> list[tuple[str, tuple[int, int] | None]]:
        entries: list[ImportEntry] = [
            (item.statement.node, (item.analysis.cell.number, item.statement.node.lineno), None)
            for item in self.futures
        ]
        if self.stars_used:
            self.imports.update({item.position: (item, {"*"}) for item in self.star_imports})
        for position in sorted(self.imports):
            item, wanted = self.imports[position]
            node = item.statement.node
            names = {name for name in wanted if name == "*" or self.resolve(name) == item}
            entries.append((node, (item.analysis.cell.number, node.lineno), names))
        return render_imports(entries)


#: An import statement, the (cell, line) it comes from, and the names to keep from it
#: (None: all of them).
ImportEntry = tuple[ast.stmt, tuple[int, int], "set[str] | None"]


def render_imports(entries: list[ImportEntry]) -> list[tuple[str, tuple[int, int] | None]]:
    """Import lines for the names wanted: one ``import x`` per module, one
    ``from m import a, b`` line per module (at the place of its first import), each
    name once, in the order given; ``from __future__`` imports first.

    Args:
        entries: Import statements in notebook order, with the names to keep.

    Returns:
        ``(line, (cell, line))`` pairs.
    """
    grouped: dict[str, list[str]] = {}
    order: list[tuple[str, tuple[int, int], str | None]] = []
    for node, origin, wanted in sorted(entries, key=lambda e: not _is_future(e[0])):
        assert isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if wanted is not None and bound not in wanted:
                continue
            piece = ast.unparse(alias)
            if isinstance(node, ast.Import):
                order.append((f"import {piece}", origin, None))
                continue
            source = "." * node.level + (node.module or "")
            if source not in grouped:
                grouped[source] = []
                order.append(("", origin, source))
            if piece not in grouped[source]:
                grouped[source].append(piece)
    rendered: list[tuple[str, tuple[int, int] | None]] = []
    seen: set[str] = set()
    for plain, origin, key in order:
        line = f"from {key} import {', '.join(grouped[key])}" if key is not None else plain
        if line not in seen:
            seen.add(line)
            rendered.append((line, origin))
    return rendered


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def dependency_order(
    roots: list[T], dependencies: Callable[[T], list[T]], *, key: Callable[[T], Hashable]
) -> list[T]:
    """Order items so that each comes after its dependencies, each once.

    Depth-first from each root in turn, visiting dependencies in the order given;
    iterative (no recursion limit). A cycle (mutually recursive functions) is cut where
    it closes, which is harmless for definitions whose bodies run later.

    Args:
        roots: Where to start, in order.
        dependencies: An item's direct dependencies, in the order to visit them.
        key: A hashable identity of an item.

    Returns:
        Every item reachable from the roots, dependencies first.
    """
    done: set[Hashable] = set()
    started: set[Hashable] = set()
    ordered: list[T] = []
    for root in roots:
        stack: list[tuple[T, list[T] | None]] = [(root, None)]
        while stack:
            item, pending = stack.pop()
            identity = key(item)
            if identity in done:
                continue
            if pending is None:
                if identity in started:
                    continue
                started.add(identity)
                pending = list(reversed(dependencies(item)))
            while pending:
                following = pending.pop()
                if key(following) not in started:
                    stack.append((item, pending))
                    stack.append((following, None))
                    break
            else:
                done.add(identity)
                ordered.append(item)
    return ordered
