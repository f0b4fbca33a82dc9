"""Python's scoping rules, statically: which global names a function, class, lambda or
comprehension reads, and which globals it assigns through ``global``.

Names are resolved the way CPython does (PEP 227, the language reference's "Naming and
binding"): a name bound anywhere in a function body (assignment, ``for`` target,
``import``, ``def``, ``class``, ``except ... as``, ``with ... as``, ``match`` capture)
is local to the whole function unless declared ``global`` or ``nonlocal``; class bodies
are a scope that nested functions do not see; a comprehension is its own scope except
for its first iterable, which is evaluated outside it. Built-in names are *not*
removed here: a notebook may shadow them, so the caller decides.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

FunctionLike = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
Comprehension = ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass
class FreeNames:
    """What a scope needs from the module (the notebook's global namespace).

    Attributes:
        reads: Global names read, with the first line (of the cell) reading each.
        global_writes: Names assigned through a ``global`` declaration, with the line.
    """

    reads: dict[str, int] = field(default_factory=dict)
    global_writes: dict[str, int] = field(default_factory=dict)

    def merge(self, other: FreeNames) -> None:
        """Add ``other``'s names (the earliest line wins)."""
        for name, line in other.reads.items():
            self.reads.setdefault(name, line)
        for name, line in other.global_writes.items():
            self.global_writes.setdefault(name, line)


class _Collector(ast.NodeVisitor):
    """Bindings and loads of one scope, stopping at nested scopes (kept as children)."""

    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.loads: dict[str, int] = {}
        self.stores: dict[str, int] = {}
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()
        self.children: list[ast.AST] = []

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.loads.setdefault(node.id, node.lineno)
        else:
            self.bound.add(node.id)
            self.stores.setdefault(node.id, node.lineno)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.bound.add(node.name)
        self.stores.setdefault(node.name, node.lineno)
        for expr in (*node.decorator_list, *_defaults(node.args), *_annotations(node)):
            self.visit(expr)
        self.children.append(node)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for expr in _defaults(node.args):
            self.visit(expr)
        self.children.append(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.stores.setdefault(node.name, node.lineno)
        for expr in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.visit(expr)
        self.children.append(node)

    def _comprehension(self, node: Comprehension) -> None:
        self.visit(node.generators[0].iter)
        self.children.append(node)

    visit_ListComp = _comprehension
    visit_SetComp = _comprehension
    visit_GeneratorExp = _comprehension
    visit_DictComp = _comprehension

    def visit_Global(self, node: ast.Global) -> None:
        self.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.nonlocals.update(node.names)

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name != "*":
                name = alias.asname or alias.name.split(".")[0]
                self.bound.add(name)
                self.stores.setdefault(name, node.lineno)

    visit_Import = _import
    visit_ImportFrom = _import

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bound.add(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self.bound.add(node.rest)
        self.generic_visit(node)


def _defaults(args: ast.arguments) -> list[ast.expr]:
    return [*args.defaults, *(d for d in args.kw_defaults if d is not None)]


def _annotations(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [arg for arg in (args.vararg, args.kwarg) if arg is not None]
    found = [arg.annotation for arg in every if arg.annotation is not None]
    return [*found, *([node.returns] if node.returns is not None else [])]


def _parameters(args: ast.arguments) -> set[str]:
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [arg for arg in (args.vararg, args.kwarg) if arg is not None]
    return {arg.arg for arg in every}


def _collect(node: FunctionLike | Comprehension) -> tuple[_Collector, set[str]]:
    """Bindings and loads of a scope's own body, and its parameters."""
    collector = _Collector()
    if isinstance(node, ast.Lambda):
        collector.visit(node.body)
        return collector, _parameters(node.args)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for statement in node.body:
            collector.visit(statement)
        return collector, _parameters(node.args)
    for number, generator in enumerate(node.generators):
        collector.visit(generator.target)
        if number:
            collector.visit(generator.iter)
        for condition in generator.ifs:
            collector.visit(condition)
    if isinstance(node, ast.DictComp):
        collector.visit(node.key)
        collector.visit(node.value)
    else:
        collector.visit(node.elt)
    return collector, set()


def scope_free_names(node: FunctionLike | Comprehension, enclosing: frozenset[str]) -> FreeNames:
    """The global names a function, lambda or comprehension body reads and assigns.

    Decorators, default values and annotations of ``node`` itself (and the first
    iterable of a comprehension) belong to the enclosing scope and are not included.

    Args:
        node: The scope.
        enclosing: Names local to enclosing *function* scopes (they hide globals).

    Returns:
        Its free global names (including those of nested scopes).
    """
    collector, parameters = _collect(node)
    local = (parameters | collector.bound) - collector.globals
    hidden = enclosing | local | collector.nonlocals
    result = FreeNames()
    for name, line in collector.loads.items():
        if name in collector.globals or name not in hidden:
            result.reads[name] = line
    for name in collector.globals:
        if name in collector.stores:
            result.global_writes[name] = collector.stores[name]
    inner = frozenset(hidden - collector.globals)
    for child in collector.children:
        if isinstance(child, ast.ClassDef):
            immediate, deferred = class_free_names(child, inner)
            result.merge(immediate)
            result.merge(deferred)
        else:
            assert isinstance(
                child, (*_COMPREHENSIONS, ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)
            )
            result.merge(scope_free_names(child, inner))
    return result


def class_free_names(node: ast.ClassDef, enclosing: frozenset[str]) -> tuple[FreeNames, FreeNames]:
    """The global names a class body reads when it runs, and those its methods read later.

    Decorators, bases and keywords are not included (they belong to the enclosing
    scope). Names bound in the class body are class attributes: methods do not see
    them as plain names, so a method reading such a name reads the global.

    Args:
        node: The class definition.
        enclosing: Names local to enclosing function scopes.

    Returns:
        ``(immediate, deferred)``: names read while the class is defined (class body,
        comprehensions in it) and names read when its methods or lambdas run.
    """
    collector = _Collector()
    for statement in node.body:
        collector.visit(statement)
    immediate = FreeNames()
    for name, line in collector.loads.items():
        if name not in enclosing and (name not in collector.bound or name in collector.globals):
            immediate.reads[name] = line
    for name in collector.globals:
        if name in collector.stores:
            immediate.global_writes[name] = collector.stores[name]
    deferred = FreeNames()
    for child in collector.children:
        if isinstance(child, ast.ClassDef):
            inner_now, inner_later = class_free_names(child, enclosing)
            immediate.merge(inner_now)
            deferred.merge(inner_later)
        elif isinstance(child, _COMPREHENSIONS):
            immediate.merge(scope_free_names(child, enclosing))
        else:
            assert isinstance(child, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef))
            deferred.merge(scope_free_names(child, enclosing))
    return immediate, deferred
