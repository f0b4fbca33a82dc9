"""Replaying one group's events against the versions earlier groups produced.

For each top-level statement of the group (in order), each event of
:mod:`proj.notebook.events` updates what the group has bound so far: a read of a data
name the group has not (definitely) bound is an input in the version the latest earlier
group produced; a bind or in-place change is a write; a read of a function that reads
data pulls in the data it reads (and a copy of its definition when an earlier group
defines it), and changes the data its body changes in place (``messages.append(m)``);
kernel patterns become catalog or parameter inputs; a name imported inside a block is
usable only in the group that imports it; anything that cannot be converted faithfully
is recorded as a problem with its cell and line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from proj.notebook.events import (
    BUILTIN_NAMES,
    IPYTHON_HISTORY,
    KERNEL_NAMES,
    PARAMS_NAMES,
    Event,
)
from proj.notebook.records import Input

if TYPE_CHECKING:
    from proj.notebook.dataflow import Analyzer
    from proj.notebook.records import Flow, Ref, Version


class Replay:
    """Replays one group's events against the versions produced so far."""

    def __init__(
        self, owner: Analyzer, number: int, flow: Flow, current: dict[str, Version]
    ) -> None:
        self.owner = owner
        self.number = number
        self.flow = flow
        self.current = current
        self.definite: set[str] = set()
        self.maybe: set[str] = set()
        self.maybe_lines: dict[str, tuple[int, int]] = {}
        self.local_defs: set[str] = set()
        self.local_imports: set[str] = set()
        self.writes: dict[str, bool] = {}
        self.used: dict[str, bool] = {}
        self.read_versions: set[str] = set()
        self.inlined: set[tuple[int, int]] = set()
        self.warned: set[str] = set()
        self.position = (0, 0)

    def statement(self, ref: Ref) -> None:
        statement = ref.statement
        cell = ref.analysis.cell.number
        self.position = ref.key
        for event in statement.events:
            self.event(event, cell)
        for use in statement.kernel:
            self.kernel(use.kind, use.dataset, cell, use.span.line)

    def kernel(self, kind: str, dataset: str, cell: int, line: int) -> None:
        if kind == "save":
            self.flow.saves.append(dataset)
            return
        if kind == "param":
            entry = ("param", f"params:{dataset}") if dataset else ("parameters", "parameters")
        elif dataset == "parameters" or dataset.startswith("params:"):
            entry = ("param" if dataset != "parameters" else "parameters", dataset)
        else:
            entry = ("catalog", dataset)
        if entry not in self.flow.kernel_inputs:
            made = Input(entry[0], entry[1])
            self.flow.kernel_inputs[entry] = made
            self.flow.inputs.append(made)

    def event(self, event: Event, cell: int) -> None:
        name, kind = event.name, event.kind
        if event.via and event.via not in self.owner.definitions:
            return  # not a function of the notebook: assume it leaves its arguments alone
        if kind in ("read", "mutate"):
            self.read(name, cell, event.line, pattern=event.pattern, mutate=kind == "mutate")
            if kind == "mutate" and name in self.owner.data_names:
                if name in self.read_versions and name not in self.definite:
                    self.flow.changed_inputs.add(name)
                self.write(name, temp=False)
        elif kind == "bind":
            if name in self.owner.data_names:
                self.write(name, temp=event.temp)
                (self.maybe if event.maybe else self.definite).add(name)
                if event.maybe:
                    self.maybe_lines.setdefault(name, (cell, event.line))
            elif name in self.owner.definitions:
                self.local_defs.add(name)
            elif name in self.owner.block_imported:
                self.local_imports.add(name)
        else:
            self.delete(name, cell, event.line)

    def finish(self) -> None:
        """Settle the names the group binds on some paths only (under ``if``, in a
        loop): one an earlier group produced becomes an input, so the node passes its
        value on when the path does not run (unless that version is conditional
        itself); any other one is *conditional*: the node
        sets it to None first (see :attr:`~proj.notebook.records.Flow.conditional`)."""
        for name in self.writes:
            if name not in self.maybe or name in self.definite or name in self.read_versions:
                continue
            version = self.current.get(name)
            if version is not None and not version.conditional:
                self.read_versions.add(name)
                version.consumers.append(self.number)
                self.flow.inputs.append(Input("data", "", name, version))
            elif not self.writes[name]:  # loop variables are never outputs
                self.flow.conditional[name] = self.maybe_lines[name]

    def delete(self, name: str, cell: int, line: int) -> None:
        if name in self.owner.data_names:
            if name in self.definite:
                self.definite.discard(name)
                self.writes.pop(name, None)
            else:
                self.owner.problem(
                    cell,
                    line,
                    f"`del {name}` deletes a notebook variable that an earlier cell "
                    "defined; the pipeline frees data by itself, remove the line",
                )
        elif name in self.local_imports:
            self.local_imports.discard(name)
        else:
            self.owner.problem(cell, line, f"`del {name}` cannot be converted")

    def write(self, name: str, *, temp: bool) -> None:
        self.writes[name] = self.writes.get(name, True) and temp
        self.used[name] = False

    def read(self, name: str, cell: int, line: int, *, pattern: bool, mutate: bool) -> None:
        owner = self.owner
        if name in owner.data_names:
            self.read_data(name, cell, line)
        elif name in owner.definitions:
            self.definition(name, cell, line)
        elif name in owner.block_imported:
            if name not in self.local_imports:
                owner.problem(
                    cell,
                    line,
                    f"'{name}' is imported inside a block ({owner.block_imported[name]}), "
                    "and a module cannot pass from one node to another; move the import "
                    "to the top level of a cell",
                )
        elif name in KERNEL_NAMES or name in PARAMS_NAMES:
            self.read_kernel(name, cell, line, pattern=pattern, mutate=mutate)
        elif name not in BUILTIN_NAMES and name not in IPYTHON_HISTORY:
            if name in owner.skipped_bindings:
                where = f"only cell {owner.skipped_bindings[name]}, which is left out, defines it"
            else:
                where = "no converted cell defines it"
            owner.problem(cell, line, f"'{name}' is not defined: {where}")

    def read_data(self, name: str, cell: int, line: int) -> None:
        if name in self.writes:
            self.used[name] = True
        if name in self.definite or name in self.read_versions:
            return
        version = self.current.get(name)
        if version is not None:
            self.read_versions.add(name)
            version.consumers.append(self.number)
            self.flow.inputs.append(Input("data", "", name, version))
        elif name not in self.maybe:
            later = self.owner.bindings[name][0]
            self.owner.problem(
                cell,
                line,
                f"'{name}' is read before any cell defines it (first defined in "
                f"{later.where}); the notebook only works when cells run out of order",
            )

    def read_kernel(self, name: str, cell: int, line: int, *, pattern: bool, mutate: bool) -> None:
        if name in KERNEL_NAMES:
            if not pattern or mutate:
                self.owner.problem(
                    cell,
                    line,
                    f'`{name}` is used for something other than catalog.load("name") '
                    'or catalog.save("name", value) with a literal name',
                )
        elif mutate:
            self.owner.problem(cell, line, f"`{name}` is changed in place")
        elif not pattern and name not in self.flow.whole_params:
            self.flow.whole_params.append(name)
            self.flow.inputs.append(Input("parameters", "parameters", name))

    def definition(self, name: str, cell: int, line: int) -> None:
        owner = self.owner
        if name in self.local_defs:
            refs = [r for r in owner.definitions[name] if r.group == self.number]
            ref = refs[-1] if refs else None
            if ref is not None and ref.key in owner.dependent:
                self.expand(ref, cell, line, inline=False)
            return
        ref = owner.visible(name, self.position)
        if ref is None:
            later = owner.definitions[name][0]
            owner.problem(
                cell,
                line,
                f"'{name}' is used before its definition in {later.where}; the notebook "
                "only works when cells run out of order",
            )
            return
        last = owner.definitions[name][-1]
        if last is not ref and name not in self.warned and ref.statement.kind != "import":
            self.warned.add(name)
            owner.warnings.append(
                f"cell {cell}, line {line} uses '{name}' as defined in {ref.where}; the "
                f"pipeline keeps only its last definition ({last.where})."
            )
        if ref.key in owner.dependent:
            self.expand(ref, cell, line, inline=True)

    def expand(self, ref: Ref, cell: int, line: int, *, inline: bool) -> None:
        if inline and ref.key not in self.inlined:
            self.inlined.add(ref.key)
            self.flow.inline.append(ref)
        changes = dict(ref.statement.deferred_changes)
        for name, inner in self.owner.data_reads(ref, self.position, set()):
            if inner is not None:
                if inner.group < self.number and inner.key not in self.inlined:
                    self.inlined.add(inner.key)
                    self.flow.inline.append(inner)
                changes.update(inner.statement.deferred_changes)
                continue
            if name in KERNEL_NAMES:
                self.owner.problem(
                    ref.analysis.cell.number,
                    ref.statement.node.lineno,
                    f"'{ref.statement.binds[0]}' uses `{name}` inside a function; pass "
                    "the data to it as an argument instead",
                )
            else:
                self.read(name, cell, line, pattern=False, mutate=False)
        # Using a function that changes notebook data in place (its copy in this node
        # closes over this node's variables) changes that data here.
        for name in changes:
            if name in self.owner.data_names:
                self.event(Event("mutate", name, line), cell)
