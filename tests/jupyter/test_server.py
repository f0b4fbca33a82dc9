"""The command line that starts Jupyter for a project, and the missing-extra error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proj.exceptions import KernelError, MissingDependencyError
from proj.framework import find_project
from proj.jupyter.deps import require
from proj.jupyter.server import App, server_command


def test_lab_command_roots_the_server_in_the_project_with_its_kernel(project: Path) -> None:
    command = server_command(
        "lab",
        find_project(project / "notebooks"),
        kernel_name="proj_iris_demo",
        port=9999,
        no_browser=True,
    )
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={project.resolve()}" in command
    assert "--MappingKernelManager.default_kernel_name=proj_iris_demo" in command
    assert "--ServerApp.port=9999" in command
    assert "--ServerApp.port_retries=0" in command  # that port or an error
    assert "--no-browser" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    assert not any("cull" in arg for arg in command)


def test_idle_timeout_turns_on_culling_and_extra_args_come_last(project: Path) -> None:
    command = server_command(
        "notebook",
        find_project(project),
        kernel_name="k",
        port=9999,
        idle_timeout=1800,
        extra_args=["--ServerApp.port_retries=0"],
    )
    assert command[2] == "notebook"
    assert "--MappingKernelManager.cull_idle_timeout=1800" in command
    assert "--MappingKernelManager.cull_interval=60" in command
    assert "--MappingKernelManager.cull_connected=True" in command
    assert command[-1] == "--ServerApp.port_retries=0"
    assert command.count("--ServerApp.port_retries=0") == 1  # traitlets takes one value
    short = server_command("lab", find_project(project), kernel_name="k", idle_timeout=10)
    assert "--MappingKernelManager.cull_interval=10" in short


def test_negative_idle_timeout_is_refused(project: Path) -> None:
    with pytest.raises(KernelError, match="--idle-timeout"):
        server_command("lab", find_project(project), kernel_name="k", idle_timeout=-1)


@pytest.mark.jupyter_server  # starts the server application (it stops before serving)
@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_jupyter_accepts_every_option_proj_passes(project: Path, app: App) -> None:
    """Jupyter itself parses the command (``--show-config`` stops before serving)."""
    command = server_command(
        app, find_project(project), kernel_name="k", port=9, no_browser=True, idle_timeout=5
    )
    done = subprocess.run(
        [*command, "--show-config"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "default_kernel_name" in done.stdout
    assert "cull_idle_timeout" in done.stdout


def test_missing_package_names_the_extra() -> None:
    with pytest.raises(MissingDependencyError) as caught:
        require("jupyter_client", "no_such_package_for_proj", feature="proj jupyter lab")
    assert "proj jupyter lab needs 'no_such_package_for_proj'" in str(caught.value)
    assert caught.value.hint == 'Install it with: pip install "proj[jupyter]"'


def test_a_taken_port_is_an_error_before_anything_starts(project: Path, tmp_path: Path) -> None:
    """`proj jupyter lab --port P` with P taken: one red line, exit 1, no kernel spec
    written and no server started (it used to move to the next port silently). Run
    as a subprocess: a server that does start must not replace the test process."""
    import socket

    env = {**os.environ, "NO_COLOR": "1"}
    for var in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        env[var] = str(tmp_path / var.lower())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(Path(sys.executable).parent / "proj"), "jupyter", "lab", "--no-browser",
             "--port", str(port)],
            cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "jupyter_data_dir" / "kernels").exists()


def test_notebook_7_lists_the_project_kernel_first(
    project: Path, isolated_jupyter: dict[str, str], tmp_path: Path
) -> None:
    """A real Notebook 7 server: its kernel spec list (the order of its "New" menu)."""
    from proj.jupyter.kernelspec import install_kernel
    from proj.jupyter.servers import ServerRequestError, request, running_servers
    from tests.jupyter.fixtures import free_port, wait_for, write_spec

    data = Path(isolated_jupyter["JUPYTER_DATA_DIR"])
    for name in ("aaa_first_by_name", "other_python", "r_kernel", "zzz"):
        write_spec(data, name, {"argv": [sys.executable], "display_name": name.upper()})
    metadata = find_project(project)
    info = install_kernel(metadata)
    command = server_command(
        "notebook",
        metadata,
        kernel_name=info.name,
        port=free_port(),
        no_browser=True,
        extra_args=["--IdentityProvider.token=t0k3n", "--ServerApp.port_retries=0"],
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=project, stdout=out, stderr=subprocess.STDOUT)
    runtime = Path(isolated_jupyter["JUPYTER_RUNTIME_DIR"])

    def specs() -> dict | None:
        if process.poll() is not None:
            pytest.fail(f"the server exited:\n{log.read_text()}")
        for server in running_servers(runtime):
            if server.pid == process.pid:
                try:
                    return request(server, "GET", "api/kernelspecs", timeout=5)
                except ServerRequestError:
                    return None
        return None

    try:
        listed = wait_for(specs, 120, "the Notebook 7 server")
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert listed["default"] == info.name
    assert next(iter(listed["kernelspecs"])) == info.name
    assert {"aaa_first_by_name", "zzz", "python3"} <= set(listed["kernelspecs"])
