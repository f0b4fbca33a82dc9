"""``%load_node NODE --run RUN_ID`` in a real project kernel, on a run that failed."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import run_proj
from tests.e2e.test_kept_intermediates import hold_split_in_memory
from tests.e2e.test_kernel import Kernel
from tests.jupyter.fixtures import jupyter_dirs

pytestmark = pytest.mark.e2e


def _latest_run(project: Path) -> str:
    listed = run_proj("runs", "list", "--json", cwd=project)
    return str(json.loads(listed.stdout)[0]["run_id"])


@pytest.fixture(scope="module")
def failed(
    starter_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str, str, Kernel]]:
    """A project whose predict failed twice (with and without kept data), and a kernel."""
    from jupyter_client.manager import KernelManager

    from proj.jupyter.kernelspec import default_kernel_name

    root = tmp_path_factory.mktemp("load-node-run")
    project = hold_split_in_memory(shutil.copytree(starter_template, root / "iris-demo"))
    fail = {"FAIL_PREDICT": "1"}
    assert "predict refuses" in run_proj("run", cwd=project, env=fail).output
    plain = _latest_run(project)
    assert (
        "predict refuses" in run_proj("run", "--keep-intermediates", cwd=project, env=fail).output
    )
    kept = _latest_run(project)
    env = jupyter_dirs(root / "jupyter")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("PROJ_PROJECT_PATH", raising=False)
        assert run_proj("kernel", "install", cwd=project, env=env).returncode == 0
        manager = KernelManager(kernel_name=default_kernel_name("iris_demo", project))
        manager.start_kernel(cwd=str(project / "notebooks"))
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            yield project, plain, kept, Kernel(manager, client)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def _inserted(kernel: Kernel, line: str) -> tuple[str, str]:
    content, outputs = kernel.execute(line)
    assert content["status"] == "ok", outputs
    payloads = [p for p in content["payload"] if p["source"] == "set_next_input"]
    assert len(payloads) == 1, outputs
    return payloads[0]["text"], "".join(outputs)


def test_load_node_run_debugs_the_failed_node_on_its_data(
    failed: tuple[Path, str, str, Kernel],
) -> None:
    _, _, kept, kernel = failed
    code, _ = _inserted(kernel, f"%load_node predict --run {kept}")
    assert f'session.load_run_input("{kept}", "X_test", node="predict")' in code
    assert "def predict(" in code
    content, outputs = kernel.execute(code)  # the kernel has no FAIL_PREDICT: it works
    assert content["status"] == "ok", outputs
    assert kernel.value("len(y_pred)") == "30"
    assert kernel.value("X_test.shape") == "(30, 4)"


def test_several_nodes_in_run_order_reuse_what_earlier_ones_computed(
    failed: tuple[Path, str, str, Kernel],
) -> None:
    _, _, kept, kernel = failed
    code, _ = _inserted(kernel, f"%load_node report_accuracy predict --run {kept}")
    assert code.index("def predict(") < code.index("def report_accuracy(")
    assert "load_run_input" in code and '"y_pred"' not in code.split("def predict(")[1]
    content, outputs = kernel.execute(code)
    assert content["status"] == "ok", outputs
    assert kernel.value('metrics["n_test"]') == "30"


def test_without_kept_data_it_names_what_is_missing(
    failed: tuple[Path, str, str, Kernel],
) -> None:
    _, plain, _, kernel = failed
    code, said = _inserted(kernel, f"%load_node predict --run {plain}")
    assert "'X_test' lived only in memory" in said and "--keep-intermediates" in said
    # The later run rewrote the model file: loading it would not be what predict read.
    assert "'model' changed since run" in said
    content, outputs = kernel.execute(code)
    assert content["status"] == "error"
    assert "RunStoreError" in "".join(outputs)

    code, said = _inserted(kernel, "%load_node predict")
    assert "# X_test = ...  ('X_test' lives only in memory" in code
    assert "--keep-intermediates" in said
