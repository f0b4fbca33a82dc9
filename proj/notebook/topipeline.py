"""Notebook -> modular pipeline: ``nodes.py``, ``pipeline.py`` and new catalog entries.

:func:`to_pipeline` groups cells into nodes (:mod:`proj.notebook.grouping`), infers
their dataflow (:mod:`proj.notebook.dataflow`) and writes:

* ``nodes.py``: the header (:mod:`proj.notebook.source`), the imports the code uses,
  then the optional imports it uses (each ``try:`` copied whole, once, in notebook
  order: after the imports it may use, before the definitions that may use it), the
  module-level definitions in dependency order, then one function per node
  (:mod:`proj.notebook.node_functions`);
* ``pipeline.py``: ``create_pipeline()`` wrapping the nodes with
  :func:`proj.pipeline.pipeline` in the namespace ``NAME``, so that its datasets are
  ``NAME.<variable>`` and never collide with another pipeline's, while catalog datasets
  (``catalog.load``/``catalog.save``) and parameters keep their names;
* catalog entries for the values the pipeline persists, under
  ``data/08_reporting/NAME/``, typed by :mod:`proj.notebook.dataset_types`.

Dataset names: the final version of a variable is ``<variable>``; an earlier version is
``<variable>__<node>`` (the node that produced it). Node (and function) names come from
the groups; one that clashes with a module-level definition, a notebook variable, a
built-in or a name ``pipeline.py`` imports gets ``_node`` appended.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import keyword
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from proj.exceptions import NotebookError
from proj.notebook.dataflow import infer_dataflow
from proj.notebook.dataset_types import evident_type, last_values
from proj.notebook.events import BUILTIN_NAMES
from proj.notebook.grouping import group_cells
from proj.notebook.module import dependency_order, render_imports
from proj.notebook.node_functions import node_function
from proj.notebook.reading import read_notebook
from proj.notebook.rebinding import rename_rebound_definitions
from proj.notebook.source import (
    Lines,
    layout,
    with_header,
)
from proj.notebook.statements import analyze_cell

if TYPE_CHECKING:
    from collections.abc import Container, Mapping
    from pathlib import Path

    from proj.notebook.grouping import Split
    from proj.notebook.module import ImportEntry
    from proj.notebook.reading import Notebook
    from proj.notebook.records import Dataflow, Flow, Ref, Version

PIPELINE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_RESERVED = frozenset({"Pipeline", "node", "pipeline", "create_pipeline"})


@dataclass
class PipelineResult:
    """The code generated for a notebook's pipeline.

    Attributes:
        notebook: The notebook read.
        name: The pipeline's name (its folder and namespace).
        nodes_source: The text of ``nodes.py``.
        pipeline_source: The text of ``pipeline.py``.
        catalog_entries: New dataset name -> catalog entry (``type``, ``filepath``).
        persisted: Notebook variable -> dataset name, for the values persisted.
        node_names: Node names (without namespace), in order.
        warnings: Things the user should know.
        origins: For each line of ``nodes_source``, the ``(cell, line)`` it came from.
    """

    notebook: Notebook
    name: str
    nodes_source: str
    pipeline_source: str
    catalog_entries: dict[str, dict[str, str]] = field(default_factory=dict)
    persisted: dict[str, str] = field(default_factory=dict)
    node_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    origins: list[tuple[int, int] | None] = field(default_factory=list)

    def where(self, line: int) -> str:
        """Describe a line of ``nodes.py`` by its origin, e.g. ``"cell 4, line 2"``."""
        origin = self.origins[line - 1] if 0 < line <= len(self.origins) else None
        return f"cell {origin[0]}, line {origin[1]}" if origin else f"line {line} of nodes.py"


def check_pipeline_name(name: str) -> None:
    """Check a pipeline name: a lower-case Python identifier, not a keyword.

    Raises:
        NotebookError: It is not.
    """
    if not PIPELINE_NAME.fullmatch(name) or keyword.iskeyword(name) or name in _RESERVED:
        raise NotebookError(
            f"{name!r} cannot name a pipeline: it becomes a Python package and a namespace.",
            hint="Use lower-case letters, digits and underscores, e.g. 'iris_report'.",
        )


def to_pipeline(
    nb: Notebook | Mapping[str, Any] | str | Path,
    name: str,
    *,
    notebook_name: str | None = None,
    split: Split = "headings",
    parquet: bool | None = None,
    paths: tuple[Path, Path] | None = None,
    dataset_types: Container[str] | None = None,
) -> PipelineResult:
    """Convert a whole notebook into the modular pipeline ``name``.

    Args:
        nb: A notebook: :class:`~proj.notebook.reading.Notebook`, a path, or parsed JSON.
        name: The pipeline's name (``src/<package>/pipelines/<name>/``, and namespace).
        notebook_name: How headers name the notebook; default: the path as given.
        split: The grouping rule, ``"headings"`` or ``"cells"``
            (see :mod:`proj.notebook.grouping`).
        parquet: Whether evident DataFrames may be persisted as Parquet; default:
            when pyarrow is installed.
        dataset_types: The catalog types this proj knows; a value whose evident type
            is not among them is persisted with pickle (with a warning). Default: the
            built-in types of :mod:`proj.io.registry`.
        paths: ``(notebook folder, project root)``: rewrite string literals that are
            paths relative to the notebook's folder relative to the project root, with a
            warning each (:mod:`proj.notebook.paths`); None leaves them.

    Returns:
        The generated code and catalog entries (nothing is written).

    Raises:
        NotebookError: Unreadable notebook, non-Python kernel, bad pipeline name, a
            syntax error in a converted cell, no code to convert, or code that cannot
            be converted faithfully (every such line listed with cell and line).
    """
    check_pipeline_name(name)
    notebook = read_notebook(nb, name=notebook_name)
    analyses = {cell.number: analyze_cell(cell) for cell in notebook.code_cells}
    notebook, renamed = rename_rebound_definitions(notebook, analyses)
    for cell in notebook.code_cells:
        if cell is not analyses[cell.number].cell:  # a cell the renaming rewrote
            analyses[cell.number] = analyze_cell(cell)
    groups, skipped = group_cells(notebook, analyses, split)
    problems = [
        (a.cell.number, a.error.lineno or 1, f"syntax error: {a.error.msg}")
        for group in groups
        for a in group.cells
        if a.error is not None
    ]
    _raise(notebook, problems)
    dataflow = infer_dataflow(groups, [analyses[number] for number in skipped])
    _raise(notebook, dataflow.problems)
    if parquet is None:
        parquet = importlib.util.find_spec("pyarrow") is not None
    if dataset_types is None:
        from proj.io import registry

        dataset_types = getattr(registry, "BUILTIN_TYPES", None)
    writer = _Writer(notebook, name, dataflow, parquet)
    writer.dataset_types = dataset_types
    writer.paths = paths
    result = writer.result()
    result.warnings[:0] = renamed
    return result


def _raise(notebook: Notebook, problems: list[tuple[int, int, str]]) -> None:
    if not problems:
        return
    lines = [f"cell {cell}, line {line}: {message}" for cell, line, message in sorted(problems)]
    raise NotebookError(
        f"{notebook.name} cannot be converted faithfully:\n  " + "\n  ".join(lines),
        hint="Rewrite those lines, or tag their cells 'skip' to leave them out.",
    )


class _Writer:
    def __init__(self, notebook: Notebook, name: str, dataflow: Dataflow, parquet: bool) -> None:
        self.notebook = notebook
        self.name = name
        self.dataflow = dataflow
        self.parquet = parquet
        self.module_names: set[str] = set()
        for ref in dataflow.module_level:
            self.module_names.update(ref.statement.binds)
        self.gone = {ref.key for ref in dataflow.module_level} | dataflow.dropped
        self.flows = [
            flow
            for flow in dataflow.flows
            if any(
                (a.cell.number, i) not in self.gone
                for a in flow.group.cells
                for i in range(len(a.statements))
            )
        ]
        self.catalog_inputs: list[str] = []
        self.catalog_outputs: list[str] = []
        self._last_values: dict[str, tuple[ast.expr | None, bool]] | None = None
        self.warnings = list(dataflow.warnings)
        self.paths: tuple[Path, Path] | None = None
        self.dataset_types: Container[str] | None = None

    # ------------------------------------------------------------------ result

    def result(self) -> PipelineResult:
        if not self.flows:
            raise NotebookError(
                f"{self.notebook.name} has no code to turn into nodes (only definitions, "
                "or every cell is tagged 'skip').",
                hint="Convert its functions into a module with `proj jupyter convert` "
                "without --to-pipeline.",
            )
        functions = self._function_names()
        self._name_datasets(functions)
        persisted: dict[str, str] = {}
        entries: dict[str, dict[str, str]] = {}
        for flow in self.flows:
            for version in flow.versions:
                if self._persisted(version):
                    dataset = f"{self.name}.{version.dataset}"
                    persisted[version.name] = dataset
                    entries[dataset] = self._entry(version.name, version.dataset)
        for flow in self.flows:
            self._report_conditional(flow)
        nodes_lines = self._nodes_module(functions)
        body = "\n".join(line for line, _ in nodes_lines) + "\n"
        if self.paths is not None:
            from proj.notebook.paths import rewrite_paths

            def where(line: int) -> str:
                origin = nodes_lines[line - 1][1] if 0 < line <= len(nodes_lines) else None
                return f"cell {origin[0]}, line {origin[1]}" if origin else f"line {line}"

            body, notes = rewrite_paths(
                body, notebook_dir=self.paths[0], root=self.paths[1], where=where
            )
            self.warnings += notes
        nodes_source = with_header(
            body, notebook_name=self.notebook.name, notebook_hash=self.notebook.content_hash
        )
        origins: list[tuple[int, int] | None] = [None, None, None]
        origins += [origin for _, origin in nodes_lines]
        pipeline_body = self._pipeline_module(functions)
        pipeline_source = with_header(
            pipeline_body,
            notebook_name=self.notebook.name,
            notebook_hash=self.notebook.content_hash,
        )
        result = PipelineResult(
            notebook=self.notebook,
            name=self.name,
            nodes_source=nodes_source,
            pipeline_source=pipeline_source,
            catalog_entries=entries,
            persisted=persisted,
            node_names=[functions[id(flow)] for flow in self.flows],
            warnings=self.warnings,
            origins=origins,
        )
        try:
            compile(nodes_source, "nodes.py", "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise NotebookError(
                f"{self.notebook.name}: the generated nodes.py does not compile at "
                f"{result.where(exc.lineno or 1)}: {exc.msg}",
                hint="Report this with the notebook: proj should not generate invalid code.",
            ) from exc
        return result

    # ------------------------------------------------------------------ names

    def _check_saves(self) -> dict[str, int]:
        """Catalog dataset -> index of the flow saving it; one saver each, before loads."""
        saved_by: dict[str, int] = {}
        for number, flow in enumerate(self.flows):
            for dataset in flow.saves:
                if saved_by.get(dataset, number) != number:
                    first = self.flows[saved_by[dataset]].group.describe()
                    raise NotebookError(
                        f"{self.notebook.name}: {first} and {flow.group.describe()} both "
                        f"save the catalog dataset {dataset!r}.",
                        hint="Save each dataset from one place only.",
                    )
                saved_by[dataset] = number
        for number, flow in enumerate(self.flows):
            for item in flow.inputs:
                if item.kind == "catalog" and saved_by.get(item.dataset, -1) >= number:
                    producer = self.flows[saved_by[item.dataset]].group.describe()
                    raise NotebookError(
                        f"{self.notebook.name}: {flow.group.describe()} loads "
                        f"{item.dataset!r} before {producer} saves it.",
                        hint="Load a dataset only after the cell that saves it.",
                    )
        return saved_by

    def _name_datasets(self, functions: dict[int, str]) -> None:
        """Name each version: ``<variable>`` when final, else ``<variable>__<node>``."""
        saved_by = self._check_saves()
        facing: set[str] = {"parameters", *saved_by}
        for flow in self.flows:
            facing.update(item.dataset for item in flow.inputs if item.kind != "data")
        for flow in self.flows:
            for version in flow.versions:
                final = self.dataflow.final.get(version.name) is version
                if final and version.name not in facing:
                    version.dataset = version.name
                else:
                    version.dataset = f"{version.name}__{functions[id(flow)]}"
            for item in flow.inputs:
                wanted = item.kind == "catalog" and item.dataset not in saved_by
                if wanted and item.dataset not in self.catalog_inputs:
                    self.catalog_inputs.append(item.dataset)
        self.catalog_outputs.extend(saved_by)

    def _function_names(self) -> dict[int, str]:
        taken = set(self.module_names) | self.dataflow.data_names | _RESERVED | BUILTIN_NAMES
        names: dict[int, str] = {}
        for flow in self.flows:
            candidate = flow.group.name
            while candidate in taken:
                candidate += "_node"
            taken.add(candidate)
            names[id(flow)] = candidate
        return names

    def _persisted(self, version: Version) -> bool:
        return self._unread_final(version) and not self._conditional(version)

    def _unread_final(self, version: Version) -> bool:
        return (
            not version.consumers
            and not version.used
            and self.dataflow.final.get(version.name) is version
            and not version.temp
            and not version.name.startswith("_")
        )

    def _conditional(self, version: Version) -> bool:
        return version.name in self.dataflow.flows[version.group].conditional

    def _report_conditional(self, flow: Flow) -> None:
        """Warn about the names a node binds on some paths only: not persisted (a
        dataset cannot hold "nothing"), or set to None first when later nodes read them."""
        places: dict[tuple[tuple[int, int], bool], list[str]] = {}
        for version in flow.versions:
            if version.name not in flow.conditional:
                continue
            if version.consumers or self._unread_final(version):
                key = (flow.conditional[version.name], bool(version.consumers))
                places.setdefault(key, []).append(version.name)
        for ((cell, line), passed), names in places.items():
            shown = ", ".join(f"'{name}'" for name in names)
            verb = "is" if len(names) == 1 else "are"
            start = f"cell {cell}, line {line}: {shown} {verb} bound on some paths only (under "
            if passed:
                self.warnings.append(
                    f"{start}a condition or in a loop); the node sets it to None first, and "
                    "the pipeline stops there when that path does not run (as the notebook "
                    "would on reading it)."
                )
            else:
                self.warnings.append(
                    f"{start}a condition or in a loop), so the pipeline does not persist it; "
                    "bind it on every path (before the `if` or loop) to persist it."
                )

    def _outputs(self, flow: Flow) -> list[Version]:
        return [v for v in flow.versions if v.consumers or self._persisted(v)]

    # ------------------------------------------------------------------ nodes.py

    def _nodes_module(self, functions: dict[int, str]) -> Lines:
        title = self.notebook.name.replace('"""', "'''").replace("\\", "/")
        imports, optional = self._imports()
        return layout(
            f'"""Nodes of the pipeline {self.name!r}, converted from {title}."""',
            imports,
            [(ref.analysis, ref.statement) for ref in [*optional, *self._definitions()]],
            [
                node_function(
                    flow,
                    functions[id(flow)],
                    module_names=self.module_names,
                    gone=self.gone,
                    outputs=[version.name for version in self._outputs(flow)],
                )
                for flow in self.flows
            ],
        )

    def _imports(self) -> tuple[Lines, list[Ref]]:
        """The import lines, and the optional imports to copy, for the names the kept
        code uses and every module import (``import a.b``: importing may be its point);
        a name imported several times keeps its last import."""
        wanted: dict[str, int] = {}
        kept = [
            (a, i)
            for flow in self.flows
            for a in flow.group.cells
            for i in range(len(a.statements))
            if (a.cell.number, i) not in self.dataflow.dropped
        ]
        # Also every module-level statement, even from a group that became no node (a
        # cell of definitions or optional imports only): what they use is imported.
        kept += [(ref.analysis, ref.index) for ref in self.dataflow.module_level]
        for analysis, index in kept:
            statement = analysis.statements[index]
            for event in statement.events:
                if event.kind in ("read", "mutate"):
                    wanted.setdefault(event.name, 0)
            for name in statement.deferred:
                wanted.setdefault(name, 0)
        entries: list[ImportEntry] = []
        last: dict[str, tuple[int, int]] = {}
        for ref in self.dataflow.module_level:
            if ref.statement.kind in ("import", "future"):
                for name in ref.statement.binds:
                    last[name] = ref.key
        optional: list[Ref] = []
        for ref in self.dataflow.module_level:
            statement = ref.statement
            if statement.kind == "future":
                entries.append(
                    (statement.node, (ref.analysis.cell.number, statement.node.lineno), None)
                )
            elif statement.kind == "import":
                # `import hvplot.pandas` is there for what importing does (it registers
                # the `.hvplot` accessor), not for a name: a module import stays even
                # when no kept code reads the name. `from m import a` keeps names used.
                imports_modules = isinstance(statement.node, ast.Import)
                names = {
                    n
                    for n in statement.binds
                    if (n in wanted or imports_modules) and last.get(n) == ref.key
                }
                if names and statement.optional_import:
                    optional.append(ref)
                elif names:
                    entries.append(
                        (statement.node, (ref.analysis.cell.number, statement.node.lineno), names)
                    )
        return render_imports(entries), optional

    def _definitions(self) -> list[Ref]:
        latest: dict[str, Ref] = {}
        for ref in self.dataflow.module_level:
            if ref.statement.kind not in ("import", "future"):
                for name in ref.statement.binds:
                    latest[name] = ref
        roots = list({ref.key: ref for ref in latest.values()}.values())
        roots.sort(key=lambda ref: ref.key)

        def dependencies(ref: Ref) -> list[Ref]:
            found: dict[tuple[int, int], Ref] = {}
            statement = ref.statement
            names = [e.name for e in statement.events if e.kind in ("read", "mutate")]
            for name in [*names, *statement.deferred]:
                target = latest.get(name)
                if target is not None and name not in statement.binds:
                    found[target.key] = target
            return [found[key] for key in sorted(found)]

        return dependency_order(roots, dependencies, key=lambda ref: ref.key)

    # ------------------------------------------------------------------ pipeline.py

    def _pipeline_module(self, functions: dict[int, str]) -> str:
        names = [functions[id(flow)] for flow in self.flows]
        imported = f"from .nodes import {', '.join(names)}"
        if len(imported) > 99:
            imported = "from .nodes import (\n" + "".join(f"    {n},\n" for n in names) + ")"
        title = self.notebook.name.replace('"""', "'''").replace("\\", "/")
        out = [
            f'"""The pipeline {self.name!r}, converted from {title}."""',
            "",
            "from proj.pipeline import Pipeline, node, pipeline",
            "",
            imported,
            "",
            "#: Whether a plain `proj run` (the __default__ pipeline) runs this one too. A",
            "#: converted notebook starts outside; set True once it runs as you want.",
            "JOIN_DEFAULT = False",
            "",
            "",
            "def create_pipeline(**kwargs: object) -> Pipeline:",
            f'    """Build the pipeline {self.name!r} (namespace ``{self.name}``).',
            "",
            "    Args:",
            "        **kwargs: Unused; accepted so that every pipeline module has one signature.",
            "",
            "    Returns:",
            f"        The nodes of {title}, one per group of cells.",
            '    """',
            "    nodes = Pipeline(",
            "        [",
        ]
        for flow in self.flows:
            function = functions[id(flow)]
            inputs = [item.dataset for item in flow.inputs]
            outputs = [v.dataset for v in self._outputs(flow)] + list(flow.saves)
            out += [
                "            node(",
                f"                {function},",
                f"                inputs={_literal(inputs)},",
                f"                outputs={_literal(outputs, single=True)},",
                f"                name={_q(function)},",
                "            ),",
            ]
        out += ["        ]", "    )"]
        arguments = [f"namespace={_q(self.name)}"]
        if self.catalog_inputs:
            arguments.append(f"inputs={_set(self.catalog_inputs)}")
        if self.catalog_outputs:
            arguments.append(f"outputs={_set(self.catalog_outputs)}")
        # A namespace prefixes parameters too (params:<ns>.<key>, as in Kedro): keep the
        # notebook's parameter names, which conf/base/parameters.yml already has.
        params = sorted(
            {
                item.dataset
                for flow in self.flows
                for item in flow.inputs
                if item.dataset.startswith("params:")
            }
        )
        if params:
            arguments.append(f"parameters={_set(params)}")
        call = f"    return pipeline(nodes, {', '.join(arguments)})"
        if len(call) > 99:
            call = (
                "    return pipeline(\n"
                + "".join(f"        {a},\n" for a in ["nodes", *arguments])
                + "    )"
            )
        out.append(call)
        return "\n".join(out) + "\n"

    # ------------------------------------------------------------------ catalog

    def _entry(self, variable: str, dataset: str) -> dict[str, str]:
        if self._last_values is None:
            self._last_values = last_values(self.dataflow.flows)
        value, mutated = self._last_values.get(variable, (None, False))
        kind, extension = evident_type(value, parquet=self.parquet, mutated=mutated)
        if self.dataset_types is not None and kind not in self.dataset_types:
            self.warnings.append(
                f"'{variable}' looks like a value for {kind}, which this installation of "
                "proj does not provide; it is persisted with pickle.PickleDataset."
            )
            kind, extension = "pickle.PickleDataset", "pkl"
        return {"type": kind, "filepath": f"data/08_reporting/{self.name}/{dataset}.{extension}"}


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _literal(names: list[str], *, single: bool = False) -> str:
    if not names:
        return "None"
    if single and len(names) == 1:
        return _q(names[0])
    return "[" + ", ".join(_q(name) for name in names) + "]"


def _set(names: list[str]) -> str:
    return "{" + ", ".join(_q(name) for name in names) + "}"
