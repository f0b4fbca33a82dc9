"""What ``proj run`` does once its options are parsed: run or resume, and render it."""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from proj.framework.session import RunRequest

if TYPE_CHECKING:
    from proj.exceptions import NodeFailedError
    from proj.framework import Session


@dataclass
class RunOptions:
    """The parsed options of ``proj run`` (see its ``--help``).

    Attributes:
        request: Pipelines, filters, load versions and ``--only-missing-outputs``.
        runner: The ``--runner`` name as typed.
    """

    request: RunRequest = field(default_factory=RunRequest)
    env: str | None = None
    params: str | dict[str, Any] | None = None
    runner: str = "sequential"
    max_workers: int | None = None
    is_async: bool = False
    conf_source: Path | None = None
    resume: bool = False
    dry_run: bool = False
    run_id: str | None = None
    quiet: bool = False
    verbose: bool = False
    command: str | None = None

    def slicing(self) -> dict[str, list[str]]:
        """The slicing flags given, by option name."""
        from proj.framework.session import RUN_FILTERS

        request = self.request
        flags = {"--pipeline": request.pipeline_names}
        flags |= {flag: getattr(request, name) for name, (_, flag) in RUN_FILTERS.items()}
        return {flag: values for flag, values in flags.items() if values}


class ProgressHooks:
    """Drives a Rich progress bar from node hooks: nodes done / total, current node."""

    def __init__(self, progress: Any, total: int) -> None:
        self.progress = progress
        self.task = progress.add_task("starting", total=total)

    def before_node_run(self, node: Any) -> None:
        self.progress.update(self.task, description=node.name)

    def after_node_run(self, node: Any) -> None:
        self.progress.advance(self.task)


def _check_usage(options: RunOptions) -> None:
    if options.run_id is not None and not options.resume:
        raise typer.BadParameter(
            f"Got an extra argument '{options.run_id}'. To resume a run, write "
            f"`proj run --resume {options.run_id}`.",
            param_hint="RUN_ID",
        )
    if options.dry_run and options.resume:
        raise typer.BadParameter(
            "--dry-run shows what a new run would do; it cannot be combined with --resume.",
            param_hint="--dry-run",
        )
    if options.resume:
        given = [*options.slicing(), *(["--params"] if options.params else [])]
        given += ["--env"] if options.env else []
        if given:
            raise typer.BadParameter(
                f"--resume repeats the original run's pipelines, filters, env and params; "
                f"it cannot be combined with {', '.join(given)}.",
                param_hint="--resume",
            )


def _runtime_params(options: RunOptions) -> dict[str, Any]:
    if not options.params:
        return {}
    if isinstance(options.params, dict):  # from the run: section of --config
        return dict(options.params)
    from proj.config import parse_params
    from proj.exceptions import ConfigError

    try:
        return parse_params(options.params)
    except ConfigError as exc:
        raise typer.BadParameter(exc.message, param_hint="--params") from exc


def _params_text(params: str | dict[str, Any]) -> str:
    """``--params`` as typed, or a mapping (from a config file or the run store) written
    as ``key=value`` pairs that parse back to it."""
    if isinstance(params, str):
        return params
    from proj.config.params import normalize_runtime_params

    return ",".join(_params_items(normalize_runtime_params(params)))


def _params_items(params: dict[str, Any], prefix: str = "") -> list[str]:
    """``--params`` items (``a.b=1``) that parse back to ``params``."""
    import json

    items: list[str] = []
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            items += _params_items(value, f"{name}.")
        elif isinstance(value, str):
            quote = '"' if "'" in value else "'"
            items.append(f"{name}={quote}{value}{quote}")
        else:
            items.append(f"{name}={json.dumps(value)}")
    return items


def _recorded_slice(run_id: str | None) -> tuple[RunRequest, str | None, str | None] | None:
    """The request, env and ``--params`` text of a recorded run, or None."""
    if run_id is None:
        return None
    from proj.exceptions import ProjError
    from proj.framework.introspect import recorded_run

    try:
        run = recorded_run(run_id).run
        request = RunRequest(**run.request)
    except (ProjError, TypeError):
        return None
    params = _params_text(run.params) or None
    return request, run.env, params


def _resume_commands(options: RunOptions, error: NodeFailedError) -> list[str]:
    """The two commands that finish a failed run: --resume, and the equivalent slice
    with the run's pipelines, filters, env and params (for a failed ``--resume``, those
    of the run it resumed, read from the run store)."""
    request, env, params = options.request, options.env, options.params
    recorded = _recorded_slice(error.run_id) if options.resume else None
    if recorded is not None:
        request, env, params = recorded
    parts = ["proj", "run"]
    for flag, values in replace(options, request=request).slicing().items():
        if flag != "--from-nodes":
            parts += [flag, ",".join(values)]
    if env:
        parts += ["--env", env]
    if params:
        parts += ["--params", _params_text(params)]
    if options.conf_source:
        parts += ["--conf-source", str(options.conf_source)]
    parts += ["--from-nodes", ",".join(error.resume_nodes)]
    return ["proj run --resume", shlex.join(parts)]


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the run stops the same way and is recorded
    ``interrupted``."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated


def _sigterm_as_interrupt() -> Any:
    """Make SIGTERM raise like Ctrl-C (main thread only); returns what undoes it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    return lambda: signal.signal(signal.SIGTERM, previous)


def _report_failure(options: RunOptions, error: NodeFailedError) -> None:
    """Print a failed node's error, its hint, and the commands that finish the run."""
    from proj.cli.output import console
    from proj.redaction import redact_text

    out = console(stderr=True)
    if options.verbose and error.__cause__ is not None:
        _print_traceback(error.__cause__)
    commands = _resume_commands(options, error)
    out.print(f"[bold red]Error:[/] [red]{_escape(error.message)}[/]")
    if error.hint:
        out.print(f"[red]{_escape(error.hint)}[/]")
    if error.run_id is not None and not options.verbose:
        out.print(f"Full traceback: [bold]proj runs show {error.run_id}[/]")
    out.print(f"{len(error.not_run)} node(s) did not run. Resume with:")
    out.print(f"  [bold]{_escape(commands[0])}[/]")
    out.print(f"  or: [bold]{_escape(redact_text(commands[1]))}[/]")


def execute(options: RunOptions) -> int:
    """Run (or resume) as the options say; render progress, a summary, or the failure.

    Args:
        options: Parsed ``proj run`` options.

    Returns:
        The exit status: 0, 1 when a node failed, 130 when interrupted by Ctrl-C,
        143 when stopped by SIGTERM (handled like Ctrl-C: the run is recorded
        ``interrupted`` and can be resumed).

    Raises:
        ProjError: Anything wrong before a node ran (project, config, names, data).
        typer.BadParameter: Options that contradict each other (exit 2).
    """
    from proj.cli.output import console
    from proj.exceptions import NodeFailedError
    from proj.runner import create_runner

    _check_usage(options)
    runtime_params = _runtime_params(options)
    runner = create_runner(
        options.runner, max_workers=options.max_workers, is_async=options.is_async
    )
    out = console(stderr=True)
    started = time.perf_counter()
    session: Session | None = None
    restore = _sigterm_as_interrupt()
    try:
        if options.resume:
            from proj.framework.resume import resume_run

            with _ProgressDisplay(options) as attach:
                record, outputs = resume_run(
                    options.run_id, runner=runner, command=options.command, on_session=attach
                )
            out.print(f"Resumed run {record.run_id}.")
        else:
            from proj.framework import Session

            session = Session.create(
                env=options.env,
                runtime_params=runtime_params,
                conf_source=options.conf_source,
                command=options.command,
            )
            if options.dry_run:
                _print_plan(session, options.request)
                return 0
            with _ProgressDisplay(options) as attach:
                attach(session)
                outputs = session.run_request(
                    replace(options.request, runner=type(runner).__name__), runner
                )
    except NodeFailedError as exc:
        _report_failure(options, exc)
        return 1
    except KeyboardInterrupt as exc:
        what = "stopped by SIGTERM" if isinstance(exc, _Terminated) else "interrupted"
        out.print(f"[yellow]Run {what}.[/] Resume it with: [bold]proj run --resume[/]")
        return 143 if isinstance(exc, _Terminated) else 130
    finally:
        restore()
    elapsed = time.perf_counter() - started
    if not options.quiet:
        summary = f"[green]Run finished[/] in {elapsed:.2f} s."
        if outputs:
            summary += f" In-memory outputs: {', '.join(sorted(outputs))}."
        out.print(summary)
    sys.stdout.flush()
    return 0


def _print_plan(session: Session, request: RunRequest) -> None:
    """Print, on stdout, the nodes a run would execute (with reasons for --only-stale)."""
    from proj.cli.output import console

    out = console()
    pipeline = session.select(request)
    if request.only_stale:
        plan = session.plan_stale(request, pipeline=pipeline)
        names, reasons = plan.to_run, plan.reasons
    else:
        names, reasons = [node.name for node in pipeline.nodes], {}
    if not names:
        out.print(f"Nothing would run: all {len(pipeline)} node(s) are up to date.")
        return
    out.print(f"Would run {len(names)} of {len(pipeline)} node(s):", highlight=False)
    for name in names:
        why = "; ".join(reasons.get(name, ()))
        out.print(f"  {_escape(name)}" + (f"  [dim]({_escape(why)})[/]" if why else ""))


def _print_traceback(error: BaseException) -> None:
    """Print the traceback of a node's exception from the user's code down: the frames
    of proj's runner above it say nothing about the user's bug."""
    import proj
    from proj.cli.output import print_traceback

    ours = str(Path(proj.__file__).parent)
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(ours):
        tb = tb.tb_next
    print_traceback(error, tb or error.__traceback__)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


class _ProgressDisplay:
    """Show a progress bar on a terminal while a session runs; yields ``attach(session)``
    that registers the bar's hooks once the session (and so the node count) is known."""

    def __init__(self, options: RunOptions) -> None:
        self.enabled = not options.quiet and sys.stderr.isatty()
        self.progress: Any = None

    def __enter__(self) -> Any:
        return self.attach

    def attach(self, session: Session) -> None:
        if not self.enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from proj.cli.output import console
        from proj.hooks import hook_impl

        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self.progress = progress

        class _Hooks:
            bar: ProgressHooks | None = None

            @hook_impl
            def before_pipeline_run(self, pipeline: Any) -> None:
                self.bar = ProgressHooks(progress, len(pipeline))
                progress.start()

            @hook_impl
            def before_node_run(self, node: Any) -> None:
                if self.bar is not None:
                    self.bar.before_node_run(node)

            @hook_impl
            def after_node_run(self, node: Any) -> None:
                if self.bar is not None:
                    self.bar.after_node_run(node)

        session.hook_manager.register(_Hooks(), name="proj-cli-progress")

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
