"""``proj info``: versions, the current project and the installed plugins."""

from __future__ import annotations

import json

import typer

app = typer.Typer(add_completion=False)


@app.command(name="info")
def info(
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """Show the versions of proj, Python and key libraries, the project around the
    working directory, the dataset types usable here, and the installed plugins
    (packages adding proj hooks)."""
    from proj.framework.introspect import environment_info

    details = environment_info()
    if as_json:
        typer.echo(json.dumps(details.as_dict(), indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    out = console()
    out.print(f"[bold]proj[/] {details.proj_version}")
    out.print(f"Python {details.python_version} ({escape(details.python_executable)})")
    out.print(f"Platform {escape(details.platform)}")
    project = details.project
    if project is None:
        out.print("Project: [dim]none (not inside a proj project)[/]")
    else:
        out.print(
            f"Project: [bold]{escape(project.name)}[/] at {escape(project.path)} "
            f"(package {escape(project.package)})"
        )
    libraries = Table("Library", "Version", box=None, header_style="bold", pad_edge=False)
    for name, version in details.libraries.items():
        libraries.add_row(name, version or "[dim]not installed[/]")
    out.print()
    out.print(libraries)
    out.print()
    usable = [kind.name for kind in details.dataset_types if kind.available]
    out.print(f"Dataset types available here ({len(usable)}): {escape(', '.join(usable))}")
    missing: dict[str, list[str]] = {}
    for kind in details.dataset_types:
        if not kind.available and kind.extra:
            missing.setdefault(kind.extra, []).append(kind.name)
    for extra, names in missing.items():
        out.print(
            f"[dim]Not available: {escape(', '.join(names))} "
            f'(pip install "proj\\[{escape(extra)}]")[/]'
        )
    out.print(
        "kedro-datasets types: "
        + (
            "available through the bridge"
            if details.kedro_datasets
            else '[dim]not installed (pip install "proj\\[kedro-datasets]")[/]'
        )
    )
    out.print()
    if not details.plugins:
        out.print("Plugins: [dim]none installed[/]")
        return
    plugins = Table("Plugin", "Version", "Hooks", box=None, header_style="bold", pad_edge=False)
    for plugin in details.plugins:
        plugins.add_row(escape(plugin.name), plugin.version, escape(", ".join(plugin.hooks)))
    out.print(plugins)
