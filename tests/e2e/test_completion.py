"""Shell completion of the project's names through the installed ``proj``: the protocol
each script speaks, real bash running the committed script, and the cache's freshness."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import PROJ, STARTER_NODES, Result

SCRIPTS = Path(__file__).resolve().parents[2] / "completions"
NODES = sorted(STARTER_NODES)


def complete_bash(project: Path, line: str) -> list[str]:
    """What ``proj`` answers to bash's completion request for ``line`` (cursor at its end)."""
    words = line.split(" ")
    env = {
        **os.environ,
        "_PROJ_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    done = subprocess.run(
        [PROJ], cwd=project, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return [line for line in done.stdout.splitlines() if line]


def list_pipelines(project: Path) -> None:
    """What a user runs that loads the registry, and so writes the completion cache."""
    done = subprocess.run(
        [PROJ, "pipeline", "list"], cwd=project, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def warm_starter(starter_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the starter whose completion cache is written (completion only reads)."""
    target = tmp_path_factory.mktemp("completion") / "iris-demo"
    shutil.copytree(starter_template, target)
    list_pipelines(target)
    assert complete_bash(target, "proj run --nodes ") == NODES
    return target


def test_tab_in_a_fresh_clone_runs_no_project_code(starter: Path) -> None:
    """A fresh clone (no .proj/): completion must not import pipeline_registry.py, whose
    code here leaves a marker file; conf/ still gives environments and datasets."""
    marker = starter / "registry-was-imported"
    registry = starter / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text(
        registry.read_text()
        + f"\n\nimport pathlib\n\npathlib.Path({str(marker)!r}).write_text('ran')\n"
    )
    shutil.rmtree(starter / ".proj", ignore_errors=True)
    for line in (
        "proj run --nodes ",
        "proj run --from-nodes cl",
        "proj run --tags ",
        "proj run --pipeline ",
        "proj run --namespaces ",
        "proj pipeline describe ",
        "proj catalog list --pipeline ",
        "proj run --resume ",
    ):
        assert complete_bash(starter, line) == [], line
    assert complete_bash(starter, "proj run --env ") == ["local"]
    assert complete_bash(starter, "proj run --to-outputs m") == ["metrics", "model"]
    assert run_bash_completion(starter, ["proj", "run", "--nodes", ""]) == []
    assert not marker.exists()
    list_pipelines(starter)  # the user runs a command: now the project's code runs
    assert marker.exists()
    assert complete_bash(starter, "proj run --nodes ") == NODES


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("proj run --from-nodes ", NODES),
        ("proj run --to-nodes pre", ["predict"]),
        ("proj run --nodes clean_iris,s", ["clean_iris,split_data"]),
        ("proj run -n tr", ["train_model"]),
        ("proj run --tags ", ["evaluation", "preprocessing", "training"]),
        ("proj run --pipeline data_", ["data_processing", "data_science"]),
        ("proj run --from-inputs X_t", ["X_test", "X_train"]),
        ("proj run --to-outputs met", ["metrics"]),
        ("proj run --env ", ["local"]),
        ("proj pipeline describe data_s", ["data_science"]),
        ("proj catalog list --pipeline __", ["__default__"]),
        ("proj run --from-n", ["--from-nodes"]),
        ("proj pip", ["pipeline"]),
    ],
)
def test_the_bash_protocol_completes_project_names(
    warm_starter: Path, line: str, expected: list[str]
) -> None:
    assert complete_bash(warm_starter, line) == expected


def test_namespaces_and_run_ids_complete(starter: Path, proj: Callable[..., Result]) -> None:
    registry = starter / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text(
        registry.read_text().replace(
            '    pipelines["__default__"] =',
            "    from proj.pipeline import pipeline\n"
            '    pipelines["shadow"] = pipeline(pipelines["data_processing"], namespace="a.b")\n'
            '    pipelines["__default__"] =',
        )
    )
    list_pipelines(starter)
    assert complete_bash(starter, "proj run --namespaces ") == ["a", "a.b"]
    assert complete_bash(starter, "proj run --resume ") == []
    assert proj("run", "--pipeline", "data_processing", cwd=starter).returncode == 0
    assert proj("run", "--pipeline", "data_processing", cwd=starter).returncode == 0
    listed = proj("runs", "list", cwd=starter).stdout.splitlines()[1:]
    run_ids = [row.split()[0] for row in listed]
    assert complete_bash(starter, "proj run --resume ") == run_ids
    assert complete_bash(starter, f"proj runs show {run_ids[1][:3]}") == [
        run_id for run_id in run_ids if run_id.startswith(run_ids[1][:3])
    ]


def test_zsh_and_fish_protocols(warm_starter: Path) -> None:
    env = {**os.environ, "_TYPER_COMPLETE_ARGS": "proj run --tags "}
    zsh = subprocess.run(
        [PROJ],
        cwd=warm_starter,
        env={**env, "_PROJ_COMPLETE": "complete_zsh"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert zsh.stdout == '_arguments \'*: :(("evaluation"\n"preprocessing"\n"training"))\'\n'
    fish = subprocess.run(
        [PROJ],
        cwd=warm_starter,
        env={**env, "_PROJ_COMPLETE": "complete_fish", "_TYPER_COMPLETE_FISH_ACTION": "get-args"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert fish.stdout.splitlines() == ["evaluation", "preprocessing", "training"]


def run_bash_completion(project: Path, words: list[str]) -> list[str]:
    """Source the committed bash script in a real bash, call its function the way
    bash's ``complete -F`` would, and return COMPREPLY."""
    quoted = " ".join(f"'{word}'" for word in words)
    script = (
        f"source '{SCRIPTS / 'proj.bash'}'\n"
        f"COMP_WORDS=({quoted})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_proj_completion proj\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n"
    )
    env = {**os.environ, "PATH": f"{Path(PROJ).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [shutil.which("bash") or "bash", "--norc", "--noprofile", "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


def test_real_bash_completes_node_names(warm_starter: Path) -> None:
    assert run_bash_completion(warm_starter, ["proj", "run", "--from-nodes", ""]) == NODES
    words = ["proj", "run", "--to-nodes", "split"]
    assert run_bash_completion(warm_starter, words) == ["split_data"]
    assert run_bash_completion(warm_starter, ["proj", "r"]) == ["run", "runs"]


def test_an_edited_pipeline_shows_up_after_the_next_command(starter: Path) -> None:
    list_pipelines(starter)
    assert complete_bash(starter, "proj run --nodes ") == NODES
    assert (starter / ".proj" / "completion.json").exists()
    pipeline = starter / "src" / "iris_demo" / "pipelines" / "data_science" / "pipeline.py"
    pipeline.write_text(
        pipeline.read_text().replace(
            "            node(\n                predict,",
            "            node(\n                report_accuracy,\n"
            '                inputs=["model", "y_test", "y_pred"],\n'
            '                outputs="metrics_copy",\n'
            '                name="report_again",\n'
            "            ),\n"
            "            node(\n                predict,",
        )
    )
    assert complete_bash(starter, "proj run --nodes report") == ["report_accuracy"]  # stale
    list_pipelines(starter)
    assert complete_bash(starter, "proj run --nodes report") == ["report_accuracy", "report_again"]
    assert complete_bash(starter, "proj run --to-outputs metrics") == ["metrics", "metrics_copy"]


def test_install_completion_writes_the_bash_script(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run(
        [PROJ, "--install-completion", "bash"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    installed = tmp_path / ".bash_completions" / "proj.sh"
    assert installed.read_text().strip() == (SCRIPTS / "proj.bash").read_text().strip()
    assert f"source '{installed}'" in (tmp_path / ".bashrc").read_text()
