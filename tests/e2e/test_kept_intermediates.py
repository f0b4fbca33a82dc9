"""Kept intermediates through the installed command: a failed run whose inputs lived only
in memory resumes, ``--only-stale`` reuses kept data, ``runs diff`` and ``runs prune``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_clean_error, node_statuses, ran, run_proj

pytestmark = pytest.mark.e2e

IN_MEMORY = ["iris_clean", "X_train", "X_test", "y_train", "y_test"]


@pytest.fixture
def memory_project(starter: Path) -> Path:
    return hold_split_in_memory(starter)


def hold_split_in_memory(starter: Path) -> Path:
    """Change the starter: its split held only in memory, and a predict() that fails
    while FAIL_PREDICT is set."""
    catalog = starter / "conf" / "base" / "catalog.yml"
    text = catalog.read_text()
    for name in IN_MEMORY:
        text, count = re.subn(rf"^{name}:\n  type: .*\n  filepath: .*\n", "", text, flags=re.M)
        assert count == 1, name
    catalog.write_text(text)
    nodes_py = starter / "src" / "iris_demo" / "pipelines" / "data_science" / "nodes.py"
    source = nodes_py.read_text()
    start = source.index('"""', source.index("def predict(")) + 3
    end = source.index('"""', start) + 3
    source = (
        source[:end]
        + "\n    import os\n\n"
        + '    if os.environ.get("FAIL_PREDICT"):\n        raise RuntimeError("predict refuses")'
        + source[end:]
    )
    nodes_py.write_text(source)
    return starter


def test_resume_without_kept_data_is_refused_with_the_fix(memory_project: Path) -> None:
    failed = run_proj("run", cwd=memory_project, env={"FAIL_PREDICT": "1"})
    assert "predict refuses" in failed.output, failed.output
    line = assert_clean_error(run_proj("run", "--resume", cwd=memory_project))
    assert "X_test" in line
    assert "--keep-intermediates" in run_proj("run", "--resume", cwd=memory_project).output


def test_failed_run_with_kept_intermediates_resumes(memory_project: Path) -> None:
    failed = run_proj("run", "--keep-intermediates", cwd=memory_project, env={"FAIL_PREDICT": "1"})
    assert "predict refuses" in failed.output, failed.output
    kept = sorted(p.name for p in (memory_project / ".proj" / "runs").glob("*/*"))
    assert "X_test.parquet" in kept and "y_test.pkl" in kept

    resumed = run_proj("run", "--resume", cwd=memory_project)
    assert resumed.returncode == 0, resumed.output
    assert ran(memory_project) == ["predict", "report_accuracy"]
    metrics = json.loads((memory_project / "data/08_reporting/metrics.json").read_text())
    assert metrics["n_test"] == 30 and metrics["accuracy"] > 0.9

    # The resumed nodes read kept data that stands for their producers' output: nothing
    # is stale afterwards, and a model change re-runs training without the split.
    dry = run_proj("run", "--only-stale", "--dry-run", cwd=memory_project)
    assert "Nothing would run" in dry.stdout, dry.output
    changed = run_proj(
        "run", "--only-stale", "--params", "model_options.max_iterations=500", cwd=memory_project
    )
    assert changed.returncode == 0, changed.output
    assert "Reusing kept in-memory data" in changed.output
    assert ran(memory_project) == ["train_model", "predict", "report_accuracy"]


def test_runs_diff_names_what_changed(memory_project: Path) -> None:
    assert run_proj("run", cwd=memory_project).returncode == 0
    second = run_proj("run", "--params", "model_options.l2_penalty=0.01", cwd=memory_project)
    assert second.returncode == 0, second.output
    listed = json.loads(run_proj("runs", "list", "--json", cwd=memory_project).stdout)
    newer, older = listed[0]["run_id"], listed[1]["run_id"]
    result = run_proj("runs", "diff", older, newer, "--json", cwd=memory_project)
    assert result.returncode == 0, result.output
    nodes = {item["node"]: item for item in json.loads(result.stdout)["nodes"]}
    assert "parameter model_options.l2_penalty changed" in nodes["train_model"]["changes"]
    assert "fingerprint" in nodes["train_model"]["differs"]
    for upstream in ("clean_iris", "split_data"):
        assert "fingerprint" not in nodes.get(upstream, {"differs": []})["differs"]
    text = run_proj("runs", "diff", older, newer, cwd=memory_project)
    assert "model_options.l2_penalty" in text.stdout
    bad = run_proj("runs", "diff", older, "nope", cwd=memory_project)
    assert "nope" in assert_clean_error(bad)


def test_prune_removes_kept_data_only(memory_project: Path) -> None:
    for _ in range(3):
        result = run_proj("run", "--keep-intermediates", cwd=memory_project)
        assert result.returncode == 0, result.output
    runs_dir = memory_project / ".proj" / "runs"
    assert len(list(runs_dir.iterdir())) == 3
    result = run_proj("runs", "prune", "--keep", "1", cwd=memory_project)
    assert result.returncode == 0, result.output
    assert "2 run(s)" in result.stdout
    assert len(list(runs_dir.iterdir())) == 1
    assert len(json.loads(run_proj("runs", "list", "--json", cwd=memory_project).stdout)) == 3
    assert run_proj("runs", "prune", cwd=memory_project).returncode == 0
    assert list(runs_dir.iterdir()) == []
    assert node_statuses(memory_project)["predict"] == "success"
