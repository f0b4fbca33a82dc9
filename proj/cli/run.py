"""``proj run``: run the project's pipelines, a slice of them, or resume a failed run."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer

from proj.cli.completion import complete_from_cache
from proj.cli.options import EnvOption, parse_pairs, split_names

app = typer.Typer(add_completion=False)

_LIST = "Comma-separated; may be repeated."


def _read_config(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> None:
    """``--config run.yml``: the file's ``run:`` section becomes the options' defaults
    (options typed on the command line win)."""
    if value is None:
        return
    from proj.cli.run_config import read_run_config

    defaults, params = read_run_config(value, [p.name or "" for p in ctx.command.params])
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    if params is not None:
        ctx.meta["proj.run.config_params"] = params


@app.command(name="run")
def run(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None,
        "--config",
        "-c",
        is_eager=True,
        callback=_read_config,
        help="A YAML file whose run: section gives defaults for these options "
        "(options typed here win).",
    ),
    pipeline: list[str] | None = typer.Option(
        None,
        "--pipeline",
        "--pipelines",
        "-p",
        help=f"Pipelines to run (union). {_LIST}",
        autocompletion=complete_from_cache("pipelines"),
    ),
    tags: list[str] | None = typer.Option(
        None,
        "--tags",
        "-t",
        help=f"Run nodes with any of these tags. {_LIST}",
        autocompletion=complete_from_cache("tags"),
    ),
    nodes: list[str] | None = typer.Option(
        None,
        "--nodes",
        "-n",
        help=f"Run only these nodes. {_LIST}",
        autocompletion=complete_from_cache("nodes"),
    ),
    from_nodes: list[str] | None = typer.Option(
        None,
        "--from-nodes",
        help=f"Run these nodes and all downstream. {_LIST}",
        autocompletion=complete_from_cache("nodes"),
    ),
    to_nodes: list[str] | None = typer.Option(
        None,
        "--to-nodes",
        help=f"Run these nodes and all upstream. {_LIST}",
        autocompletion=complete_from_cache("nodes"),
    ),
    from_inputs: list[str] | None = typer.Option(
        None,
        "--from-inputs",
        help=f"Run nodes that depend on these datasets. {_LIST}",
        autocompletion=complete_from_cache("datasets"),
    ),
    to_outputs: list[str] | None = typer.Option(
        None,
        "--to-outputs",
        help=f"Run nodes needed to produce these datasets. {_LIST}",
        autocompletion=complete_from_cache("datasets"),
    ),
    namespaces: list[str] | None = typer.Option(
        None,
        "--namespaces",
        "-ns",
        help=f"Run nodes in these namespaces. {_LIST}",
        autocompletion=complete_from_cache("namespaces"),
    ),
    env: EnvOption = None,
    params: list[str] | None = typer.Option(
        None,
        "--params",
        help="Override parameters: a=1,b.c=x,m={x: 1},l=[1, 2] (YAML values). May be "
        "repeated; later items win.",
    ),
    load_versions: list[str] | None = typer.Option(
        None,
        "--load-versions",
        "-lv",
        help=f"Load these dataset versions: ds:version. {_LIST}",
    ),
    runner: str = typer.Option(
        "sequential",
        "--runner",
        "-r",
        help="sequential, thread, parallel, dask, ipyparallel, or a dotted path to a runner class.",
    ),
    max_workers: int | None = typer.Option(
        None,
        "--max-workers",
        min=1,
        help="Workers (or nodes in flight) for the thread, parallel, dask or ipyparallel runner.",
    ),
    is_async: bool = typer.Option(
        False, "--async", help="Load and save each node's data concurrently."
    ),
    runner_params: str | None = typer.Option(
        None,
        "--runner-params",
        help="Runner arguments as key=value pairs: max_workers=4,is_async=true "
        "(--max-workers and --async win).",
    ),
    only_missing_outputs: bool = typer.Option(
        False,
        "--only-missing-outputs",
        help="Run only nodes with a missing persisted output, and what depends on them.",
    ),
    only_stale: bool = typer.Option(
        False,
        "--only-stale",
        help="Run only nodes whose code, parameters or inputs changed since their last "
        "successful run, whose outputs are missing or that never ran, and what depends on "
        "them.",
    ),
    keep_intermediates: bool = typer.Option(
        False,
        "--keep-intermediates",
        help="Keep in-memory datasets under .proj/runs/<run_id>/ for --resume, --only-stale "
        "and %load_node --run (`proj runs prune` removes them).",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the nodes that would run (and why), run nothing."
    ),
    conf_source: Path | None = typer.Option(
        None, "--conf-source", help="Use this configuration folder instead of conf/."
    ),
    resume: bool = typer.Option(
        False,
        "--resume",
        help="Resume the last failed or interrupted run (or RUN_ID): re-run only the nodes "
        "that did not complete, with the same pipelines, filters, env and params.",
    ),
    run_id: str | None = typer.Argument(
        None,
        metavar="RUN_ID",
        help="With --resume: the run to resume (a prefix will do).",
        autocompletion=complete_from_cache("runs"),
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only warnings and errors."),
) -> None:
    """Run the project's pipelines (default: __default__), or a slice of them.

    Filters intersect. Each run is recorded in .proj/runs.db; a failed run prints the
    commands that resume it.
    """
    from proj.cli.output import is_verbose, setup_logging
    from proj.cli.run_config import runner_arguments
    from proj.cli.running import RunOptions, execute
    from proj.framework.session import RunRequest

    setup_logging(quiet=quiet)
    max_workers, is_async = runner_arguments(
        runner_params,
        max_workers=max_workers,
        is_async=is_async,
        async_given=getattr(ctx.get_parameter_source("is_async"), "name", "") != "DEFAULT",
    )
    from proj.framework.envs import check_environment

    # Puts the project's package on sys.path too, so that --runner my_pkg.runners.R
    # imports from the project before the session exists.
    check_environment(env, conf_source=conf_source)
    request = RunRequest(
        pipeline_names=split_names(pipeline),
        tags=split_names(tags),
        node_names=split_names(nodes),
        from_nodes=split_names(from_nodes),
        to_nodes=split_names(to_nodes),
        from_inputs=split_names(from_inputs),
        to_outputs=split_names(to_outputs),
        namespaces=split_names(namespaces),
        load_versions=parse_pairs(load_versions, option="--load-versions"),
        only_missing_outputs=only_missing_outputs,
        only_stale=only_stale,
        keep_intermediates=keep_intermediates,
    )
    options = RunOptions(
        request=request,
        env=env,
        params=",".join(params) if params else ctx.meta.get("proj.run.config_params"),
        runner=runner,
        max_workers=max_workers,
        is_async=is_async,
        conf_source=conf_source,
        resume=resume,
        dry_run=dry_run,
        run_id=run_id,
        quiet=quiet,
        verbose=is_verbose(),
        command=shlex.join(["proj", *sys.argv[1:]]),
    )
    code = execute(options)
    if code:
        raise typer.Exit(code)
