"""``proj kernel install|list|remove``, then a real kernel started with jupyter_client."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.jupyter.kernelspec import default_kernel_name
from tests.e2e.conftest import assert_clean_error, run_proj
from tests.jupyter.fixtures import jupyter_dirs, write_spec

pytestmark = pytest.mark.e2e


@pytest.fixture
def jupyter_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Isolated Jupyter folders, for proj subprocesses and for jupyter_client here."""
    env = jupyter_dirs(tmp_path / "jupyter")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROJ_PROJECT_PATH", raising=False)
    return env


class Kernel:
    """A started kernel and a blocking client, with a helper that runs one cell."""

    def __init__(self, manager: Any, client: Any) -> None:
        self.manager = manager
        self.client = client

    def execute(self, code: str) -> tuple[dict[str, Any], list[str]]:
        """Run ``code``; returns the reply content and the text of every output."""
        outputs: list[str] = []

        def collect(msg: dict[str, Any]) -> None:
            content = msg["content"]
            if msg["msg_type"] == "stream":
                outputs.append(content["text"])
            elif msg["msg_type"] in ("execute_result", "display_data"):
                outputs.append(content["data"].get("text/plain", ""))
            elif msg["msg_type"] == "error":
                outputs.append("\n".join(content["traceback"]))

        reply = self.client.execute_interactive(code, output_hook=collect, timeout=120)
        return reply["content"], outputs

    def value(self, expression: str) -> str:
        content, outputs = self.execute(expression)
        assert content["status"] == "ok", outputs
        return outputs[-1]


@pytest.fixture(scope="module")
def kernel_project(
    starter_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict[str, str]]]:
    """A copy of the iris starter with Jupyter folders of its own (shared by a module)."""
    root = tmp_path_factory.mktemp("kernel")
    project = root / "iris-demo"
    shutil.copytree(starter_template, project)
    env = jupyter_dirs(root / "jupyter")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("PROJ_PROJECT_PATH", raising=False)
        yield project, env


@pytest.fixture(scope="module")
def kernel(kernel_project: tuple[Path, dict[str, str]]) -> Iterator[Kernel]:
    """``proj kernel install`` in the project, then that kernel started from notebooks/."""
    from jupyter_client.manager import KernelManager

    project, env = kernel_project
    result = run_proj("kernel", "install", cwd=project, env=env)
    assert result.returncode == 0, result.output
    name = default_kernel_name("iris_demo", project)
    assert name in result.stdout
    manager = KernelManager(kernel_name=name)
    manager.start_kernel(cwd=str(project / "notebooks"))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        yield Kernel(manager, client)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_kernel_has_the_project_and_runs_twice(
    kernel: Kernel, kernel_project: tuple[Path, dict[str, str]]
) -> None:
    starter = kernel_project[0]
    assert "'iris'" in kernel.value("sorted(catalog.list())")
    assert kernel.value("sorted(pipelines)") == (
        "['__default__', 'data_processing', 'data_science']"
    )
    assert kernel.value("str(context.project_path)") == repr(str(starter.resolve()))
    content, outputs = kernel.execute("first = session.run()\nsecond = session.run()")
    assert content["status"] == "ok", outputs
    assert "".join(outputs).count("Completed 5 of 5 node(s)") == 2
    accuracy = float(kernel.value('catalog.load("metrics")["accuracy"]'))
    assert accuracy > 0.8


def test_load_node_inserts_a_cell_in_a_kernel(kernel: Kernel) -> None:
    content, outputs = kernel.execute("%load_node predict")
    assert content["status"] == "ok", outputs
    payloads = [p for p in content["payload"] if p["source"] == "set_next_input"]
    assert len(payloads) == 1
    code = payloads[0]["text"]
    assert 'model = catalog.load("model")' in code
    assert "def predict(" in code
    assert "y_pred = predict(model, X_test)" in code
    assert "cell below" in "".join(outputs)


def test_node_names_complete_in_the_kernel(kernel: Kernel) -> None:
    """Tab in a notebook: the front end's complete_request after ``%load_node``."""
    reply = kernel.client.complete("%load_node tr", reply=True, timeout=60)
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["matches"] == ["train_model"]


def test_kernel_list_and_remove(starter: Path, jupyter_env: dict[str, str]) -> None:
    assert run_proj("kernel", "install", cwd=starter, env=jupyter_env).returncode == 0
    data = Path(jupyter_env["JUPYTER_DATA_DIR"])
    write_spec(data, "stranger", {"argv": ["/nonexistent/python"], "display_name": "Gone"})

    listed = run_proj("kernel", "list", "--json", cwd=starter, env=jupyter_env)
    assert listed.returncode == 0, listed.output
    specs = {spec["name"]: spec for spec in json.loads(listed.stdout)}
    name = default_kernel_name("iris_demo", starter)
    assert specs[name]["made_by_proj"] is True
    assert specs[name]["project_path"] == str(starter.resolve())
    assert specs["stranger"]["interpreter_exists"] is False

    table = run_proj("kernel", "list", cwd=starter, env=jupyter_env)
    row = next(line for line in table.stdout.splitlines() if line.startswith("stranger"))
    assert "interpreter missing" in row
    assert "no longer exists" in table.stdout

    refused = run_proj("kernel", "remove", "stranger", cwd=starter, env=jupyter_env)
    assert "not made by proj" in assert_clean_error(refused)
    assert "--force" in refused.stderr
    forced = run_proj("kernel", "remove", "stranger", "--force", cwd=starter, env=jupyter_env)
    assert forced.returncode == 0, forced.output

    removed = run_proj("kernel", "remove", cwd=starter, env=jupyter_env)
    assert removed.returncode == 0, removed.output
    assert name in removed.stdout
    assert not (data / "kernels" / name).exists()


def test_proj_ipython_runs_with_the_project_loaded(
    starter: Path, jupyter_env: dict[str, str], tmp_path: Path
) -> None:
    result = run_proj(
        "ipython",
        "--env",
        "base",
        "-c",
        "print(sorted(pipelines), context.env, catalog.load('iris').shape)",
        cwd=starter / "notebooks",
        env=jupyter_env,
    )
    assert result.returncode == 0, result.output
    assert "['__default__', 'data_processing', 'data_science'] base (150, 5)" in result.stdout

    outside = tmp_path / "outside"
    outside.mkdir()
    failed = run_proj("ipython", "-c", "1", cwd=outside, env=jupyter_env)
    assert "No proj project found" in assert_clean_error(failed)


def test_kernel_install_refuses_an_env_without_a_conf_folder(
    starter: Path, jupyter_env: dict[str, str]
) -> None:
    refused = run_proj("kernel", "install", "--env", "stagging", cwd=starter, env=jupyter_env)
    line = assert_clean_error(refused, code=2)  # a bad --env is a usage error
    assert "Environment 'stagging'" in line
    assert "has no folder" in line
    assert not (Path(jupyter_env["JUPYTER_DATA_DIR"]) / "kernels").is_dir() or not any(
        (Path(jupyter_env["JUPYTER_DATA_DIR"]) / "kernels").iterdir()
    )
