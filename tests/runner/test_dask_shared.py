"""Two runs on one real Dask scheduler (``DaskRunner(address=...)``) keep their data apart."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import RunnerError
from proj.framework.recording import RunStoreHooks
from proj.framework.store import RunStore
from proj.hooks import create_hook_manager
from proj.io import DataCatalog, MemoryDataset
from proj.pipeline import Pipeline, node
from proj.runner.dask import DaskRunner


def gated_double(x: int, gate: str) -> int:
    """Wait until the test opens the gate, so both runs are on the scheduler at once."""
    while not Path(gate).exists():
        time.sleep(0.02)
    return x * 2


def _wanted(dask_scheduler: Any) -> int:
    """(task, client) pairs on the scheduler: one per submission still waited for."""
    return sum(len(task.who_wants or ()) for task in dask_scheduler.tasks.values())


@pytest.fixture(scope="module")
def cluster() -> Any:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


def test_two_concurrent_runs_on_one_scheduler_each_get_their_own_outputs(
    cluster: Any, tmp_path: Path
) -> None:
    from distributed import Client

    gate = tmp_path / "gate"
    pipe = Pipeline([node(gated_double, ["x", "gate"], "y", name="double")])
    results: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def run(value: int) -> None:
        catalog = DataCatalog()
        catalog.add_feed_dict({"x": value, "gate": str(gate)})
        try:
            runner = DaskRunner(address=cluster.scheduler_address, max_workers=1)
            results[value] = runner.run(pipe, catalog, run_id=f"run-{value}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(value,)) for value in (1, 10)]
    with Client(cluster.scheduler_address) as watcher:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while watcher.run_on_scheduler(_wanted) < 2:
            assert time.monotonic() < deadline, "both runs never reached the scheduler"
            time.sleep(0.05)
    gate.touch()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert results == {1: {"y": 2}, 10: {"y": 20}}


def test_the_run_store_records_a_dask_run_like_any_other(cluster: Any, tmp_path: Path) -> None:
    (tmp_path / "gate").touch()
    store = RunStore(tmp_path / "runs.db")
    recorder = RunStoreHooks(store, command=None, project_path=tmp_path)
    manager = create_hook_manager()
    manager.register(recorder)
    pipe = Pipeline([node(gated_double, ["x", "gate"], "y", name="double")])
    catalog = DataCatalog()
    catalog.add_feed_dict({"x": 3, "gate": str(tmp_path / "gate")})

    recorder.start({"run_id": "dask-run", "runner": "DaskRunner"}, pipe)
    runner = DaskRunner(address=cluster.scheduler_address, max_workers=1)
    result = runner.run(pipe, catalog, hook_manager=manager, run_id="dask-run")
    recorder.finish("dask-run")

    assert result == {"y": 6}
    record = store.get_run("dask-run")
    assert record.status == "success"
    assert record.request["runner"] == "DaskRunner"
    assert [(n.name, n.status) for n in record.nodes] == [("double", "success")]


def test_dask_runner_refuses_an_assign_memory_dataset_by_name(cluster: Any) -> None:
    catalog = DataCatalog({"shared": MemoryDataset(copy_mode="assign")})
    catalog.add_feed_dict({"x": 1})
    pipe = Pipeline(
        [
            node(abs, "x", "shared", name="make"),
            node(abs, "shared", "y", name="use"),
        ]
    )
    with pytest.raises(RunnerError, match=r"'shared' \(read by use\)"):
        DaskRunner(address=cluster.scheduler_address).run(pipe, catalog)
