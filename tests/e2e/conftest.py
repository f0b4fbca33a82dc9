"""Fixtures for journeys through the installed ``proj`` command."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJ = str(Path(sys.executable).parent / "proj")
_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is marked ``e2e`` (``make test-fast`` leaves them out)."""
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.e2e)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_proj(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> Result:
    """Run the installed ``proj`` command and capture its output (no terminal)."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    full_env.pop("PROJ_ENV", None)
    done = subprocess.run(
        [PROJ, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def assert_clean_error(result: Result, code: int = 1) -> str:
    """The command failed with ``code``, printed no traceback and exactly one error line;
    returns that line (log lines of the run may precede it)."""
    assert result.returncode == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def node_statuses(project: Path, run: int = -1) -> dict[str, str]:
    """Node name -> status of a recorded run (default: the latest) from the run store."""
    with sqlite3.connect(project / ".proj" / "runs.db") as db:
        run_ids = [row[0] for row in db.execute("SELECT run_id FROM runs ORDER BY started_at")]
        rows = db.execute(
            "SELECT node_name, status FROM run_nodes WHERE run_id=? ORDER BY position",
            (run_ids[run],),
        )
        return dict(rows.fetchall())


def ran(project: Path, run: int = -1) -> list[str]:
    """Names of the nodes that completed in a recorded run, in order."""
    return [name for name, status in node_statuses(project, run).items() if status == "success"]


STARTER_NODES = ["clean_iris", "split_data", "train_model", "predict", "report_accuracy"]


@pytest.fixture(scope="session")
def starter_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An iris starter scaffolded once by ``proj new`` (copy it before changing it)."""
    root = tmp_path_factory.mktemp("template")
    result = run_proj("new", "Iris Demo", "--starter", "iris", "--yes", cwd=root)
    assert result.returncode == 0, result.output
    return root / "iris-demo"


@pytest.fixture(scope="session")
def ran_starter_template(starter_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The iris starter after one full ``proj run`` (its run store removed)."""
    target = tmp_path_factory.mktemp("ran") / "iris-demo"
    shutil.copytree(starter_template, target)
    result = run_proj("run", cwd=target)
    assert result.returncode == 0, result.output
    shutil.rmtree(target / ".proj")
    return target


@pytest.fixture
def starter(starter_template: Path, tmp_path: Path) -> Path:
    """A private copy of the iris starter project, never run."""
    target = tmp_path / "iris-demo"
    shutil.copytree(starter_template, target)
    return target


@pytest.fixture
def ran_starter(ran_starter_template: Path, tmp_path: Path) -> Path:
    """A private copy of the iris starter whose data every node wrote once."""
    target = tmp_path / "iris-demo"
    shutil.copytree(ran_starter_template, target)
    return target


@pytest.fixture
def proj() -> Callable[..., Result]:
    return run_proj
