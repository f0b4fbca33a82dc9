"""Failing nodes and hooks: one line with the user's file:line, the traceback in the store."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_clean_error, node_statuses, run_proj
from tests.e2e.faulty_project import write_faulty_project

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_faulty_project(tmp_path / "faulty")


def run_status(project: Path) -> str:
    with sqlite3.connect(project / ".proj" / "runs.db") as db:
        row = db.execute("SELECT status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return str(row[0])


def nodes_line(project: Path, text: str) -> int:
    """The line number of ``text`` in the project's nodes.py."""
    lines = (project / "src" / "faulty" / "nodes.py").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_failing_node_names_its_line_and_where_the_traceback_is(project: Path) -> None:
    (project / "data" / "numbers.txt").write_text("1\nnot a number\n")

    result = run_proj("run", cwd=project)

    line = assert_clean_error(result)
    where = f"src/faulty/nodes.py:{nodes_line(project, 'return str(sum(')}"
    assert line.startswith("Error: Node 'add_up' failed: ValueError: invalid literal")
    assert line.endswith(f"({where})")
    run_id = json.loads(run_proj("runs", "list", "--json", cwd=project).stdout)[0]["run_id"]
    assert f"proj runs show {run_id}" in result.stderr
    assert run_status(project) == "failed"

    shown = run_proj("runs", "show", run_id, cwd=project)
    assert shown.returncode == 0, shown.output
    assert "Traceback of node add_up:" in shown.stdout
    assert "return str(sum(int(line) for line in numbers.split()))" in shown.stdout


def test_sys_exit_in_a_node_is_a_failure_of_that_node(project: Path) -> None:
    nodes = project / "src" / "faulty" / "nodes.py"
    nodes.write_text(
        nodes.read_text().replace(
            "def add_up(numbers: str) -> str:\n",
            "def add_up(numbers: str) -> str:\n    import sys\n\n    sys.exit(3)\n",
        )
    )

    result = run_proj("run", cwd=project)

    line = assert_clean_error(result)
    where = f"src/faulty/nodes.py:{nodes_line(project, 'sys.exit(3)')}"
    assert line == (
        "Error: Node 'add_up' failed: NodeExitError: the node's function called "
        f"sys.exit(3) ({where})"
    )
    assert node_statuses(project) == {"add_up": "failed", "report": "pending"}
    assert run_status(project) == "failed"


HOOKS = """
from proj.hooks import hook_impl


class BadHooks:
    @hook_impl
    def {hook}(self):
        raise RuntimeError("boom in {hook}")
"""


def add_hooks(project: Path, hook: str) -> int:
    """Register a hook implementation of ``hook`` that raises; returns the raise line."""
    package = project / "src" / "faulty"
    (package / "hooks.py").write_text(HOOKS.format(hook=hook))
    (package / "settings.py").write_text(
        "from faulty.hooks import BadHooks\n\nHOOKS = (BadHooks(),)\n"
    )
    return 8


@pytest.mark.parametrize(
    "hook",
    ["after_context_created", "after_catalog_created", "before_pipeline_run", "after_pipeline_run"],
)
def test_a_failing_hook_is_one_line_with_its_place_and_a_failed_run(
    project: Path, hook: str
) -> None:
    line_number = add_hooks(project, hook)

    result = run_proj("run", cwd=project)

    line = assert_clean_error(result)
    assert line == (
        f"Error: Hook BadHooks.{hook} failed: RuntimeError: boom in {hook} "
        f"(src/faulty/hooks.py:{line_number})"
    )
    assert run_status(project) == "failed"


def test_a_failing_on_node_error_never_hides_the_nodes_own_error(project: Path) -> None:
    add_hooks(project, "on_node_error")
    (project / "data" / "numbers.txt").write_text("oops\n")

    result = run_proj("run", cwd=project)

    line = assert_clean_error(result)
    assert line.startswith("Error: Node 'add_up' failed: ValueError: invalid literal")
    assert "Hook BadHooks.on_node_error failed: RuntimeError" in result.stderr
    assert node_statuses(project) == {"add_up": "failed", "report": "pending"}
    assert run_status(project) == "failed"


def test_the_fallback_command_of_a_failed_resume_keeps_pipeline_env_and_params(
    project: Path,
) -> None:
    (project / "conf" / "staging").mkdir()
    (project / "data" / "numbers.txt").write_text("oops\n")
    args = ["--pipeline", "__default__", "--env", "staging", "--params", "label='a b',n=2"]
    first = run_proj("run", *args, cwd=project)
    assert first.returncode == 1, first.output
    expected = "or: proj run --pipeline __default__ --env staging --params "
    assert expected in first.stderr

    resumed = run_proj("run", "--resume", cwd=project)

    assert resumed.returncode == 1, resumed.output
    fallback = next(line for line in resumed.stderr.splitlines() if "or: proj run" in line)
    assert "--pipeline __default__" in fallback
    assert "--env staging" in fallback
    assert "label=" in fallback and "n=2" in fallback
    assert fallback.endswith("--from-nodes add_up")
