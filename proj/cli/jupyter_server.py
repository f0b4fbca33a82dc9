"""``proj jupyter notebook|lab|list|stop|new``: Jupyter servers with the project kernel,
their running kernels, and new notebooks from templates.

The group ``proj.cli.jupyter`` registers these functions as its sub-commands.
:data:`CONTEXT_SETTINGS` holds the Click settings ``notebook`` and ``lab`` need to pass
unknown options through to Jupyter.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from proj.cli.completion import complete_from_cache
from proj.cli.options import EnvOption

if TYPE_CHECKING:
    from proj.jupyter.server import App
    from proj.jupyter.sessions import KernelSession, ServerStatus

#: Sub-command function name -> Click context settings for its registration.
CONTEXT_SETTINGS: dict[str, dict[str, Any]] = {
    "notebook": {"allow_extra_args": True, "ignore_unknown_options": True},
    "lab": {"allow_extra_args": True, "ignore_unknown_options": True},
}


def _launch(
    app: App,
    env: str | None,
    port: int | None,
    no_browser: bool,
    idle_timeout: int | None,
    jupyter_args: list[str] | None,
    extra: list[str],
) -> None:
    from proj.cli.output import setup_logging
    from proj.framework.envs import check_environment
    from proj.jupyter.server import launch

    setup_logging()
    launch(
        app,
        check_environment(env),
        env=env,
        port=port,
        no_browser=no_browser,
        idle_timeout=idle_timeout,
        extra_args=[*(jupyter_args or []), *extra],
    )


JupyterArgs = Annotated[
    list[str] | None,
    typer.Argument(metavar="[JUPYTER ARGS]...", help="Passed to Jupyter unchanged."),
]
PortOption = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
]
NoBrowserOption = Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")]
IdleTimeoutOption = Annotated[
    int | None,
    typer.Option(
        "--idle-timeout",
        min=0,
        metavar="SECONDS",
        help="Shut down kernels idle this long, even with a tab open (0: never).",
    ),
]


def notebook(
    ctx: typer.Context,
    jupyter_args: JupyterArgs = None,
    env: EnvOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    idle_timeout: IdleTimeoutOption = None,
) -> None:
    """Start Jupyter Notebook in the project, with the project kernel as the default.

    Installs (refreshes) the project kernel first, so it runs the current Python.
    """
    _launch("notebook", env, port, no_browser, idle_timeout, jupyter_args, ctx.args)


def lab(
    ctx: typer.Context,
    jupyter_args: JupyterArgs = None,
    env: EnvOption = None,
    port: PortOption = None,
    no_browser: NoBrowserOption = False,
    idle_timeout: IdleTimeoutOption = None,
) -> None:
    """Start JupyterLab in the project, with the project kernel as the default.

    Installs (refreshes) the project kernel first, so it runs the current Python.
    """
    _launch("lab", env, port, no_browser, idle_timeout, jupyter_args, ctx.args)


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        return f"{seconds} s ago"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min ago"
    return f"{seconds // 86400} d ago"


def _render_servers(statuses: list[ServerStatus]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console
    from proj.jupyter.processes import format_bytes

    out = console()
    if not statuses:
        out.print("No Jupyter server is running (none in the Jupyter runtime folder).")
        return
    now = datetime.now(timezone.utc)
    for status in statuses:
        server = status.server
        out.print(
            f"[bold]{escape(server.url)}[/]  root {escape(str(server.root_dir))}  "
            f"pid {server.pid}  jupyter_server {escape(server.version)}"
        )
        if status.error:
            out.print(f"  [red]{escape(status.error)}[/]")
            continue
        if not status.kernels:
            out.print("  no kernels running")
            continue
        table = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("Notebook", "Kernel", "Id", "State", "Last activity", "Conn.", "Memory"):
            table.add_column(column, overflow="fold")
        for kernel in status.kernels:
            table.add_row(
                escape(kernel.path or f"({kernel.kind or 'no session'})"),
                escape(kernel.kernel_name),
                kernel.kernel_id[:8],
                kernel.state,
                _ago(kernel.last_activity, now),
                str(kernel.connections),
                format_bytes(kernel.memory),
            )
        out.print(table)


def list_servers(
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """List running Jupyter servers and the kernels they run.

    For each kernel: its notebook, kernel name, state, last activity, connections and
    memory (for kernels on this machine).
    """
    from proj.cli.output import setup_logging
    from proj.jupyter.deps import require
    from proj.jupyter.sessions import list_running

    setup_logging(quiet=True)
    require("jupyter_core", feature="proj jupyter list")
    statuses = list_running()
    if json_output:
        import json

        typer.echo(
            json.dumps(
                [
                    {
                        "url": s.server.url,
                        "pid": s.server.pid,
                        "root_dir": str(s.server.root_dir),
                        "version": s.server.version,
                        "error": s.error,
                        "kernels": [k.as_dict() for k in s.kernels],
                    }
                    for s in statuses
                ],
                indent=2,
            )
        )
        return
    _render_servers(statuses)


def _describe_stopped(kernel: KernelSession) -> str:
    from rich.markup import escape

    what = f" of {kernel.path}" if kernel.path else ""
    return escape(f"{kernel.kernel_id} ({kernel.kernel_name}){what} on {kernel.server.url}")


def stop(
    target: str | None = typer.Argument(
        None,
        metavar="[KERNEL_ID|NOTEBOOK_PATH]",
        help="A kernel id (or its first characters) or a notebook path.",
    ),
    idle_for: float | None = typer.Option(
        None,
        "--idle-for",
        min=0,
        metavar="MINUTES",
        help="Stop kernels with no activity for at least this many minutes.",
    ),
    project: bool = typer.Option(False, "--project", help="Stop this project's kernels."),
) -> None:
    """Stop (unload) running kernels, freeing their memory; notebooks are kept.

    Criteria combine: `--project --idle-for 30` stops this project's kernels idle for
    half an hour or more.
    """
    from proj.cli.output import console, setup_logging
    from proj.jupyter.deps import require
    from proj.jupyter.sessions import list_running, select_kernels, stop_kernel

    if target is None and idle_for is None and not project:
        raise typer.BadParameter(
            "say which kernels to stop: a KERNEL_ID or NOTEBOOK_PATH, --idle-for MINUTES, "
            "or --project.",
            param_hint="KERNEL_ID|NOTEBOOK_PATH",
        )
    setup_logging(quiet=True)
    require("jupyter_core", feature="proj jupyter stop")
    kernel_name = None
    if project:
        from proj.framework import find_project
        from proj.jupyter.kernelspec import project_kernel_name

        kernel_name = project_kernel_name(find_project())
    chosen = select_kernels(
        list_running(), target=target, idle_for_minutes=idle_for, kernel_name=kernel_name
    )
    out = console()
    if not chosen:
        out.print("No running kernel matches; nothing stopped.")
        return
    for kernel in chosen:
        if stop_kernel(kernel):
            out.print(f"[green]Stopped[/] kernel {_describe_stopped(kernel)}")
        else:
            out.print(f"Kernel {_describe_stopped(kernel)} had already stopped")


def new(
    path: Path = typer.Argument(..., help="The notebook to create, e.g. notebooks/iris.ipynb."),
    dataset: str | None = typer.Option(
        None,
        "--dataset",
        "-d",
        help="A catalog dataset to build the notebook around.",
        autocompletion=complete_from_cache("datasets"),
    ),
    template: str | None = typer.Option(
        None,
        "--template",
        "-t",
        help="explore, blank, or one of notebooks/templates/ "
        "(default: explore with --dataset, else blank).",
    ),
    env: EnvOption = None,
) -> None:
    """Create a notebook from a template, selecting the project kernel; never overwrites."""
    from rich.markup import escape

    from proj.cli.output import console, setup_logging
    from proj.framework.envs import check_environment
    from proj.jupyter.notebooks import new_notebook

    setup_logging(quiet=True)
    written = new_notebook(
        path, check_environment(env), dataset=dataset, template=template, env=env
    )
    try:
        shown = written.relative_to(Path.cwd())
    except ValueError:
        shown = written
    console().print(f"[green]Created[/] {escape(str(shown))}")
    console().print("Open it with `proj jupyter lab` (the project kernel is selected).")
