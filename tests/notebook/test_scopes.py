"""Which global names functions, classes, lambdas and comprehensions read and assign."""

from __future__ import annotations

import ast

from proj.notebook.scopes import class_free_names, scope_free_names


def _first(source: str) -> ast.AST:
    return ast.parse(source).body[0]


def test_function_reads_globals_but_not_parameters_or_locals() -> None:
    function = _first(
        "def f(a, *args, b=DEFAULT, **kw):\n"
        "    import json\n"
        "    total = a + OFFSET\n"
        "    for item in items:\n"
        "        total += item\n"
        "    try:\n"
        "        pass\n"
        "    except Error as exc:\n"
        "        print(exc, json)\n"
        "    return total + len(args) + b\n"
    )
    assert isinstance(function, ast.FunctionDef)
    free = scope_free_names(function, frozenset())
    assert set(free.reads) == {"OFFSET", "items", "Error", "print", "len"}
    assert free.reads["OFFSET"] == 3
    assert free.global_writes == {}


def test_assignment_anywhere_makes_a_name_local() -> None:
    function = _first("def f():\n    print(x)\n    x = 1\n")
    assert isinstance(function, ast.FunctionDef)
    assert set(scope_free_names(function, frozenset()).reads) == {"print"}


def test_global_and_nonlocal_declarations() -> None:
    function = _first(
        "def outer():\n"
        "    count = 0\n"
        "    def inner():\n"
        "        nonlocal count\n"
        "        global seen\n"
        "        count += 1\n"
        "        seen = count + limit\n"
        "    return inner\n"
    )
    assert isinstance(function, ast.FunctionDef)
    free = scope_free_names(function, frozenset())
    assert set(free.reads) == {"limit"}
    assert free.global_writes == {"seen": 7}


def test_comprehensions_and_lambdas_have_their_own_scope() -> None:
    function = _first(
        "def f(rows):\n    return [key(r) for r in rows if r > floor], lambda y: y * k\n"
    )
    assert isinstance(function, ast.FunctionDef)
    assert set(scope_free_names(function, frozenset()).reads) == {"key", "floor", "k"}
    comprehension = ast.parse("[x + y for x in xs for y in ys if x]", mode="eval").body
    assert isinstance(comprehension, ast.ListComp)
    # The first iterable (xs) belongs to the enclosing scope.
    assert set(scope_free_names(comprehension, frozenset()).reads) == {"ys"}


def test_class_body_names_are_invisible_to_methods() -> None:
    klass = _first(
        "class Model(Base):\n"
        "    rate = DEFAULT_RATE\n"
        "    scaled = rate * 2\n"
        "    def fit(self, data):\n"
        "        return data * rate\n"
    )
    assert isinstance(klass, ast.ClassDef)
    immediate, deferred = class_free_names(klass, frozenset())
    assert set(immediate.reads) == {"DEFAULT_RATE"}
    assert set(deferred.reads) == {"rate"}


def test_enclosing_function_locals_hide_globals() -> None:
    function = _first(
        "def outer(factor):\n    def inner(x):\n        return x * factor * G\n    return inner\n"
    )
    assert isinstance(function, ast.FunctionDef)
    assert set(scope_free_names(function, frozenset()).reads) == {"G"}
