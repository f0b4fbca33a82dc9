"""``proj jupyter lab`` in the background, driven through its REST API and headless
Chromium; ``proj jupyter list|stop``; a notebook from ``proj jupyter new`` run by nbclient."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from proj.jupyter.kernelspec import default_display_name, default_kernel_name
from proj.jupyter.servers import ServerInfo, ServerRequestError, request, running_servers
from tests.e2e.conftest import PROJ, assert_clean_error, run_proj
from tests.jupyter.fixtures import free_port, jupyter_dirs, wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.jupyter_server,
    pytest.mark.xdist_group("jupyter_lab"),
]

TOKEN = "proj-e2e-token"


@dataclass
class Lab:
    """A running ``proj jupyter lab`` and what it needs."""

    project: Path
    env: dict[str, str]
    server: ServerInfo
    process: subprocess.Popen[bytes]

    def proj(self, *args: str) -> Any:
        return run_proj(*args, cwd=self.project, env=self.env)

    @property
    def kernel(self) -> str:
        """The project kernel's name (unique per project folder)."""
        return default_kernel_name("iris_demo", self.project)

    def kernel_ids(self) -> set[str]:
        return {k["id"] for k in request(self.server, "GET", "api/kernels")}


def _ready(process: subprocess.Popen[bytes], runtime: Path, log: Path) -> ServerInfo | None:
    if process.poll() is not None:
        pytest.fail(f"proj jupyter lab exited with {process.returncode}:\n{log.read_text()}")
    for server in running_servers(runtime):
        if server.pid == process.pid:  # `proj jupyter lab` becomes the server (exec)
            try:
                request(server, "GET", "api/status", timeout=30)
            except ServerRequestError:
                return None
            return server
    return None


@pytest.fixture(scope="module")
def lab(starter_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """``proj jupyter lab --no-browser --port <free>`` in a copy of the iris starter."""
    root = tmp_path_factory.mktemp("lab")
    project = root / "iris-demo"
    shutil.copytree(starter_template, project)
    env = jupyter_dirs(root / "jupyter")
    log = root / "lab.log"
    full_env = {**os.environ, **env}
    full_env.pop("PROJ_ENV", None)
    full_env.pop("PROJ_PROJECT_PATH", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            # The last two options are Jupyter's own: proj passes them through.
            [
                PROJ,
                "jupyter",
                "lab",
                "--no-browser",
                "--port",
                str(free_port()),
                f"--IdentityProvider.token={TOKEN}",
                "--ServerApp.port_retries=0",
            ],
            cwd=project,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    runtime = Path(env["JUPYTER_RUNTIME_DIR"])
    try:
        server = wait_for(lambda: _ready(process, runtime, log), 120, "the Jupyter server")
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            yield Lab(project, env, server, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_session(lab: Lab, path: str) -> str:
    """Open a notebook session on the project kernel, as the Lab front end does."""
    body = {"path": path, "type": "notebook", "name": "", "kernel": {"name": lab.kernel}}
    session = request(lab.server, "POST", "api/sessions", body=body)
    return str(session["kernel"]["id"])


def listed(lab: Lab) -> list[dict[str, Any]]:
    result = lab.proj("jupyter", "list", "--json")
    assert result.returncode == 0, result.output
    servers = [s for s in json.loads(result.stdout) if s["pid"] == lab.server.pid]
    assert len(servers) == 1
    return list(servers[0]["kernels"])


def test_server_runs_in_the_project_with_the_project_kernel_as_default(lab: Lab) -> None:
    assert lab.server.root_dir == lab.project.resolve()
    assert lab.server.token == TOKEN  # a Jupyter option given to `proj jupyter lab`
    specs = request(lab.server, "GET", "api/kernelspecs")
    assert specs["default"] == lab.kernel
    assert next(iter(specs["kernelspecs"])) == lab.kernel
    spec = specs["kernelspecs"][lab.kernel]["spec"]
    assert spec["display_name"] == default_display_name("iris_demo", lab.project)
    assert spec["env"]["PROJ_PROJECT_PATH"] == str(lab.project.resolve())


def test_list_shows_sessions_and_stop_unloads_them(lab: Lab) -> None:
    kernel_id = start_session(lab, "notebooks/rest.ipynb")
    kernels = wait_for(
        lambda: [k for k in listed(lab) if k["kernel_id"] == kernel_id and k["memory_bytes"]],
        60,
        "the kernel process",
    )
    assert kernels[0]["path"] == "notebooks/rest.ipynb"
    assert kernels[0]["kernel_name"] == lab.kernel
    assert kernels[0]["memory_bytes"] > 10_000_000
    assert kernels[0]["connections"] == 0
    assert kernels[0]["last_activity"]
    table = lab.proj("jupyter", "list")
    header = next(line for line in table.stdout.splitlines() if line.startswith("Notebook"))
    columns = "Notebook Kernel Id State Last activity Conn. Memory"
    assert header.split() == columns.split()
    row = next(line for line in table.stdout.splitlines() if "notebooks/rest.ipynb" in line)
    assert lab.kernel in row
    assert kernel_id[:8] in row
    assert {"starting", "idle", "busy"} & set(row.split())
    assert " ago " in row
    assert row.rstrip().endswith("MiB")

    not_idle_yet = lab.proj("jupyter", "stop", "--project", "--idle-for", "600")
    assert "nothing stopped" in not_idle_yet.stdout
    assert kernel_id in lab.kernel_ids()

    stopped = lab.proj("jupyter", "stop", kernel_id[:8])
    assert stopped.returncode == 0, stopped.output
    assert f"Stopped kernel {kernel_id} ({lab.kernel}) of notebooks/rest.ipynb" in stopped.stdout
    assert kernel_id not in lab.kernel_ids()
    again = lab.proj("jupyter", "stop", "notebooks/rest.ipynb")
    assert "No running kernel" in assert_clean_error(again)


def test_stop_idle_kernels_and_every_kernel_of_the_project(lab: Lab) -> None:
    first = start_session(lab, "notebooks/a.ipynb")
    second = start_session(lab, "notebooks/b.ipynb")
    third = start_session(lab, "notebooks/c.ipynb")
    # Kernels started through the REST API alone stay 'starting', which is not busy.
    idle = lab.proj("jupyter", "stop", "notebooks/a.ipynb", "--idle-for", "0")
    assert idle.returncode == 0, idle.output
    assert idle.stdout.count("Stopped kernel") == 1
    assert "notebooks/a.ipynb" in idle.stdout
    assert first not in lab.kernel_ids()
    assert {second, third} <= lab.kernel_ids()

    stopped = lab.proj("jupyter", "stop", "--project")
    assert stopped.returncode == 0, stopped.output
    assert stopped.stdout.count("Stopped kernel") == 2
    assert not {second, third} & lab.kernel_ids()


def browser_connected(lab: Lab) -> bool:
    sessions = request(lab.server, "GET", "api/sessions")
    return any(
        s["path"] == "Untitled.ipynb"
        and s["kernel"]["connections"] >= 1
        and s["kernel"]["execution_state"] == "idle"
        for s in sessions
    )


@pytest.mark.browser
def test_jupyterlab_in_chromium_runs_a_cell_on_the_project_kernel(lab: Lab) -> None:
    from playwright.sync_api import sync_playwright

    url = f"{lab.server.url}lab?token={lab.server.token}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.goto(url)
            title = default_display_name("iris_demo", lab.project)
            card = page.locator(f'.jp-LauncherCard[data-category="Notebook"][title="{title}"]')
            card.click(timeout=90_000)
            # A cell run before the page's kernel connection is up is silently not run:
            # wait, as a person waits for the kernel indicator, until the server sees
            # the page connected to an idle kernel.
            wait_for(lambda: browser_connected(lab), 120, "the page's kernel connection")
            editor = page.locator(".jp-NotebookPanel .jp-Cell .cm-content").first
            editor.click(timeout=60_000)
            page.keyboard.type('catalog.load("iris").shape')
            page.keyboard.press("Shift+Enter")
            output = page.locator(".jp-NotebookPanel .jp-OutputArea-output", has_text="(150, 5)")
            output.wait_for(timeout=120_000)
            assert output.first.inner_text().strip() == "(150, 5)"

            table = lab.proj("jupyter", "list")
            row = next(line for line in table.stdout.splitlines() if "Untitled" in line)
            assert lab.kernel in row
            stopped = lab.proj("jupyter", "stop", "Untitled.ipynb")
            assert "Stopped kernel" in stopped.stdout, stopped.output
            assert not [k for k in listed(lab) if k["path"] == "Untitled.ipynb"]
        finally:
            browser.close()


def test_new_notebook_runs_top_to_bottom_with_nbclient(
    starter: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    env = jupyter_dirs(tmp_path / "jupyter")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROJ_PROJECT_PATH", raising=False)
    assert run_proj("kernel", "install", cwd=starter, env=env).returncode == 0
    created = run_proj("jupyter", "new", "notebooks/iris.ipynb", "--dataset", "iris", cwd=starter)
    assert created.returncode == 0, created.output
    again = run_proj("jupyter", "new", "notebooks/iris.ipynb", "--dataset", "iris", cwd=starter)
    assert "already exists" in assert_clean_error(again)

    path = starter / "notebooks/iris.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.kernelspec["name"] == default_kernel_name("iris_demo", starter)
    NotebookClient(
        notebook, timeout=120, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    texts = [o.get("data", {}).get("text/plain", "") for o in outputs]
    assert "(150, 5)" in texts
    assert any("sepal_length" in text and "missing" in text for text in texts)


@pytest.mark.parametrize(("app", "package"), [("lab", "jupyterlab"), ("notebook", "notebook")])
def test_missing_jupyter_package_names_the_extra(
    starter: Path, tmp_path: Path, app: str, package: str
) -> None:
    """proj's own entry point, in an interpreter where the front end cannot be imported."""
    env = {**os.environ, **jupyter_dirs(tmp_path / "jupyter"), "COLUMNS": "200", "NO_COLOR": "1"}
    hide = f"import sys; sys.modules[{package!r}] = None"  # find_spec() then answers None
    done = subprocess.run(
        [sys.executable, "-c", f"{hide}; from proj.cli.main import main; main()", "jupyter", app],
        cwd=starter,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"proj jupyter {app} needs '{package}'" in done.stderr
    assert 'pip install "proj[jupyter]"' in done.stderr
    assert not (Path(env["JUPYTER_DATA_DIR"]) / "kernels").exists()  # nothing was installed
