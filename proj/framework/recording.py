"""Recording every run, for every runner, into the run store.

The session records the run itself (:meth:`RunRecorder.start` before anything of the
run happens, :meth:`RunRecorder.finish` after the after-hooks returned or on the error
that stopped it); node events arrive through the hooks below, called by every runner.
A node is recorded ``success`` from ``after_node_completed``, that is once all its
outputs are saved, never from ``after_node_run``.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from proj.framework.fingerprint import Fingerprinter
from proj.framework.session import RunRequest
from proj.hooks import hook_impl
from proj.tracebacks import first_line, raised_at, traceback_text

if TYPE_CHECKING:
    from proj.framework.store import RunStore
    from proj.io import DataCatalog
    from proj.pipeline import Node, Pipeline

logger = logging.getLogger(__name__)


def describe_error(error: BaseException) -> str:
    """One line for the run store: ``"Type: message (file:line)"``; a proj error's own
    message (which already names what failed and where) as it is."""
    if isinstance(error, KeyboardInterrupt):
        return "Interrupted (Ctrl-C or SIGTERM)."
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        line = message.splitlines()[0]
    else:
        line = first_line(error)
    where = raised_at(error)
    return line + (f" ({where})" if where and where not in line else "")


def run_status(error: BaseException) -> str:
    """``failed`` for errors (``sys.exit()`` included), ``interrupted`` for Ctrl-C,
    SIGTERM and anything else that is not an error."""
    return "failed" if isinstance(error, Exception | SystemExit) else "interrupted"


def _cause_traceback(error: BaseException) -> str:
    """The traceback of the error a proj error wraps (the user's), or of the error."""
    cause = error.__cause__
    return traceback_text(cause if cause is not None else error)


class RunStoreHooks:
    """Writes runs and their nodes to a :class:`RunStore`.

    Args:
        store: Where to write.
        command: The command line that started the session, if any.
        project_path: The project root (for its git state).
    """

    def __init__(self, store: RunStore, *, command: str | None, project_path: Any) -> None:
        self.store = store
        self.command = command
        self.project_path = project_path

    # ------------------------------------------------------------------ the run

    def start(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        """Record a run that starts now, with its nodes pending."""
        request: dict[str, Any] = {
            field.name: run_params[field.name]
            for field in fields(RunRequest)
            if field.name in run_params
        }
        self.store.start_run(
            run_id=run_params["run_id"],
            session_id=run_params.get("session_id"),
            request=request,
            env=run_params.get("env"),
            params=run_params.get("runtime_params") or {},
            node_names=[node.name for node in pipeline.nodes],
            command=self.command,
            project_path=self.project_path,
            resumed_from=run_params.get("resumed_from"),
        )

    def finish(self, run_id: str, error: BaseException | None = None) -> None:
        """Record how a run ended: ``success`` without an error, else its status."""
        if error is None:
            self.store.finish_run(run_id, "success")
            return
        traceback = None if isinstance(error, KeyboardInterrupt) else _cause_traceback(error)
        self.store.finish_run(run_id, run_status(error), describe_error(error), traceback)

    # ------------------------------------------------------------------ node hooks

    @hook_impl
    def before_node_run(self, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_started(run_id, node.name)

    @hook_impl
    def after_node_completed(self, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_finished(run_id, node.name, "success")

    @hook_impl(tryfirst=True)
    def on_node_error(self, error: BaseException, node: Node, run_id: str | None) -> None:
        if run_id is not None:
            self.store.node_finished(
                run_id, node.name, "failed", describe_error(error), _cause_traceback(error)
            )


class FingerprintHooks:
    """Hook implementations recording the fingerprint of every node of a run.

    The run's free persisted inputs (data that something outside the run could change)
    are fingerprinted before the first node starts; everything else when the run ends,
    successfully or not, in one pass and one transaction, so the nodes themselves pay
    nothing. Datasets produced inside the run are written once, by their producer, before
    any reader loads them, so their state at the end is the state their readers saw. A
    run killed outright records no fingerprint: its nodes count as never run for
    ``--only-stale``, so proj errs towards running again.

    Args:
        store: Where to write.
    """

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._runs: dict[str, Fingerprinter] = {}

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        # Code digests are not kept across runs: a notebook may redefine a constant
        # that the same function object reads.
        fingerprinter = Fingerprinter(catalog)
        # Kept data fed to the run stands for its producer's output: same token.
        fingerprinter.produced.update(run_params.get("fed_producers") or {})
        try:
            fingerprinter.read_inputs(pipeline.inputs())
        except Exception as exc:
            # Never fail a run over fingerprints; without them its nodes stay stale.
            logger.warning("Not recording fingerprints of this run: %s", exc)
            return
        self._runs[run_params["run_id"]] = fingerprinter

    def _record(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        fingerprinter = self._runs.pop(run_params["run_id"], None)
        if fingerprinter is None:
            return
        try:
            fingerprints = {node.name: fingerprinter.node(node) for node in pipeline.nodes}
        except Exception as exc:
            logger.warning("Not recording fingerprints of this run: %s", exc)
            return
        self.store.record_fingerprints(run_params["run_id"], fingerprints)

    @hook_impl
    def after_pipeline_run(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        self._record(run_params, pipeline)

    @hook_impl
    def on_pipeline_error(self, run_params: dict[str, Any], pipeline: Pipeline) -> None:
        self._record(run_params, pipeline)
