"""``proj migrate [PATH] [--dry-run] [--yes]``: turn a Kedro project into a proj project."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command(name="migrate")
def migrate(
    path: Path = typer.Argument(
        Path("."), help="The Kedro project's folder (the one with pyproject.toml)."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the unified diff of every change and write nothing."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Write the changes without asking."),
) -> None:
    """Turn a Kedro project (0.19 or 1.x) into a proj project, in place.

    Rewrites Kedro imports, [tool.kedro], the kedro.hooks entry points, KedroSession,
    catalog dataset types and the kedro dependency; lists what it could not port, by
    file:line. Running it again changes nothing.
    """
    from rich.markup import escape

    from proj.cli.output import console, setup_logging
    from proj.framework.migrate import apply_migration, plan_migration

    setup_logging()
    plan = plan_migration(path)
    out = console()
    root = plan.root
    if dry_run:
        diff = plan.diff()
        if diff:
            sys.stdout.write(diff)
            sys.stdout.flush()
    if not plan.edits:
        out.print(
            "Nothing to change: "
            + (
                "the project is already a proj project."
                if plan.already_proj
                else "no Kedro use found."
            )
        )
    else:
        out.print(f"[bold]{len(plan.edits)} file(s) to change[/] in {escape(str(root))}:")
        for edit in plan.edits:
            out.print(f"  [bold]{escape(str(edit.path.relative_to(root)))}[/]")
            for note in edit.notes:
                out.print(f"    {escape(note)}")
    if plan.unported:
        out.print(f"[yellow]{len(plan.unported)} thing(s) to port by hand:[/]")
        for item in plan.unported:
            out.print(f"  {escape(item.where(root))}: {escape(item.what)}")
            out.print(f"    [dim]{escape(item.todo)}[/]")
    if dry_run or not plan.edits:
        return
    if not yes:
        if not sys.stdin.isatty():
            out.print("[yellow]Nothing written.[/] Run with --yes to write these changes.")
            raise typer.Exit(1)
        if not typer.confirm("Write these changes?", default=False):
            out.print("Nothing written.")
            raise typer.Exit(1)
    written = apply_migration(plan)
    out.print(
        f"[green]Migrated[/] {len(written)} file(s). Next: `pip install -e .` (or "
        "`pip install proj`), then `proj run`."
    )
