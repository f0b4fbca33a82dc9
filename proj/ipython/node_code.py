"""The code that ``%load_node`` writes: a node's inputs, its function and the call.

For a node, three pieces of plain Python are built:

* **inputs**: one ``<variable> = catalog.load("<dataset>")`` line per input, the variable
  named after the function's parameter (``params:`` inputs load the same way);
* **definition**: the imports at the top of the node function's module (relative imports
  made absolute), an import of the module-level helpers the function uses, and the
  function's own source as it is on disk now;
* **call**: the function called with those variables, its result bound to variables
  named after the output datasets.

Only functions defined at the top level of a module can be copied; a lambda, a
``functools.partial`` or a nested function is refused with a message that says so.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib.util
import inspect
import json
import keyword
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import NotebookError

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from proj.pipeline import Node

#: Names the project extension defines; generated variables never shadow them.
RESERVED = frozenset({"catalog", "context", "pipelines", "session"})


@dataclass(frozen=True)
class NodeCode:
    """The code of one node, ready to paste into cells.

    Attributes:
        node_name: The node's full name (namespace included).
        module: The dotted name of the module defining the node's function.
        inputs: Lines that load the inputs from ``catalog``.
        definition: Imports, helper imports and the function's source.
        call: The call, binding outputs to variables.
    """

    node_name: str
    module: str
    inputs: str
    definition: str
    call: str

    def cells(self) -> list[str]:
        """The three pieces as separate cells (inputs, definition, call)."""
        return [self.inputs, self.definition, self.call]

    def as_single_cell(self) -> str:
        """All three pieces in one cell, each under a comment line.

        A ``from __future__`` import of the definition moves to the first line, the only
        place Python accepts it.
        """
        future, definition = _split_future(self.definition)
        parts = [
            *future,
            f"# %load_node {self.node_name}",
            "# ---- inputs, from the catalog",
            self.inputs,
            f"# ---- the function, with the imports of {self.module}",
            definition,
            "# ---- the call",
            self.call,
        ]
        return "\n".join(parts) + "\n"


def _split_future(code: str) -> tuple[list[str], str]:
    future = [line for line in code.splitlines() if line.startswith("from __future__ ")]
    rest = "\n".join(line for line in code.splitlines() if line not in future)
    return future, rest.lstrip("\n")


def variable_name(dataset: str) -> str:
    """A Python identifier for a dataset name (``"params:split.ratio"`` -> ``split_ratio``).

    Args:
        dataset: A dataset name.

    Returns:
        The name with ``params:`` dropped, every other character that cannot be in an
        identifier replaced by ``_``, a leading digit prefixed with ``_``, and ``_``
        appended to keywords and to the four names the extension defines.
    """
    name = dataset.removeprefix("params:")
    name = re.sub(r"\W", "_", name) or "_"
    if name[0].isdigit():
        name = "_" + name
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def _target_function(node: Node) -> Callable[..., Any]:
    func = node.func
    if isinstance(func, functools.partial):
        raise NotebookError(
            f"Node '{node.name}' runs a functools.partial of {func.func!r}; %load_node "
            "copies only plain functions.",
            hint="Load the inputs yourself and call the partial from `pipelines`.",
        )
    func = inspect.unwrap(func)
    if not inspect.isfunction(func) or func.__name__ == "<lambda>":
        raise NotebookError(
            f"Node '{node.name}' runs {func!r}, which is not a function defined with def; "
            "%load_node copies only such functions.",
            hint="Define the node's function with def at the top of a module.",
        )
    if "<locals>" in func.__qualname__:
        raise NotebookError(
            f"Node '{node.name}' runs {func.__qualname__}, defined inside another function; "
            "%load_node copies only top-level functions.",
            hint="Move the function to the top level of its module.",
        )
    return func


def _read_module(func: Callable[..., Any], node_name: str) -> tuple[str, Path, str]:
    module_name = getattr(func, "__module__", None) or ""
    filename = inspect.getsourcefile(func)
    if not filename or not Path(filename).is_file():
        raise NotebookError(
            f"The source of node '{node_name}' ({module_name}.{func.__name__}) is not on disk.",
            hint="%load_node needs the function's .py file.",
        )
    path = Path(filename)
    return module_name, path, path.read_text(encoding="utf-8")


def _find_def(tree: ast.Module, name: str, path: Path) -> ast.FunctionDef | ast.AsyncFunctionDef:
    found = [
        stmt
        for stmt in tree.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name
    ]
    if not found:
        raise NotebookError(
            f"{path} no longer defines a top-level function {name}().",
            hint="Run %reload_project to load the project's current code.",
        )
    return found[-1]  # the last definition is the one Python keeps


def _absolute(stmt: ast.ImportFrom, package: str | None) -> ast.ImportFrom:
    if not stmt.level:
        return stmt
    relative = "." * stmt.level + (stmt.module or "")
    module = importlib.util.resolve_name(relative, package or "")
    return ast.ImportFrom(module=module, names=stmt.names, level=0)


def _module_imports(tree: ast.Module, package: str | None) -> tuple[list[str], set[str]]:
    """Top-level import statements (made absolute) and the names they bind."""
    lines: list[str] = []
    bound: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            lines.append(ast.unparse(stmt))
            bound.update((a.asname or a.name).split(".")[0] for a in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            lines.append(ast.unparse(_absolute(stmt, package)))
            bound.update(a.asname or a.name for a in stmt.names)
    future = [line for line in lines if line.startswith("from __future__ ")]
    return future + [line for line in lines if line not in future], bound


def _module_definitions(tree: ast.Module) -> set[str]:
    """Names defined at the top level of a module other than by import."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def _used_names(definition: ast.AST) -> set[str]:
    return {
        n.id
        for n in ast.walk(definition)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }


def _definition(func: Callable[..., Any], node_name: str) -> tuple[str, str]:
    module_name, path, source = _read_module(func, node_name)
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise NotebookError(
            f"{path}:{exc.lineno}: {exc.msg}; the node's module cannot be read.",
            hint="Fix the syntax error, then run %reload_project.",
        ) from exc
    func_def = _find_def(tree, func.__name__, path)
    start = min([func_def.lineno, *(d.lineno for d in func_def.decorator_list)])
    end = func_def.end_lineno or func_def.lineno
    body = "\n".join(source.splitlines()[start - 1 : end])
    module = sys.modules.get(module_name)
    package = getattr(module, "__package__", None) or module_name.rpartition(".")[0]
    imports, imported = _module_imports(tree, package)
    helpers = sorted(
        (_used_names(func_def) & _module_definitions(tree))
        - imported
        - {func.__name__}
        - set(dir(builtins))
    )
    pieces = list(imports)
    if helpers and module_name:
        pieces.append(f"from {module_name} import {', '.join(helpers)}")
    code = "\n".join(pieces) + ("\n\n\n" if pieces else "") + body
    return module_name, code


def _bind_inputs(node: Node, func: Callable[..., Any]) -> tuple[list[tuple[str, str]], str]:
    """(variable, dataset) pairs in call order, and the argument list of the call."""
    declared = node.declared_inputs
    if declared is None:
        return [], ""
    if isinstance(declared, dict):
        pairs = [(key, dataset) for key, dataset in declared.items()]
        return pairs, ", ".join(f"{key}={key}" for key, _ in pairs)
    datasets = [declared] if isinstance(declared, str) else list(declared)
    positional = [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    pairs = []
    used: set[str] = set()
    for index, dataset in enumerate(datasets):
        name = positional[index] if index < len(positional) else variable_name(dataset)
        if name in RESERVED:
            name += "_"
        while name in used:
            name += "_"
        used.add(name)
        pairs.append((name, dataset))
    return pairs, ", ".join(name for name, _ in pairs)


def _call(node: Node, func_name: str, arguments: str) -> str:
    call = f"{func_name}({arguments})"
    declared = node.declared_outputs
    if declared is None:
        return call
    if isinstance(declared, str):
        name = variable_name(declared)
        return f"{name} = {call}\n{name}"
    if isinstance(declared, dict):
        lines = [f"outputs = {call}"]
        lines += [
            f"{variable_name(dataset)} = outputs[{json.dumps(key)}]"
            for key, dataset in declared.items()
        ]
        return "\n".join(lines)
    names = [variable_name(dataset) for dataset in declared]
    target = ", ".join(names) + ("," if len(names) == 1 else "")
    return f"{target} = {call}"


def _input_line(
    name: str,
    dataset: str,
    node: Node,
    *,
    run_id: str | None,
    computed: Mapping[str, str],
    in_memory: Collection[str],
) -> str:
    if dataset in computed:
        return f"{name} = {computed[dataset]}"
    if run_id is not None:
        return (
            f"{name} = session.load_run_input({json.dumps(run_id)}, {json.dumps(dataset)}, "
            f"node={json.dumps(node.name)})"
        )
    if dataset in in_memory:
        return (
            f"# {name} = ...  ('{dataset}' lives only in memory during a run: run "
            f"`proj run --keep-intermediates`, then `%load_node {node.name} --run RUN_ID`)"
        )
    return f"{name} = catalog.load({json.dumps(dataset)})"


def output_variables(node: Node) -> dict[str, str]:
    """Dataset -> the variable that the code of :func:`node_code` binds it to."""
    declared = node.declared_outputs
    if declared is None:
        return {}
    datasets = (
        [declared]
        if isinstance(declared, str)
        else list(declared.values())
        if isinstance(declared, dict)
        else list(declared)
    )
    return {dataset: variable_name(dataset) for dataset in datasets}


def node_code(
    node: Node,
    *,
    run_id: str | None = None,
    computed: Mapping[str, str] | None = None,
    in_memory: Collection[str] = (),
) -> NodeCode:
    """Build the code of ``%load_node`` for a node.

    Args:
        node: A node whose function is a top-level ``def`` in a module on disk.
        run_id: Load the inputs as this recorded run saw them
            (``session.load_run_input``) instead of from the catalog.
        computed: Dataset -> a variable already bound by earlier code in the same cell
            (an earlier node's output), used instead of loading it.
        in_memory: Datasets held only in memory during a run: without ``run_id`` their
            line is a comment that says how to get the data.

    Returns:
        The inputs, definition and call pieces.

    Raises:
        NotebookError: The function is a lambda, a partial or nested, or its source
            file is missing, unreadable or no longer defines it.
    """
    func = _target_function(node)
    module_name, definition = _definition(func, node.name)
    pairs, arguments = _bind_inputs(node, func)
    if pairs:
        inputs = "\n".join(
            _input_line(name, ds, node, run_id=run_id, computed=computed or {}, in_memory=in_memory)
            for name, ds in pairs
        )
    else:
        inputs = f"# node '{node.name}' has no inputs"
    return NodeCode(
        node_name=node.name,
        module=module_name,
        inputs=inputs,
        definition=definition,
        call=_call(node, func.__name__, arguments),
    )
