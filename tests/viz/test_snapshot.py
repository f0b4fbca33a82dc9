"""The snapshot: the iris starter against its golden file, namespaces, run statuses of any
runner and of partial and failed runs, and credentials that never get in.

The golden file is tests/data/viz/iris_snapshot.json. After an intended change to the
snapshot (or to the iris starter), regenerate it with::

    PROJ_UPDATE_GOLDEN=1 .venv/bin/pytest tests/viz/test_snapshot.py -k golden

and review the diff. Volatile fields are normalised before comparing (see normalise()).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import NodeFailedError, UnknownNameError
from proj.framework import Session
from proj.runner import ParallelRunner, ThreadRunner
from proj.viz.snapshot import SCHEMA, build_snapshot, load_session, namespace_tree, restrict
from tests.viz.conftest import SECRETS

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "viz" / "iris_snapshot.json"

Snapshot = dict[str, Any]


def normalise(snapshot: Snapshot) -> Snapshot:
    """The snapshot without what changes from one run or machine to the next: times,
    durations, run ids, versions; function sources are cut to their first line so the
    golden file does not repeat the starter's code."""
    data = json.loads(json.dumps(snapshot))
    data["generated_at"] = "<generated_at>"
    data["proj_version"] = "<version>"
    for run in [data["run"], *data["runs"]]:
        if run is not None:
            for key in ("run_id", "started_at", "finished_at", "duration", "command"):
                run[key] = f"<{key}>"
    for dataset in data["datasets"]:
        save = dataset["last_save"]
        if save is not None:
            for key in ("run_id", "previous_run_id", "bytes", "previous_bytes"):
                save[key] = save[key] and f"<{key}>"
    for node in data["nodes"]:
        last = node["last_run"]
        if last is not None:
            for key in ("run_id", "started_at", "duration"):
                last[key] = f"<{key}>"
    data["code"] = {key: text.splitlines()[0] for key, text in data["code"].items()}
    return data


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in items}


def test_the_iris_snapshot_matches_the_golden_file(ran_iris: Path) -> None:
    snapshot = normalise(build_snapshot(load_session(ran_iris)))
    if os.environ.get("PROJ_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert snapshot == expected


def test_the_iris_snapshot_describes_nodes_datasets_and_edges(
    ran_iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    snapshot = snapshot_of(ran_iris)
    assert snapshot["schema"] == SCHEMA
    assert [p["name"] for p in snapshot["pipelines"]] == [
        "__default__",
        "data_processing",
        "data_science",
    ]
    nodes = by_name(snapshot["nodes"])
    split = nodes["split_data"]
    assert split["function"] == "iris_demo.pipelines.data_processing.nodes.split_data"
    assert split["file"] == "src/iris_demo/pipelines/data_processing/nodes.py"
    source = (ran_iris / split["file"]).read_text().splitlines()
    assert source[split["line"] - 1].startswith("def split_data(")
    assert snapshot["code"][split["code"]].startswith("def split_data(")
    assert split["tags"] == ["preprocessing"]
    assert split["inputs"] == ["iris_clean", "params:columns.target", "params:split_options"]
    assert split["outputs"] == ["X_train", "X_test", "y_train", "y_test"]
    assert split["pipelines"] == ["__default__", "data_processing"]
    datasets = by_name(snapshot["datasets"])
    assert datasets["iris"]["type"] == "pandas.CSVDataset"
    assert datasets["iris"]["path"] == "data/01_raw/iris.csv"
    assert datasets["metrics"]["type"] == "json.JSONDataset"
    assert datasets["params:split_options"]["parameter"] is True
    assert datasets["iris"]["parameter"] is False
    edges = {(e["source"], e["target"]) for e in snapshot["edges"]}
    assert ("dataset:iris", "node:clean_iris") in edges
    assert ("node:report_accuracy", "dataset:metrics") in edges
    assert len(edges) == len(snapshot["edges"])


def test_a_full_run_gives_every_node_its_status_and_duration(
    ran_iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    snapshot = snapshot_of(ran_iris)
    assert snapshot["run"]["status"] == "success"
    assert snapshot["run"]["partial"] is False
    assert snapshot["run"]["runner"] == "SequentialRunner"
    for node in snapshot["nodes"]:
        last = node["last_run"]
        assert last["status"] == "success", node["name"]
        assert last["duration"] >= 0
        assert last["latest"] is True
        assert last["run_id"] == snapshot["run"]["run_id"]


def test_a_partial_run_keeps_older_statuses_for_the_nodes_it_left_out(
    ran_iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    first = snapshot_of(ran_iris)["run"]["run_id"]
    Session.create(ran_iris).run(tags="evaluation", runner=ThreadRunner(max_workers=2))
    snapshot = snapshot_of(ran_iris)
    run = snapshot["run"]
    assert run["partial"] is True
    assert run["filters"] == {"tags": ["evaluation"]}
    assert run["runner"] == "ThreadRunner"
    nodes = by_name(snapshot["nodes"])
    for name in ("predict", "report_accuracy"):
        assert nodes[name]["last_run"]["run_id"] == run["run_id"]
        assert nodes[name]["last_run"]["latest"] is True
        assert nodes[name]["last_run"]["status"] == "success"
    for name in ("clean_iris", "split_data", "train_model"):
        assert nodes[name]["last_run"]["run_id"] == first
        assert nodes[name]["last_run"]["latest"] is False


def test_a_partial_run_in_processes_is_shown_too(
    iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    Session.create(iris).run(tags="preprocessing", runner=ParallelRunner(max_workers=2))
    snapshot = snapshot_of(iris)
    assert (snapshot["run"]["runner"], snapshot["run"]["partial"]) == ("ParallelRunner", True)
    nodes = by_name(snapshot["nodes"])
    for name in ("clean_iris", "split_data"):
        assert nodes[name]["last_run"]["status"] == "success"
        assert nodes[name]["last_run"]["duration"] >= 0
    for name in ("train_model", "predict", "report_accuracy"):
        assert nodes[name]["last_run"] is None  # never run


def test_a_failed_run_shows_the_failure_and_what_did_not_run(
    iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    (iris / "data" / "01_raw" / "iris.csv").write_text("colour,size\nred,1\n")
    with pytest.raises(NodeFailedError):
        Session.create(iris).run()
    snapshot = snapshot_of(iris)
    assert snapshot["run"]["status"] == "failed"
    nodes = by_name(snapshot["nodes"])
    failed = nodes["clean_iris"]["last_run"]
    assert failed["status"] == "failed"
    assert failed["error"]
    assert nodes["report_accuracy"]["last_run"]["status"] != "success"


def test_without_a_run_store_there_is_no_status(
    iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    snapshot = snapshot_of(iris)
    assert snapshot["run"] is None
    assert all(node["last_run"] is None for node in snapshot["nodes"])


def test_namespaces_layers_patterns_and_memory_datasets(
    shop: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    snapshot = snapshot_of(shop)
    assert snapshot["namespaces"] == [
        {
            "name": "region",
            "path": "region",
            "nodes": 4,
            "children": [
                {"name": "eu", "path": "region.eu", "nodes": 2, "children": []},
                {"name": "us", "path": "region.us", "nodes": 2, "children": []},
            ],
        }
    ]
    nodes = by_name(snapshot["nodes"])
    assert nodes["region.eu.clean"]["namespace"] == "region.eu"
    assert nodes["ingest"]["namespace"] is None
    datasets = by_name(snapshot["datasets"])
    assert datasets["region.eu.clean_orders"]["namespace"] == "region.eu"
    assert datasets["region.eu.clean_orders"]["type"] == "MemoryDataset"
    assert datasets["region.eu.clean_orders"]["declared"] is False
    assert datasets["orders"]["namespace"] is None  # a namespace input stays outside
    assert datasets["orders_raw"]["layer"] == "raw"
    assert datasets["orders"]["layer"] == "intermediate"
    assert datasets["eu_summary"]["pattern"] == "{region}_summary"
    assert datasets["eu_summary"]["path"] == "data/08_reporting/eu_summary.json"
    assert datasets["eu_summary"]["layer"] == "reporting"
    # in the order data flows through them (the bands' order), not alphabetical
    assert snapshot["layers"] == ["raw", "intermediate", "reporting"]
    assert snapshot["tags"] == ["clean", "raw", "report"]


def test_credentials_never_reach_the_snapshot(
    shop: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    snapshot = snapshot_of(shop)
    text = json.dumps(snapshot)
    for secret in SECRETS:
        assert secret not in text
    datasets = by_name(snapshot["datasets"])
    assert datasets["remote_orders"]["path"] == "s3://***@shop-bucket/orders.csv"
    assert datasets["prices"]["path"] == "https://example.invalid/prices.csv?token=***&format=csv"
    assert "credentials" not in datasets["remote_orders"]


def test_secrets_in_the_recorded_command_line_are_redacted(
    iris: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    command = "proj run --params db.password=hunter2 --to-nodes clean_iris"
    Session.create(iris, command=command).run(to_nodes="clean_iris")
    snapshot = snapshot_of(iris)
    assert snapshot["run"]["command"] == "proj run --params db.password=*** --to-nodes clean_iris"
    assert snapshot["run"]["partial"] is True
    assert "hunter2" not in json.dumps(snapshot)


def test_the_default_pipeline_can_be_chosen_and_must_exist(
    shop: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    assert snapshot_of(shop, pipeline="regions")["default_pipeline"] == "regions"
    with pytest.raises(UnknownNameError, match=r"regons.*did you mean 'regions'"):
        snapshot_of(shop, pipeline="regons")


def test_restrict_keeps_one_pipeline_and_what_it_touches(
    shop: Path, snapshot_of: Callable[..., Snapshot]
) -> None:
    part = restrict(snapshot_of(shop), "ingestion")
    assert [p["name"] for p in part["pipelines"]] == ["ingestion"]
    assert [n["name"] for n in part["nodes"]] == ["ingest"]
    assert sorted(d["name"] for d in part["datasets"]) == [
        "orders",
        "orders_raw",
        "params:ingest",
        "prices",
        "remote_orders",
    ]
    assert all(e["source"] == "node:ingest" or e["target"] == "node:ingest" for e in part["edges"])
    assert part["namespaces"] == []
    assert part["tags"] == ["raw"]
    with pytest.raises(UnknownNameError, match="nope"):
        restrict(part, "nope")


def test_namespace_tree_counts_nodes_at_every_level() -> None:
    tree = namespace_tree(["a.b", "a.b", "a.c.d", None, "e"])
    assert [(n["path"], n["nodes"]) for n in tree] == [("a", 3), ("e", 1)]
    assert [(n["path"], n["nodes"]) for n in tree[0]["children"]] == [("a.b", 2), ("a.c", 1)]
    assert tree[0]["children"][1]["children"][0]["path"] == "a.c.d"


def test_layers_come_from_kedro_viz_metadata_and_a_plain_layer_key() -> None:
    from proj.viz.datasets import layer_of

    assert layer_of({"metadata": {"kedro-viz": {"layer": "primary"}}}) == "primary"
    assert layer_of({"metadata": {"layer": "raw"}}) == "raw"
    assert layer_of({"layer": "feature"}) == "feature"
    assert layer_of({"metadata": {"kedro-viz": {"layer": "a"}, "layer": "b"}}) == "a"
    assert layer_of({"type": "MemoryDataset"}) is None


def test_layers_are_ordered_by_the_flow_of_data() -> None:
    from proj.pipeline import node
    from proj.viz.snapshot import layer_order

    def f(x: object) -> object:
        return x

    nodes = [
        node(f, "raw_a", "mid", name="one"),
        node(f, "mid", "features", name="two"),
        node(f, "features", "report", name="three"),
    ]
    layers = {"report": "reporting", "features": "feature", "mid": "primary", "raw_a": "raw"}
    assert layer_order(nodes, layers) == ["raw", "primary", "feature", "reporting"]
