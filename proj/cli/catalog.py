"""``proj catalog list``: the datasets the pipelines use, their types and their nodes."""

from __future__ import annotations

import json

import typer

from proj.cli.completion import complete_from_cache
from proj.cli.options import EnvOption, split_names

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="List the datasets the pipelines use."
)


@app.callback()
def catalog() -> None:
    """The project's data catalog."""


@app.command(name="list")
def list_datasets(
    pipeline: list[str] | None = typer.Option(
        None,
        "--pipeline",
        "-p",
        help="Only the datasets of these pipelines (default: all). Comma-separated; "
        "may be repeated.",
        autocompletion=complete_from_cache("pipelines"),
    ),
    env: EnvOption = None,
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """List datasets with their type and the nodes reading and writing them.

    Datasets the pipelines use but the catalog does not declare are shown as
    MemoryDataset (held in memory during a run); parameters are listed apart.
    """
    from proj.framework.introspect import list_catalog

    listing = list_catalog(split_names(pipeline), env=env)
    if as_json:
        typer.echo(json.dumps(listing.as_dict(), indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    out = console()
    out.print(
        f"Datasets of {escape(', '.join(listing.pipelines)) or 'no pipeline'} "
        f"(env {escape(listing.env or '-')})"
    )
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Dataset", "Type", "Declared", "Written by", "Read by", "Filepath"):
        table.add_column(column)
    for dataset in listing.datasets:
        declared = {"catalog": "yes", "pattern": "by pattern", "memory": "[dim]memory[/]"}
        table.add_row(
            escape(dataset.name),
            escape(dataset.type),
            declared.get(dataset.source, dataset.source),
            escape(", ".join(dataset.written_by)) or "-",
            escape(", ".join(dataset.read_by)) or "-",
            escape(dataset.filepath or "-"),
        )
    out.print(table)
    if listing.parameters:
        params = Table("Parameter", "Read by", box=None, header_style="bold", pad_edge=False)
        for parameter in listing.parameters:
            params.add_row(escape(parameter.name), escape(", ".join(parameter.read_by)) or "-")
        out.print()
        out.print(params)
