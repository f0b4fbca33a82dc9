"""``proj info``, ``pipeline``, ``catalog`` and ``runs`` through the installed command."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import STARTER_NODES, Result, assert_clean_error


def test_info_names_the_project_and_versions(starter: Path, proj: Callable[..., Result]) -> None:
    result = proj("info", cwd=starter / "notebooks")
    assert result.returncode == 0, result.output
    assert f"at {starter.resolve()} (package iris_demo)" in result.stdout
    details = json.loads(proj("info", "--json", cwd=starter).stdout)
    assert details["project"]["package"] == "iris_demo"
    assert details["libraries"]["typer"]


def test_info_outside_a_project_still_works(tmp_path: Path, proj: Callable[..., Result]) -> None:
    result = proj("info", cwd=tmp_path)
    assert result.returncode == 0, result.output
    assert "not inside a proj project" in result.stdout


def test_pipeline_list_and_describe(starter: Path, proj: Callable[..., Result]) -> None:
    listed = json.loads(proj("pipeline", "list", "--json", cwd=starter).stdout)
    assert [p["name"] for p in listed] == ["__default__", "data_processing", "data_science"]
    described = proj("pipeline", "describe", "__default__", cwd=starter)
    assert described.returncode == 0, described.output
    order = [
        line.split()[1] for line in described.stdout.splitlines() if line[:2].strip().isdigit()
    ]
    assert order == STARTER_NODES
    nodes = json.loads(
        proj("pipeline", "describe", "data_processing", "--json", cwd=starter).stdout
    )
    assert [n["tags"] for n in nodes["nodes"]] == [["preprocessing"], ["preprocessing"]]


def test_catalog_list_shows_undeclared_datasets_as_memory(
    starter: Path, proj: Callable[..., Result]
) -> None:
    catalog = starter / "conf" / "base" / "catalog.yml"
    catalog.write_text(catalog.read_text().replace("\nmodel:\n", "\n_unused_model:\n"))
    result = proj("catalog", "list", "--pipeline", "data_science", cwd=starter)
    assert result.returncode == 0, result.output
    model = next(line for line in result.stdout.splitlines() if line.startswith("model "))
    assert model.split()[:4] == ["model", "MemoryDataset", "memory", "train_model"]
    listing = json.loads(proj("catalog", "list", "--json", cwd=starter).stdout)
    iris = next(d for d in listing["datasets"] if d["name"] == "iris")
    assert (iris["type"], iris["read_by"]) == ("pandas.CSVDataset", ["clean_iris"])


def test_runs_list_and_show_after_runs(starter: Path, proj: Callable[..., Result]) -> None:
    assert proj("run", "--tags", "preprocessing", cwd=starter).returncode == 0
    assert proj("run", "--nodes", "train_model", cwd=starter).returncode == 0
    listed = proj("runs", "list", cwd=starter)
    assert listed.returncode == 0, listed.output
    rows = listed.stdout.splitlines()[1:]
    assert "proj run --nodes train_model" in rows[0] and "1/1" in rows[0]
    assert "proj run --tags preprocessing" in rows[1] and "2/2" in rows[1]
    run_id = rows[1].split()[0]

    shown = proj("runs", "show", run_id[:4], cwd=starter)
    assert shown.returncode == 0, shown.output
    assert f"Run:       {run_id}" in shown.stdout
    table = [line.split() for line in shown.stdout.splitlines() if line[:2].strip().isdigit()]
    assert [(row[1], row[2]) for row in table] == [
        ("clean_iris", "success"),
        ("split_data", "success"),
    ]
    as_json = json.loads(proj("runs", "show", "--json", cwd=starter).stdout)
    assert [n["name"] for n in as_json["nodes"]] == ["train_model"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["pipeline", "describe", "data_sceince"], "did you mean 'data_science'"),
        (["catalog", "list", "--pipeline", "dataprocessing"], "did you mean 'data_processing'"),
        (["runs", "show", "0000"], "Run id '0000' matches no recorded run"),
        (["runs", "show"], "No run is recorded"),
    ],
)
def test_bad_inputs_are_one_line_errors(
    starter: Path, proj: Callable[..., Result], args: list[str], expected: str
) -> None:
    first = assert_clean_error(proj(*args, cwd=starter))
    assert expected in first


@pytest.mark.parametrize(
    "args",
    [["pipeline", "list"], ["pipeline", "describe", "x"], ["catalog", "list"], ["runs", "list"]],
)
def test_outside_a_project_is_a_one_line_error(
    tmp_path: Path, proj: Callable[..., Result], args: list[str]
) -> None:
    first = assert_clean_error(proj(*args, cwd=tmp_path))
    assert first.startswith("Error: No proj project found")
    assert list(tmp_path.iterdir()) == []


def test_describe_without_a_name_describes_the_default_pipeline(
    starter: Path, proj: Callable[..., Result]
) -> None:
    """As `kedro pipeline describe` does: no name means __default__."""
    bare = proj("pipeline", "describe", cwd=starter)
    named = proj("pipeline", "describe", "__default__", cwd=starter)
    assert bare.returncode == 0, bare.output
    assert bare.stdout == named.stdout
    assert "report_accuracy" in bare.stdout
    assert "Traceback" not in bare.output
