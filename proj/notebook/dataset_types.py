"""Which catalog type a persisted value gets: pickle unless a better one is evident.

The evidence is the expression last assigned to the variable (``name = ...``), read
statically:

* ``text.TextDataset`` (``.txt``): a string literal, an f-string, ``str(...)``, or
  ``"...".join(...)`` / ``"...".format(...)``;
* ``pandas.ParquetDataset`` (``.parquet``), only when pyarrow is installed: the result
  of ``.merge(...)``, ``.reset_index()`` (without ``drop=``), ``.to_frame()``,
  ``.pivot_table(...)``, ``pd.read_*(...)`` or ``pd.DataFrame(...)`` (``pd`` or
  ``pandas``), which are DataFrames;
* ``matplotlib.MatplotlibDataset`` (``.png``): a matplotlib figure, ``plt.figure(...)``,
  the first name of ``fig, ax = plt.subplots(...)`` or ``ax.get_figure()``;
* ``plotly.JSONDataset`` (``.json``): a plotly figure, ``px.<chart>(...)``,
  ``go.Figure(...)`` or ``make_subplots(...)``;
* ``json.JSONDataset`` (``.json``): a dict or list display whose keys are strings and
  whose leaves are literals or calls of ``int``, ``float``, ``str``, ``bool``, ``len``
  or ``round``, and that is not changed in place afterwards;
* otherwise ``pickle.PickleDataset`` (``.pkl``), which stores any picklable value
  exactly.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proj.notebook.records import Flow

_TYPES = {
    "pickle": ("pickle.PickleDataset", "pkl"),
    "text": ("text.TextDataset", "txt"),
    "matplotlib": ("matplotlib.MatplotlibDataset", "png"),
    "plotly": ("plotly.JSONDataset", "json"),
    "parquet": ("pandas.ParquetDataset", "parquet"),
    "json": ("json.JSONDataset", "json"),
}
_JSON_CALLS = frozenset({"int", "float", "str", "bool", "len", "round"})
_READERS = re.compile(r"read_(csv|parquet|excel|json|feather|table)")


def last_values(flows: list[Flow]) -> dict[str, tuple[ast.expr | None, bool]]:
    """For each name, the expression last assigned to it by a plain ``name = ...`` (None
    when something else bound it since), and whether it was changed in place afterwards
    (directly, or by using a function that changes it).

    Args:
        flows: Every group's dataflow, in order (one pass over their statements).

    Returns:
        Name -> ``(expression or None, changed in place)``.
    """
    values: dict[str, tuple[ast.expr | None, bool]] = {}
    changers = _changers(flows)
    for flow in flows:
        for analysis in flow.group.cells:
            for statement in analysis.statements:
                node = statement.node
                plain = _plain_target(node)
                for event in statement.events:
                    if event.name == plain:
                        continue
                    if event.kind == "bind":
                        values[event.name] = (None, False)
                    elif event.kind == "mutate" and event.name in values:
                        values[event.name] = (values[event.name][0], True)
                    elif event.kind == "read" and event.name in changers:
                        for changed in changers[event.name] & values.keys():
                            values[changed] = (values[changed][0], True)
                if plain is not None:
                    assert isinstance(node, ast.Assign)
                    values[plain] = (node.value, False)
                    if isinstance(node.targets[0], ast.Tuple) and not _subplots(node.value):
                        values[plain] = (None, False)
    return values


def _plain_target(node: ast.stmt) -> str | None:
    """The name ``name = ...`` assigns, or the first of ``fig, ax = ...``."""
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return None
    target = node.targets[0]
    if isinstance(target, ast.Tuple) and target.elts:
        target = target.elts[0]
    return target.id if isinstance(target, ast.Name) else None


def _subplots(value: ast.expr) -> bool:
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "subplots"
    )


def _changers(flows: list[Flow]) -> dict[str, set[str]]:
    """Functions and classes -> the notebook names they change in place when used."""
    changers: dict[str, set[str]] = {}
    for flow in flows:
        for analysis in flow.group.cells:
            for statement in analysis.statements:
                for name in statement.binds if statement.deferred_changes else ():
                    changers.setdefault(name, set()).update(statement.deferred_changes)
    return changers


def evident_type(value: ast.expr | None, *, parquet: bool, mutated: bool) -> tuple[str, str]:
    """The catalog type (and file extension) a value's expression makes evident; a
    container changed in place after it was built is not evidently JSON any more."""
    kind = "pickle"
    if value is None:
        pass
    elif _evidently_text(value):
        kind = "text"
    elif _figure(value):
        kind = str(_figure(value))
    elif parquet and _evidently_frame(value):
        kind = "parquet"
    elif isinstance(value, (ast.Dict, ast.List)) and not mutated and _json_like(value):
        kind = "json"
    return _TYPES[kind]


def _evidently_text(value: ast.expr) -> bool:
    if isinstance(value, ast.JoinedStr):
        return True
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str)
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id == "str"
    return (
        isinstance(func, ast.Attribute)
        and func.attr in ("join", "format")
        and isinstance(func.value, ast.Constant)
        and isinstance(func.value.value, str)
    )


def _figure(value: ast.expr) -> str | None:
    """``"matplotlib"`` or ``"plotly"`` when the value is evidently such a figure."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    if isinstance(func, ast.Name):
        return "plotly" if func.id == "make_subplots" else None
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value.id if isinstance(func.value, ast.Name) else None
    matplotlib = func.attr in ("figure", "subplots") and owner in ("plt", "pyplot")
    if matplotlib or func.attr == "get_figure":
        return "matplotlib"
    plotly = owner == "px" or (owner == "go" and func.attr == "Figure")
    return "plotly" if plotly or func.attr == "make_subplots" else None


def _evidently_frame(value: ast.expr) -> bool:
    if not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return False
    method = value.func.attr
    drops = any(k.arg == "drop" for k in value.keywords)
    owner = value.func.value.id if isinstance(value.func.value, ast.Name) else None
    return (
        method in ("merge", "to_frame", "pivot_table")
        or (method == "reset_index" and not drops)
        or _READERS.fullmatch(method) is not None
        or (owner in ("pd", "pandas") and method == "DataFrame")
    )


def _json_like(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None or isinstance(node.value, (str, int, float, bool))
    if isinstance(node, ast.Dict):
        keys_ok = all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys)
        return keys_ok and all(_json_like(v) for v in node.values)
    if isinstance(node, ast.List):
        return all(_json_like(element) for element in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in _JSON_CALLS and not node.keywords
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        return True
    return False
