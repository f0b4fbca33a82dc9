"""Events, kernel patterns and problems found in one statement."""

from __future__ import annotations

import pytest

from proj.notebook.events import Event
from proj.notebook.statements import analyze_cell
from tests.notebook.conftest import cell


def _events(source: str) -> list[tuple[str, str]]:
    analysis = analyze_cell(cell(source))
    assert analysis.error is None
    return [(e.kind, e.name) for s in analysis.statements for e in s.events]


def test_assignment_reads_the_value_before_binding() -> None:
    assert _events("x = x + y") == [("read", "x"), ("read", "y"), ("bind", "x")]
    assert _events("total += step") == [("read", "total"), ("read", "step"), ("bind", "total")]


@pytest.mark.parametrize(
    ("source", "mutated"),
    [
        ('df["ratio"] = df["a"] / df["b"]', "df"),
        ('df.loc[mask, "flag"] = True', "df"),
        ("obj.attr = 3", "obj"),
        ("obj.items[0] += 1", "obj"),
        ('del df["old"]', "df"),
        ("items.append(4)", "items"),
        ("model.fit(X, y)", "model"),
        ("frame.sort_values('a', inplace=True)", "frame"),
        ("result = frame.dropna(inplace=True)", "frame"),
        ("rng.shuffle(deck)", "deck"),
        ("first = items.pop(0)", "items"),
        ("scaled = scaler.fit_transform(X)", "scaler"),
        ("predicted = model.fit(X, y).predict(X)", "model"),
        ("groups.setdefault(key, []).append(value)", "groups"),
    ],
)
def test_in_place_changes_are_mutations(source: str, mutated: str) -> None:
    assert ("mutate", mutated) in _events(source)


@pytest.mark.parametrize(
    "source",
    [
        "df.head()",
        "df.to_csv('out.csv')",
        "df.groupby('a').sum()",
        "print(items)",
        "x = items.copy()",
    ],
)
def test_reads_that_change_nothing_are_not_mutations(source: str) -> None:
    assert all(kind != "mutate" for kind, _ in _events(source))


def test_conditional_and_loop_bindings_are_maybe_and_loop_targets_temp() -> None:
    analysis = analyze_cell(
        cell(
            "for row in rows:\n    last = row\nif flag:\n    chosen = 1\n"
            "with open(p) as fh:\n    text = fh.read()"
        )
    )
    events = [e for s in analysis.statements for e in s.events if e.kind == "bind"]
    assert events == [
        Event("bind", "row", 1, maybe=True, temp=True),
        Event("bind", "last", 2, maybe=True),
        Event("bind", "chosen", 4, maybe=True),
        Event("bind", "fh", 5, temp=True),
        Event("bind", "text", 6),
    ]


def test_function_bodies_are_read_later() -> None:
    analysis = analyze_cell(
        cell("@decorate(OPTION)\ndef f(x=DEFAULT):\n    return helper(x) + model.score\n")
    )
    statement = analysis.statements[0]
    assert [(e.kind, e.name) for e in statement.events] == [
        ("read", "decorate"),
        ("read", "OPTION"),
        ("read", "DEFAULT"),
        ("bind", "f"),
    ]
    assert set(statement.deferred) == {"helper", "model"}


def test_kernel_patterns_are_recognised_with_spans() -> None:
    analysis = analyze_cell(
        cell(
            'df = catalog.load("iris")\n'
            'ratio = params["split"]["test"] + params.get("seed")\n'
            'catalog.save("report", df.describe())\n'
            "everything = context.params\n"
            "whole = params"
        )
    )
    uses = [
        (u.kind, u.dataset, u.span.line, u.span.col) for s in analysis.statements for u in s.kernel
    ]
    assert uses == [
        ("load", "iris", 1, 5),
        ("param", "split.test", 2, 8),
        ("param", "seed", 2, 34),
        ("save", "report", 3, 0),
        ("param", "", 4, 13),
    ]
    last = analysis.statements[-1].events
    assert [(e.kind, e.name, e.pattern) for e in last] == [
        ("read", "params", False),
        ("bind", "whole", False),
    ]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('exec("x = 1")', "exec() runs code"),
        ("value = eval(text)", "eval() runs code"),
        ("names = globals()", "globals() reads or changes"),
        ("names = vars()", "vars() without an argument"),
        ("from os.path import *", "`from os.path import *` binds names"),
        ("shell = get_ipython()", "get_ipython() needs a running IPython shell"),
        ("last = _ + 1", "`_` is IPython's output history"),
        ("def run(code): exec(code)", "exec() runs code"),
        ("lookup = lambda name: globals()[name]", "globals() reads or changes"),
        ("values = [eval(t) for t in texts]", "eval() runs code"),
        ("class Names: found = vars()", "vars() without an argument"),
    ],
)
def test_unconvertible_constructs_are_problems_with_lines(source: str, message: str) -> None:
    analysis = analyze_cell(cell("x = 1\n" + source))
    problems = [p for s in analysis.statements for p in s.problems]
    assert len(problems) == 1
    assert problems[0].line == 2
    assert message in problems[0].message


def test_functions_called_for_their_effect_may_change_their_arguments() -> None:
    analysis = analyze_cell(cell("add_features(df, scale=weights)\nprint(df)\nresult = f(df)"))
    likely = [(e.kind, e.name, e.via) for s in analysis.statements for e in s.events if e.via]
    assert likely == [
        ("mutate", "df", "add_features"),
        ("mutate", "weights", "add_features"),
    ]


def test_a_call_changes_its_argument_after_reading_it() -> None:
    # Otherwise the call's own read of the argument would count as a later read of the
    # changed value, and the changed value would not be a node output.
    assert _events("random.shuffle(deck)") == [
        ("read", "random"),
        ("read", "deck"),
        ("mutate", "deck"),
        ("mutate", "random"),
    ]
    assert _events("result = frame.dropna(inplace=True)") == [
        ("read", "frame"),
        ("mutate", "frame"),
        ("bind", "result"),
    ]


def test_functions_that_change_notebook_variables_when_they_run() -> None:
    analysis = analyze_cell(
        cell(
            "def log(message, local=[]):\n"
            "    local.append(message)\n"
            "    messages.append(message)\n"
            "    counts[message] += 1\n"
            "class Store:\n"
            "    def put(self, item):\n"
            "        self.items = [item]\n"
            "        shelf.insert(0, item)\n"
        )
    )
    log, store = analysis.statements
    # Parameters and ``self`` are the function's own; only notebook names count.
    assert log.deferred_changes == {"messages": 3, "counts": 4}
    assert store.deferred_changes == {"shelf": 8}


def test_imports_nested_in_blocks_are_listed_apart() -> None:
    analysis = analyze_cell(
        cell(
            "import os\n"
            "if fast:\n    import ujson as json\nelse:\n    from json import dumps, loads\n"
            "with lock:\n    import statistics\n"
            "for name in names:\n    import importlib\n"
            "def f():\n    import math\n    return math.pi\n"
            "class C:\n    import re\n"
        )
    )
    top, choice, block, loop, function, klass = analysis.statements
    assert top.block_imports == {}
    assert choice.block_imports == {"json": 3, "dumps": 5, "loads": 5}
    assert block.block_imports == {"statistics": 7}
    assert loop.block_imports == {"importlib": 9}
    # Imports inside a function or class bind names of that scope, not notebook names.
    assert function.block_imports == {} and "math" not in function.binds
    assert klass.block_imports == {} and klass.binds == ("C",)
    # They still bind the notebook name: surely in a `with` body, maybe under an `if`.
    assert [(e.name, e.maybe) for e in block.events if e.kind == "bind"] == [("statistics", False)]
    assert ("json", True) in [(e.name, e.maybe) for e in choice.events if e.kind == "bind"]
