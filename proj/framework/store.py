"""The run store: every run and every node's outcome, in an embedded SQLite file.

One row per run (``runs``) and one per node of the run's slice (``run_nodes``). The file
uses SQLite's write-ahead log and short transactions, so runs of the same project
started at the same time each land in full (https://www.sqlite.org/wal.html).

Statuses: a run is ``running``, ``success``, ``failed`` or ``interrupted``; a node is
``pending``, ``running``, ``success``, ``failed``, ``skipped`` or ``interrupted``.
Times are Unix timestamps in seconds (UTC); durations are seconds.

A status is written only after the fact it claims: a node is ``success`` once all its
outputs are saved, a run once its after-hooks returned. Each run keeps the host, pid and
start time of its process; a run still marked ``running`` whose process has ended
(killed, power cut, full disk) is read as ``interrupted``, and its unfinished nodes too.

The file carries a schema version (``PRAGMA user_version``); older files are migrated in
place when opened (version 1: the first layout; version 2: process identity, tracebacks).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import RunStoreError
from proj.processes import host_name, process_gone, start_token
from proj.redaction import redact_mapping, redact_optional

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from proj.framework.fingerprint import NodeFingerprint

#: The layout this code writes (``PRAGMA user_version``). 0 (unset) and 1 are the first
#: layout; 2 adds ``runs.pid``, ``runs.host``, ``runs.pid_start``, ``runs.traceback``,
#: ``run_nodes.traceback`` and the ``node_fingerprints`` and ``run_datasets`` tables.
SCHEMA_VERSION = 2

#: Columns added after version 1, by table: (name, SQL type).
_ADDED_COLUMNS = {
    "runs": (("pid", "INTEGER"), ("host", "TEXT"), ("pid_start", "TEXT"), ("traceback", "TEXT")),
    "run_nodes": (("traceback", "TEXT"),),
}


SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    session_id TEXT,
    started_at REAL NOT NULL,
    finished_at REAL,
    status TEXT NOT NULL,
    pipelines TEXT NOT NULL,
    request TEXT NOT NULL,
    env TEXT,
    params TEXT NOT NULL,
    git_sha TEXT,
    git_dirty INTEGER,
    command TEXT,
    error TEXT,
    resumed_from TEXT
);
CREATE TABLE IF NOT EXISTS run_nodes (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    position INTEGER NOT NULL,
    node_name TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at REAL,
    duration REAL,
    error TEXT,
    PRIMARY KEY (run_id, node_name)
);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs(started_at);
CREATE TABLE IF NOT EXISTS node_fingerprints (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    node_name TEXT NOT NULL,
    digest TEXT NOT NULL,
    parts TEXT NOT NULL,
    PRIMARY KEY (run_id, node_name)
);
CREATE TABLE IF NOT EXISTS run_datasets (
    run_id TEXT NOT NULL,
    dataset_name TEXT NOT NULL,
    node_name TEXT,
    saved_at REAL NOT NULL,
    rows INTEGER,
    bytes INTEGER,
    PRIMARY KEY (run_id, dataset_name)
);
"""

#: The runs finished by a successful resume, directly or through a chain of resumes.
_SETTLED = (
    "WITH RECURSIVE settled(run_id) AS ("
    " SELECT resumed_from FROM runs WHERE status = 'success' AND resumed_from IS NOT NULL"
    " UNION SELECT runs.resumed_from FROM runs JOIN settled USING (run_id)"
    " WHERE runs.resumed_from IS NOT NULL)"
)

#: Node statuses that count as done when a run is resumed.
COMPLETED = frozenset({"success", "skipped"})


@dataclass(frozen=True)
class NodeRecord:
    """One node of a recorded run.

    Attributes:
        name: Node name. position: Index in the run's topological order.
        status: pending, running, success, failed, skipped or interrupted.
        started_at: Unix time in seconds, or None if it never started.
        duration: Seconds, or None if it did not finish.
        error: ``"ExceptionType: message (file:line)"`` for a failed node.
        traceback: The full traceback of a failed node (credentials removed).
    """

    name: str
    position: int
    status: str
    started_at: float | None
    duration: float | None
    error: str | None
    traceback: str | None = None


@dataclass(frozen=True)
class RunRecord:
    """One recorded run (see the module docstring for the statuses).

    Attributes:
        request: The run request as a dict (pipelines, filters, options).
        params: Runtime parameters given on the command line.
        nodes: The run's nodes in order (filled by :meth:`RunStore.get_run`).
        pid, host: The process that ran it (None for runs recorded before version 2).
        traceback: The traceback of an error that stopped the run outside any node
            (a hook, the configuration), credentials removed.
    """

    run_id: str
    session_id: str | None
    started_at: float
    finished_at: float | None
    status: str
    pipelines: list[str]
    request: dict[str, Any]
    env: str | None
    params: dict[str, Any]
    git_sha: str | None
    git_dirty: bool | None
    command: str | None
    error: str | None
    resumed_from: str | None
    nodes: list[NodeRecord] = field(default_factory=list)
    pid: int | None = None
    host: str | None = None
    traceback: str | None = None

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, or None while running."""
        return None if self.finished_at is None else self.finished_at - self.started_at

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the run and its nodes."""
        data = {k: v for k, v in self.__dict__.items() if k != "nodes"}
        data["duration"] = self.duration
        data["nodes"] = [node.__dict__ for node in self.nodes]
        return data


def git_state(path: Path) -> tuple[str | None, bool | None]:
    """The commit checked out at ``path`` and whether the work tree has changes.

    Returns:
        ``(sha, dirty)``; ``(None, None)`` outside a git work tree or without git.
    """
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=path,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if sha.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=path,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None, None
    return sha.stdout.strip(), bool(status.stdout.strip())


_OPEN_TIMEOUT = 30.0
"""Seconds to wait for other processes' locks when opening or writing the store."""


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class RunStore:
    """Reads and writes the run store of one project.

    The database and its folder are created on first write. All methods are safe to
    call from several threads; separate processes coordinate through SQLite's locks.

    Args:
        path: The SQLite file, e.g. ``<project>/.proj/runs.db``.

    Raises:
        RunStoreError: The file cannot be opened or is not a run store.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            deadline = time.monotonic() + _OPEN_TIMEOUT
            pause = 0.005
            while True:
                try:
                    self._connection = self._open()
                    break
                except sqlite3.OperationalError as exc:
                    # SQLite answers "database is locked" at once, without its busy
                    # handler, to a process that opens a WAL file while another one
                    # recovers it or checkpoints it on close. That is a wait, not a fault.
                    if not _is_busy(exc) or time.monotonic() + pause > deadline:
                        raise self._open_error(exc) from exc
                except (sqlite3.Error, OSError) as exc:
                    raise self._open_error(exc) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.25)
        return self._connection

    def _open(self) -> sqlite3.Connection:
        """One attempt at opening the file in WAL mode at the current schema."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=_OPEN_TIMEOUT, check_same_thread=False, isolation_level=None
        )
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA busy_timeout={int(_OPEN_TIMEOUT * 1000)}")
            self._migrate(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open_error(self, exc: BaseException) -> RunStoreError:
        return RunStoreError(
            f"Cannot open the run store {self.path}: {exc}",
            hint="Check the file is a proj run store and the folder is writable, "
            "or set RUN_STORE_PATH in settings.py.",
        )

    def _migrate(self, connection: sqlite3.Connection) -> None:
        """Create the tables, or bring an older file up to :data:`SCHEMA_VERSION`."""
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise RunStoreError(
                f"The run store {self.path} was written by a newer proj (schema version "
                f"{version}; this proj knows {SCHEMA_VERSION}).",
                hint="Upgrade proj, or move the file away to start a new run store.",
            )
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated it while this one waited for the lock.
            if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                for table, columns in _ADDED_COLUMNS.items():
                    have = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                    for name, kind in columns:
                        if name not in have:
                            connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            connection = self._connect()
            try:
                connection.execute("BEGIN IMMEDIATE")
                yield connection
                connection.execute("COMMIT")
            except sqlite3.Error as exc:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise RunStoreError(f"Cannot write the run store {self.path}: {exc}") from exc

    def close(self) -> None:
        """Close the connection (reopened on next use)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # ------------------------------------------------------------------ writing

    def start_run(
        self,
        *,
        run_id: str,
        session_id: str | None,
        request: dict[str, Any],
        env: str | None,
        params: dict[str, Any],
        node_names: Sequence[str],
        command: str | None,
        project_path: Path,
        resumed_from: str | None = None,
    ) -> None:
        """Record a run that is starting, with all its nodes ``pending``, and the host,
        pid and start time of this process. Runs of this host left ``running`` by a
        process that has ended are marked ``interrupted`` on the way.

        The request, parameters and command line are stored without secrets
        (:mod:`proj.redaction`): a secret parameter is kept as ``***``.
        """
        sha, dirty = git_state(project_path)
        self.reap()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs (run_id, session_id, started_at, status, pipelines, request,"
                " env, params, git_sha, git_dirty, command, resumed_from, pid, host, pid_start)"
                " VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    session_id,
                    time.time(),
                    json.dumps(request.get("pipeline_names") or ["__default__"]),
                    json.dumps(redact_mapping(request), default=str),
                    env,
                    json.dumps(redact_mapping(params), default=str),
                    sha,
                    None if dirty is None else int(dirty),
                    redact_optional(command),
                    resumed_from,
                    os.getpid(),
                    host_name(),
                    start_token(),
                ),
            )
            db.executemany(
                "INSERT INTO run_nodes (run_id, position, node_name, status)"
                " VALUES (?, ?, ?, 'pending')",
                [(run_id, i, name) for i, name in enumerate(node_names)],
            )

    def node_started(self, run_id: str, node_name: str) -> None:
        """Mark a node as running."""
        with self._transaction() as db:
            db.execute(
                "UPDATE run_nodes SET status='running', started_at=?"
                " WHERE run_id=? AND node_name=?",
                (time.time(), run_id, node_name),
            )

    def node_finished(
        self,
        run_id: str,
        node_name: str,
        status: str,
        error: str | None = None,
        traceback: str | None = None,
    ) -> None:
        """Record a node's outcome; the duration runs from :meth:`node_started`.

        Args:
            error: One line, ``"Type: message (file:line)"``.
            traceback: The full traceback; both are stored without credentials.
        """
        with self._transaction() as db:
            db.execute(
                "UPDATE run_nodes SET status=?, error=?, traceback=?,"
                " duration=CASE WHEN started_at IS NULL THEN NULL ELSE ? - started_at END"
                " WHERE run_id=? AND node_name=?",
                (
                    status,
                    redact_optional(error),
                    redact_optional(traceback),
                    time.time(),
                    run_id,
                    node_name,
                ),
            )

    def set_env(self, run_id: str, env: str | None) -> None:
        """Record the configuration environment a run resolved to."""
        with self._transaction() as db:
            db.execute("UPDATE runs SET env=? WHERE run_id=?", (env, run_id))

    def finish_run(
        self,
        run_id: str,
        status: str,
        error: str | None = None,
        traceback: str | None = None,
    ) -> None:
        """Record how a run ended; nodes still pending or running take its status
        (``skipped`` for a successful run, ``interrupted`` or ``pending`` otherwise).

        Args:
            error: One line describing what stopped the run.
            traceback: Its traceback, when the run stopped outside any node.
        """
        leftover = {"success": "skipped", "interrupted": "interrupted"}.get(status)
        with self._transaction() as db:
            db.execute(
                "UPDATE runs SET status=?, finished_at=?, error=?, traceback=? WHERE run_id=?",
                (status, time.time(), redact_optional(error), redact_optional(traceback), run_id),
            )
            db.execute(
                "UPDATE run_nodes SET status='interrupted' WHERE run_id=? AND status='running'",
                (run_id,),
            )
            if leftover is not None:
                db.execute(
                    "UPDATE run_nodes SET status=? WHERE run_id=? AND status='pending'",
                    (leftover, run_id),
                )

    def reap(self) -> list[str]:
        """Mark ``interrupted`` the runs of this host still ``running`` whose process
        has ended (see :func:`proj.processes.process_gone`).

        Returns:
            The ids of the runs marked.
        """
        rows = self._rows(
            "SELECT run_id, pid, pid_start, host FROM runs WHERE status='running'", ()
        )
        gone = [row[0] for row in rows if process_gone(row[1], row[2], row[3])]
        for run_id in gone:
            self.finish_run(run_id, "interrupted", "The process running it ended.")
        return gone

    def record_fingerprints(self, run_id: str, fingerprints: Mapping[str, NodeFingerprint]) -> None:
        """Store the fingerprints nodes of a run had when they started.

        A fingerprint only counts once its node's status is ``success`` (see
        :meth:`last_successful_fingerprints`), so recording it early is safe.

        Args:
            run_id: The run.
            fingerprints: Node name -> fingerprint.
        """
        if not fingerprints:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO node_fingerprints (run_id, node_name, digest, parts)"
                " VALUES (?, ?, ?, ?)",
                [(run_id, name, fp.digest, fp.as_json()) for name, fp in fingerprints.items()],
            )

    # ------------------------------------------------------------------ reading

    def _rows(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        if not self.path.exists():
            return []
        with self._lock:
            try:
                return list(self._connect().execute(sql, args))
            except sqlite3.Error as exc:
                raise RunStoreError(f"Cannot read the run store {self.path}: {exc}") from exc

    _RUN_COLUMNS = (
        "run_id, session_id, started_at, finished_at, status, pipelines, request, env,"
        " params, git_sha, git_dirty, command, error, resumed_from, pid, host, pid_start,"
        " traceback"
    )

    def _json(self, run_id: str, column: str, text: Any) -> Any:
        try:
            return json.loads(text)
        except (TypeError, ValueError) as exc:
            statements = " ".join(
                f"DELETE FROM {table} WHERE run_id='{run_id}';"  # noqa: S608 (shown, not run)
                for table in ("run_nodes", "runs")
            )
            raise RunStoreError(
                f"Run {run_id} in {self.path} has a damaged '{column}' field: {exc}.",
                hint=f'Delete that run: sqlite3 {self.path} "{statements}"',
            ) from None

    def _run(self, row: tuple[Any, ...]) -> RunRecord:
        status = row[4]
        error = row[12]
        if status == "running" and process_gone(row[14], row[16], row[15]):
            status = "interrupted"
            error = error or "The process running it ended."
        return RunRecord(
            run_id=row[0],
            session_id=row[1],
            started_at=row[2],
            finished_at=row[3],
            status=status,
            pipelines=self._json(row[0], "pipelines", row[5]),
            request=self._json(row[0], "request", row[6]),
            env=row[7],
            params=self._json(row[0], "params", row[8]),
            git_sha=row[9],
            git_dirty=None if row[10] is None else bool(row[10]),
            command=row[11],
            error=error,
            resumed_from=row[13],
            pid=row[14],
            host=row[15],
            traceback=row[17],
        )

    def list_runs(self, limit: int = 20) -> list[RunRecord]:
        """The most recent runs first (without their nodes).

        Args:
            limit: At most this many runs.
        """
        rows = self._rows(
            f"SELECT {self._RUN_COLUMNS} FROM runs ORDER BY started_at DESC LIMIT ?",  # noqa: S608
            (limit,),
        )
        return [self._run(row) for row in rows]

    def get_run(self, run_id: str | None = None) -> RunRecord:
        """One run with its nodes; the latest run when ``run_id`` is None.

        A unique prefix of a run id is accepted (compared literally: ``_`` and ``%``
        are not wildcards); a full id always wins over longer ids it is a prefix of.

        Raises:
            RunStoreError: No run matches (the message lists recent run ids).
        """
        if run_id is None:
            rows = self._rows(
                f"SELECT {self._RUN_COLUMNS} FROM runs ORDER BY started_at DESC LIMIT 1",  # noqa: S608
                (),
            )
        else:
            rows = self._rows(
                f"SELECT {self._RUN_COLUMNS} FROM runs"  # noqa: S608
                " WHERE substr(run_id, 1, length(?)) = ?",
                (run_id, run_id),
            )
            exact = [row for row in rows if row[0] == run_id]
            rows = exact or rows
        if len(rows) != 1:
            return self._missing(run_id, ambiguous=len(rows) > 1)
        return self._with_nodes(self._run(rows[0]))

    def last_unfinished(self) -> RunRecord:
        """The latest run whose status is ``failed`` or ``interrupted`` (a ``running``
        run whose process ended counts as interrupted) and that was not finished by a
        successful resume (directly, or by resuming one of its resumes), so resuming
        twice does not redo the work.

        Raises:
            RunStoreError: There is none.
        """
        rows = self._rows(
            f"{_SETTLED} SELECT {self._RUN_COLUMNS} FROM runs"  # noqa: S608
            " WHERE status IN ('failed', 'interrupted', 'running')"
            " AND run_id NOT IN (SELECT run_id FROM settled) ORDER BY started_at DESC",
            (),
        )
        runs = (self._run(row) for row in rows)
        found = next((run for run in runs if run.status != "running"), None)
        if found is None:
            raise RunStoreError(
                f"There is no failed or interrupted run to resume in {self.path}.",
                hint="`proj runs list` shows the recorded runs; a run that a later "
                "--resume finished no longer counts.",
            )
        return self._with_nodes(found)

    def last_successful_fingerprints(self) -> dict[str, NodeFingerprint]:
        """Per node, the fingerprint of its latest run that ended in ``success``.

        Only node runs whose status is ``success`` count: a node interrupted while
        saving, or that failed, has no say.

        Returns:
            Node name -> fingerprint; nodes that never succeeded are absent.

        Raises:
            RunStoreError: The store cannot be read.
        """
        from proj.framework.fingerprint import NodeFingerprint

        rows = self._rows(
            "SELECT node_name, digest, parts, run_id FROM ("
            " SELECT f.node_name, f.digest, f.parts, f.run_id, ROW_NUMBER() OVER ("
            "  PARTITION BY f.node_name ORDER BY r.started_at DESC, n.started_at DESC) AS rank"
            " FROM node_fingerprints f"
            " JOIN run_nodes n ON n.run_id = f.run_id AND n.node_name = f.node_name"
            " JOIN runs r ON r.run_id = f.run_id"
            " WHERE n.status = 'success') WHERE rank = 1",
            (),
        )
        latest: dict[str, NodeFingerprint] = {}
        for name, digest, parts, run_id in rows:
            try:
                latest[name] = NodeFingerprint.from_json(digest, parts, run_id)
            except (ValueError, KeyError, TypeError):
                latest.pop(name, None)  # an unreadable record counts as none
        return latest

    def fingerprints_of(self, run_id: str) -> dict[str, NodeFingerprint]:
        """The fingerprints recorded for one run's nodes (whatever their status)."""
        from proj.framework.fingerprint import NodeFingerprint

        rows = self._rows(
            "SELECT node_name, digest, parts FROM node_fingerprints WHERE run_id=?", (run_id,)
        )
        return {
            name: NodeFingerprint.from_json(digest, parts, run_id) for name, digest, parts in rows
        }

    def _with_nodes(self, run: RunRecord) -> RunRecord:
        rows = self._rows(
            "SELECT node_name, position, status, started_at, duration, error, traceback"
            " FROM run_nodes WHERE run_id=? ORDER BY position",
            (run.run_id,),
        )
        # A run whose process ended: what was pending or running never finished.
        unfinished = ("running", "pending") if run.status == "interrupted" else ()
        run.nodes.extend(
            NodeRecord(row[0], row[1], "interrupted", row[3], row[4], row[5], row[6])
            if row[2] in unfinished
            else NodeRecord(*row)
            for row in rows
        )
        return run

    def _missing(self, run_id: str | None, *, ambiguous: bool) -> RunRecord:
        recent = [run.run_id for run in self.list_runs(5)]
        if run_id is None:
            raise RunStoreError(
                f"No run is recorded in {self.path} yet.", hint="Run `proj run` first."
            )
        what = "matches more than one run" if ambiguous else "matches no recorded run"
        raise RunStoreError(
            f"Run id '{run_id}' {what}.",
            hint=f"Recent runs: {', '.join(recent)}." if recent else "No run is recorded yet.",
        )


# ---------------------------------------------------------------------- saved datasets
# What each run saved: rows and bytes per dataset (table ``run_datasets``), written by
# :class:`proj.framework.dataset_stats.DatasetStatsHooks`, read by the visualisation.


@dataclass(frozen=True)
class DatasetSave:
    """One dataset saved by one run, with the save of it before that.

    Attributes:
        run_id: The run that saved it. dataset: The dataset name. node: The node whose
            output it is. saved_at: Unix time in seconds.
        rows: ``len()`` of the data (DataFrame, Series, array, list or tuple), or None.
        bytes: Size of the file written, in bytes, or None (not a file).
        previous_rows, previous_bytes, previous_run_id: The same of the dataset's save
            just before this one (any earlier run), or None.
    """

    run_id: str
    dataset: str
    node: str | None
    saved_at: float
    rows: int | None
    bytes: int | None
    previous_rows: int | None
    previous_bytes: int | None
    previous_run_id: str | None


def record_dataset_save(
    store: RunStore,
    run_id: str,
    dataset: str,
    *,
    node: str | None,
    rows: int | None,
    size: int | None,
) -> None:
    """Record that ``run_id`` saved ``dataset`` (a second save of it replaces the first).

    Args:
        store: The run store.
        run_id: The run. dataset: The dataset name. node: The node that produced it.
        rows: Number of rows, or None. size: Bytes written, or None.

    Raises:
        RunStoreError: The store cannot be written.
    """
    with store._transaction() as db:
        db.execute(
            "INSERT OR REPLACE INTO run_datasets"
            " (run_id, dataset_name, node_name, saved_at, rows, bytes) VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, dataset, node, time.time(), rows, size),
        )


def dataset_saves(store: RunStore, run_id: str | None = None) -> list[DatasetSave]:
    """The datasets a run saved, or each dataset's latest save in any run.

    Args:
        store: The run store.
        run_id: A full run id; None: the latest save of every dataset.

    Returns:
        One :class:`DatasetSave` per dataset, each with the save before it.

    Raises:
        RunStoreError: The store cannot be read.
    """
    where = "recent = 1" if run_id is None else "run_id = ?"
    rows = store._rows(
        "WITH ordered AS (SELECT run_id, dataset_name, node_name, saved_at, rows, bytes,"  # noqa: S608
        " LAG(rows) OVER w AS prev_rows, LAG(bytes) OVER w AS prev_bytes,"
        " LAG(run_id) OVER w AS prev_run,"
        " ROW_NUMBER() OVER (PARTITION BY dataset_name ORDER BY saved_at DESC) AS recent"
        " FROM run_datasets WINDOW w AS (PARTITION BY dataset_name ORDER BY saved_at))"
        " SELECT run_id, dataset_name, node_name, saved_at, rows, bytes, prev_rows,"
        f" prev_bytes, prev_run FROM ordered WHERE {where}",
        () if run_id is None else (run_id,),
    )
    return [DatasetSave(*row) for row in rows]
