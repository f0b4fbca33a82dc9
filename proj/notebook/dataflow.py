"""Dataflow between the nodes of a notebook: inputs, outputs and versions of names.

Names bound at the top level of the converted cells fall into four kinds:

* **Definitions** go to module level of ``nodes.py``: imports at the top level of a
  cell, optional imports (a ``try:`` of imports whose handlers catch ``ImportError``,
  see :mod:`proj.notebook.statements`), functions, classes, ``f = lambda ...`` and
  constants (bound once, by an assignment to UPPER_CASE names or of a value that calls
  nothing, and never changed in place). A redefined function keeps its last definition
  (with a warning when an earlier one was used).
* **Imported in a block**: a name bound by any other import nested in a block
  (``if fast: import ujson as json``, a ``try:`` that also computes something) is never
  data: a module cannot be passed between nodes or saved. The node that imports it uses
  it freely; a later node reading it is a problem reported at that cell and line, whose
  fix is to move the import to the top level of a cell.
* **Data** flows between nodes: every other name.
* **Kernel names** (``catalog``, ``context``, ``session``, ``pipelines``) and
  ``params``/``parameters`` are provided by the pipeline: ``catalog.load("x")`` becomes
  the catalog input ``x``, ``catalog.save("x", v)`` the output ``x``, and reading
  ``params["a"]["b"]`` the input ``params:a.b`` (the whole dict: ``parameters``).
  Statements that only set them up (``catalog = ...``, ``params = context.params``)
  are dropped.

A function or class that reads data (or a function that does) cannot live at module
level: it stays inside the node that defines it, and a copy goes into each later node
that uses it, closing over that node's variables, which become its inputs.

Each node's inputs are the data names it reads before binding them, in the version the
latest earlier node produced; its outputs are the names it binds or changes in place
(see :mod:`proj.notebook.events`; using a function whose body changes notebook data in
place changes that data too) that a later node reads, plus the final version
of each name nothing reads, which the pipeline persists (values read again in their own
node after their last change, loop variables, ``with``/``except`` targets and names
starting with ``_`` are not persisted). When a node changes in place a value that other
nodes read in its earlier version, those readers pass it on unchanged, one to the next,
so that the changing node runs after them whatever the runner
(:meth:`Analyzer.order_changes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proj.notebook.events import KERNEL_NAMES, PARAMS_NAMES
from proj.notebook.records import Dataflow, Flow, Ref, Version
from proj.notebook.replay import Replay

if TYPE_CHECKING:
    from proj.notebook.grouping import Group
    from proj.notebook.statements import CellAnalysis

_DEFINITION_KINDS = frozenset({"import", "future", "def", "class", "lambda"})


class Analyzer:
    """Classifies names, marks definitions that read data, and replays each group."""

    def __init__(self, groups: list[Group], skipped_bindings: dict[str, int]) -> None:
        self.groups = groups
        self.skipped_bindings = skipped_bindings
        self.problems: list[tuple[int, int, str]] = []
        self.warnings: list[str] = []
        self.bindings: dict[str, list[Ref]] = {}
        self.changed: set[str] = set()
        functions = {
            name
            for group in groups
            for analysis in group.cells
            for statement in analysis.statements
            if statement.kind in ("def", "lambda")
            for name in statement.binds
        }
        for number, group in enumerate(groups):
            for analysis in group.cells:
                for index, statement in enumerate(analysis.statements):
                    ref = Ref(analysis, index, number)
                    for name in statement.binds:
                        self.bindings.setdefault(name, []).append(ref)
                    for event in statement.events:
                        if event.kind in ("mutate", "del") and (
                            not event.via or event.via in functions
                        ):
                            self.changed.add(event.name)
                        elif event.kind == "bind" and statement.kind == "other":
                            self.changed.add(event.name)
                    self.changed.update(statement.deferred_changes)
        self.definitions: dict[str, list[Ref]] = {}
        self.data_names: set[str] = set()
        #: Names bound by an import nested in a block -> where (``"cell 4, line 2"``).
        self.block_imported: dict[str, str] = {}
        self._classify()
        self.dependent: set[tuple[int, int]] = set()
        self._propagate()

    # ------------------------------------------------------------------ names

    def _classify(self) -> None:
        for name, refs in self.bindings.items():
            kinds = {ref.statement.kind for ref in refs if not ref.statement.kernel_setup}
            if not kinds:
                continue  # only kernel set-up binds it
            if kinds <= _DEFINITION_KINDS:
                self.definitions[name] = refs
            elif (
                kinds == {"assign"}
                and len(refs) == 1
                and refs[0].statement.is_constant
                and name not in self.changed
            ):
                self.definitions[name] = refs
            else:
                imported = [r for r in refs if name in r.statement.block_imports]
                if kinds & _DEFINITION_KINDS:
                    first = next(r for r in refs if r.statement.kind in _DEFINITION_KINDS)
                    other = next(r for r in refs if r.statement.kind not in _DEFINITION_KINDS)
                    if name in other.statement.block_imports:
                        self.problem(
                            other.analysis.cell.number,
                            other.statement.block_imports[name],
                            f"'{name}' is imported inside a block here and also defined in "
                            f"{first.where}; move the import to the top level of a cell",
                        )
                    else:
                        self.problem(
                            other.analysis.cell.number,
                            other.statement.node.lineno,
                            f"'{name}' is both a definition ({first.where}) and a value "
                            "computed here; give one of them another name",
                        )
                if imported:
                    cell = imported[0].analysis.cell.number
                    line = imported[0].statement.block_imports[name]
                    self.block_imported[name] = f"cell {cell}, line {line}"
                else:
                    self.data_names.add(name)

    def _reads(self, ref: Ref) -> dict[str, int]:
        statement = ref.statement
        names: dict[str, int] = {}
        for event in statement.events:
            if event.kind in ("read", "mutate") and event.name not in statement.binds:
                names.setdefault(event.name, event.line)
        for name, line in statement.deferred.items():
            if name not in statement.binds:
                names.setdefault(name, line)
        return names

    def _propagate(self) -> None:
        """Mark definitions that read data, directly or through other definitions."""
        users: dict[str, list[Ref]] = {}
        queue: list[Ref] = []
        for refs in self.definitions.values():
            for ref in refs:
                if ref.statement.kind in ("import", "future"):
                    continue
                for name in self._reads(ref):
                    users.setdefault(name, []).append(ref)
                    if (
                        name in self.data_names
                        or name in self.block_imported
                        or name in KERNEL_NAMES
                        or (name in PARAMS_NAMES and name not in self.definitions)
                    ):
                        if ref.key not in self.dependent:
                            self.dependent.add(ref.key)
                            queue.append(ref)
        while queue:
            ref = queue.pop()
            for name in ref.statement.binds:
                for user in users.get(name, ()):
                    if user.key not in self.dependent:
                        self.dependent.add(user.key)
                        queue.append(user)
        for name, refs in list(self.definitions.items()):
            if any(r.key in self.dependent for r in refs) and refs[0].statement.kind == "assign":
                del self.definitions[name]
                self.data_names.add(name)

    def hoisted(self, ref: Ref) -> bool:
        """Whether a statement moves to module level."""
        statement = ref.statement
        if statement.kind in ("import", "future"):
            return all(name in self.definitions for name in statement.binds)
        if statement.kind not in ("def", "class", "lambda", "assign"):
            return False
        return (
            bool(statement.binds)
            and all(name in self.definitions for name in statement.binds)
            and ref.key not in self.dependent
        )

    def problem(self, cell: int, line: int, message: str) -> None:
        if (cell, line, message) not in self.problems:
            self.problems.append((cell, line, message))

    # ------------------------------------------------------------------ per group

    def run(self) -> Dataflow:
        current: dict[str, Version] = {}
        flows: list[Flow] = []
        module_level: list[Ref] = []
        dropped: set[tuple[int, int]] = set()
        for number, group in enumerate(self.groups):
            flow = Flow(group)
            replay = Replay(self, number, flow, current)
            for analysis in group.cells:
                for index, statement in enumerate(analysis.statements):
                    ref = Ref(analysis, index, number)
                    if statement.kernel_setup or statement.display_only:
                        dropped.add(ref.key)
                        continue
                    self._report(ref)
                    if self.hoisted(ref):
                        module_level.append(ref)
                        continue
                    replay.statement(ref)
            replay.finish()
            for name, temp in replay.writes.items():
                version = Version(name, number, temp, replay.used.get(name, False))
                version.conditional = name in flow.conditional
                current[name] = version
                flow.versions.append(version)
            flows.append(flow)
        self.order_changes(flows)
        return Dataflow(
            flows, module_level, dropped, self.data_names, current, self.problems, self.warnings
        )

    @staticmethod
    def order_changes(flows: list[Flow]) -> None:
        """Make the nodes that read a value run before the node that changes it in place.

        In the notebook, cells that read ``model`` run before the cell calling
        ``model.fit(...)``. In the pipeline they all read the same dataset, and the
        runner may run them in any order; an object that the in-memory dataset does not
        copy (a model, any instance of a class) would then be seen already changed. So
        the readers are chained: each passes the value on unchanged as a new version,
        which the next reader, and finally the changing node, take as input.

        Args:
            flows: Every group's dataflow, in order (changed in place).
        """
        for number, flow in enumerate(flows):
            for item in flow.inputs:
                version = item.version
                if item.kind != "data" or version is None:
                    continue
                if version.name not in flow.changed_inputs:
                    continue
                readers = [group for group in version.consumers if group != number]
                if not readers:
                    continue
                # Every other reader comes earlier: later groups read the new version.
                version.consumers = [readers[0]]
                previous = version
                for position, reader in enumerate(readers):
                    following = readers[position + 1] if position + 1 < len(readers) else number
                    for earlier in flows[reader].inputs:
                        if earlier.version is version:
                            earlier.version = previous
                    passed = Version(version.name, reader, temp=False, passed=True)
                    passed.consumers.append(following)
                    flows[reader].versions.append(passed)
                    previous = passed
                item.version = previous

    def _report(self, ref: Ref) -> None:
        """Problems found in a statement itself (exec, star imports, ``global``, ...)."""
        cell = ref.analysis.cell.number
        for problem in ref.statement.problems:
            self.problem(cell, problem.line, problem.message)
        for name, line in ref.statement.global_writes.items():
            self.problem(
                cell, line, f"a function assigns the notebook variable '{name}' through `global`"
            )

    def visible(self, name: str, position: tuple[int, int]) -> Ref | None:
        """The definition of ``name`` that the statement at ``position`` (cell number,
        statement index) sees: the last one before it in notebook order."""
        seen = [ref for ref in self.definitions.get(name, ()) if ref.key < position]
        return seen[-1] if seen else None

    def data_reads(
        self, ref: Ref, position: tuple[int, int], seen: set[tuple[int, int]]
    ) -> list[tuple[str, Ref | None]]:
        """Data-like names a data-reading definition needs, through the definitions it
        uses; also the definitions to copy into the node (second item)."""
        found: list[tuple[str, Ref | None]] = []
        if ref.key in seen:
            return found
        seen.add(ref.key)
        for name in self._reads(ref):
            if name in self.definitions:
                inner = self.visible(name, position) or self.definitions[name][-1]
                if inner.key in self.dependent:
                    found.append(("", inner))
                    found.extend(self.data_reads(inner, position, seen))
            else:
                found.append((name, None))
        return found


def infer_dataflow(groups: list[Group], skipped: list[CellAnalysis]) -> Dataflow:
    """Infer inputs, outputs and versions for grouped cells (see the module docstring).

    Args:
        groups: The groups of :func:`~proj.notebook.grouping.group_cells`.
        skipped: The analyses of code cells left out (to explain undefined names).

    Returns:
        The dataflow; ``problems`` lists what cannot be converted faithfully.
    """
    skipped_bindings: dict[str, int] = {}
    for analysis in skipped:
        for statement in analysis.statements:
            for name in statement.binds:
                skipped_bindings.setdefault(name, analysis.cell.number)
    analyzer = Analyzer(groups, skipped_bindings)
    dataflow = analyzer.run()
    for flow in dataflow.flows:
        for analysis in flow.group.cells:
            for line, text in analysis.python.magic_assignments:
                dataflow.problems.append(
                    (
                        analysis.cell.number,
                        line,
                        f"{text.strip()!r} assigns the result of an IPython magic",
                    )
                )
    dataflow.problems.sort()
    return dataflow
