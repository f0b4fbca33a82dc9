"""Launching JupyterLab or Jupyter Notebook in a project, with its kernel as the default.

The server is ``python -m jupyterlab`` (or ``python -m notebook``) of the current
interpreter, so it runs without the ``jupyter`` launcher on ``PATH``. Options passed to
jupyter_server 2 (traitlets configuration on the command line):

* ``--ServerApp.root_dir=<project>``: the file browser opens at the project root;
* ``--MappingKernelManager.default_kernel_name=<the project's kernel>``: new notebooks get the
  project kernel (the server's ``AsyncMappingKernelManager`` inherits this setting);
* ``--ServerApp.kernel_spec_manager_class`` and ``--ProjectFirstKernelSpecManager.first``:
  the project kernel is listed first (Notebook 7's "New" menu shows specs in the order
  the server lists them, see :mod:`proj.jupyter.specorder`);
* ``--MappingKernelManager.cull_idle_timeout`` / ``cull_interval`` /
  ``cull_connected``: with an idle timeout, kernels idle that long are shut down even
  when a browser tab is still open on them (the usual way memory stays taken);
* ``--ServerApp.port=<P>`` with ``--ServerApp.port_retries=0`` for ``--port P``: that
  port or an error, not a silent move to the next free one;
* ``--allow-root`` when running as root, which Jupyter otherwise refuses.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Literal

from proj.exceptions import KernelError
from proj.jupyter.deps import SERVER_PACKAGES, require

if TYPE_CHECKING:
    from collections.abc import Sequence

    from proj.framework import ProjectMetadata

logger = logging.getLogger(__name__)

App = Literal["lab", "notebook"]

#: The module started for each front end, and the package it needs.
_MODULES: dict[str, str] = {"lab": "jupyterlab", "notebook": "notebook"}

#: The kernel spec manager that lists the project kernel first.
_SPEC_MANAGER = "proj.jupyter.specorder.ProjectFirstKernelSpecManager"

#: Longest wait between two idle checks, in seconds.
MAX_CULL_INTERVAL = 60


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def server_command(
    app: App,
    metadata: ProjectMetadata,
    *,
    kernel_name: str,
    port: int | None = None,
    no_browser: bool = False,
    idle_timeout: int | None = None,
    extra_args: Sequence[str] = (),
    python: str | None = None,
) -> list[str]:
    """The command line that starts a Jupyter server for a project.

    Args:
        app: ``"lab"`` (JupyterLab) or ``"notebook"`` (Jupyter Notebook 7).
        metadata: The project; the server's root folder is its root.
        kernel_name: The kernel spec new notebooks get by default.
        port: The port to listen on; default: Jupyter's (8888, or the next free one).
        no_browser: Do not open a browser.
        idle_timeout: Shut down kernels idle for this many seconds (0 or None: never).
        extra_args: Further arguments passed to Jupyter unchanged, last (they win).
        python: The interpreter; default the current one.

    Returns:
        The argument list, program first.

    Raises:
        KernelError: ``app`` is not lab or notebook, or ``idle_timeout`` is negative.
    """
    if app not in _MODULES:
        raise KernelError(f"Unknown Jupyter front end '{app}'.", hint="Use lab or notebook.")
    command = [
        python or sys.executable,
        "-m",
        _MODULES[app],
        f"--ServerApp.root_dir={metadata.project_path}",
        f"--MappingKernelManager.default_kernel_name={kernel_name}",
        f"--ServerApp.kernel_spec_manager_class={_SPEC_MANAGER}",
        f"--ProjectFirstKernelSpecManager.first={kernel_name}",
    ]
    if port is not None:
        command.append(f"--ServerApp.port={port}")
        # A port asked for is that port or an error, never a silent move to the next
        # (unless the user's own arguments set port_retries: traitlets takes one value).
        if not any(arg.startswith("--ServerApp.port_retries") for arg in extra_args):
            command.append("--ServerApp.port_retries=0")
    if no_browser:
        command.append("--no-browser")
    if idle_timeout is not None and idle_timeout < 0:
        raise KernelError(
            f"--idle-timeout must be 0 or more seconds, got {idle_timeout}.",
            hint="Use 0 to keep idle kernels running.",
        )
    if idle_timeout:
        interval = max(1, min(MAX_CULL_INTERVAL, idle_timeout))
        command += [
            f"--MappingKernelManager.cull_idle_timeout={idle_timeout}",
            f"--MappingKernelManager.cull_interval={interval}",
            "--MappingKernelManager.cull_connected=True",
        ]
    if _is_root():
        command.append("--allow-root")
    command += list(extra_args)
    return command


def check_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Refuse a port another program listens on, before anything is started.

    Jupyter would move to the next free port without a word (``port_retries``); a user
    who asked for a port gets that port or this error.

    Args:
        port: The TCP port asked for.
        host: The interface to try it on.

    Raises:
        KernelError: The port is in use.
    """
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As Tornado does: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise KernelError(
                f"Port {port} on {host} is already in use ({exc.strerror or exc}).",
                hint="Stop what listens there (`proj jupyter list` shows running servers), "
                "pick another --port, or leave --port out to let Jupyter choose a free one.",
            ) from None


def launch(
    app: App,
    metadata: ProjectMetadata,
    *,
    env: str | None = None,
    port: int | None = None,
    no_browser: bool = False,
    idle_timeout: int | None = None,
    extra_args: Sequence[str] = (),
) -> None:
    """Install (refresh) the project's kernel, then replace this process with Jupyter.

    On POSIX the current process becomes the server (``os.execv``), so signals and the
    exit status are the server's own; elsewhere the server runs as a child and this
    function returns when it exits.

    Args:
        app: ``"lab"`` or ``"notebook"``.
        metadata: The project.
        env: Configuration environment the kernel loads.
        port: The port to listen on.
        no_browser: Do not open a browser.
        idle_timeout: Shut down kernels idle for this many seconds.
        extra_args: Further arguments for Jupyter.

    Raises:
        MissingDependencyError: A Jupyter package is missing (the hint names
            ``pip install "proj[jupyter]"``).
        KernelError: ``port`` is taken, the kernel spec cannot be written or the server
            cannot start.
    """
    from proj.jupyter.kernelspec import install_kernel

    require(_MODULES.get(app, app), *SERVER_PACKAGES, feature=f"proj jupyter {app}")
    if port is not None:
        check_port_free(port)
    info = install_kernel(metadata, env=env)
    command = server_command(
        app,
        metadata,
        kernel_name=info.name,
        port=port,
        no_browser=no_browser,
        idle_timeout=idle_timeout,
        extra_args=extra_args,
    )
    logger.info("Starting Jupyter %s in %s with kernel %s", app, metadata.project_path, info.name)
    for handler in logging.getLogger("proj").handlers:
        handler.flush()
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        if os.name == "posix":
            os.chdir(metadata.project_path)
            os.execv(command[0], command)  # noqa: S606 - become the server: argv list, no shell
        import subprocess

        completed = subprocess.run(command, cwd=metadata.project_path, check=False)
    except OSError as exc:
        raise KernelError(
            f"Cannot start Jupyter ({' '.join(command[:3])}): {exc}",
            hint="Check that the interpreter and the Jupyter packages are installed.",
        ) from exc
    if completed.returncode:
        raise KernelError(f"Jupyter {app} exited with status {completed.returncode}.")
