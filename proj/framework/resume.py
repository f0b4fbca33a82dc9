"""Resuming a failed or interrupted run from the run store."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from proj.exceptions import RunnerError, RunStoreError
from proj.framework.session import RunRequest, Session
from proj.framework.store import COMPLETED

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from proj.framework.store import RunRecord, RunStore
    from proj.runner import AbstractRunner

logger = logging.getLogger(__name__)


def resume_run(
    run_id: str | None = None,
    *,
    project_path: str | Path | None = None,
    runner: AbstractRunner | None = None,
    command: str | None = None,
    on_session: Callable[[Session], None] | None = None,
) -> tuple[RunRecord, dict[str, Any]]:
    """Re-run exactly the nodes of a recorded run that did not complete.

    The new run uses the original run's pipelines, filters, environment, runtime
    parameters and load versions; it reads the data the completed nodes persisted.

    Args:
        run_id: The run to resume (a unique prefix will do); default: the latest
            failed or interrupted run.
        project_path: A folder inside the project; default: the working directory.
        runner: How to execute nodes; default: sequential.
        command: The command line, stored with the new run.
        on_session: Called with the session of the new run before it starts (the CLI
            registers its progress hooks there).

    Returns:
        ``(original run record, in-memory outputs of the new run)``.

    Raises:
        RunStoreError: No such run, or nothing left to resume in it.
        RunnerError: A node to re-run needs data that only lived in memory during the
            original run; the message names it and the command that works instead.
        UnknownNameError: The project no longer has a node of the original run.
    """
    from proj.runner import SequentialRunner
    from proj.runner.planning import memory_inputs_lost, persisted_predicate

    probe = Session.create(project_path, record_runs=False)
    store = probe.store
    if store is None:
        raise RunStoreError(
            "The run store is disabled (RUN_STORE_PATH = None in settings.py), so there "
            "is nothing to resume."
        )
    record = store.get_run(run_id) if run_id else store.last_unfinished()
    remaining = [node.name for node in record.nodes if node.status not in COMPLETED]
    if not remaining:
        raise RunStoreError(
            f"Run {record.run_id} has no node left to run (status {record.status}).",
            hint="Start a new run with `proj run`.",
        )
    _refuse_redacted_params(record.run_id, record.params)
    session = Session.create(
        project_path,
        env=record.env,
        runtime_params=record.params,
        command=command,
    )
    if on_session is not None:
        on_session(session)
    request = RunRequest(**record.request)
    full = session.select(request)
    missing = [name for name in remaining if name not in full]
    if missing:
        from proj.exceptions import UnknownNameError

        raise UnknownNameError(
            "node", missing, (n.name for n in full.nodes), where=f"run {record.run_id}"
        )
    context = session.load_context()
    persisted = persisted_predicate(context.catalog)
    lost = memory_inputs_lost(full, remaining, persisted)
    feed: dict[str, Any] = {}
    fed_producers: dict[str, str] = {}
    if lost:
        from proj.framework.intermediates import load_kept

        found = load_kept(session.intermediates, _resume_chain(store, record), lost)
        feed = {name: data for name, (data, _) in found.items()}
        for name, (_, source) in found.items():
            recorded = store.fingerprints_of(source).get(full.producers[name].name)
            if recorded is not None:
                fed_producers[name] = recorded.digest
        lost = {name: nodes for name, nodes in lost.items() if name not in feed}
        if feed:
            logger.info(
                "Feeding kept in-memory data of run %s: %s", record.run_id, ", ".join(sorted(feed))
            )
    if lost:
        from proj.runner.planning import resume_nodes

        done = [node.name for node in record.nodes if node.status in COMPLETED]
        starts = resume_nodes(full, done, persisted)
        needs = "; ".join(
            f"'{name}' (needed by {', '.join(nodes)})" for name, nodes in lost.items()
        )
        raise RunnerError(
            f"Cannot resume run {record.run_id}: these inputs were held only in memory "
            f"and are gone: {needs}.",
            hint=f'Re-run from their producers instead: proj run --from-nodes "{",".join(starts)}"'
            ", or persist those datasets in conf/base/catalog.yml, or run with "
            "--keep-intermediates so that a later resume can use kept copies.",
        )
    # Every node not known to be saved runs again, even if an old file of its output
    # exists: --only-missing-outputs would skip exactly the node an interrupt cut short,
    # and --only-stale must not re-plan what the original run already chose to run.
    outputs = session.run_request(
        replace(request, only_missing_outputs=False, only_stale=False),
        runner or SequentialRunner(),
        pipeline=full.only_nodes(*remaining),
        resumed_from=record.run_id,
        feed=feed,
        fed_producers=fed_producers,
    )
    return record, outputs


def _refuse_redacted_params(run_id: str, params: dict[str, Any], prefix: str = "") -> None:
    """Refuse to resume with a runtime parameter the store kept only as ``***``.

    Raises:
        RunStoreError: A parameter's value was a secret; names it and what to run instead.
    """
    from proj.redaction import REDACTED

    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _refuse_redacted_params(run_id, value, f"{name}.")
        elif value == REDACTED:
            raise RunStoreError(
                f"Run {run_id} was given the secret parameter '{name}', which the run "
                "store does not keep, so it cannot be resumed with the same parameters.",
                hint="Run the remaining nodes again with `proj run --from-nodes ... "
                "--params ...`, or put the secret in conf/local/credentials.yml.",
            )


def _resume_chain(store: RunStore, record: RunRecord) -> list[str]:
    """The run and the runs it resumed, newest first: where kept data may be."""
    chain = [record.run_id]
    current: RunRecord | None = record
    while current is not None and current.resumed_from and current.resumed_from not in chain:
        chain.append(current.resumed_from)
        try:
            current = store.get_run(current.resumed_from)
        except RunStoreError:
            current = None
    return chain
