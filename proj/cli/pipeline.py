"""``proj pipeline list`` and ``proj pipeline describe NAME``: the registered pipelines."""

from __future__ import annotations

import json

import typer

from proj.cli.completion import complete_from_cache

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="List the project's pipelines and describe one.",
)


@app.command(name="list")
def list_pipelines(
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """List the registered pipelines with their size, tags, inputs and outputs."""
    from proj.framework.introspect import list_pipelines as summaries

    pipelines = summaries()
    if as_json:
        typer.echo(json.dumps([summary.as_dict() for summary in pipelines], indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Pipeline", "Nodes", "Tags", "Inputs", "Outputs"):
        table.add_column(column, justify="right" if column == "Nodes" else "left")
    for summary in pipelines:
        table.add_row(
            escape(summary.name),
            str(summary.nodes),
            escape(", ".join(summary.tags)),
            escape(", ".join(summary.inputs)),
            escape(", ".join(summary.outputs)),
        )
    console().print(table)


@app.command(name="describe")
def describe(
    name: str = typer.Argument(
        "__default__",
        metavar="[NAME]",
        help="A registered pipeline (default: __default__).",
        autocompletion=complete_from_cache("pipelines"),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """Show a pipeline's nodes in run order with their inputs, outputs and tags."""
    from proj.framework.introspect import describe_pipeline

    description = describe_pipeline(name)
    if as_json:
        typer.echo(json.dumps(description.as_dict(), indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    summary = description.summary
    out = console()
    out.print(f"[bold]Pipeline {escape(summary.name)}[/]: {summary.nodes} node(s)")
    out.print(f"Inputs: {escape(', '.join(summary.inputs)) or '-'}")
    out.print(f"Parameters: {escape(', '.join(summary.parameters)) or '-'}")
    out.print(f"Outputs: {escape(', '.join(summary.outputs)) or '-'}")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("#", "Node", "Inputs", "Outputs", "Tags"):
        table.add_column(column, justify="right" if column == "#" else "left")
    for number, node in enumerate(description.nodes, start=1):
        table.add_row(
            str(number),
            escape(node.name),
            escape(", ".join(node.inputs)),
            escape(", ".join(node.outputs)),
            escape(", ".join(node.tags)),
        )
    out.print()
    out.print(table)
