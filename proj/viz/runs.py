"""Run status for the visualisation: the runs, each node's outcome and each dataset's rows
and bytes, read from the run store through its public functions.

One document, the *status*, is embedded in the snapshot and served live by
``/api/status`` (see :mod:`proj.viz.server`)::

    {
      "run": null | run summary,                 # the latest run
      "runs": [run summary, ...],                # newest first, at most RUN_HISTORY
      "overlay": null | run id,                  # the run the statuses come from (null:
                                                 # each node's most recent run)
      "nodes": {node name: {"status", "duration", "started_at", "run_id", "error",
                            "latest"}},
      "datasets": {dataset name: {"rows", "bytes", "run_id", "previous_rows",
                                  "previous_bytes", "previous_run_id", "dropped"}}
    }

A run summary is ``{"run_id", "status", "started_at", "finished_at", "duration",
"pipelines", "runner", "filters", "partial", "command", "env", "error"}``; error texts
and command lines are redacted (:mod:`proj.redaction`). ``dropped`` is true when a
dataset has fewer rows than in its previous save.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.framework.session import FILTER_FIELDS
from proj.framework.store import dataset_saves
from proj.redaction import redact_optional

if TYPE_CHECKING:
    from collections.abc import Collection

    from proj.framework.store import RunRecord, RunStore

#: How many recent runs the page lists, and searches for nodes the latest run skipped.
RUN_HISTORY = 50


def store_stamp(store: RunStore | None) -> tuple[int, ...]:
    """A cheap fingerprint of the run store's files: it changes whenever a run writes.

    SQLite in WAL mode writes every commit to ``runs.db-wal`` (and checkpoints into
    ``runs.db``), so the size and modification time of both files change on every
    write; reading them costs two ``stat`` calls and no query.

    Args:
        store: The run store, or None when the project records no runs.

    Returns:
        ``(size, mtime_ns)`` of each file that exists, as one tuple.
    """
    if store is None:
        return ()
    stamp: list[int] = []
    for suffix in ("", "-wal"):
        try:
            info = os.stat(Path(f"{store.path}{suffix}"))
        except OSError:
            stamp.extend((-1, -1))
        else:
            stamp.extend((info.st_size, info.st_mtime_ns))
    return tuple(stamp)


def run_summary(run: RunRecord) -> dict[str, Any]:
    """What the page shows of one run (shape in the module docstring)."""
    filters = {key: value for key, value in run.request.items() if key in FILTER_FIELDS and value}
    return {
        "run_id": run.run_id,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "duration": run.duration,
        "pipelines": run.pipelines,
        "runner": run.request.get("runner"),
        "filters": filters,
        "partial": bool(filters) or run.resumed_from is not None,
        "command": redact_optional(run.command),
        "env": run.env,
        "error": redact_optional(run.error),
    }


def _node_entry(record: Any, run_id: str, latest: bool) -> dict[str, Any]:
    return {
        "status": record.status,
        "duration": record.duration,
        "started_at": record.started_at,
        "run_id": run_id,
        "error": redact_optional(record.error),
        "latest": latest,
    }


def _dataset_entries(
    store: RunStore, run_id: str | None, names: Collection[str]
) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for save in dataset_saves(store, run_id):
        if save.dataset not in names:
            continue
        entries[save.dataset] = {
            "rows": save.rows,
            "bytes": save.bytes,
            "run_id": save.run_id,
            "previous_rows": save.previous_rows,
            "previous_bytes": save.previous_bytes,
            "previous_run_id": save.previous_run_id,
            "dropped": save.rows is not None
            and save.previous_rows is not None
            and save.rows < save.previous_rows,
        }
    return entries


def run_status(
    store: RunStore | None,
    nodes: Collection[str],
    datasets: Collection[str],
    *,
    overlay: str | None = None,
) -> dict[str, Any]:
    """The status document (shape in the module docstring).

    Args:
        store: The project's run store, or None.
        nodes: The node names of the snapshot (others are left out).
        datasets: The dataset names of the snapshot.
        overlay: A run id (or a unique prefix): statuses of that run only; None: each
            node's most recent recorded run, whatever runner ran it and however the run
            was sliced.

    Returns:
        The document, ready for ``json.dumps``.

    Raises:
        RunStoreError: The store cannot be read, or ``overlay`` matches no run.
    """
    empty: dict[str, Any] = {"run": None, "runs": [], "overlay": None, "nodes": {}, "datasets": {}}
    if store is None:
        return empty
    runs = store.list_runs(RUN_HISTORY)
    if not runs:
        return empty
    latest_id = runs[0].run_id
    statuses: dict[str, dict[str, Any]] = {}
    if overlay is not None:
        picked = store.get_run(overlay)
        for record in picked.nodes:
            if record.name in nodes:
                statuses[record.name] = _node_entry(
                    record, picked.run_id, picked.run_id == latest_id
                )
        overlay = picked.run_id
    else:
        wanted = set(nodes)
        for run in runs:
            for record in store.get_run(run.run_id).nodes:
                if record.name in wanted and record.name not in statuses:
                    statuses[record.name] = _node_entry(record, run.run_id, run.run_id == latest_id)
            if len(statuses) == len(wanted):
                break
    return {
        "run": run_summary(runs[0]),
        "runs": [run_summary(run) for run in runs],
        "overlay": overlay,
        "nodes": statuses,
        "datasets": _dataset_entries(store, overlay, set(datasets)),
    }
