"""Live dataflow between executed cells: what each read and wrote, which are stale, slices.

Every executed cell is analysed statically with the notebook converter's analysis
(:func:`proj.notebook.statements.analyze_cell`: what each top-level statement reads,
binds and changes in place) and recorded as an :class:`Execution` with a *tick*, a
counter that grows with every execution (re-executions by ``%rerun_stale`` included),
and a *label*, the execution count the person saw (``In [7]``). Nothing is traced while
a cell runs: the cost is one parse of the cell's text, whatever its loops do.

A name's *version* is the tick of the latest execution that bound it or changed it in
place. An execution is **stale** when a name it read has since got a newer version from
another cell (the value it computed with is gone), or when it read a name last written
by a stale execution (its dependents, transitively). A cell run again replaces its
earlier execution: cells are told apart by the front end's cell id when it sends one
(JupyterLab, Notebook 7 and VS Code do), else by their code.

A function defined in a cell reads its global names when it is called, not when it is
defined: a statement that uses the function therefore also reads them
(``def f(): return x`` then ``y = f()`` reads ``x``).

A **slice** of a name is the smallest list of recorded top-level statements, in the
order they ran, that recomputes it in a fresh project kernel: the statement that last
bound it, every later in-place change of it, and, recursively, the same for each name
those statements read at the time they ran. The kernel's own names (``catalog``,
``context``, ``pipelines``, ``session``) need no statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from proj.notebook.events import BUILTIN_NAMES, KERNEL_NAMES
from proj.notebook.reading import Cell
from proj.notebook.source import statement_text
from proj.notebook.statements import analyze_cell

if TYPE_CHECKING:
    from proj.notebook.statements import CellAnalysis, Statement


@dataclass
class Step:
    """One top-level statement of an execution and its effect on names.

    Attributes:
        index: Position in the cell, from 0.
        reads: Names it reads before binding them, incl. the globals of the functions it
            uses (see the module docstring).
        binds: Names it binds.
        changes: Names it changes in place (``df["x"] = ...``, ``lst.append(1)``).
        deferred: For a ``def``/``class``: global names its body reads when called.
        text: Its source lines.
    """

    index: int
    reads: set[str] = field(default_factory=set)
    binds: set[str] = field(default_factory=set)
    changes: set[str] = field(default_factory=set)
    deferred: set[str] = field(default_factory=set)
    text: list[str] = field(default_factory=list)

    @property
    def writes(self) -> set[str]:
        """Names this statement gives a new version (bound or changed)."""
        return self.binds | self.changes


@dataclass
class Execution:
    """One recorded execution of a cell.

    Attributes:
        label: The execution count shown to the person (``In [label]``).
        tick: Order of executions (grows by one per recorded execution).
        key: What identifies the cell: ``"id:<cell id>"`` or ``"code:<source>"``.
        code: The cell's source as executed.
        steps: Its top-level statements.
        seen: Name -> the version (tick) it had when this execution read it.
        ok: Whether the cell finished without an error.
    """

    label: int
    tick: int
    key: str
    code: str
    steps: list[Step]
    seen: dict[str, int]
    ok: bool = True

    @property
    def reads(self) -> set[str]:
        """Names read from earlier cells."""
        return set(self.seen)

    @property
    def writes(self) -> set[str]:
        """Names bound or changed in place."""
        return {name for step in self.steps for name in step.writes}


@dataclass(frozen=True)
class StaleCell:
    """A stale execution and why: ``reads x, redefined by [9]`` or ``depends on [4]``.

    Attributes:
        execution: The stale execution.
        reason: Why, in words.
        causes: Labels of the executions that made it stale.
    """

    execution: Execution
    reason: str
    causes: tuple[int, ...]


def _step(analysis: CellAnalysis, statement: Statement, index: int) -> Step:
    step = Step(index=index, text=statement_text(analysis, statement))
    bound: set[str] = set()
    for event in statement.events:
        if event.kind == "bind":
            bound.add(event.name)
            step.binds.add(event.name)
        elif event.kind in ("read", "mutate"):
            if event.name not in bound:
                step.reads.add(event.name)
            if event.kind == "mutate":
                step.changes.add(event.name)
        elif event.kind == "del":
            step.changes.add(event.name)
    step.changes.update(statement.deferred_changes)
    if statement.kind in ("def", "class", "lambda"):
        step.deferred = set(statement.deferred) - step.binds
    step.reads -= BUILTIN_NAMES | KERNEL_NAMES
    step.changes -= KERNEL_NAMES
    return step


def analyse(code: str, label: int = 0) -> tuple[list[Step], SyntaxError | None]:
    """The top-level statements of a cell and what each reads and writes.

    IPython syntax (``%time``, ``!ls``) is ignored line by line; a cell of another
    language (``%%bash``) has no statements.

    Args:
        code: The cell's source.
        label: Its execution count, used in the syntax error's file name.

    Returns:
        The statements, and the syntax error when the cell is not Python (then no
        statements).
    """
    analysis = analyze_cell(Cell(label, "code", code))
    steps = [_step(analysis, statement, i) for i, statement in enumerate(analysis.statements)]
    return steps, analysis.error


class Dataflow:
    """The recorded executions of one shell and the questions asked of them.

    Memory: one :class:`Execution` per distinct cell (a cell run again replaces its
    record), each holding its statements' name sets and text.
    """

    def __init__(self) -> None:
        self.executions: dict[str, Execution] = {}
        #: Name -> (tick, label) of its current version.
        self.versions: dict[str, tuple[int, int]] = {}
        #: Function or class name -> the global names its body reads.
        self.deferred: dict[str, set[str]] = {}
        self._tick = 0

    def record(
        self,
        code: str,
        *,
        label: int,
        cell_id: str | None = None,
        key: str | None = None,
        ok: bool = True,
    ) -> Execution | None:
        """Record one execution of a cell.

        Args:
            code: The cell's source (for ``%%memoize`` cells: the body).
            label: The execution count shown to the person.
            cell_id: The front end's id of the cell, when it sent one.
            key: The key of an earlier execution this one replaces (a re-run).
            ok: Whether the cell finished without error.

        Returns:
            The execution, or None for a cell with no Python statement (a magic alone).
        """
        steps, _error = analyse(code, label)
        if not steps:
            return None
        self._tick += 1
        seen: dict[str, int] = {}
        written: set[str] = set()
        for step in steps:
            used = set(step.reads)
            for name in step.reads:
                used |= self.deferred.get(name, set())
            step.reads = used - BUILTIN_NAMES - KERNEL_NAMES
            for name in step.reads - written:
                seen.setdefault(name, self.versions.get(name, (0, 0))[0])
            written |= step.writes
            for name in step.binds:
                if step.deferred:
                    self.deferred[name] = set(step.deferred)
                else:
                    self.deferred.pop(name, None)
        key = key or (f"id:{cell_id}" if cell_id else f"code:{code.strip()}")
        execution = Execution(label, self._tick, key, code, steps, seen, ok)
        self.executions.pop(key, None)
        self.executions[key] = execution
        for name in execution.writes:
            self.versions[name] = (self._tick, label)
        return execution

    def forget(self) -> None:
        """Drop every record (a new start: ``%flow on`` after ``%flow off``)."""
        self.executions.clear()
        self.versions.clear()
        self.deferred.clear()

    # ------------------------------------------------------------------ staleness

    def stale(self) -> list[StaleCell]:
        """The stale executions, in the order they ran (see the module docstring).

        Returns:
            One entry per stale cell with the reason; O(executions x names read).
        """
        ordered = sorted(self.executions.values(), key=lambda e: e.tick)
        found: dict[str, StaleCell] = {}
        stale_writers: dict[str, int] = {}  # name -> label of a stale execution writing it
        for execution in ordered:
            direct: list[str] = []
            causes: list[int] = []
            for name, version in sorted(execution.seen.items()):
                tick, label = self.versions.get(name, (0, 0))
                if tick > version and tick != execution.tick:
                    direct.append(f"reads {name}, redefined by [{label}]")
                    causes.append(label)
            upstream = sorted(
                {stale_writers[name] for name in execution.seen if name in stale_writers}
            )
            if direct or upstream:
                parts = direct + [f"depends on stale [{label}]" for label in upstream]
                found[execution.key] = StaleCell(
                    execution, "; ".join(parts), tuple(dict.fromkeys(causes + upstream))
                )
                for name in execution.writes:
                    stale_writers[name] = execution.label
            else:
                for name in execution.writes:
                    stale_writers.pop(name, None)
        return list(found.values())

    # ------------------------------------------------------------------ slicing

    def slice(self, name: str) -> list[tuple[Execution, list[Step]]]:
        """The statements that recompute ``name`` from a fresh kernel, in execution order.

        Args:
            name: A name some recorded cell bound.

        Returns:
            ``(execution, its needed statements)`` pairs in the order they ran.

        Raises:
            KeyError: No recorded cell binds or changes ``name``.
        """
        ordered = sorted(self.executions.values(), key=lambda e: e.tick)
        units = [(e, step) for e in ordered for step in e.steps]
        if not any(name in step.writes for _, step in units):
            raise KeyError(name)
        needed: set[tuple[int, int]] = set()
        # Walk backwards: names still needed, each by the latest statement before here.
        wanted = {name}
        for execution, step in reversed(units):
            hit = step.writes & wanted
            if not hit:
                continue
            needed.add((execution.tick, step.index))
            # A binding fully defines the name: earlier statements are not needed for it,
            # but an in-place change needs the earlier value too.
            wanted -= step.binds - step.changes
            wanted |= step.reads
        chosen: dict[int, list[Step]] = {}
        for execution, step in units:
            if (execution.tick, step.index) in needed:
                chosen.setdefault(execution.tick, []).append(step)
        return [(e, chosen[e.tick]) for e in ordered if e.tick in chosen]

    def slice_code(self, name: str) -> str:
        """:meth:`slice` as code: each cell's statements under a ``# In [n]`` comment.

        Raises:
            KeyError: No recorded cell binds or changes ``name``.
        """
        blocks = []
        for execution, steps in self.slice(name):
            lines = [f"# In [{execution.label}]"]
            for step in steps:
                lines.extend(step.text)
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"


__all__ = ["Dataflow", "Execution", "StaleCell", "Step", "analyse"]
