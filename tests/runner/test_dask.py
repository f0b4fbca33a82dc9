"""DaskRunner on a real LocalCluster (worker processes)."""

from __future__ import annotations

import json
import math
import operator
import os
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NodeFailedError, NotPicklableError
from proj.hooks import create_hook_manager, hook_impl
from proj.io import DataCatalog
from proj.pipeline import Pipeline, node
from proj.runner import create_runner
from proj.runner.dask import DaskRunner


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self.events.append(f"before:{node.name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self.events.append(f"saved:{dataset_name}")


def test_dask_runner_runs_nodes_on_workers_and_calls_hooks_here(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"pid": {"type": "json.JSONDataset", "filepath": str(tmp_path / "pid.json")}}
    )
    catalog.add_feed_dict({"x": 16.0, "zero": 0})
    manager = create_hook_manager()
    recorder = Recorder()
    manager.register(recorder)
    pipe = Pipeline(
        [
            node(math.sqrt, "x", "root", name="root"),
            node(operator.neg, "root", "negated", name="negate"),
            node(os.getpid, None, "worker_pid", name="where"),
            node(operator.add, ["worker_pid", "zero"], "pid", name="keep_pid"),
        ]
    )

    result = DaskRunner(max_workers=2).run(pipe, catalog, hook_manager=manager)

    assert result == {"negated": -4.0}
    assert json.loads((tmp_path / "pid.json").read_text()) != os.getpid()
    assert recorder.events.index("before:root") < recorder.events.index("saved:root")
    assert recorder.events.index("saved:root") < recorder.events.index("before:negate")
    assert "saved:pid" in recorder.events

    # A failure on a worker is reported like any other runner's.
    failing = DataCatalog()
    failing.add_feed_dict({"x": -1.0})
    with pytest.raises(NodeFailedError) as caught:
        DaskRunner(max_workers=1).run(Pipeline([node(math.sqrt, "x", "y", name="root")]), failing)
    assert caught.value.node_name == "root"
    assert isinstance(caught.value.__cause__, ValueError)


def test_dask_runner_refuses_unpicklable_nodes_before_starting_a_cluster() -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": 1})
    with pytest.raises(NotPicklableError, match="closure"):
        DaskRunner().run(Pipeline([node(lambda a: a, "a", "b", name="closure")]), catalog)


def test_dask_is_a_runner_name() -> None:
    assert isinstance(create_runner("dask", max_workers=2), DaskRunner)
