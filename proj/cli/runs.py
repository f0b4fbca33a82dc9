"""``proj runs list`` and ``proj runs show``: the runs recorded in the project's run store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from proj.cli.completion import complete_from_cache

if TYPE_CHECKING:
    from proj.framework.introspect import RunSummary

app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="List recorded runs and show how one went."
)

#: Rich styles of run and node statuses.
STATUS_STYLES = {
    "success": "green",
    "failed": "red",
    "interrupted": "yellow",
    "running": "cyan",
    "pending": "dim",
    "skipped": "dim",
}


def _status(status: str) -> str:
    style = STATUS_STYLES.get(status, "")
    return f"[{style}]{status}[/]" if style else status


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    from datetime import datetime

    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M:%S")


def _seconds(duration: float | None) -> str:
    if duration is None:
        return "-"
    if duration < 60:
        return f"{duration:.2f} s"
    minutes, seconds = divmod(duration, 60)
    return f"{int(minutes)} min {seconds:.0f} s"


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


@app.command(name="list")
def list_runs(
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Show at most this many runs."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """List the most recent runs, newest first."""
    from proj.framework.introspect import recorded_runs

    runs = recorded_runs(limit)
    if as_json:
        _echo_json([summary.as_dict() for summary in runs])
        return
    from rich.table import Table

    from proj.cli.output import console

    out = console()
    if not runs:
        out.print("No run recorded yet. Start one with `proj run`.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Run", "Started", "Status", "Nodes", "Duration", "Pipelines", "Command"):
        table.add_column(column, no_wrap=column in ("Run", "Started"))
    for summary in runs:
        run = summary.run
        table.add_row(
            run.run_id,
            _when(run.started_at),
            _status(run.status),
            f"{summary.done}/{len(run.nodes)}",
            _seconds(run.duration),
            ",".join(run.pipelines),
            run.command or "",
        )
    out.print(table)


def _render_run(summary: RunSummary) -> None:
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    run = summary.run
    out = console()
    filters = {
        key: value
        for key, value in run.request.items()
        if key not in ("pipeline_names", "runner") and value not in (None, [], {}, False)
    }
    git = "-"
    if run.git_sha:
        git = run.git_sha[:12] + (" (uncommitted changes)" if run.git_dirty else "")
    lines = [
        ("Run", run.run_id),
        ("Status", _status(run.status)),
        ("Started", _when(run.started_at)),
        ("Duration", _seconds(run.duration)),
        ("Pipelines", ", ".join(run.pipelines)),
        ("Filters", escape(json.dumps(filters)) if filters else "-"),
        ("Runner", str(run.request.get("runner", "-"))),
        ("Env", run.env or "-"),
        ("Params", escape(json.dumps(run.params)) if run.params else "-"),
        ("Git", git),
        ("Command", escape(run.command or "-")),
    ]
    if run.resumed_from:
        lines.append(("Resumes", run.resumed_from))
    if run.error:
        lines.append(("Error", f"[red]{escape(run.error)}[/]"))
    for label, value in lines:
        out.print(f"[bold]{label + ':':<10}[/] {value}")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("#", "Node", "Status", "Started", "Duration", "Error"):
        table.add_column(column, justify="right" if column == "#" else "left")
    for node in run.nodes:
        table.add_row(
            str(node.position + 1),
            escape(node.name),
            _status(node.status),
            _when(node.started_at),
            _seconds(node.duration),
            escape(node.error or ""),
        )
    out.print()
    out.print(table)
    out.print(f"Completed: {summary.done} of {len(run.nodes)} node(s).")
    tracebacks = [(f"node {node.name}", node.traceback) for node in run.nodes if node.traceback]
    if run.traceback and not tracebacks:
        tracebacks.append(("the run", run.traceback))
    for label, text in tracebacks:
        out.print()
        out.print(f"[bold]Traceback of {escape(label)}:[/]")
        out.print(escape(text.rstrip()))


@app.command(name="show")
def show_run(
    run_id: str | None = typer.Argument(
        None,
        metavar="RUN_ID",
        help="The run (a unique prefix will do); default: the latest.",
        autocompletion=complete_from_cache("runs"),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """Show one run: its options, every node with status and duration, and the full
    traceback of what failed."""
    from proj.framework.introspect import recorded_run

    summary = recorded_run(run_id)
    if as_json:
        _echo_json(summary.as_dict())
        return
    _render_run(summary)
