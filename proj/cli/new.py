"""``proj new``: scaffold a project from the template."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command(name="new")
def new(
    name: str = typer.Argument(..., help="The project's name, e.g. 'Iris Demo'."),
    starter: str = typer.Option(
        "iris",
        "--starter",
        "-s",
        help="Starter to include: iris (pipelines on real data) or empty.",
    ),
    package_name: str | None = typer.Option(
        None, "--package-name", help="The Python package name; default: derived from NAME."
    ),
    directory: Path = typer.Option(
        Path("."), "--directory", "-d", help="Where to create the project folder."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not prompt; accept defaults."),
) -> None:
    """Create a project folder with conf/, data/, notebooks/, src/<package>/ and tests/."""
    from proj.cli.output import console, setup_logging
    from proj.framework.scaffold import create_project, derive_names

    setup_logging()
    _repo_name, default_package = derive_names(name)
    if not yes and sys.stdin.isatty():
        package_name = typer.prompt("Package name", default=package_name or default_package)
        starter = typer.prompt("Starter (iris, empty)", default=starter)
    path = create_project(name, output_dir=directory, starter=starter, package_name=package_name)
    out = console()
    out.print(f"[green]Created[/] {path}")
    out.print(f"Next: [bold]cd {path.name} && proj run[/]")
