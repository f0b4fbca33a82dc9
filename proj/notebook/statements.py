"""What each top-level statement of a code cell is and does to the notebook's namespace.

:func:`analyze_cell` parses a cell (IPython syntax blanked first, see
:mod:`proj.notebook.ipython_syntax`) and describes each top-level statement as a
:class:`Statement`: its kind (import, def, class, assignment, other), the names it
binds, its events (:mod:`proj.notebook.events`), the kernel patterns and the problems in
it, and a few flags conversion needs (constant, kernel set-up, display only).

A *constant* is an assignment to names only, of UPPER_CASE names or of a value that
calls nothing (literals, containers, operators, other names).

An *optional import* counts as an ``import``: a top-level ``try:`` whose body holds only
imports, with no ``else``/``finally``, whose handlers all catch ``ImportError`` or
``ModuleNotFoundError`` (alone or in a tuple) and only import, assign literal values to
names (``plt = None``, ``HAS_PLOT = False``), ``pass``, or call ``print``/``warn``/
``warnings.warn`` with arguments made of literals, built-in names and the handler's
``as`` name::

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        plt = None
        print("Install matplotlib to see the plots")

It binds the names its imports and assignments bind (not the handler's ``as`` name),
and conversion moves it whole to module level. Any other import nested in a block binds
names listed in :attr:`Statement.block_imports`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from proj.notebook.events import (
    BUILTIN_NAMES,
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
    from collections.abc import Iterable

    from proj.notebook.ipython_syntax import PythonSource
    from proj.notebook.reading import Cell

_CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
#: Built-ins with effects: a value computed with them is no constant.
_EFFECT_BUILTINS = frozenset(
    {"open", "print", "input", "exec", "eval", "compile", "__import__", "breakpoint", "exit"}
    | {"quit", "globals", "locals", "vars", "help"}
)
#: What the handlers of an optional import catch.
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


@dataclass
class Statement:
    """A top-level statement of a cell and what it does.

    Attributes:
        node: The statement.
        kind: ``future``, ``import`` (also an optional import, see the module
            docstring), ``def``, ``class``, ``lambda`` (``f = lambda``), ``assign``
            (names only on the left) or ``other``.
        binds: Names bound at notebook level, in order.
        block_imports: Names bound by an import nested in a block (other than an
            optional import), with the line of that import.
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
    block_imports: dict[str, int] = field(default_factory=dict)
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
    def optional_import(self) -> bool:
        """A ``try`` of imports with fallbacks (see the module docstring)."""
        return self.kind == "import" and isinstance(self.node, ast.Try)

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
    optional = is_optional_import(node)
    statement = Statement(
        node=node,
        kind="import" if optional else _kind(node),
        binds=tuple(
            dict.fromkeys(
                e.name
                for e in visitor.events
                if e.kind == "bind" and not (optional and e.temp)  # not `except E as exc`
            )
        ),
        block_imports={} if optional else visitor.block_imports,
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


def is_optional_import(node: ast.stmt) -> bool:
    """Whether a top-level statement is an optional import (see the module docstring).

    Args:
        node: A top-level statement of a cell.

    Returns:
        True for a ``try`` of imports whose handlers only catch import errors and fall
        back to other imports, literal values, ``pass`` or a printed or warned message.
    """
    if not isinstance(node, ast.Try) or node.orelse or node.finalbody:
        return False
    return all(_is_import(child) for child in node.body) and all(
        _is_import_fallback(handler) for handler in node.handlers
    )


def _is_import(node: ast.stmt) -> bool:
    if isinstance(node, ast.Import):
        return True
    return (
        isinstance(node, ast.ImportFrom)
        and node.module != "__future__"
        and all(alias.name != "*" for alias in node.names)
    )


def _is_import_fallback(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    types = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    if not types or not all(isinstance(t, ast.Name) and t.id in IMPORT_ERRORS for t in types):
        return False
    allowed = (BUILTIN_NAMES | {handler.name}) if handler.name else BUILTIN_NAMES
    return all(_is_fallback(child, allowed) for child in handler.body)


def _is_fallback(node: ast.stmt, allowed: frozenset[str] | set[str]) -> bool:
    """``pass``, an import, ``name = <literal>`` or ``print``/``warn`` of literals."""
    if isinstance(node, ast.Pass) or _is_import(node):
        return True
    if isinstance(node, ast.Assign):
        return all(_plain_target(t) for t in node.targets) and _reads_only(node.value, set())
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    call = node.value
    func = call.func
    reports = (isinstance(func, ast.Name) and func.id in ("print", "warn")) or (
        isinstance(func, ast.Attribute)
        and func.attr == "warn"
        and isinstance(func.value, ast.Name)
        and func.value.id == "warnings"
    )
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    return reports and all(_reads_only(argument, allowed) for argument in arguments)


def _reads_only(node: ast.expr, names: frozenset[str] | set[str]) -> bool:
    """Calls nothing and reads no name outside ``names``."""
    return _is_static(node) and all(
        child.id in names for child in ast.walk(node) if isinstance(child, ast.Name)
    )


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


def notebook_constants(analyses: Iterable[CellAnalysis]) -> set[tuple[int, int]]:
    """The statements that bind *constants*, as ``(cell number, statement index)``.

    A constant is a name bound once in the whole notebook, by an ``assign`` statement
    at the top level of a cell, never changed in place or deleted, whose value reads
    only built-ins (not those with effects: ``open``, ``print``, ``input``, ...),
    names imported at the top level of a cell and other constants
    (calls included, whatever the name's case: ``_SPACE = re.compile(r"\\s+")``).

    Args:
        analyses: Every code cell of the notebook, analysed.

    Returns:
        The positions of the constant statements.
    """
    counts: dict[str, int] = {}
    changed: set[str] = set()
    imported: set[str] = set()
    candidates: dict[tuple[int, int], tuple[tuple[str, ...], set[str]]] = {}
    for analysis in analyses:
        for index, statement in enumerate(analysis.statements):
            for name in statement.binds:
                counts[name] = counts.get(name, 0) + 1
            if statement.kind == "import":
                imported.update(statement.binds)
            for event in statement.events:
                if event.kind in ("mutate", "del"):
                    changed.add(event.name)
            changed.update(statement.deferred_changes)
            if statement.kind == "assign" and statement.binds and not statement.kernel_setup:
                reads = {e.name for e in statement.events if e.kind in ("read", "mutate")}
                candidates[(analysis.cell.number, index)] = (
                    statement.binds,
                    reads | set(statement.deferred),
                )
    alive = {
        key: value
        for key, value in candidates.items()
        if all(counts[name] == 1 and name not in changed for name in value[0])
        and not set(value[0]) & value[1]
    }
    while True:
        names = {name for binds, _ in alive.values() for name in binds}
        allowed = names | imported | (BUILTIN_NAMES - _EFFECT_BUILTINS)
        dropped = [key for key, (_, reads) in alive.items() if not reads <= allowed]
        if not dropped:
            return set(alive)
        for key in dropped:
            del alive[key]
