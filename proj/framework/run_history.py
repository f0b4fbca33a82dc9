"""Comparing two recorded runs, and pruning the data runs kept.

``proj runs diff`` and ``proj runs prune`` call these functions; so can notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from proj.framework.introspect import _run_store

if TYPE_CHECKING:
    from pathlib import Path

    from proj.framework.store import RunRecord, RunStore

#: Durations differ when they are this many seconds apart and also ...
DURATION_MIN_SECONDS = 0.05
#: ... this share of the longer one apart (0.2 = 20%).
DURATION_MIN_SHARE = 0.2


@dataclass(frozen=True)
class NodeDiff:
    """How one node differs between two runs (``None``: the node was not in that run).

    Attributes:
        name: The node.
        status: ``(status in A, status in B)``.
        duration: ``(seconds in A, seconds in B)``.
        fingerprint: ``(digest in A, digest in B)``.
        changes: What changed from A's fingerprint to B's ("code changed", "parameter
            model.lr changed", "input companies changed").
        differs: Which of ``status``, ``duration``, ``fingerprint``, ``rows`` differ.
        rows: The outputs whose recorded row counts differ: dataset name ->
            ``(rows in A, rows in B)`` (None: not saved, or no length, in that run).
    """

    name: str
    status: tuple[str | None, str | None]
    duration: tuple[float | None, float | None]
    fingerprint: tuple[str | None, str | None]
    changes: list[str] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)
    rows: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict."""
        return {
            "node": self.name,
            "status": list(self.status),
            "duration": list(self.duration),
            "fingerprint": list(self.fingerprint),
            "changes": list(self.changes),
            "differs": list(self.differs),
            "rows": {name: list(pair) for name, pair in self.rows.items()},
        }


@dataclass(frozen=True)
class RunDiff:
    """Two runs compared node by node.

    Attributes:
        run_a, run_b: The runs (with their nodes).
        nodes: The nodes that differ in status, duration, fingerprint or the row counts
            of their outputs, in B's order then A's.
    """

    run_a: RunRecord
    run_b: RunRecord
    nodes: list[NodeDiff]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict: both run ids and statuses, and the differing nodes."""
        return {
            "run_a": {"run_id": self.run_a.run_id, "status": self.run_a.status},
            "run_b": {"run_id": self.run_b.run_id, "status": self.run_b.status},
            "nodes": [node.as_dict() for node in self.nodes],
        }


def _durations_differ(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a != b
    gap = abs(a - b)
    return gap >= DURATION_MIN_SECONDS and gap >= DURATION_MIN_SHARE * max(a, b)


def diff_runs(run_a: str, run_b: str, start: str | Path | None = None) -> RunDiff:
    """Compare two recorded runs node by node.

    A node differs when its status differs, its fingerprint differs (with what changed),
    its duration differs by at least 0.05 s and 20% of the longer one, or an output it
    saved has a different recorded row count (``len()`` of the data, see
    :mod:`proj.framework.dataset_stats`).

    Args:
        run_a: A run id (or unique prefix), the "before".
        run_b: Another, the "after".
        start: A folder inside the project (default: the working directory).

    Returns:
        The comparison.

    Raises:
        RunStoreError: A run id matches no run (recent ids are listed) or several.
        ProjectNotFoundError: ``start`` is in no project.
    """
    store = _run_store(start)
    try:
        a, b = store.get_run(run_a), store.get_run(run_b)
        prints_a, prints_b = store.fingerprints_of(a.run_id), store.fingerprints_of(b.run_id)
        rows_a, rows_b = _output_rows(store, a.run_id), _output_rows(store, b.run_id)
    finally:
        store.close()
    nodes_a = {node.name: node for node in a.nodes}
    nodes_b = {node.name: node for node in b.nodes}
    order = [node.name for node in b.nodes] + [n.name for n in a.nodes if n.name not in nodes_b]
    result: list[NodeDiff] = []
    for name in order:
        node_a, node_b = nodes_a.get(name), nodes_b.get(name)
        print_a, print_b = prints_a.get(name), prints_b.get(name)
        status = (node_a.status if node_a else None, node_b.status if node_b else None)
        duration = (node_a.duration if node_a else None, node_b.duration if node_b else None)
        digests = (print_a.digest if print_a else None, print_b.digest if print_b else None)
        saved_a, saved_b = rows_a.get(name, {}), rows_b.get(name, {})
        rows = {
            dataset: (saved_a.get(dataset), saved_b.get(dataset))
            for dataset in sorted(saved_a.keys() | saved_b.keys())
            if saved_a.get(dataset) != saved_b.get(dataset)
        }
        differs = [
            label
            for label, different in (
                ("status", status[0] != status[1]),
                ("duration", _durations_differ(*duration)),
                ("fingerprint", digests[0] != digests[1]),
                ("rows", bool(rows)),
            )
            if different
        ]
        if not differs:
            continue
        changes = print_b.changes(print_a) if print_a and print_b else []
        result.append(NodeDiff(name, status, duration, digests, changes, differs, rows))
    return RunDiff(a, b, result)


def _output_rows(store: RunStore, run_id: str) -> dict[str, dict[str, int | None]]:
    """Node -> {dataset it saved in the run -> recorded row count}."""
    from proj.framework.store import dataset_saves

    saved: dict[str, dict[str, int | None]] = {}
    for save in dataset_saves(store, run_id):
        if save.node is not None:
            saved.setdefault(save.node, {})[save.dataset] = save.rows
    return saved


def prune_kept_data(
    *,
    keep: int | None = None,
    older_than_days: float | None = None,
    start: str | Path | None = None,
) -> list[str]:
    """Remove kept intermediates of old runs (``.proj/runs/<run_id>/``).

    Args:
        keep: Keep the data of this many most recent runs.
        older_than_days: Remove the data of runs older than this many days.
        start: A folder inside the project (default: the working directory).

    Returns:
        The run ids whose data was removed (both rules apply; neither removes all).

    Raises:
        ProjectNotFoundError: ``start`` is in no project.
        RunStoreError: The run store is turned off.
    """
    from proj.framework.intermediates import Intermediates

    store = _run_store(start)
    store.close()
    return Intermediates(store.path.parent / "runs").prune(
        keep=keep, older_than_days=older_than_days
    )
