"""ThreadRunner and ParallelRunner: real concurrency, hooks, picklability, choosing by name."""

from __future__ import annotations

import json
import math
import operator
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NodeFailedError, NotPicklableError, RunnerError
from proj.hooks import create_hook_manager, hook_impl
from proj.io import DataCatalog
from proj.pipeline import Pipeline, node
from proj.runner import (
    ParallelRunner,
    SequentialRunner,
    ThreadRunner,
    create_runner,
)


def test_thread_runner_runs_independent_nodes_at_the_same_time() -> None:
    # Each node waits for the other at a barrier: only a concurrent runner finishes.
    barrier = threading.Barrier(2, timeout=60)

    def meet(x: int) -> int:
        barrier.wait()
        return x

    catalog = DataCatalog()
    catalog.add_feed_dict({"a": 1, "b": 2})
    pipe = Pipeline([node(meet, "a", "x", name="left"), node(meet, "b", "y", name="right")])

    assert ThreadRunner(max_workers=2).run(pipe, catalog) == {"x": 1, "y": 2}


def test_thread_runner_reports_the_failed_node() -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": -1.0})
    pipe = Pipeline([node(math.sqrt, "a", "b", name="root"), node(abs, "b", "c", name="after")])

    with pytest.raises(NodeFailedError) as caught:
        ThreadRunner(max_workers=2).run(pipe, catalog)

    assert caught.value.node_name == "root"
    assert caught.value.not_run == ["root", "after"]


def test_parallel_runner_runs_node_functions_in_other_processes(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"pids": {"type": "json.JSONDataset", "filepath": str(tmp_path / "pids.json")}}
    )
    catalog.add_feed_dict({"zero": 0})
    # os.getpid ignores no argument, so wrap through operator-free stdlib callables:
    # os.getppid() of the worker is this process.
    pipe = Pipeline(
        [
            node(os.getpid, None, "worker_pid", name="where"),
            node(operator.add, ["worker_pid", "zero"], "pids", name="keep"),
        ]
    )

    ParallelRunner(max_workers=2).run(pipe, catalog)

    assert json.loads((tmp_path / "pids.json").read_text()) != os.getpid()


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.pids: set[int] = set()

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self.events.append(f"before:{node.name}")
        self.pids.add(os.getpid())

    @hook_impl
    def after_node_run(self, node: Any) -> None:
        self.events.append(f"after:{node.name}")

    @hook_impl
    def after_dataset_loaded(self, dataset_name: str) -> None:
        self.events.append(f"loaded:{dataset_name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self.events.append(f"saved:{dataset_name}")


def test_parallel_runner_calls_node_and_dataset_hooks_in_this_process() -> None:
    manager = create_hook_manager()
    recorder = Recorder()
    manager.register(recorder)
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": 4.0})
    pipe = Pipeline(
        [node(math.sqrt, "a", "b", name="root"), node(operator.neg, "b", "c", name="negate")]
    )

    result = ParallelRunner(max_workers=2).run(pipe, catalog, hook_manager=manager)

    assert result == {"c": -2.0}
    assert recorder.events == [
        "loaded:a",
        "before:root",
        "after:root",
        "saved:b",
        "loaded:b",
        "before:negate",
        "after:negate",
        "saved:c",
    ]
    assert recorder.pids == {os.getpid()}


def test_parallel_runner_refuses_unpicklable_nodes_before_running(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"b": {"type": "json.JSONDataset", "filepath": str(tmp_path / "b.json")}}
    )
    catalog.add_feed_dict({"a": 1})
    pipe = Pipeline(
        [node(abs, "a", "b", name="fine"), node(lambda b: b, "b", "c", name="closure_node")]
    )

    with pytest.raises(NotPicklableError) as caught:
        ParallelRunner(max_workers=2).run(pipe, catalog)

    assert "closure_node" in str(caught.value)
    assert "thread" in (caught.value.hint or "")
    assert not (tmp_path / "b.json").exists()


def test_parallel_runner_failure_names_node_and_chains_the_worker_error() -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": -1.0})
    pipe = Pipeline([node(math.sqrt, "a", "b", name="root")])

    with pytest.raises(NodeFailedError) as caught:
        ParallelRunner(max_workers=1).run(pipe, catalog)

    assert caught.value.node_name == "root"
    assert isinstance(caught.value.__cause__, ValueError)


def test_unknown_start_method_is_refused() -> None:
    with pytest.raises(RunnerError, match="start method 'teleport'"):
        ParallelRunner(mp_context="teleport")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sequential", SequentialRunner),
        ("Thread", ThreadRunner),
        ("parallel", ParallelRunner),
        ("ThreadRunner", ThreadRunner),
        ("proj.runner.thread.ThreadRunner", ThreadRunner),
    ],
)
def test_create_runner_by_name(name: str, expected: type) -> None:
    assert type(create_runner(name)) is expected


def test_create_runner_passes_max_workers() -> None:
    assert create_runner("thread", max_workers=3).max_workers == 3


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("quantum", {}, "Unknown runner 'quantum'"),
        ("no.such.module.Runner", {}, "Cannot import runner"),
        ("json.JSONDecoder", {}, "is not a runner"),
        ("sequential", {"max_workers": 2}, "does not take --max-workers"),
    ],
)
def test_create_runner_errors(name: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(RunnerError, match=message):
        create_runner(name, **kwargs)


@pytest.mark.parametrize("runner_class", [ThreadRunner, ParallelRunner])
def test_max_workers_below_one_is_refused(runner_class: Any) -> None:
    with pytest.raises(RunnerError, match="at least 1"):
        runner_class(max_workers=0)


def returns_a_lambda(x: int) -> Any:
    """A picklable node function whose output pickle cannot carry back."""
    return lambda: x


def raises_its_own_pickling_error(x: int) -> int:
    raise TypeError(f"cannot pickle this {x}: the node's own message")


def test_parallel_runner_names_the_node_whose_data_cannot_travel() -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": 1})
    pipe = Pipeline([node(returns_a_lambda, "a", "f", name="make_closure")])
    with pytest.raises(NodeFailedError) as caught:
        ParallelRunner(max_workers=1).run(pipe, catalog)
    assert caught.value.message.startswith(
        "Node 'make_closure' failed: NotPicklableError: ParallelRunner cannot move the "
        "data of node 'make_closure' between processes (its inputs to the worker, or its "
        "outputs 'f' back): "
    )
    assert "--runner thread" in (caught.value.hint or "")
    # The node's own error, whatever it says, stays the node's error.
    own = Pipeline([node(raises_its_own_pickling_error, "a", "g", name="own")])
    with pytest.raises(NodeFailedError) as caught:
        ParallelRunner(max_workers=1).run(own, catalog)
    assert "TypeError: cannot pickle this 1: the node's own message" in caught.value.message
    assert caught.value.hint is None
