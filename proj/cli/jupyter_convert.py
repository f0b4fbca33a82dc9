"""``proj jupyter convert``: notebook code into project code (a module, or a pipeline).

The command parses its options, calls :func:`proj.notebook.convert.convert_notebooks` or
:func:`proj.notebook.convert.convert_to_pipeline`, and prints what changed. Only typer is
imported at module level.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from proj.notebook.convert import ConversionReport
    from proj.notebook.verify import VerifyReport


def convert(
    notebooks: list[Path] | None = typer.Argument(
        None,
        help="Notebooks to convert (.ipynb).",
        metavar="NOTEBOOK",
        show_default=False,
    ),
    all_notebooks: bool = typer.Option(
        False, "--all", help="Convert every notebook under notebooks/ (cells tagged 'node')."
    ),
    to_pipeline: str | None = typer.Option(
        None,
        "--to-pipeline",
        metavar="NAME",
        help="Turn the whole notebook into the pipeline src/<package>/pipelines/NAME, "
        "with inputs and outputs inferred from the dataflow between cells.",
    ),
    split: str = typer.Option(
        "headings",
        "--split",
        metavar="headings|cells",
        help="With --to-pipeline: one node per Markdown heading (the code cells under "
        "it; cells before the first heading one node each) or one node per code cell. "
        "Tags 'skip', 'node' and 'node:NAME' override.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite files and catalog entries that were edited by hand."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show the changes as a unified diff; write nothing."
    ),
    verify: bool = typer.Option(
        False,
        "--verify",
        help="With --to-pipeline: run the notebook (nbclient, the project's kernel) and the "
        "new pipeline, and compare every value the pipeline persists with the notebook's "
        "final value of that name. Exit status 1 when one differs.",
    ),
    kernel: str | None = typer.Option(
        None,
        "--kernel",
        metavar="NAME",
        help="With --verify: the Jupyter kernel to run the notebook in "
        "(default: the project's, proj_<package>_<hash>; see `proj kernel install`).",
    ),
) -> None:
    """Convert notebook code into project code.

    Cells tagged 'node' become src/<package>/nodes/<notebook>.py, with the imports,
    helper functions, classes and constants their functions use.

    With --to-pipeline NAME the whole notebook becomes src/<package>/pipelines/NAME.
    Nodes: the code cells under a Markdown heading, up to the next heading, form one
    node named after it; code cells before the first heading are one node each
    (cell_<n>); --split cells gives one node per code cell. Cell tags override this:
    'skip' leaves a cell out, 'node' starts a new node, 'node:NAME' starts the node
    NAME, which the untagged cells after it join.

    A node's inputs are the names it reads that earlier cells define
    (catalog.load("x") reads the dataset x, params["a"] the parameter params:a);
    its outputs are the names it defines or changes in place that later cells read.
    Values nothing reads are saved through new entries in conf/base/catalog.yml.
    """
    from proj.cli.output import setup_logging

    setup_logging()
    paths = list(notebooks or [])
    _check_arguments(paths, all_notebooks=all_notebooks, to_pipeline=to_pipeline, split=split)
    if verify and (to_pipeline is None or dry_run):
        raise typer.BadParameter(
            "--verify needs --to-pipeline NAME and writes the pipeline (no --dry-run).",
            param_hint="--verify",
        )
    from proj.notebook.convert import convert_notebooks, convert_to_pipeline

    if to_pipeline is not None:
        report = convert_to_pipeline(
            paths[0],
            to_pipeline,
            split="cells" if split == "cells" else "headings",
            force=force,
            dry_run=dry_run,
        )
    else:
        report = convert_notebooks(None if all_notebooks else paths, force=force, dry_run=dry_run)
    _render(report, to_pipeline=to_pipeline)
    if verify and to_pipeline is not None:
        from proj.notebook.verify import verify_pipeline

        checked = verify_pipeline(paths[0], to_pipeline, kernel_name=kernel)
        _render_verify(checked)
        if not checked.ok:
            raise typer.Exit(1)


def _render_verify(report: VerifyReport) -> None:
    """The table of values compared: name, dataset, outcome (first difference)."""
    from rich.markup import escape
    from rich.table import Table

    from proj.cli.output import console

    table = Table(title=f"Notebook vs pipeline '{report.pipeline}'", title_justify="left")
    for column in ("value", "dataset", "result"):
        table.add_column(column, overflow="fold")
    styles = {"equal": "green", "different": "bold red", "not compared": "yellow"}
    for item in report.comparisons:
        text = f"[{styles[item.outcome]}]{item.outcome}[/]"
        if item.detail:
            text += f" ({escape(item.detail)})"
        table.add_row(escape(item.name), escape(item.dataset), text)
    out = console()
    if report.comparisons:
        out.print(table)
    else:
        out.print("Nothing to compare: the pipeline persists no value.")
    counts = dict.fromkeys(styles, 0)
    for item in report.comparisons:
        counts[item.outcome] += 1
    out.print(", ".join(f"{number} {kind}" for kind, number in counts.items()))
    if report.explanation:
        out.print(f"[yellow]Why they may differ:[/] {escape(report.explanation)}")


def _check_arguments(
    paths: list[Path], *, all_notebooks: bool, to_pipeline: str | None, split: str
) -> None:
    """Usage errors (exit status 2) for option combinations that make no sense."""
    if all_notebooks and paths:
        raise typer.BadParameter("give notebooks or --all, not both.", param_hint="NOTEBOOK")
    if not all_notebooks and not paths:
        raise typer.BadParameter("name at least one notebook, or use --all.", param_hint="NOTEBOOK")
    if split not in ("headings", "cells"):
        raise typer.BadParameter("must be 'headings' or 'cells'.", param_hint="--split")
    if to_pipeline is None:
        return
    if all_notebooks or len(paths) != 1:
        raise typer.BadParameter(
            "--to-pipeline converts exactly one notebook.", param_hint="--to-pipeline"
        )
    from proj.notebook.topipeline import PIPELINE_NAME

    if not PIPELINE_NAME.fullmatch(to_pipeline):
        raise typer.BadParameter(
            f"{to_pipeline!r} is not a valid pipeline name (lower-case letters, digits, "
            "underscores).",
            param_hint="--to-pipeline",
        )


def _render(report: ConversionReport, *, to_pipeline: str | None) -> None:
    """Print warnings (stderr), then each file's fate or, with --dry-run, its diff."""
    from rich.markup import escape

    from proj.cli.output import console

    out = console()
    err = console(stderr=True)
    for warning in report.warnings:
        err.print(f"[yellow]Warning:[/] {escape(warning)}")
    for change in report.changes:
        shown = escape(report.relative(change.path))
        if change.status == "unchanged":
            out.print(f"[dim]Unchanged[/] {shown}")
        elif report.dry_run:
            verb = "Would create" if change.status == "create" else "Would update"
            out.print(f"[bold]{verb}[/] {shown}")
            out.file.write(change.diff(report.root))
            out.file.flush()
        else:
            verb = "Created" if change.status == "create" else "Updated"
            out.print(f"[green]{verb}[/] {shown}")
    if not report.changes:
        out.print("Nothing to convert.")
    if to_pipeline is not None and not report.dry_run:
        for variable, dataset in report.persisted.items():
            out.print(f"  persists [bold]{escape(variable)}[/] as {escape(dataset)}")
        out.print(f"Run it with: [bold]proj run --pipeline {to_pipeline}[/]")
