"""The SQLite run store: schema, statuses, lookups, and concurrent writers."""

from __future__ import annotations

import itertools
import multiprocessing
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import RunStoreError
from proj.framework.store import RunStore, git_state


def start(
    store: RunStore,
    run_id: str,
    nodes: list[str],
    tmp_path: Path,
    pipelines: list[str] = (),
    resumed_from: str | None = None,
) -> None:
    store.start_run(
        run_id=run_id,
        session_id="s1",
        request={"pipeline_names": list(pipelines), "tags": ["t"]},
        env="local",
        params={"a": {"b": 1}},
        node_names=nodes,
        command="proj run --tags t",
        project_path=tmp_path,
        resumed_from=resumed_from,
    )


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / ".proj" / "runs.db")


def test_the_file_is_created_on_first_write_in_wal_mode(store: RunStore, tmp_path: Path) -> None:
    assert store.list_runs() == []
    assert not store.path.exists()
    start(store, "run1", ["a"], tmp_path)
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = [row[1] for row in db.execute("PRAGMA table_info(runs)")]
        node_columns = [row[1] for row in db.execute("PRAGMA table_info(run_nodes)")]
    assert tables == {"runs", "run_nodes", "node_fingerprints", "run_datasets"}
    for column in ("run_id", "started_at", "finished_at", "status", "pipelines", "request"):
        assert column in columns
    for column in ("env", "params", "git_sha", "git_dirty", "command", "error", "resumed_from"):
        assert column in columns
    assert node_columns == [
        "run_id",
        "position",
        "node_name",
        "status",
        "started_at",
        "duration",
        "error",
        "traceback",
    ]


def test_a_run_records_every_field_and_node_outcome(store: RunStore, tmp_path: Path) -> None:
    start(store, "run1", ["a", "b", "c"], tmp_path, pipelines=["dp"])
    running = store.get_run("run1")
    assert running.status == "running"
    assert running.finished_at is None and running.duration is None
    assert [(n.name, n.status) for n in running.nodes] == [
        ("a", "pending"),
        ("b", "pending"),
        ("c", "pending"),
    ]
    store.node_started("run1", "a")
    assert store.get_run("run1").nodes[0].status == "running"
    store.node_finished("run1", "a", "success")
    store.node_started("run1", "b")
    store.node_finished("run1", "b", "failed", "ValueError: bad")
    store.finish_run("run1", "failed", "NodeFailedError: b failed")

    run = store.get_run("run1")
    assert run.status == "failed"
    assert run.pipelines == ["dp"]
    assert run.request == {"pipeline_names": ["dp"], "tags": ["t"]}
    assert (run.env, run.params, run.command) == ("local", {"a": {"b": 1}}, "proj run --tags t")
    assert run.error == "NodeFailedError: b failed"
    assert run.duration is not None and run.duration >= 0
    a, b, c = run.nodes
    assert (a.status, b.status, c.status) == ("success", "failed", "pending")
    assert a.duration is not None and a.duration >= 0 and a.started_at is not None
    assert b.error == "ValueError: bad"
    assert (c.started_at, c.duration) == (None, None)
    assert run.as_dict()["nodes"][1]["error"] == "ValueError: bad"


def test_without_pipeline_names_the_default_is_recorded(store: RunStore, tmp_path: Path) -> None:
    start(store, "run1", ["a"], tmp_path)
    assert store.get_run("run1").pipelines == ["__default__"]


@pytest.mark.parametrize(
    ("status", "running_becomes", "pending_becomes"),
    [
        ("success", "interrupted", "skipped"),
        ("interrupted", "interrupted", "interrupted"),
        ("failed", "interrupted", "pending"),
    ],
)
def test_finishing_a_run_settles_nodes_left_over(
    store: RunStore, tmp_path: Path, status: str, running_becomes: str, pending_becomes: str
) -> None:
    start(store, "run1", ["a", "b", "c"], tmp_path)
    store.node_started("run1", "a")
    store.node_finished("run1", "a", "success")
    store.node_started("run1", "b")
    store.finish_run("run1", status)
    nodes = store.get_run("run1").nodes
    assert [n.status for n in nodes] == ["success", running_becomes, pending_becomes]


def test_lookups_by_latest_and_prefix(store: RunStore, tmp_path: Path) -> None:
    for run_id in ("abc111", "abd222", "xyz333"):
        start(store, run_id, ["a"], tmp_path)
        store.finish_run(run_id, "success")
    assert [r.run_id for r in store.list_runs()] == ["xyz333", "abd222", "abc111"]
    assert [r.run_id for r in store.list_runs(limit=2)] == ["xyz333", "abd222"]
    assert store.get_run().run_id == "xyz333"
    assert store.get_run("abc").run_id == "abc111"
    assert store.get_run("xyz333").nodes[0].name == "a"
    with pytest.raises(RunStoreError, match="'ab' matches more than one run"):
        store.get_run("ab")
    with pytest.raises(RunStoreError, match="'nope' matches no recorded run") as caught:
        store.get_run("nope")
    assert caught.value.hint == "Recent runs: xyz333, abd222, abc111."


def test_get_run_on_an_empty_store(store: RunStore) -> None:
    with pytest.raises(RunStoreError, match="No run is recorded"):
        store.get_run()


def test_last_unfinished_skips_successful_runs(store: RunStore, tmp_path: Path) -> None:
    with pytest.raises(RunStoreError, match="no failed or interrupted run"):
        store.last_unfinished()
    start(store, "old-failed", ["a"], tmp_path)
    store.finish_run("old-failed", "failed")
    start(store, "interrupted", ["a"], tmp_path)
    store.finish_run("interrupted", "interrupted")
    start(store, "newest-ok", ["a"], tmp_path)
    store.finish_run("newest-ok", "success")
    assert store.last_unfinished().run_id == "interrupted"
    assert store.last_unfinished().nodes[0].status == "interrupted"


def test_last_unfinished_skips_runs_resumed_successfully(store: RunStore, tmp_path: Path) -> None:
    start(store, "failed", ["a", "b"], tmp_path)
    store.finish_run("failed", "failed")
    start(store, "retry", ["b"], tmp_path, resumed_from="failed")
    store.finish_run("retry", "failed")
    assert store.last_unfinished().run_id == "retry"
    start(store, "retry2", ["b"], tmp_path, resumed_from="retry")
    store.finish_run("retry2", "success")
    assert store.get_run("retry2").resumed_from == "retry"
    with pytest.raises(RunStoreError, match="no failed or interrupted run"):
        store.last_unfinished()


def test_a_file_that_is_not_a_run_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    path.write_text("this is not a database")
    with pytest.raises(RunStoreError, match="Cannot open the run store") as caught:
        start(RunStore(path), "run1", ["a"], tmp_path)
    assert "RUN_STORE_PATH" in str(caught.value.hint)


def test_git_state_outside_and_inside_a_repository(tmp_path: Path) -> None:
    assert git_state(tmp_path) == (None, None)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@t", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    (tmp_path / "f.txt").write_text("1")
    for args in (["init", "-q"], ["add", "f.txt"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True)
    sha, dirty = git_state(tmp_path)
    assert sha is not None and len(sha) == 40 and dirty is False
    (tmp_path / "f.txt").write_text("2")
    assert git_state(tmp_path) == (sha, True)


def write_runs(path: str, prefix: str, count: int, nodes: int, barrier: Any) -> None:
    """Record ``count`` complete runs of ``nodes`` nodes each (one process's work)."""
    store = RunStore(path)
    names = [f"n{i}" for i in range(nodes)]
    barrier.wait(timeout=60)  # both processes start writing together
    for number in range(count):
        run_id = f"{prefix}-{number}"
        start(store, run_id, names, Path(path).parent)
        for name in names:
            store.node_started(run_id, name)
            store.node_finished(run_id, name, "success")
        store.finish_run(run_id, "success")
    store.close()


def test_two_processes_writing_at_once_both_land(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.db")
    RunStore(path).list_runs()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=write_runs, args=(path, prefix, 40, 5, barrier))
        for prefix in ("p", "q")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with sqlite3.connect(path) as db:
        runs = dict(db.execute("SELECT run_id, status FROM runs ORDER BY started_at").fetchall())
        nodes = db.execute("SELECT status, COUNT(*) FROM run_nodes GROUP BY status").fetchall()
    assert sorted(runs) == sorted(f"{p}-{n}" for p in "pq" for n in range(40))
    assert set(runs.values()) == {"success"}
    assert nodes == [("success", 2 * 40 * 5)]
    writers = [run_id[0] for run_id in runs]
    assert sum(a != b for a, b in itertools.pairwise(writers)) > 1  # the writes overlapped


def test_run_id_prefixes_match_literally(store: RunStore, tmp_path: Path) -> None:
    start(store, "abc_1", ["a"], tmp_path)
    start(store, "abcx1", ["a"], tmp_path)
    assert store.get_run("abc_").run_id == "abc_1"
    with pytest.raises(RunStoreError, match="matches no recorded run"):
        store.get_run("%")
    with pytest.raises(RunStoreError, match="matches no recorded run"):
        store.get_run("abc%")


def test_a_row_with_damaged_json_is_one_clear_error(store: RunStore, tmp_path: Path) -> None:
    start(store, "run1", ["a"], tmp_path)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE runs SET request='{not json' WHERE run_id='run1'")
    store.close()
    with pytest.raises(RunStoreError, match=r"Run run1 .* damaged 'request' field") as caught:
        store.list_runs()
    assert "DELETE FROM runs WHERE run_id='run1'" in (caught.value.hint or "")


V1_SCHEMA = """
CREATE TABLE runs (run_id TEXT PRIMARY KEY, session_id TEXT, started_at REAL NOT NULL,
    finished_at REAL, status TEXT NOT NULL, pipelines TEXT NOT NULL, request TEXT NOT NULL,
    env TEXT, params TEXT NOT NULL, git_sha TEXT, git_dirty INTEGER, command TEXT,
    error TEXT, resumed_from TEXT);
CREATE TABLE run_nodes (run_id TEXT NOT NULL REFERENCES runs(run_id),
    position INTEGER NOT NULL, node_name TEXT NOT NULL, status TEXT NOT NULL,
    started_at REAL, duration REAL, error TEXT, PRIMARY KEY (run_id, node_name));
INSERT INTO runs VALUES ('old1', 's', 1.0, 2.0, 'failed', '["__default__"]', '{}',
    'local', '{}', NULL, NULL, 'proj run', 'boom', NULL);
INSERT INTO run_nodes VALUES ('old1', 0, 'a', 'failed', 1.0, 1.0, 'ValueError: boom');
"""


def test_a_store_of_the_first_layout_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with sqlite3.connect(path) as db:
        db.executescript(V1_SCHEMA)
    store = RunStore(path)

    old = store.get_run("old1")
    assert (old.status, old.error, old.pid, old.host) == ("failed", "boom", None, None)
    assert [(n.name, n.status, n.traceback) for n in old.nodes] == [("a", "failed", None)]
    start(store, "new1", ["a"], tmp_path)
    store.node_finished("new1", "a", "failed", "ValueError: x", "Traceback ...")
    assert store.get_run("new1").nodes[0].traceback == "Traceback ..."
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2


def test_a_store_from_a_newer_proj_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(RunStoreError, match="newer proj"):
        RunStore(path).list_runs()


def test_a_running_run_whose_process_ended_reads_as_interrupted(
    store: RunStore, tmp_path: Path
) -> None:
    start(store, "alive", ["a"], tmp_path)
    start(store, "dead", ["a", "b"], tmp_path)
    start(store, "reused", ["a"], tmp_path)
    store.node_started("dead", "a")
    with sqlite3.connect(store.path) as db:
        gone = subprocess.Popen(["true"])  # a process that has certainly ended
        gone.wait()
        db.execute("UPDATE runs SET pid=? WHERE run_id='dead'", (gone.pid,))
        # This process's pid with another start time: the pid was given to a new process.
        db.execute("UPDATE runs SET pid_start='1' WHERE run_id='reused'")

    assert store.get_run("alive").status == "running"
    dead = store.get_run("dead")
    assert dead.status == "interrupted"
    assert [n.status for n in dead.nodes] == ["interrupted", "interrupted"]
    assert store.get_run("reused").status == "interrupted"
    assert store.last_unfinished().run_id in {"dead", "reused"}
    assert sorted(store.reap()) == ["dead", "reused"]
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT status FROM runs WHERE run_id='dead'").fetchone() == (
            "interrupted",
        )


def open_together(folder: str, prefix: str, rounds: int, barrier: Any) -> None:
    """Each round, with the other processes: open a store no one has open, record a run."""
    for number in range(rounds):
        path = Path(folder) / f"runs-{number}.db"
        barrier.wait(timeout=60)
        store = RunStore(path)
        run_id = f"{prefix}-{number}"
        start(store, run_id, ["n"], path.parent)
        store.finish_run(run_id, "success")
        store.close()


def test_processes_opening_a_closed_store_together_all_land(tmp_path: Path) -> None:
    # Processes opening a WAL file that no one has open at the same moment used to get
    # "database is locked" at once from SQLite (one of them is recovering the file),
    # without SQLite's busy wait: about 2 in 100 processes did.
    rounds = 80
    for number in range(rounds):
        RunStore(tmp_path / f"runs-{number}.db").list_runs()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=open_together, args=(str(tmp_path), prefix, rounds, barrier))
        for prefix in "abcd"
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    for number in range(rounds):
        with sqlite3.connect(tmp_path / f"runs-{number}.db") as db:
            runs = db.execute("SELECT COUNT(*) FROM runs WHERE status = 'success'").fetchone()
        assert runs == (4,)
