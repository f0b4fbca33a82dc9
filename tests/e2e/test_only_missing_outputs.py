"""``proj run --only-missing-outputs``: missing outputs, everything downstream of them,
and the in-memory data they need, for every runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import node_statuses, run_proj
from tests.e2e.faulty_project import write_faulty_project

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("runner", ["sequential", "thread", "parallel"])
def test_deleting_an_intermediate_rebuilds_everything_downstream(
    tmp_path: Path, runner: str
) -> None:
    project = write_faulty_project(tmp_path / "faulty", numbers="1\n2\n")
    assert run_proj("run", cwd=project).returncode == 0
    (project / "data" / "numbers.txt").write_text("5\n6\n")
    (project / "data" / "total.txt").unlink()

    result = run_proj("run", "--only-missing-outputs", "--runner", runner, cwd=project)

    assert result.returncode == 0, result.output
    assert node_statuses(project) == {"add_up": "success", "report": "success"}
    # The final output comes from the new raw data, not from the stale report.
    assert (project / "data" / "report.txt").read_text() == "total=11"


def test_nothing_is_skipped_when_everything_is_up_to_date(tmp_path: Path) -> None:
    project = write_faulty_project(tmp_path / "faulty")
    assert run_proj("run", cwd=project).returncode == 0

    result = run_proj("run", "--only-missing-outputs", cwd=project)

    assert result.returncode == 0, result.output
    assert node_statuses(project) == {"add_up": "skipped", "report": "skipped"}


MEMORY_ONLY_REGISTRY = """
from proj.pipeline import node, pipeline

from faulty.nodes import add_up, report


def log_report(text: str) -> None:
    print(text)


def register_pipelines():
    return {
        "__default__": pipeline(
            [
                node(add_up, "numbers", "total", name="add_up"),
                node(report, "total", "report", name="report"),
                node(log_report, "report", None, name="log_report"),
            ]
        )
    }
"""


@pytest.mark.parametrize("runner", ["sequential", "parallel"])
def test_with_nothing_persisted_every_node_runs(tmp_path: Path, runner: str) -> None:
    project = write_faulty_project(tmp_path / "faulty")
    (project / "conf" / "base" / "catalog.yml").write_text(
        "numbers:\n  type: text.TextDataset\n  filepath: data/numbers.txt\n"
    )
    (project / "src" / "faulty" / "pipeline_registry.py").write_text(MEMORY_ONLY_REGISTRY)

    result = run_proj("run", "--only-missing-outputs", "--runner", runner, cwd=project)

    assert result.returncode == 0, result.output
    assert node_statuses(project) == {
        "add_up": "success",
        "report": "success",
        "log_report": "success",
    }
