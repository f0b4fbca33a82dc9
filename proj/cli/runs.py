"""``proj runs list|show|diff|prune``: the runs recorded in the project's run store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer

from proj.cli.completion import complete_from_cache

if TYPE_CHECKING:
    from proj.framework.introspect import RunSummary

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="List recorded runs, show or compare them, prune the data they kept.",
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


@app.command(name="diff")
def diff(
    run_a: str = typer.Argument(
        ...,
        metavar="RUN_A",
        help="The earlier run (a unique prefix will do).",
        autocompletion=complete_from_cache("runs"),
    ),
    run_b: str = typer.Argument(
        ...,
        metavar="RUN_B",
        help="The later run.",
        autocompletion=complete_from_cache("runs"),
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """Show the nodes whose status, duration, fingerprint or output row counts differ
    between two runs."""
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console
    from proj.framework.run_history import diff_runs

    result = diff_runs(run_a, run_b)
    if as_json:
        _echo_json(result.as_dict())
        return
    out = console()
    out.print(
        f"[bold]A:[/] {result.run_a.run_id} ({_status(result.run_a.status)})   "
        f"[bold]B:[/] {result.run_b.run_id} ({_status(result.run_b.status)})"
    )
    if not result.nodes:
        out.print("No node differs in status, duration, fingerprint or row counts.")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("Node", "Status A -> B", "Duration A -> B", "What changed"):
        table.add_column(column)
    for node in result.nodes:
        status = " -> ".join(_status(s) if s else "-" for s in node.status)
        duration = " -> ".join(_seconds(d) for d in node.duration)
        changed = "; ".join(node.changes)
        if not changed and "fingerprint" in node.differs:
            changed = "fingerprint recorded in one run only"
        rows = [
            f"{name} rows {'-' if a is None else a} -> {'-' if b is None else b}"
            for name, (a, b) in node.rows.items()
        ]
        changed = "; ".join(part for part in (changed, *rows) if part)
        table.add_row(escape(node.name), status, duration, escape(changed or "-"))
    out.print(table)


@app.command(name="prune")
def prune(
    keep: int | None = typer.Option(
        None, "--keep", min=0, help="Keep the kept data of this many most recent runs."
    ),
    older_than: float | None = typer.Option(
        None, "--older-than", min=0, help="Remove the kept data of runs older than DAYS."
    ),
) -> None:
    """Remove the in-memory data that runs kept (--keep-intermediates) under .proj/runs/.

    With no option, all kept data goes. The run records stay in the run store.
    """
    from proj.cli.output import console
    from proj.framework.run_history import prune_kept_data

    removed = prune_kept_data(keep=keep, older_than_days=older_than)
    out = console()
    if not removed:
        out.print("No kept data to remove.")
        return
    out.print(f"Removed the kept data of {len(removed)} run(s): {', '.join(removed)}.")
