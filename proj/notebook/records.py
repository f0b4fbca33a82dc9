"""The records of an inferred dataflow: statements, versions of names, node inputs,
groups' flows, and the whole :class:`Dataflow` (see :mod:`proj.notebook.dataflow`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proj.notebook.grouping import Group
    from proj.notebook.statements import CellAnalysis, Statement


@dataclass(frozen=True)
class Ref:
    """A top-level statement: cell analysis + statement index."""

    analysis: CellAnalysis
    index: int
    group: int

    @property
    def statement(self) -> Statement:
        return self.analysis.statements[self.index]

    @property
    def key(self) -> tuple[int, int]:
        """``(cell number, statement index)``: notebook order."""
        return self.analysis.cell.number, self.index

    @property
    def where(self) -> str:
        return f"cell {self.analysis.cell.number}, line {self.statement.node.lineno}"


@dataclass
class Version:
    """One value of a notebook name, produced by one node.

    Attributes:
        name: The notebook variable.
        group: Index of the producing group.
        temp: Bound only as a loop/``with``/``except`` target.
        used: Read by its own node after it was last written.
        consumers: Indices of the groups reading it.
        dataset: The dataset name inside the pipeline (set when rendering).
        passed: The node only passes the value on unchanged, so that a later node that
            changes it in place runs after this one (see
            :meth:`proj.notebook.dataflow.Analyzer.order_changes`).
        conditional: Bound on some paths only, with no earlier version to fall back on.
    """

    name: str
    group: int
    temp: bool
    used: bool = False
    consumers: list[int] = field(default_factory=list)
    dataset: str = ""
    passed: bool = False
    conditional: bool = False


@dataclass
class Input:
    """A node input: a data version, a catalog dataset or a parameter.

    Attributes:
        kind: ``data``, ``catalog``, ``param`` or ``parameters``.
        dataset: Dataset name (``data``: filled from the version when rendering).
        ident: The node function's parameter name.
        version: The version read, for ``data``.
    """

    kind: str
    dataset: str
    ident: str = ""
    version: Version | None = None


@dataclass
class Flow:
    """What one group reads and writes.

    Attributes:
        group: The cells.
        inputs: In order of first use.
        versions: The versions it produces, in order of first write.
        saves: ``catalog.save`` dataset names, in order.
        inline: Functions/classes reading data, defined by earlier groups, to copy in.
        whole_params: Names (``params``/``parameters``) read as a whole dict.
        kernel_inputs: ``(kind, dataset)`` -> the input a kernel pattern became.
        changed_inputs: Data inputs the group changes in place (``lst.append(x)``,
            ``df["x"] = ...``) before binding them anew.
        conditional: Names the group binds on some paths only and no earlier group
            produced -> the ``(cell, line)`` of their first binding; the node sets them
            to None first, so that it can always return them.
    """

    group: Group
    inputs: list[Input] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)
    saves: list[str] = field(default_factory=list)
    inline: list[Ref] = field(default_factory=list)
    whole_params: list[str] = field(default_factory=list)
    kernel_inputs: dict[tuple[str, str], Input] = field(default_factory=dict)
    changed_inputs: set[str] = field(default_factory=set)
    conditional: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Dataflow:
    """The inferred dataflow of a notebook.

    Attributes:
        flows: One per group, in order.
        module_level: Statements moved to module level of ``nodes.py`` (definitions).
        dropped: Statements left out (kernel set-up, display-only expressions).
        data_names: Names that flow as data.
        final: Name -> its last version.
        problems: ``(cell, line, message)`` of what cannot be converted faithfully.
        warnings: Messages the user should read.
    """

    flows: list[Flow]
    module_level: list[Ref]
    dropped: set[tuple[int, int]]
    data_names: set[str]
    final: dict[str, Version]
    problems: list[tuple[int, int, str]]
    warnings: list[str]
