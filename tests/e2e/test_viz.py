"""``proj viz`` end to end: the installed command serving the iris starter to headless
Chromium, the static build opened from disk, ``%run_viz`` inside JupyterLab, and the
server's logs free of credentials."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PROJ, STARTER_NODES, Result, assert_clean_error
from tests.viz.conftest import SECRETS, chromium, free_port, wait_for, write_shop

__all__ = ["chromium"]  # the fixture, shared with tests/viz

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def http_status(url: str, timeout: float = 120) -> int | None:
    """The status of a GET, waiting as long as the server needs (a first preview imports
    pandas: seconds on a loaded machine); None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Process:
    """A command started in the background, its output in files (never a full pipe)."""

    def __init__(self, args: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None):
        self.log = log
        self._out = log.open("w")
        full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
        full_env.pop("PROJ_ENV", None)
        self.popen = subprocess.Popen(
            args, cwd=cwd, stdout=self._out, stderr=subprocess.STDOUT, env=full_env
        )

    def wait_until(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        def ready() -> Any:
            if self.popen.poll() is not None:
                pytest.fail(f"The process exited ({self.popen.returncode}):\n{self.output()}")
            return condition()

        return wait_for(ready, timeout, what)

    def output(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.log.read_text()

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._out.close()
        return self.popen.returncode


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def serve(
    project: Path, tmp_path: Path, *extra: str, command: tuple[str, ...] = ("viz",)
) -> tuple[Process, str]:
    port = free_port()
    process = Process(
        [PROJ, *command, "--no-browser", "--port", str(port), *extra],
        project,
        tmp_path / "viz.log",
    )
    url = f"http://127.0.0.1:{port}/"
    process.wait_until(
        lambda: f":{port}/" in process.output(), 120, "proj viz to print its address"
    )
    assert http_status(url + "api/snapshot") == 200, process.output()
    return process, url


def visible_names(page: Any, prefix: str) -> list[str]:
    return page.eval_on_selector_all(
        f'.pv-vertex[data-id^="{prefix}:"]:not(.pv-gone)',
        "els => els.filter(e => e.getBoundingClientRect().width > 0)"
        ".map(e => e.querySelector('text').textContent)",
    )


def relayout(page: Any, action: Callable[[], Any]) -> None:
    """Run ``action`` and wait until the page has laid out and drawn the graph again."""
    count = (
        "document.querySelector('.proj-viz').projViz.metrics.paints"
        ".filter(p => p.phase === 'layout').length"
    )
    before = page.evaluate(count)
    action()
    page.wait_for_function(f"(n) => {count} > n", arg=before)


def test_proj_viz_serves_the_graph_with_filters_and_run_status(
    starter: Path, proj: Callable[..., Result], page: Any, tmp_path: Path
) -> None:
    assert proj("run", cwd=starter).returncode == 0
    process, url = serve(starter, tmp_path)
    try:
        assert f"Serving the pipeline graph at {url}" in process.output()
        page.goto(url)
        page.wait_for_selector(".proj-viz[data-painted]")
        assert sorted(visible_names(page, "node")) == sorted(STARTER_NODES)
        datasets = visible_names(page, "dataset")
        for name in ("iris", "iris_clean", "model", "metrics", "params:model_options"):
            assert name in datasets

        relayout(page, lambda: page.check('input[data-tag="preprocessing"]'))
        assert sorted(visible_names(page, "node")) == ["clean_iris", "split_data"]
        assert "t=preprocessing" in page.url
        relayout(page, lambda: page.uncheck('input[data-tag="preprocessing"]'))
        assert sorted(visible_names(page, "node")) == sorted(STARTER_NODES)

        page.click('[data-id="node:train_model"]')
        details = page.locator('[data-role="details"]')
        assert details.locator('[data-role="details-name"]').inner_text() == "train_model"
        inputs = details.locator('[data-role="inputs"] li').all_inner_texts()
        assert inputs == ["X_train", "y_train", "params:model_options"]
        assert details.locator('[data-role="run-status"]').inner_text() == "success"
        assert details.locator('[data-role="run-duration"]').inner_text().endswith(("ms", "s"))
        assert "def train_model(" in details.locator('[data-role="code"]').inner_text()
        assert page.errors == []
    finally:
        code = process.stop(signal.SIGINT)
    assert code == 0, process.output()
    assert "Traceback" not in process.output()


def test_the_static_build_works_from_a_file_url(
    starter: Path, proj: Callable[..., Result], page: Any
) -> None:
    assert proj("run", cwd=starter).returncode == 0
    result = proj("viz", "build", "--output", "site", cwd=starter)
    assert result.returncode == 0, result.output
    index = starter / "site" / "index.html"
    page.goto(index.as_uri())
    page.wait_for_selector(".proj-viz[data-painted]")
    assert sorted(visible_names(page, "node")) == sorted(STARTER_NODES)
    page.click('[data-id="node:predict"]')
    assert page.locator('[data-role="inputs"] li').all_inner_texts() == ["model", "X_test"]
    assert page.locator('[data-role="run-status"]').inner_text() == "success"
    page.click('[data-id="dataset:iris"]')
    assert "need the server" in page.locator('[data-role="preview"]').inner_text()
    assert page.evaluate("document.querySelector('.proj-viz').projViz.engine.where()") == "worker"
    assert page.errors == []


def test_proj_viz_run_logs_no_credentials(tmp_path: Path) -> None:
    shop = write_shop(tmp_path)
    process, url = serve(shop, tmp_path, "--verbose", command=("viz", "run"))
    try:
        for path in (
            "",
            "api/snapshot",
            "api/preview?dataset=remote_orders",
            "api/preview?dataset=prices",
            "api/preview?dataset=orders_raw",
        ):
            assert http_status(url + path) in (200, 500)
    finally:
        process.stop(signal.SIGINT)
    log = process.output()
    assert "GET /api/preview?dataset=remote_orders" in log  # --verbose logs requests
    for secret in SECRETS:
        assert secret not in log


def test_proj_viz_off_loopback_needs_the_token_and_prints_the_real_address(
    starter: Path, tmp_path: Path
) -> None:
    port = free_port()
    process = Process(
        [PROJ, "viz", "--no-browser", "--host", "0.0.0.0", "--port", str(port)],
        starter,
        tmp_path / "viz.log",
    )
    try:
        match = process.wait_until(
            lambda: re.search(r"at (http://\S+/\?token=(\S+)) ", process.output()),
            120,
            "proj viz to print its address",
        )
        printed, token = match.group(1), match.group(2)
        output = process.output()
        assert "reachable from the network" in output
        assert "127.0.0.1" not in printed and "0.0.0.0" not in printed
        assert printed.split("://", 1)[1].split("/", 1)[0].endswith(f":{port}")
        local = f"http://127.0.0.1:{port}/"
        for path in ("", "api/snapshot", "api/status", "api/preview?dataset=iris"):
            assert http_status(local + path) == 403, path
        assert http_status(f"{local}?token={token}") == 200
        assert http_status(f"{local}api/preview?dataset=iris&token={token}") == 200
    finally:
        process.stop(signal.SIGINT)
    assert token not in process.output().replace(printed, "")  # logged only in the URL


def test_a_taken_port_is_one_clear_error(starter: Path, proj: Callable[..., Result]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = proj("viz", "run", "--no-browser", "--port", str(port), cwd=starter)
    line = assert_clean_error(result)
    assert f"Port {port} on 127.0.0.1 is already in use" in line
    assert "Pass --port with a free port" in result.stderr


#: Errors Notebook 7's own front end raises while it starts in headless Chromium, before
#: and unrelated to the cell's output.
NOTEBOOK7_NOISE = {
    "Cannot read properties of undefined (reading 'schema')",
    "Command 'filebrowser:open-path' not registered.",
}


def test_run_viz_renders_in_jupyterlab_and_notebook_7_behind_a_proxy_prefix(
    starter: Path, proj: Callable[..., Result], chromium: Any, tmp_path: Path
) -> None:
    """%run_viz output draws in JupyterLab and in Notebook 7 served under a hub-style
    prefix (/user/alice/, as behind JupyterHub's proxy); the page then asks nothing of
    any other server, port or path: no viz server is needed."""
    import nbformat

    assert proj("run", cwd=starter).returncode == 0
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [nbformat.v4.new_code_cell("%load_ext proj.ipython\n%run_viz")]
    nbformat.write(notebook, str(starter / "viz.ipynb"))

    env = {}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = tmp_path / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    token = secrets.token_hex(16)
    port = free_port()
    lab = Process(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={starter}",
            "--ServerApp.base_url=/user/alice/",
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
            "--allow-root",
        ],
        starter,
        tmp_path / "lab.log",
        env,
    )
    base = f"http://127.0.0.1:{port}/user/alice"
    try:
        lab.wait_until(
            lambda: http_status(f"{base}/api/status?token={token}") == 200, 90, "JupyterLab"
        )
        for ui, path in (("JupyterLab", "lab/tree"), ("Notebook 7", "notebooks")):
            context = chromium.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.set_default_timeout(90_000)
            errors: list[str] = []
            requests: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.on("request", lambda r, requests=requests: requests.append(r.url))
            page.goto(f"{base}/{path}/viz.ipynb?token={token}")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.locator(".jp-OutputArea-output .proj-viz[data-painted]").wait_for()
            names = page.eval_on_selector_all(
                '.jp-OutputArea-output .proj-viz .pv-vertex[data-id^="node:"]',
                "els => els.map(e => e.querySelector('text').textContent)",
            )
            assert sorted(names) == sorted(STARTER_NODES), ui
            page.click('.jp-OutputArea-output [data-id="node:clean_iris"]')
            status = page.locator(".jp-OutputArea-output [data-role='run-status']")
            assert status.inner_text() == "success", ui
            stray = [
                url
                for url in requests
                if not url.startswith((f"{base}/", f"blob:http://127.0.0.1:{port}/"))
            ]
            assert stray == [], ui
            noise = NOTEBOOK7_NOISE if ui == "Notebook 7" else set()
            assert [e for e in errors if e not in noise] == [], ui
            context.close()
    finally:
        lab.stop(signal.SIGTERM)
