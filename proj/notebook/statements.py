"""What each top-level statement of a code cell is and does to the notebook's namespace.

:func:`analyze_cell` parses a cell (IPython syntax blanked first, see
:mod:`proj.notebook.ipython_syntax`) and describes each top-level statement as a
:class:`Statement`: its kind (import, def, class, assignment, other), the names it
binds, its events (:mod:`proj.notebook.events`), the kernel patterns and the problems in
it, and a few flags conversion needs (constant, kernel set-up, display only).

A *constant* is an assignment to names only, of UPPER_CASE names or of a value that
calls nothing (literals, containers, operators, other names).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from proj.notebook.events import (
    DISPLAY_METHODS,
    KERNEL_NAMES,
    PARAMS_NAMES,
    Event,
    EventWalker,
    KernelUse,
    Problem,
)
from proj.notebook.ipython_syntax import python_source

if TYPE_CHECKING:
    from proj.notebook.ipython_syntax import PythonSource
    from proj.notebook.reading import Cell

_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass
class Statement:
    """A top-level statement of a cell and what it does.

    Attributes:
        node: The statement.
        kind: ``future``, ``import``, ``def``, ``class``, ``lambda`` (``f = lambda``),
            ``assign`` (names only on the left) or ``other``.
        binds: Names bound at notebook level, in order.
        events: Effects in evaluation order.
        deferred: Global names read later, when its functions or methods run.
        deferred_changes: Global names its functions or methods change in place when
            they run (``messages.append(m)`` in a function body).
        global_writes: Names its functions assign through ``global``.
        kernel: Recognised kernel patterns.
        problems: Constructs that cannot be converted faithfully.
        static: For ``assign``: the value uses no calls (literals, names, operators).
        kernel_setup: Binds kernel names (``catalog = ...``, ``params = context.params``).
        display_only: An expression whose only effect is to be displayed.
    """

    node: ast.stmt
    kind: str
    binds: tuple[str, ...] = ()
    events: list[Event] = field(default_factory=list)
    deferred: dict[str, int] = field(default_factory=dict)
    deferred_changes: dict[str, int] = field(default_factory=dict)
    global_writes: dict[str, int] = field(default_factory=dict)
    kernel: list[KernelUse] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    static: bool = False
    kernel_setup: bool = False
    display_only: bool = False

    @property
    def is_constant(self) -> bool:
        """An ``assign`` of UPPER_CASE names, or of a value without calls."""
        return self.kind == "assign" and (
            self.static or all(_CONSTANT_NAME.fullmatch(name) for name in self.binds)
        )


@dataclass
class CellAnalysis:
    """A parsed code cell.

    Attributes:
        cell: The cell.
        python: Its plain-Python form (IPython syntax blanked).
        lines: ``python.text`` split into lines.
        statements: Its top-level statements, analysed (empty on a syntax error).
        error: The syntax error, if the cell does not parse or compile.
    """

    cell: Cell
    python: PythonSource
    lines: list[str]
    statements: list[Statement]
    error: SyntaxError | None = None


def analyze_cell(cell: Cell) -> CellAnalysis:
    """Parse a code cell and analyse each top-level statement.

    Args:
        cell: A code cell.

    Returns:
        The analysis; ``error`` is set (and ``statements`` empty) when the cell is not
        valid Python once IPython syntax is removed.
    """
    python = python_source(cell)
    lines = python.text.split("\n")
    if python.skipped:
        return CellAnalysis(cell, python, lines, [])
    try:
        tree = ast.parse(python.text, filename=f"<cell {cell.number}>")
        compile(tree, f"<cell {cell.number}>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return CellAnalysis(cell, python, lines, [], exc)
    statements = [_analyze(statement) for statement in tree.body]
    return CellAnalysis(cell, python, lines, statements)


def _analyze(node: ast.stmt) -> Statement:
    visitor = EventWalker()
    visitor.statement(node)
    statement = Statement(
        node=node,
        kind=_kind(node),
        binds=tuple(dict.fromkeys(e.name for e in visitor.events if e.kind == "bind")),
        events=visitor.events,
        deferred=visitor.deferred.reads,
        deferred_changes=visitor.deferred_changes,
        global_writes=visitor.deferred.global_writes,
        kernel=visitor.kernel,
        problems=visitor.problems,
    )
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        statement.static = _is_static(node.value)
        statement.kernel_setup = _is_kernel_setup(statement.binds, node.value)
    if isinstance(node, ast.Expr):
        statement.display_only = _is_display(node.value)
    return statement


_SIMPLE_KINDS: tuple[tuple[type[ast.stmt] | tuple[type[ast.stmt], ...], str], ...] = (
    ((ast.Import, ast.ImportFrom), "import"),
    ((ast.FunctionDef, ast.AsyncFunctionDef), "def"),
    (ast.ClassDef, "class"),
)


def _kind(node: ast.stmt) -> str:
    if isinstance(node, ast.ImportFrom) and node.module == "__future__":
        return "future"
    for types, kind in _SIMPLE_KINDS:
        if isinstance(node, types):
            return kind
    if isinstance(node, ast.Assign) and all(_plain_target(t) for t in node.targets):
        single = len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        return "lambda" if single and isinstance(node.value, ast.Lambda) else "assign"
    if isinstance(node, ast.AnnAssign) and node.value is not None and node.simple:
        return "assign"
    return "other"


def _plain_target(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return all(_plain_target(element) for element in target.elts)
    return False


def _is_static(node: ast.expr) -> bool:
    """No calls, comprehensions, awaits or walruses anywhere in the expression."""
    dynamic: tuple[type[ast.expr], ...] = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)
    dynamic += (ast.NamedExpr, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp)
    dynamic += (ast.GeneratorExp,)
    return not any(isinstance(child, dynamic) for child in ast.walk(node))


def _is_kernel_setup(binds: tuple[str, ...], value: ast.expr) -> bool:
    if not binds or not set(binds) <= KERNEL_NAMES | PARAMS_NAMES:
        return False
    if set(binds) <= KERNEL_NAMES:
        return True
    text = ast.unparse(value)
    return text in {"context.params", "context.parameters", "catalog.load('parameters')"}


def _is_display(value: ast.expr) -> bool:
    if not any(isinstance(child, ast.Call) for child in ast.walk(value)):
        return not any(
            isinstance(child, (ast.Await, ast.Yield, ast.NamedExpr)) for child in ast.walk(value)
        )
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name) and func.id == "display":
            return True
        if isinstance(func, ast.Attribute) and func.attr in DISPLAY_METHODS:
            return True
    return False
