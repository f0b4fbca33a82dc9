"""The body of a converted node: one function per group of cells.

A node function is named after its group and takes its inputs as parameters named
after the notebook variables (catalog datasets and parameters get fresh names, e.g.
``iris_data`` or ``test_fraction``). Its body is the cells' text, comments and blank
lines kept, without the statements moved to module level or dropped (display-only
expressions, kernel set-up), with ``catalog.load("x")`` and ``params[...]`` replaced by
their parameters and ``catalog.save("x", v)`` by an assignment to a returned variable;
functions reading data defined by earlier groups are copied in first; the body ends by
returning the outputs (with a comment naming the values a node only passes on, see
:meth:`proj.notebook.dataflow.Analyzer.order_changes`). An output the cells bind
on some paths only (``if ...: total = ...``) that later nodes read is set to None
first (a dataset refuses None, so the run stops there, as the notebook would).
Indentation never touches the inside of multi-line strings.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from proj.notebook.events import BUILTIN_NAMES, Span
from proj.notebook.grouping import slug
from proj.notebook.source import (
    apply_edits,
    indent_code,
    span_text,
    statement_range,
    statement_text,
    string_lines,
)

if TYPE_CHECKING:
    from proj.notebook.records import Flow
    from proj.notebook.source import Lines
    from proj.notebook.statements import CellAnalysis


def node_function(
    flow: Flow,
    function: str,
    *,
    module_names: set[str],
    gone: set[tuple[int, int]],
    outputs: list[str],
) -> Lines:
    """The source of one node function (see the module docstring).

    Fills in each input's ``ident`` (the parameter name) and, for data inputs, its
    ``dataset`` (from the version read), which ``pipeline.py`` then lists.

    Args:
        flow: The group's dataflow.
        function: The function's name.
        module_names: Names defined at module level of ``nodes.py``.
        gone: ``(cell, statement index)`` of statements moved to module level or dropped.
        outputs: The variables to return, in order (``catalog.save`` values follow).

    Returns:
        The function's lines with the ``(cell, line)`` each came from.
    """
    taken = _identifiers(flow)

    def used(name: str) -> bool:
        return name in taken or name in module_names or name in BUILTIN_NAMES

    def fresh(base: str) -> str:
        base = base or "data"
        candidate, number = base, 2
        if used(candidate):
            candidate = f"{base}_data"
        while used(candidate):
            candidate = f"{base}_{number}"
            number += 1
        taken.add(candidate)
        return candidate

    for item in flow.inputs:
        if item.kind == "data":
            assert item.version is not None
            item.dataset = item.version.dataset
            item.ident = item.version.name
        elif not item.ident:
            key = item.dataset.split(":", 1)[-1].split(".")[-1]
            item.ident = fresh(slug(key) if item.kind != "parameters" else "parameters")
    save_idents = {dataset: fresh(slug(dataset)) for dataset in flow.saves}
    pieces: Lines = []
    unset = [name for name in outputs if name in flow.conditional]
    if unset:
        note = "# Bound on some paths only: None (which stops the run) when not bound."
        pieces.append((note, None))
        pieces += [(f"{name} = None", None) for name in unset]
        pieces.append(("", None))
    for ref in flow.inline:
        text = statement_text(ref.analysis, ref.statement)
        start = statement_range(ref.analysis, ref.statement)[0]
        pieces += [(line, (ref.analysis.cell.number, start + i)) for i, line in enumerate(text)]
        pieces.append(("", None))
    for analysis in flow.group.cells:
        pieces += _cell_body(flow, analysis, save_idents, gone)
        pieces.append(("", None))
    returned = [*outputs, *(save_idents[dataset] for dataset in flow.saves)]
    pieces = _tidy(pieces)
    passed = [v.name for v in flow.versions if v.passed and v.name in outputs]
    if returned:
        pieces.append(("", None))
        if passed:
            them = "it" if len(passed) == 1 else "them"
            note = f"# Returns {', '.join(passed)} unchanged: the node changing {them} in place"
            pieces += [(note, None), ("# must run after this one.", None)]
        pieces.append((f"return {', '.join(returned)}", None))
    indented = indent_code("\n".join(line for line, _ in pieces)).split("\n")
    params = ", ".join(item.ident for item in flow.inputs)
    doc = flow.group.describe().replace('"""', "'''").replace("\\", "\\\\")
    body: Lines = [(f"def {function}({params}):", None), (f'    """{doc}."""', None)]
    body += [(line, origin) for line, (_, origin) in zip(indented, pieces, strict=True)]
    return body


def _cell_body(
    flow: Flow, analysis: CellAnalysis, save_idents: dict[str, str], gone: set[tuple[int, int]]
) -> Lines:
    """A cell's text without its module-level and dropped statements, with kernel
    patterns replaced. A statement sharing a line with another (``a; b``) stays."""
    number = analysis.cell.number
    lines = analysis.lines
    owner: dict[int, int] = {}
    shared: set[int] = set()
    for index, statement in enumerate(analysis.statements):
        node = statement.node
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
            if line in owner:
                shared.update({owner[line], index})
            owner[line] = index
    edits: list[tuple[Span, str]] = []
    for index, statement in enumerate(analysis.statements):
        if (number, index) in gone and index not in shared:
            first, last = statement_range(analysis, statement)
            edits.append((Span(first, 0, last, len(lines[last - 1].encode("utf-8"))), ""))
            continue
        for use in statement.kernel:
            if use.kind == "save":
                assert use.value is not None
                value = span_text(lines, use.value)
                edits.append((use.span, f"{save_idents[use.dataset]} = {value}"))
            else:
                edits.append((use.span, flow.kernel_inputs[_use_key(use.kind, use.dataset)].ident))
    return [(text, (number, line)) for text, line in apply_edits(lines, edits)]


def _use_key(kind: str, dataset: str) -> tuple[str, str]:
    if kind == "param":
        return ("param", f"params:{dataset}") if dataset else ("parameters", "parameters")
    if dataset == "parameters":
        return ("parameters", "parameters")
    return ("param", dataset) if dataset.startswith("params:") else ("catalog", dataset)


def _identifiers(flow: Flow) -> set[str]:
    names: set[str] = set()
    for analysis in flow.group.cells:
        for statement in analysis.statements:
            for child in ast.walk(statement.node):
                if isinstance(child, ast.Name):
                    names.add(child.id)
                elif isinstance(child, ast.arg):
                    names.add(child.arg)
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(child.name)
                elif isinstance(child, ast.alias):
                    names.add(child.asname or child.name.split(".")[0])
    for ref in flow.inline:
        names.update(ref.statement.binds)
    return names


def _tidy(pieces: Lines) -> Lines:
    """Trim blank lines at both ends and collapse runs, except inside strings."""
    protected = string_lines("\n".join(line for line, _ in pieces))
    out: Lines = []
    for number, (line, origin) in enumerate(pieces, start=1):
        if not line.strip() and number not in protected:
            if out and out[-1][0].strip():
                out.append(("", None))
        else:
            out.append((line, origin))
    while out and not out[-1][0].strip():
        out.pop()
    return out
