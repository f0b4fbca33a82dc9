"""The live dataflow in a real project kernel (jupyter_client): stale cells, re-running
them, a slice run in a fresh kernel, ``%%memoize --disk`` across a kernel restart."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.framework import find_project
from proj.jupyter.kernelspec import install_kernel
from tests.jupyter.fixtures import jupyter_dirs

pytestmark = pytest.mark.e2e


class Kernel:
    """A started project kernel and a blocking client."""

    def __init__(self, name: str, cwd: Path) -> None:
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(kernel_name=name)
        self.cwd = cwd
        self.manager.start_kernel(cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str) -> str:
        """Run a cell; returns everything it printed and displayed (fails on an error)."""
        outputs: list[str] = []

        def collect(msg: dict[str, Any]) -> None:
            content = msg["content"]
            if msg["msg_type"] == "stream":
                outputs.append(content["text"])
            elif msg["msg_type"] in ("execute_result", "display_data"):
                outputs.append(content["data"].get("text/plain", "") + "\n")
            elif msg["msg_type"] == "error":
                outputs.append("ERROR " + "\n".join(content["traceback"]))

        reply = self.client.execute_interactive(code, output_hook=collect, timeout=120)
        text = "".join(outputs)
        assert reply["content"]["status"] == "ok", text
        return text

    def restart(self) -> None:
        self.client.stop_channels()
        self.manager.restart_kernel(now=True)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def flow_project(
    starter_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, str]]:
    """A copy of the iris starter with its kernel installed in private Jupyter folders."""
    root = tmp_path_factory.mktemp("flow")
    project = root / "iris-demo"
    shutil.copytree(starter_template, project)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in jupyter_dirs(root / "jupyter").items():
            patch.setenv(name, value)
        patch.delenv("PROJ_PROJECT_PATH", raising=False)
        patch.delenv("PROJ_ENV", raising=False)
        yield project, install_kernel(find_project(project)).name


@pytest.fixture
def kernel(flow_project: tuple[Path, str]) -> Iterator[Kernel]:
    project, name = flow_project
    started = Kernel(name, project / "notebooks")
    try:
        yield started
    finally:
        started.close()


def test_stale_rerun_and_slice_in_a_real_kernel(
    kernel: Kernel, flow_project: tuple[Path, str]
) -> None:
    kernel.run("rows = len(catalog.load('iris'))")  # [1]
    kernel.run("half = rows // 2")  # [2]
    kernel.run("label = 'iris'")  # [3]
    kernel.run("summary = {'label': label, 'half': half}")  # [4]
    kernel.run("summary['double'] = half * 2")  # [5]
    kernel.run("other = 7")  # [6]
    note = kernel.run("rows = 100")  # [7]
    assert note.strip() == (
        "[7] made [2], [4], [5] stale (they use rows); %stale shows why, %rerun_stale updates them."
    )

    table = kernel.run("%stale").splitlines()
    assert [line.split()[0] for line in table[1:]] == ["[2]", "[4]", "[5]"]
    assert "reads rows, redefined by [7]" in table[1]
    assert "depends on stale [2]" in table[2]

    rerun = kernel.run("%rerun_stale")
    assert "In [2] (re-run):" in rerun
    assert "no stale cells left" in rerun
    assert kernel.run("summary").strip() == "{'label': 'iris', 'half': 50, 'double': 100}"
    assert kernel.run("%stale").strip() == "No stale cells."

    code = kernel.run("%slice summary")
    assert "other = 7" not in code
    assert "catalog.load" not in code  # rows was redefined: its first cell is not needed
    fresh = Kernel(flow_project[1], flow_project[0] / "notebooks")
    try:
        fresh.run(code)
        assert fresh.run("summary").strip() == "{'label': 'iris', 'half': 50, 'double': 100}"
    finally:
        fresh.close()


def test_slice_to_cell_sends_the_code_for_the_next_cell(kernel: Kernel) -> None:
    kernel.run("species = sorted(set(catalog.load('iris')['species']))")
    kernel.run("count = len(species)")
    reply = kernel.client.execute_interactive("%slice count --to-cell", timeout=120)
    payloads = [p for p in reply["content"]["payload"] if p["source"] == "set_next_input"]
    assert len(payloads) == 1
    assert "species = sorted(set(catalog.load('iris')['species']))" in payloads[0]["text"]
    assert "count = len(species)" in payloads[0]["text"]


def test_memoize_disk_hits_after_a_restart_and_misses_after_an_input_changes(
    kernel: Kernel, flow_project: tuple[Path, str]
) -> None:
    project = flow_project[0]
    shutil.rmtree(project / ".proj" / "cache", ignore_errors=True)
    cell = (
        "%%memoize --disk\n"
        "print('computing')\n"
        "table = catalog.load('iris')\n"
        "means = table[table.sepal_length > cutoff].mean(numeric_only=True).round(3)\n"
        "len(means)"
    )
    kernel.run("cutoff = 5.0")
    first = kernel.run(cell)
    assert "memoize: miss (inputs: cutoff)" in first
    assert "computing" in first
    expected = kernel.run("means.to_dict()")

    kernel.restart()
    kernel.run("cutoff = 5.0")
    second = kernel.run(cell)
    assert "memoize: hit (disk)" in second
    assert "computing" not in second
    assert second.rstrip().endswith("4")  # the cell's result, displayed from the cache
    assert kernel.run("means.to_dict()") == expected

    kernel.run("cutoff = 6.0")
    third = kernel.run(cell)
    assert "memoize: miss" in third
    assert "computing" in third
    assert kernel.run("means.to_dict()") != expected


def test_flow_off_in_a_kernel(kernel: Kernel) -> None:
    kernel.run("a = 1")
    kernel.run("b = a + 1")
    assert "Dataflow off" in kernel.run("%flow off")
    assert kernel.run("a = 2") == ""
    assert "Dataflow on" in kernel.run("%flow on")
    assert kernel.run("%flow").startswith("Dataflow is on")


def test_proj_ipython_in_a_terminal_has_the_dataflow(flow_project: tuple[Path, str]) -> None:
    import os
    import subprocess

    from tests.e2e.conftest import PROJ

    cells = 'x = 1\ny = x + 1\nz = 3\nx = 5\n%stale\n%rerun_stale\nprint("y is", y)\nexit\n'
    done = subprocess.run(
        [PROJ, "ipython", "--no-banner", "--colors=nocolor"],
        input=cells,
        cwd=flow_project[0],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[4] made [2] stale (they use x)" in out
    assert "[2]  reads x, redefined by [4]" in out
    assert "In [2] (re-run):" in out
    assert "y is 6" in out


def test_a_standin_error_is_one_line_in_a_real_kernel(
    flow_project: tuple[Path, str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken-iris"
    shutil.copytree(flow_project[0], broken)
    catalog_yml = broken / "conf/base/catalog.yml"
    catalog_yml.write_text("iris:\n  type: pandas.CSVDataset\n  filepath: [unclosed\n")
    name = install_kernel(find_project(broken)).name
    kernel = Kernel(name, broken / "notebooks")
    try:
        reply = kernel.client.execute_interactive('catalog.load("iris")', timeout=120)
        content = reply["content"]
        assert content["status"] == "error"
        assert content["ename"] == "ConfigSyntaxError"
        assert len(content["traceback"]) == 1, content["traceback"]
        line = content["traceback"][0]
        assert f"{catalog_yml.resolve()}:" in line
        assert "`catalog` was not loaded. Fix it, then run %reload_project." in line
    finally:
        kernel.close()
