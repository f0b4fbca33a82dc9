"""IPyParallelRunner on real local ipyparallel clusters (engine processes)."""

from __future__ import annotations

import json
import math
import operator
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NodeFailedError, NotPicklableError, RunnerError
from proj.hooks import create_hook_manager, hook_impl
from proj.io import DataCatalog
from proj.pipeline import Pipeline, node
from proj.runner import create_runner
from proj.runner.ipyparallel import IPyParallelRunner

pytestmark = pytest.mark.slow


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.threads: set[int] = set()

    @hook_impl
    def before_node_run(self, node: Any) -> None:
        self.events.append(f"before:{node.name}")

    @hook_impl
    def after_dataset_saved(self, dataset_name: str) -> None:
        self.events.append(f"saved:{dataset_name}")
        self.threads.add(os.getpid())


@pytest.fixture
def ipython_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "ipython"
    folder.mkdir()
    monkeypatch.setenv("IPYTHONDIR", str(folder))
    return folder


@pytest.fixture
def node_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A module of node functions importable only through this process's sys.path, as a
    project's package is once proj has found the project."""
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "ipp_test_nodes.py").write_text(
        "import os\n\n"
        "def scale(value, factor):\n    return value * factor\n\n"
        "def where(_):\n    return os.getpid()\n"
    )
    monkeypatch.syspath_prepend(str(folder))
    import ipp_test_nodes

    yield ipp_test_nodes
    sys.modules.pop("ipp_test_nodes", None)


def test_local_cluster_runs_project_nodes_on_engines_and_hooks_here(
    ipython_dir: Path, node_module: Any, tmp_path: Path
) -> None:
    catalog = DataCatalog.from_config(
        {"pid": {"type": "json.JSONDataset", "filepath": str(tmp_path / "pid.json")}}
    )
    catalog.add_feed_dict({"x": 16.0, "factor": 3})
    manager = create_hook_manager()
    recorder = Recorder()
    manager.register(recorder)
    pipe = Pipeline(
        [
            node(math.sqrt, "x", "root", name="root"),
            node(node_module.scale, ["root", "factor"], "scaled", name="scale"),
            node(node_module.where, "root", "pid", name="where"),
        ]
    )

    result = IPyParallelRunner(max_workers=2).run(pipe, catalog, hook_manager=manager)

    assert result == {"scaled": 12.0}
    assert json.loads((tmp_path / "pid.json").read_text()) != os.getpid()
    assert recorder.events.index("before:root") < recorder.events.index("saved:root")
    assert recorder.events.index("saved:root") < recorder.events.index("before:scale")
    assert recorder.threads == {os.getpid()}  # saves (and the run store) stay here


def test_a_failing_node_is_reported_like_any_other_runner(ipython_dir: Path) -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"x": -1.0})
    with pytest.raises(NodeFailedError) as caught:
        IPyParallelRunner(max_workers=1).run(
            Pipeline([node(math.sqrt, "x", "y", name="root")]), catalog
        )
    assert caught.value.node_name == "root"
    assert isinstance(caught.value.__cause__, ValueError)
    assert "math domain error" in str(caught.value)


@pytest.fixture
def running_cluster(ipython_dir: Path) -> Iterator[dict[str, str]]:
    """A cluster started as a person would with ``ipcluster start``, outside the runner."""
    import ipyparallel as ipp

    cluster = ipp.Cluster(n=2, profile="default", cluster_id="proj-test", engine_timeout=120)
    client = cluster.start_and_connect_sync()
    try:
        client.close()
        yield {"profile": "default", "cluster_id": "proj-test"}
    finally:
        cluster.stop_cluster_sync()


def test_concurrent_runs_on_one_cluster_never_mix_results(
    running_cluster: dict[str, str],
) -> None:
    # Both runs use the same node and dataset names; only their inputs differ.
    pipe = Pipeline(
        [
            node(operator.mul, ["a", "b"], "product", name="multiply"),
            node(operator.add, ["product", "a"], "total", name="add"),
        ]
    )
    results: dict[int, Any] = {}
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            runner = IPyParallelRunner(**running_cluster)
            for _ in range(3):
                catalog = DataCatalog()
                catalog.add_feed_dict({"a": number, "b": 1000})
                results.setdefault(number, []).append(runner.run(pipe, catalog)["total"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert results == {n: [n * 1000 + n] * 3 for n in (1, 2, 3)}


def test_connecting_takes_the_engine_count_as_max_workers(
    running_cluster: dict[str, str],
) -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"x": 4.0})
    runner = IPyParallelRunner(**running_cluster)
    assert runner.run(Pipeline([node(math.sqrt, "x", "y", name="root")]), catalog) == {"y": 2.0}
    assert runner.max_workers == 2


def test_a_cluster_that_cannot_start_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where IPython wants its folder")
    monkeypatch.setenv("IPYTHONDIR", str(blocker / "ipython"))
    catalog = DataCatalog()
    catalog.add_feed_dict({"x": 4.0})
    with pytest.raises(RunnerError, match=r"Could not start a local ipyparallel cluster of 2") as e:
        IPyParallelRunner(max_workers=2, timeout=60).run(
            Pipeline([node(math.sqrt, "x", "y", name="root")]), catalog
        )
    assert "Nothing ran" in str(e.value)
    assert "IPYTHONDIR" in str(e.value.hint)


def test_an_unknown_running_cluster_is_a_clear_error(ipython_dir: Path) -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"x": 4.0})
    runner = IPyParallelRunner(profile="default", cluster_id="nobody-started-it", timeout=5)
    with pytest.raises(RunnerError, match="Cannot connect to the ipyparallel cluster") as e:
        runner.run(Pipeline([node(math.sqrt, "x", "y", name="root")]), catalog)
    assert "cluster id 'nobody-started-it'" in str(e.value)
    assert "ipcluster start" in str(e.value.hint)


def test_unpicklable_nodes_are_refused_before_a_cluster_starts(ipython_dir: Path) -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict({"a": 1})
    with pytest.raises(NotPicklableError, match="closure"):
        IPyParallelRunner().run(Pipeline([node(lambda a: a, "a", "b", name="closure")]), catalog)
    assert not list(ipython_dir.rglob("*.json"))  # no cluster was started


def test_ipyparallel_is_a_runner_name() -> None:
    runner = create_runner("ipyparallel", max_workers=2)
    assert isinstance(runner, IPyParallelRunner)
    assert runner.max_workers == 2


def test_node_functions_of_a_script_run_on_engines(ipython_dir: Path, tmp_path: Path) -> None:
    """Functions defined in ``__main__`` (a script, a notebook) are not importable on an
    engine; they travel by value."""
    import subprocess

    script = tmp_path / "script.py"
    script.write_text(
        "from proj.io import DataCatalog\n"
        "from proj.pipeline import Pipeline, node\n"
        "from proj.runner.ipyparallel import IPyParallelRunner\n\n"
        "def triple(x):\n    return 3 * x\n\n"
        "if __name__ == '__main__':\n"
        "    catalog = DataCatalog()\n"
        "    catalog.add_feed_dict({'x': 14})\n"
        "    pipe = Pipeline([node(triple, 'x', 'y', name='triple')])\n"
        "    print('RESULT', IPyParallelRunner(max_workers=1).run(pipe, catalog))\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "IPYTHONDIR": str(ipython_dir)},
    )
    assert done.returncode == 0, done.stderr
    assert "RESULT {'y': 42}" in done.stdout
