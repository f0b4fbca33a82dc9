"""The live dataflow magics: ``%flow``, ``%stale``, ``%rerun_stale``, ``%slice``, ``%%memoize``.

On when the extension loads. After every cell IPython's ``post_run_cell`` event records
the cell in a :class:`~proj.ipython.flow.Dataflow` (static analysis, no tracing) and,
when the cell made other cells stale, prints one line naming them. Everything is
plain text written to the cell's output, so it works in any front end (JupyterLab,
Notebook 7, VS Code, the terminal) with no front-end extension.

* ``%flow [on|off]``: turn recording on or off (``off`` forgets the records); alone,
  say whether it is on.
* ``%stale``: a table of the stale cells (``In [n]``) and why each is stale.
* ``%rerun_stale``: run the stale cells again, in the order of their dependencies,
  each one's output under an ``In [n] (re-run)`` line.
* ``%slice NAME [--to-cell]``: the statements, in execution order, that recompute
  ``NAME`` in a fresh project kernel; ``--to-cell`` puts them in the next cell.
* ``%%memoize [--disk]``: see :mod:`proj.ipython.memoize`.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from proj.ipython.flow import Dataflow
from proj.ipython.magics import _parse, _Parser

if TYPE_CHECKING:
    from IPython.core.interactiveshell import ExecutionResult

    from proj.ipython.flow import StaleCell

logger = logging.getLogger(__name__)

MEMOIZE = "%%memoize"


def _write(text: str) -> None:
    # A magic's output is text for the person at the cell, in any front end.
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _labels(cells: list[StaleCell]) -> str:
    return ", ".join(f"[{cell.execution.label}]" for cell in cells)


def cell_body(code: str) -> str:
    """The Python a cell runs: a ``%%memoize`` cell's body without its first line."""
    if code.lstrip().startswith(MEMOIZE):
        return code.lstrip().split("\n", 1)[1] if "\n" in code.lstrip() else ""
    return code


class Flow:
    """The dataflow state of one shell, its event hook and its magics.

    Args:
        shell: The running IPython shell.
    """

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.dataflow = Dataflow()
        self.enabled = True
        #: While ``%rerun_stale`` runs a cell: (its label, its key).
        self.rerunning: tuple[int, str] | None = None
        #: Nested runs (the body of a ``%%memoize`` cell) are recorded by the outer cell.
        self.inner_runs = 0
        self._stale_keys: set[str] = set()
        self.memo: Any = None

    # ------------------------------------------------------------------ the hook

    def post_run_cell(self, result: ExecutionResult) -> None:
        """Record the cell that just ran; print which cells it made stale (IPython event).

        Args:
            result: IPython's result of the cell.
        """
        if not self.enabled or self.inner_runs:
            return
        try:
            self._record(result)
        except Exception:  # the hook must never break the person's cell
            logger.debug("Could not record the cell", exc_info=True)

    def _record(self, result: ExecutionResult) -> None:
        info = result.info
        code = cell_body(str(getattr(info, "raw_cell", "") or ""))
        if self.rerunning is not None:
            label, key = self.rerunning
            self.dataflow.record(code, label=label, key=key, ok=result.success)
            return
        label = result.execution_count or self.shell.execution_count
        execution = self.dataflow.record(
            code, label=label, cell_id=getattr(info, "cell_id", None), ok=result.success
        )
        if execution is None:
            return
        stale = self.dataflow.stale()
        keys = {cell.execution.key for cell in stale}
        new = [cell for cell in stale if cell.execution.key not in self._stale_keys]
        new = [cell for cell in new if cell.execution.key != execution.key]
        self._stale_keys = keys
        if new:
            names = sorted(execution.writes & {n for cell in new for n in cell.execution.reads})
            because = f" (they use {', '.join(names)})" if names else ""
            _write(
                f"[{execution.label}] made {_labels(new)} stale{because}; "
                "%stale shows why, %rerun_stale updates them."
            )

    # ------------------------------------------------------------------ magics

    def flow_magic(self, line: str) -> None:
        """%flow [on|off]

        Turn the live dataflow on or off. Off, cells are not recorded and nothing is
        printed after them; turning it off forgets what was recorded.
        """
        word = line.strip().lower()
        if word == "off":
            self.enabled = False
            self.dataflow.forget()
            self._stale_keys = set()
            _write("Dataflow off: cells are no longer recorded. %flow on turns it back on.")
        elif word == "on":
            if not self.enabled:
                self.enabled = True
                _write("Dataflow on: cells run from now on are recorded.")
            else:
                _write("Dataflow is already on.")
        elif not word:
            state = "on" if self.enabled else "off"
            _write(f"Dataflow is {state}; {len(self.dataflow.executions)} cell(s) recorded.")
        else:
            logger.error("%%flow takes on or off, not %r.", line.strip())

    def stale_magic(self, line: str) -> None:
        """%stale

        List the stale cells: each one read a value that a later cell redefined or
        changed in place, or depends on such a cell.
        """
        if not self.enabled:
            _write("Dataflow is off (%flow on turns it on).")
            return
        stale = self.dataflow.stale()
        if not stale:
            _write("No stale cells.")
            return
        width = max(len(f"[{cell.execution.label}]") for cell in stale)
        rows = [f"{'cell':<{width}}  why stale"]
        rows += [f"{f'[{c.execution.label}]':<{width}}  {c.reason}" for c in stale]
        _write("\n".join(rows))

    def rerun_stale_magic(self, line: str) -> None:
        """%rerun_stale

        Run the stale cells again, in the order of their dependencies (the order they
        last ran), each one's output under its cell number.
        """
        stale = self.dataflow.stale()
        if not stale:
            _write("No stale cells.")
            return
        done = 0
        for cell in stale:
            execution = cell.execution
            _write(f"In [{execution.label}] (re-run):")
            self.rerunning = (execution.label, execution.key)
            try:
                result = self.shell.run_cell(execution.code, store_history=False)
            finally:
                self.rerunning = None
            if not result.success:
                logger.error(
                    "In [%d] failed when re-run; stopped (%d of %d re-run).",
                    execution.label,
                    done,
                    len(stale),
                )
                break
            done += 1
        left = self.dataflow.stale()
        self._stale_keys = {cell.execution.key for cell in left}
        tail = f"; still stale: {_labels(left)}" if left else "; no stale cells left"
        _write(f"Re-ran {done} cell(s){tail}.")

    def slice_magic(self, line: str) -> None:
        """%slice NAME [--to-cell]

        Print the code, in execution order, that recomputes NAME in a fresh project
        kernel. With --to-cell it goes into the next cell instead.
        """
        parser = _Parser(prog="%slice")
        parser.add_argument("name", help="A variable some cell defined.")
        parser.add_argument("--to-cell", action="store_true", help="Put it in the next cell.")
        args = _parse(parser, line)
        if args is None:
            return
        try:
            code = self.dataflow.slice_code(args.name)
        except KeyError:
            logger.error(
                "No recorded cell defines '%s' (cells run while %%flow was off, or before "
                "the extension loaded, are not known).",
                args.name,
            )
            return
        if args.to_cell:
            self.shell.set_next_input(code, replace=False)
            _write(f"The code that recomputes {args.name} is in the next cell.")
        else:
            _write(code)

    def memoize_magic(self, line: str, cell: str) -> Any:
        """%%memoize [--disk]

        Run the cell once and reuse its outputs (the names it defines and its result)
        while its code and the values it reads stay the same. --disk keeps them under
        the project's .proj/cache/ so they survive a kernel restart.
        """
        from proj.ipython.memoize import Memo

        if self.memo is None:
            self.memo = Memo(self.shell, self)
        return self.memo.run(line, cell)


#: The flow of each shell that loaded the extension (one shell per process in practice).
_FLOWS: dict[int, Flow] = {}


def flow_of(shell: Any) -> Flow | None:
    """The :class:`Flow` registered with ``shell``, if any."""
    return _FLOWS.get(id(shell))


def enable(shell: Any) -> Flow:
    """Register the dataflow hook and magics with a shell (idempotent).

    Args:
        shell: The running IPython shell.

    Returns:
        The shell's flow.
    """
    flow = _FLOWS.get(id(shell))
    if flow is not None and flow.shell is shell:
        return flow
    flow = Flow(shell)
    _FLOWS[id(shell)] = flow
    shell.events.register("post_run_cell", flow.post_run_cell)
    shell.register_magic_function(flow.flow_magic, "line", "flow")
    shell.register_magic_function(flow.stale_magic, "line", "stale")
    shell.register_magic_function(flow.rerun_stale_magic, "line", "rerun_stale")
    shell.register_magic_function(flow.slice_magic, "line", "slice")
    shell.register_magic_function(flow.memoize_magic, "cell", "memoize")
    return flow


__all__ = ["Flow", "cell_body", "enable", "flow_of"]
