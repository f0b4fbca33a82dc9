"""Effects of one top-level statement on the notebook's names, in evaluation order.

:class:`EventWalker` walks a statement and records *events*: ``read``, ``bind``,
``mutate`` (an in-place change, which reads the name and makes a new version of it) and
``del``. Events under ``if``/``for``/``while``/``try``/``match`` are *maybe* events: the
cell may not run them.

In-place changes recognised: assigning to a subscript or attribute of a name
(``df["x"] = ...``, ``df.loc[m, "y"] = ...``, ``obj.attr = ...``), augmented assignment
of those, ``del df["x"]``, any method call with ``inplace=True``, a method call on a
name whose result is thrown away (``lst.append(x)``, ``model.fit(X, y)``, except the
display and export methods in :data:`PURE_METHODS`), the methods in
:data:`CHANGING_METHODS` even when their result is used (``x = lst.pop()``,
``scaled = scaler.fit_transform(X)``), ``shuffle``/``heapq`` functions
on their first argument, and the arguments of a function the notebook defines when it
is called for its effect alone (``add_features(df)``: marked ``via``). A function whose
result is used and that also changes its argument cannot be seen statically.

It also finds the patterns that talk to the proj kernel, with their exact source spans
so that conversion can replace them: ``catalog.load("name")``,
``catalog.save("name", value)`` (as a statement) and ``params["a"]["b"]`` /
``params.get("a")`` / ``context.params[...]``; and the constructs that cannot be
converted faithfully (``exec``, ``eval``, ``globals()``, ``locals()``, ``vars()``, star
imports, ``get_ipython()``, IPython's output history ``_``/``Out``/``In``); the calls
among them are found inside functions, classes, lambdas and comprehensions too.

A call changes what it changes after its callee and arguments are read, so a read of the
argument later in the cell reads the changed version.

Imports nested in a block (under ``if``/``for``/``while``/``try``/``with``/``match``, not
inside a function or class) still bind notebook names; the walker lists them apart
(:attr:`EventWalker.block_imports`), because a module bound that way must never flow
between nodes as data (see :mod:`proj.notebook.dataflow`).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass
from typing import Literal

from proj.notebook.scopes import FreeNames, class_free_names, scope_free_names

#: Built-in names (and module attributes every module has).
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__name__", "__doc__"}
#: Names the proj kernel defines; they never flow as data.
KERNEL_NAMES = frozenset({"catalog", "context", "session", "pipelines"})
#: Names through which notebooks read parameters.
PARAMS_NAMES = frozenset({"params", "parameters"})
#: Methods that neither change their object nor matter when their result is dropped.
DISPLAY_METHODS = frozenset(
    {"head", "tail", "describe", "info", "sample", "value_counts", "nunique", "unique"}
)
PURE_METHODS = DISPLAY_METHODS | {"plot", "hist", "boxplot", "show", "savefig", "copy"}
_MUTATE_FIRST_ARGUMENT = frozenset(
    {"shuffle", "heappush", "heappop", "heapify", "heappushpop", "heapreplace", "insort"}
)
#: Methods that change their object even when their result is used
#: (``first = queue.pop(0)``, ``scaled = scaler.fit_transform(X)``).
CHANGING_METHODS = frozenset(
    {"pop", "popitem", "popleft", "setdefault", "fit", "fit_transform", "fit_predict"}
    | {"partial_fit"}
)
_FORBIDDEN_CALLS = {
    "exec": "exec() runs code that static analysis cannot see",
    "eval": "eval() runs code that static analysis cannot see",
    "globals": "globals() reads or changes the notebook namespace directly",
    "locals": "locals() reads or changes the notebook namespace directly",
    "get_ipython": "get_ipython() needs a running IPython shell",
}
IPYTHON_HISTORY = frozenset({"_", "__", "___", "In", "Out", "_i", "_ii", "_iii"})
EventKind = Literal["read", "bind", "mutate", "del"]


@dataclass(frozen=True)
class Event:
    """One effect of a statement on a notebook name.

    Attributes:
        kind: ``read``, ``bind``, ``mutate`` (read + new version) or ``del``.
        name: The notebook-level name.
        line: Line in the cell (from 1).
        maybe: Under a condition or loop: the cell may not do it.
        temp: A binding as a ``for``/``with``/``except`` target (a loop variable).
        pattern: A read that is part of a recognised kernel pattern
            (``catalog.load("x")``, ``params["k"]``).
        via: For a ``mutate`` that is only likely: the function called as a statement
            with the name as an argument (``add_features(df)``); it counts as a change
            when the notebook defines that function.
    """

    kind: EventKind
    name: str
    line: int
    maybe: bool = False
    temp: bool = False
    pattern: bool = False
    via: str = ""


@dataclass(frozen=True)
class Span:
    """A region of a cell's source: lines from 1, columns as UTF-8 byte offsets (as in ``ast``)."""

    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def of(cls, node: ast.expr | ast.stmt) -> Span:
        """The span of an ``ast`` node."""
        assert node.end_lineno is not None and node.end_col_offset is not None
        return cls(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


@dataclass(frozen=True)
class KernelUse:
    """A recognised use of the kernel: ``catalog.load``/``catalog.save``/a parameter.

    Attributes:
        kind: ``load``, ``save`` or ``param``.
        dataset: Dataset name (``load``/``save``), or the dotted parameter key (``param``;
            empty for the whole ``parameters`` dict).
        span: The expression to replace (``save``: the whole statement).
        value: For ``save``, the span of the saved expression.
    """

    kind: Literal["load", "save", "param"]
    dataset: str
    span: Span
    value: Span | None = None


@dataclass(frozen=True)
class Problem:
    """Something that cannot be converted faithfully.

    Attributes:
        line: Line in the cell (from 1).
        message: What is wrong, e.g. ``"exec() runs code that ..."``.
    """

    line: int
    message: str


def root_name(node: ast.expr) -> str | None:
    """The name at the root of ``a.b[c].d``, or None when the root is not a name."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _param_keys(node: ast.expr) -> tuple[str, tuple[str, ...]] | None:
    """``params["a"]["b"]`` -> ("params", ("a", "b")); ``context.params`` root too."""
    keys: list[str] = []
    current = node
    while isinstance(current, ast.Subscript):
        index = current.slice
        if not (isinstance(index, ast.Constant) and isinstance(index.value, str)):
            return None
        keys.append(index.value)
        current = current.value
    if isinstance(current, ast.Call):
        call = current
        if not (
            isinstance(call.func, ast.Attribute)
            and call.func.attr == "get"
            and len(call.args) == 1
            and not call.keywords
            and isinstance(call.args[0], ast.Constant)
            and isinstance(call.args[0].value, str)
            and not keys
        ):
            return None
        keys.append(call.args[0].value)
        current = call.func.value
    if isinstance(current, ast.Name) and current.id in PARAMS_NAMES:
        return current.id, tuple(reversed(keys))
    if (
        isinstance(current, ast.Attribute)
        and current.attr in PARAMS_NAMES
        and isinstance(current.value, ast.Name)
        and current.value.id == "context"
    ):
        return "context", tuple(reversed(keys))
    return None


class EventWalker:
    """Walks one top-level statement in evaluation order, recording events."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.deferred = FreeNames()
        #: Global names that functions (and methods) defined here change in place when
        #: they run (``def log(m): messages.append(m)``), with the line of the change.
        self.deferred_changes: dict[str, int] = {}
        self.kernel: list[KernelUse] = []
        self.problems: list[Problem] = []
        #: Names bound by an import nested in a block, with the line of that import.
        self.block_imports: dict[str, int] = {}
        self._maybe = 0
        self._temp = 0
        self._nested = 0

    def _add(self, kind: EventKind, name: str, line: int, *, pattern: bool = False) -> None:
        self.events.append(
            Event(kind, name, line, self._maybe > 0, kind == "bind" and self._temp > 0, pattern)
        )

    # ------------------------------------------------------------------ statements

    def statement(self, node: ast.stmt) -> None:
        method = getattr(self, f"_s_{type(node).__name__}", None)
        if method is not None:
            method(node)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                elif isinstance(child, ast.expr):
                    self.expr(child)

    def _block(self, body: list[ast.stmt], *, maybe: bool = True) -> None:
        self._maybe += maybe
        self._nested += 1
        for child in body:
            self.statement(child)
        self._nested -= 1
        self._maybe -= maybe

    def _s_Assign(self, node: ast.Assign) -> None:
        self.expr(node.value)
        for target in node.targets:
            self.target(target)

    def _s_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.expr(node.value)
        self.annotation(node.annotation)
        if node.value is not None:
            self.target(node.target)

    def annotation(self, node: ast.expr) -> None:
        """Read the names of an annotation: the module needs their imports. A string
        annotation (a forward reference) is not read: it may name what comes later."""
        for child in ast.walk(node):
            if isinstance(child, ast.Name):
                self._add("read", child.id, child.lineno)

    def _s_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._add("read", node.target.id, node.lineno)
            self.expr(node.value)
            self._add("bind", node.target.id, node.lineno)
        else:
            self.target(node.target, value=node.value)

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        if isinstance(node, ast.While):
            self.expr(node.test)
        else:
            self.expr(node.iter)
            self._maybe += 1
            self._temp += 1
            self.target(node.target)
            self._temp -= 1
            self._maybe -= 1
        self._block(node.body)
        self._block(node.orelse)

    _s_For = _loop
    _s_AsyncFor = _loop
    _s_While = _loop

    def _s_If(self, node: ast.If) -> None:
        self.expr(node.test)
        self._block(node.body)
        self._block(node.orelse)
        # A name every branch binds is bound whichever runs.
        both = _definite_binds(node.body) & _definite_binds(node.orelse) if node.orelse else set()
        for name in sorted(both):
            self._add("bind", name, node.lineno)

    def _s_Try(self, node: ast.Try) -> None:
        self._block(node.body)
        for handler in node.handlers:
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self._maybe += 1
                self._temp += 1
                self._add("bind", handler.name, handler.lineno)
                self._temp -= 1
                self._maybe -= 1
            self._block(handler.body)
        self._block(node.orelse)
        self._block(node.finalbody, maybe=False)

    _s_TryStar = _s_Try

    def _with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            self.expr(item.context_expr)
            if item.optional_vars is not None:
                self._temp += 1
                self.target(item.optional_vars)
                self._temp -= 1
        self._block(node.body, maybe=False)

    _s_With = _with
    _s_AsyncWith = _with

    def _s_Match(self, node: ast.Match) -> None:
        self.expr(node.subject)
        self._maybe += 1
        for case in node.cases:
            for child in ast.walk(case.pattern):
                name = getattr(child, "name", None) or getattr(child, "rest", None)
                if isinstance(name, str):
                    self._add("bind", name, case.pattern.lineno)
                if isinstance(child, ast.expr):
                    self.expr(child)
            if case.guard is not None:
                self.expr(case.guard)
            self._block(case.body, maybe=False)
        self._maybe -= 1

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = node.args
        for expr in (*node.decorator_list, *args.defaults, *args.kw_defaults):
            if expr is not None:
                self.expr(expr)
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
        for arg in every:
            if arg is not None and arg.annotation is not None:
                self.annotation(arg.annotation)
        if node.returns is not None:
            self.annotation(node.returns)
        self._add("bind", node.name, node.lineno)
        free = scope_free_names(node, frozenset())
        self.deferred.merge(free)
        self._nested_problems(node)
        self._changes_inside(node, free)

    _s_FunctionDef = _function
    _s_AsyncFunctionDef = _function

    def _s_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.expr(expr)
        immediate, deferred = class_free_names(node, frozenset())
        for name, line in immediate.reads.items():
            self._add("read", name, line)
        self.deferred.merge(deferred)
        self.deferred.global_writes.update(immediate.global_writes)
        self._add("bind", node.name, node.lineno)
        self._nested_problems(node)
        for method in node.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._changes_inside(method, scope_free_names(method, frozenset()))

    def _changes_inside(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, free: FreeNames
    ) -> None:
        """Record the global names a function's body changes in place when it runs."""
        walker = EventWalker()
        for statement in node.body:
            walker.statement(statement)
        found = {e.name: e.line for e in walker.events if e.kind == "mutate" and not e.via}
        for name, line in [*found.items(), *walker.deferred_changes.items()]:
            if name in free.reads:
                self.deferred_changes.setdefault(name, line)

    def _imported(self, name: str, line: int) -> None:
        self._add("bind", name, line)
        if self._nested:
            self.block_imports.setdefault(name, line)

    def _s_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._imported(alias.asname or alias.name.split(".")[0], node.lineno)

    def _s_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                self.problems.append(
                    Problem(
                        node.lineno,
                        f"`from {node.module} import *` binds names that static "
                        "analysis cannot list",
                    )
                )
            else:
                self._imported(alias.asname or alias.name, node.lineno)

    def _s_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self._add("del", target.id, node.lineno)
            elif isinstance(target, (ast.Tuple, ast.List)):
                self._s_Delete(ast.Delete(targets=target.elts, lineno=node.lineno))
            else:
                self.target(target)

    def _s_Expr(self, node: ast.Expr) -> None:
        value = node.value
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "catalog"
            and value.func.attr == "save"
            and len(value.args) == 2
            and not value.keywords
            and isinstance(value.args[0], ast.Constant)
            and isinstance(value.args[0].value, str)
        ):
            self._add("read", "catalog", node.lineno, pattern=True)
            self.expr(value.args[1])
            self.kernel.append(
                KernelUse("save", value.args[0].value, Span.of(node), Span.of(value.args[1]))
            )
            return
        self.expr(value)
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            root = root_name(value.func.value)
            if root is not None and not _pure(value.func.attr):
                self._add("mutate", root, node.lineno)
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id not in BUILTIN_NAMES
        ):
            # A function called only for its effect probably changes its arguments.
            for argument in [*value.args, *(k.value for k in value.keywords)]:
                root = root_name(argument)
                if root is not None:
                    self.events.append(
                        Event("mutate", root, node.lineno, self._maybe > 0, via=value.func.id)
                    )

    # ------------------------------------------------------------------ targets

    def target(self, node: ast.expr, value: ast.expr | None = None) -> None:
        """A binding target; subscripts and attributes change their root in place."""
        if isinstance(node, ast.Name):
            self._add("bind", node.id, node.lineno)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element)
        elif isinstance(node, ast.Starred):
            self.target(node.value)
        elif isinstance(node, (ast.Subscript, ast.Attribute)):
            self.expr(node.value)
            if isinstance(node, ast.Subscript):
                self.expr(node.slice)
            if value is not None:
                self.expr(value)
            root = root_name(node)
            if root is not None:
                self._add("mutate", root, node.lineno)
        else:
            self.expr(node)

    # ------------------------------------------------------------------ expressions

    def expr(self, node: ast.expr) -> None:
        """Walk an expression in evaluation order."""
        if isinstance(node, ast.Name):
            self._name(node)
            return
        if isinstance(node, ast.NamedExpr):
            self.expr(node.value)
            self._add("bind", node.target.id, node.lineno)
            return
        if isinstance(node, ast.Lambda):
            for expr in (*node.args.defaults, *node.args.kw_defaults):
                if expr is not None:
                    self.expr(expr)
            self._scope(scope_free_names(node, frozenset()))
            self._nested_problems(node)
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            self.expr(node.generators[0].iter)
            self._scope(scope_free_names(node, frozenset()))
            self._nested_problems(node)
            return
        if self._kernel_pattern(node):
            return
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child)
            elif isinstance(child, ast.keyword):
                self.expr(child.value)
        if isinstance(node, ast.Call):
            # After the callee and the arguments are read: what the call changes, it
            # changes last (a later read in the cell then reads the new version).
            self._call(node)

    def _name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._add("bind", node.id, node.lineno)
            return
        self._add("read", node.id, node.lineno)
        if node.id in IPYTHON_HISTORY:
            self.problems.append(Problem(node.lineno, f"`{node.id}` is IPython's output history"))

    def _scope(self, names: FreeNames) -> None:
        for name, line in names.reads.items():
            self._add("read", name, line)
        self.deferred.global_writes.update(names.global_writes)

    def _kernel_pattern(self, node: ast.expr) -> bool:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "catalog"
            and node.func.attr == "load"
            and len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            self._add("read", "catalog", node.lineno, pattern=True)
            self.kernel.append(KernelUse("load", node.args[0].value, Span.of(node)))
            return True
        if isinstance(node, (ast.Subscript, ast.Call, ast.Attribute)):
            found = _param_keys(node)
            if found is not None and (found[1] or isinstance(node, ast.Attribute)):
                root, keys = found
                self._add("read", root, node.lineno, pattern=True)
                self.kernel.append(KernelUse("param", ".".join(keys), Span.of(node)))
                return True
        return False

    def _forbidden(self, node: ast.Call) -> None:
        """Record a call of ``exec``, ``globals``, ... (once per line and reason)."""
        func = node.func
        if not isinstance(func, ast.Name):
            return
        reason = _FORBIDDEN_CALLS.get(func.id)
        if func.id == "vars" and not node.args:
            reason = "vars() without an argument reads the notebook namespace directly"
        if reason and Problem(node.lineno, reason) not in self.problems:
            self.problems.append(Problem(node.lineno, reason))

    def _nested_problems(self, node: ast.AST) -> None:
        """The same constructs inside a function, class, lambda or comprehension: there
        they would see the namespace of ``nodes.py`` or of a node, not the notebook's."""
        for child in ast.walk(node):
            if isinstance(child, ast.Call):
                self._forbidden(child)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        self._forbidden(node)
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _MUTATE_FIRST_ARGUMENT and node.args:
            root = root_name(node.args[0])
            if root is not None:
                self._add("mutate", root, node.lineno)
        inplace = any(
            k.arg == "inplace" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        )
        if isinstance(func, ast.Attribute) and (inplace or func.attr in CHANGING_METHODS):
            root = root_name(func.value)
            if root is not None:
                self._add("mutate", root, node.lineno)


def _pure(method: str) -> bool:
    return method in PURE_METHODS or method.startswith("to_")


def _definite_binds(body: list[ast.stmt]) -> set[str]:
    """Names a block binds on every path through it (assignments at its top level, and
    ``if``/``else`` statements in it whose every branch binds them)."""
    bound: set[str] = set()
    for statement in body:
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = list(statement.targets)
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and (
            not isinstance(statement, ast.AnnAssign) or statement.value is not None
        ):
            targets = [statement.target]
        elif isinstance(statement, ast.If) and statement.orelse:
            bound |= _definite_binds(statement.body) & _definite_binds(statement.orelse)
        elif isinstance(statement, (ast.Return, ast.Raise, ast.Break, ast.Continue)):
            break
        for target in targets:
            elements = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
            bound.update(e.id for e in elements if isinstance(e, ast.Name))
    return bound
