"""``proj run --only-stale``: exactly the nodes a change affects, with the reason, through
the installed command on the iris starter."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import deque
from pathlib import Path

import pytest

from tests.e2e.conftest import STARTER_NODES, ran, run_proj

pytestmark = pytest.mark.e2e


def _graph(project: Path) -> list[dict[str, list[str]]]:
    result = run_proj("pipeline", "describe", "__default__", "--json", cwd=project)
    assert result.returncode == 0, result.output
    return json.loads(result.stdout)["nodes"]


def downstream(project: Path, start: set[str]) -> list[str]:
    """The reference: ``start`` and every node reachable from it through datasets, in the
    pipeline's order (computed here from the graph, not by proj's planner)."""
    nodes = _graph(project)
    readers: dict[str, list[str]] = {}
    for item in nodes:
        for name in item["inputs"]:
            readers.setdefault(name, []).append(item["name"])
    outputs = {item["name"]: item["outputs"] for item in nodes}
    seen = set(start)
    queue = deque(start)
    while queue:
        for dataset in outputs[queue.popleft()]:
            for reader in readers.get(dataset, []):
                if reader not in seen:
                    seen.add(reader)
                    queue.append(reader)
    return [item["name"] for item in nodes if item["name"] in seen]


def readers_of(project: Path, prefix: str) -> set[str]:
    return {
        item["name"]
        for item in _graph(project)
        if any(name == prefix or name.startswith(prefix + ".") for name in item["inputs"])
    }


def run_count(project: Path) -> int:
    store = project / ".proj" / "runs.db"
    if not store.exists():
        return 0
    with sqlite3.connect(store) as db:
        return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])


def dry_run(project: Path) -> dict[str, str]:
    """Node -> reasons printed by ``--only-stale --dry-run``."""
    result = run_proj("run", "--only-stale", "--dry-run", cwd=project)
    assert result.returncode == 0, result.output
    return dict(re.findall(r"^  (\S+)  \((.*)\)$", result.stdout, flags=re.MULTILINE))


def stale_run(project: Path) -> list[str]:
    """Run ``--only-stale`` and return the nodes it executed."""
    before = run_count(project)
    result = run_proj("run", "--only-stale", cwd=project)
    assert result.returncode == 0, result.output
    if run_count(project) == before:
        assert "Nothing to run" in result.output, result.output
        return []
    return ran(project)


@pytest.fixture
def stale_project(starter: Path) -> Path:
    result = run_proj("run", cwd=starter)
    assert result.returncode == 0, result.output
    return starter


def test_first_only_stale_runs_everything_then_nothing(starter: Path) -> None:
    reasons = dry_run(starter)
    assert list(reasons) == STARTER_NODES
    assert all("never ran successfully" in why for why in reasons.values())
    assert stale_run(starter) == STARTER_NODES
    assert dry_run(starter) == {}
    assert stale_run(starter) == []


def test_parameter_change_reruns_exactly_its_readers_and_downstream(stale_project: Path) -> None:
    params = stale_project / "conf" / "base" / "parameters.yml"
    params.write_text(params.read_text().replace("learning_rate: 0.5", "learning_rate: 0.3"))
    expected = downstream(stale_project, readers_of(stale_project, "params:model_options"))
    assert expected and expected != STARTER_NODES

    reasons = dry_run(stale_project)
    assert list(reasons) == expected
    assert reasons["train_model"] == "parameter model_options.learning_rate changed"
    assert stale_run(stale_project) == expected
    assert stale_run(stale_project) == []


def test_runtime_params_count_as_a_parameter_change(stale_project: Path) -> None:
    result = run_proj(
        "run",
        "--only-stale",
        "--dry-run",
        "--params",
        "split_options.test_fraction=0.3",
        cwd=stale_project,
    )
    assert result.returncode == 0, result.output
    assert "split_data  (parameter split_options.test_fraction changed)" in result.stdout
    assert "clean_iris" not in result.stdout


def test_code_change_reruns_the_node_and_downstream(stale_project: Path) -> None:
    nodes_py = stale_project / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    source = nodes_py.read_text()
    # A comment outside every function changes nothing a node runs.
    nodes_py.write_text(source + "\n# a note at the end of the module\n")
    assert dry_run(stale_project) == {}

    head, sep, tail = source.partition("def predict(")
    assert sep, "the starter defines predict()"
    body_start = tail.index("\n") + 1
    nodes_py.write_text(head + sep + tail[:body_start] + "    _unused = 1\n" + tail[body_start:])
    reasons = dry_run(stale_project)
    assert list(reasons) == downstream(stale_project, {"predict"})
    assert reasons["predict"] == "code changed"
    assert stale_run(stale_project) == downstream(stale_project, {"predict"})


def test_changed_input_file_reruns_everything_from_it(stale_project: Path) -> None:
    raw = stale_project / "data" / "01_raw" / "iris.csv"
    lines = raw.read_text().splitlines(keepends=True)
    raw.write_text("".join(lines[:101]))  # header + 100 rows
    reasons = dry_run(stale_project)
    assert reasons["clean_iris"] == "input iris changed"
    assert stale_run(stale_project) == STARTER_NODES
    metrics = json.loads((stale_project / "data/08_reporting/metrics.json").read_text())
    assert metrics["n_test"] == 20  # 20% of 100 rows: computed from the new data


def test_deleted_output_reruns_its_producer_and_downstream(stale_project: Path) -> None:
    (stale_project / "data" / "07_model_output" / "y_pred.pkl").unlink()
    reasons = dry_run(stale_project)
    assert list(reasons) == downstream(stale_project, {"predict"})
    assert reasons["predict"] == "output y_pred missing"
    assert stale_run(stale_project) == downstream(stale_project, {"predict"})
    assert (stale_project / "data" / "07_model_output" / "y_pred.pkl").exists()


def test_a_failed_run_never_becomes_the_reference(stale_project: Path) -> None:
    nodes_py = stale_project / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    source = nodes_py.read_text()
    head, sep, tail = source.partition("def report_accuracy(")
    body_start = tail.index("\n") + 1
    nodes_py.write_text(
        head + sep + tail[:body_start] + "    raise RuntimeError('boom')\n" + tail[body_start:]
    )
    result = run_proj("run", "--only-stale", cwd=stale_project)
    assert result.returncode == 1, result.output
    # The failure is not a success: the node stays stale against its last success.
    assert dry_run(stale_project) == {"report_accuracy": "code changed"}
    # Back to the code of the last success: up to date again.
    nodes_py.write_text(source)
    assert dry_run(stale_project) == {}


def test_only_stale_with_a_slice_and_the_thread_runner(stale_project: Path) -> None:
    params = stale_project / "conf" / "base" / "parameters.yml"
    text = params.read_text().replace("test_fraction: 0.2", "test_fraction: 0.3")
    params.write_text(text.replace("learning_rate: 0.5", "learning_rate: 0.3"))
    result = run_proj(
        "run", "--only-stale", "--tags", "training", "--runner", "thread", cwd=stale_project
    )
    assert result.returncode == 0, result.output
    # split_data is stale too but not tagged: only the tagged stale node runs.
    assert ran(stale_project) == ["train_model"]
    reasons = dry_run(stale_project)
    assert list(reasons) == downstream(stale_project, {"split_data"})
    assert reasons["split_data"] == "parameter split_options.test_fraction changed"
    assert reasons["train_model"] == "upstream node split_data runs"
