"""``proj kernel``: install, remove and list per-project Jupyter kernel specs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from proj.cli.options import EnvOption

if TYPE_CHECKING:
    from proj.jupyter.kernelspec import KernelSpecInfo

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Install, remove and list per-project Jupyter kernels.",
)


@app.command(name="install")
def install(
    env: EnvOption = None,
    name: str | None = typer.Option(
        None, "--name", help="Kernel name (default: proj_<package>_<folder hash>)."
    ),
    display_name: str | None = typer.Option(
        None,
        "--display-name",
        help="Name shown in Jupyter (default: 'Proj (<package>) <parent>/<folder>').",
    ),
) -> None:
    """Install this project's kernel for the current user, replacing an older one.

    The kernel runs this Python with the project loaded (catalog, context, pipelines,
    session), whatever folder the notebook is in.
    """
    from rich.markup import escape

    from proj.cli.output import console, setup_logging
    from proj.framework.envs import check_environment
    from proj.jupyter.kernelspec import install_kernel

    setup_logging(quiet=True)
    info = install_kernel(check_environment(env), env=env, name=name, display_name=display_name)
    out = console()
    out.print(
        f"[green]Installed[/] kernel [bold]{escape(info.name)}[/] ({escape(info.display_name)})"
    )
    out.print(f"  in {escape(str(info.resource_dir))}")
    out.print(f"  runs {escape(info.interpreter)}" + (f" with env {escape(env)}" if env else ""))


@app.command(name="remove")
def remove(
    name: str | None = typer.Argument(
        None, help="Kernel name (default: this project's, proj_<package>_<folder hash>)."
    ),
    force: bool = typer.Option(False, "--force", help="Also remove a kernel proj did not make."),
) -> None:
    """Remove a kernel spec (by default this project's)."""
    from rich.markup import escape

    from proj.cli.output import console, setup_logging
    from proj.jupyter.kernelspec import project_kernel_name, remove_kernel

    setup_logging(quiet=True)
    if name is None:
        from proj.framework import find_project

        name = project_kernel_name(find_project())
    removed = remove_kernel(name, force=force)
    console().print(f"[green]Removed[/] kernel [bold]{escape(name)}[/] ({escape(str(removed))})")


@app.command(name="list")
def list_kernels(
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List every Jupyter kernel spec, flagging those whose interpreter is gone.

    proj's specs show their project and interpreter; a spec whose project folder is gone
    is flagged too.
    """
    from proj.cli.output import setup_logging
    from proj.jupyter.kernelspec import list_kernels as find_all

    setup_logging(quiet=True)
    infos = find_all()
    if json_output:
        import json

        typer.echo(
            json.dumps(
                [
                    {
                        "name": i.name,
                        "display_name": i.display_name,
                        "resource_dir": str(i.resource_dir),
                        "interpreter": i.interpreter,
                        "interpreter_exists": i.interpreter_exists,
                        "made_by_proj": i.made_by_proj,
                        "project_path": str(i.project_path) if i.project_path else None,
                        "project_exists": i.project_exists if i.made_by_proj else None,
                        "env": i.env,
                    }
                    for i in infos
                ],
                indent=2,
            )
        )
        return
    _render(infos)


def _render(infos: list[KernelSpecInfo]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("Name", "Display name", "Project", "Interpreter", "Status"):
        table.add_column(column, overflow="fold")
    broken = 0
    for info in infos:
        problems = []
        if not info.interpreter_exists:
            problems.append("interpreter missing")
        if info.made_by_proj and not info.project_exists:
            problems.append("project missing")
        broken += bool(problems)
        status = "[red]" + ", ".join(problems) + "[/]" if problems else "[green]ok[/]"
        table.add_row(
            escape(info.name) + (" [dim](proj)[/]" if info.made_by_proj else ""),
            escape(info.display_name),
            escape(str(info.project_path)) if info.project_path else "-",
            escape(info.interpreter),
            status,
        )
    out = console()
    if not infos:
        out.print("No kernel specs found.")
        return
    out.print(table)
    if broken:
        out.print(
            f"[yellow]{broken} kernel(s) point at something that no longer exists: "
            "reinstall with `proj kernel install` in the project, or `proj kernel remove NAME`.[/]"
        )
