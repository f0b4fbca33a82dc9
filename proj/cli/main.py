"""The ``proj`` command: a table of command groups loaded on demand, and the error boundary.

``proj --help``, ``proj --version`` and completion of command names read only the table
below; a command's module is imported when that command runs (STYLE.md 3, 5).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

import proj

if TYPE_CHECKING:
    # Click's Context, which typer re-exports only as the narrower typer.Context.
    Context = Any

#: Command name -> (module defining ``app``, one-line summary shown by ``proj --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "new": ("proj.cli.new", "Create a project from a template (the iris starter by default)."),
    "run": ("proj.cli.run", "Run the project's pipelines, or a slice of them."),
    "runs": (
        "proj.cli.runs",
        "List recorded runs, show or compare them, prune the data they kept.",
    ),
    "info": ("proj.cli.info", "Show versions, the current project and installed plugins."),
    "pipeline": ("proj.cli.pipeline", "List the project's pipelines and describe one."),
    "catalog": ("proj.cli.catalog", "List the datasets the pipelines use."),
    "ipython": ("proj.cli.ipython", "Start IPython with the project loaded."),
    "jupyter": ("proj.cli.jupyter", "Notebooks: Jupyter with the project kernel, convert, new."),
    "kernel": ("proj.cli.kernel", "Install, remove and list per-project Jupyter kernels."),
    "viz": ("proj.cli.viz", "Show the pipeline as an interactive graph."),
    "migrate": ("proj.cli.migrate", "Turn a Kedro project into a proj project, in place."),
}

#: The root option every command honours; typed after a command it is moved before it.
VERBOSE_FLAG = "--verbose"


def hoist_verbose(args: list[str]) -> list[str]:
    """Move ``--verbose`` typed after a command name (``proj run --verbose``) in front
    of it, where the root option is defined; arguments after ``--`` are left alone.

    Args:
        args: Command-line arguments without the program name.

    Returns:
        The same arguments, ``--verbose`` first if it appeared anywhere before ``--``.
    """
    end = args.index("--") if "--" in args else len(args)
    head = [arg for arg in args[:end] if arg != VERBOSE_FLAG]
    if len(head) == end:
        return list(args)
    return [VERBOSE_FLAG, *head, *args[end:]]


def _available(name: str) -> bool:
    return importlib.util.find_spec(COMMANDS[name][0]) is not None


class LazyGroup(TyperGroup):
    """A Typer group whose sub-commands come from :data:`COMMANDS`, imported on use."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_verbose(args))

    def list_commands(self, ctx: Context) -> list[str]:
        return [name for name in COMMANDS if _available(name)]

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS or not _available(cmd_name):
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command = typer.main.get_command(module.app)
        command.name = cmd_name
        return command

    def format_commands(self, ctx: Context, formatter: Any) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: Context, incomplete: str) -> list[Any]:
        # typer.core's public name for Click's item class (typer>=0.29 vendors Click).
        from typer.core import CompletionItem  # type: ignore[attr-defined]

        items = [
            CompletionItem(name, help=COMMANDS[name][1])
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        if not incomplete or incomplete.startswith("-"):
            for param in self.get_params(ctx):
                items.extend(param.shell_complete(ctx, incomplete))
            items = [item for item in items if item.value.startswith(incomplete)]
        return items


app = typer.Typer(
    cls=LazyGroup,
    name="proj",
    help="proj: data pipelines as projects, and a clean path between notebooks and pipelines.",
    rich_markup_mode=None,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"proj {proj.__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
    verbose: bool = typer.Option(
        False,
        VERBOSE_FLAG,
        "-v",
        help="Debug logs and full tracebacks, for every command (also accepted after "
        "the command name, e.g. proj run --verbose).",
    ),
) -> None:
    """proj: data pipelines as projects, and a clean path between notebooks and pipelines."""
    from proj.cli.output import set_verbose

    set_verbose(verbose or _verbose_from_env())


def _verbose_from_env() -> bool:
    return os.environ.get("PROJ_VERBOSE", "") not in ("", "0")


def _verbose_requested(argv: list[str]) -> bool:
    if VERBOSE_FLAG in argv or _verbose_from_env():
        return True
    from proj.cli.output import is_verbose

    return is_verbose()


def report_error(exc: BaseException, *, verbose: bool) -> None:
    """Print one red error block for a :class:`ProjError` (traceback with ``verbose``).

    Args:
        exc: The error to show.
        verbose: Show the full traceback (never with local variables).
    """
    from proj.cli.output import print_error

    print_error(exc, verbose=verbose)


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point of the ``proj`` console script; exits with the command's status.

    Exit codes: 0 success, 1 a :class:`proj.exceptions.ProjError` (one red line and a
    hint on stderr), 2 a usage error (including ``--env`` naming no configuration
    folder), 130 interrupted by Ctrl-C.

    Args:
        argv: Arguments without the program name; default ``sys.argv[1:]``.
    """
    from proj.exceptions import ProjError, UnknownEnvironmentError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="proj", standalone_mode=True)
    except UnknownEnvironmentError as exc:  # a wrong --env is a usage error
        report_error(exc, verbose=_verbose_requested(args))
        sys.exit(2)
    except ProjError as exc:
        report_error(exc, verbose=_verbose_requested(args))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    sys.exit(0)


def run_project(package_dir: str | os.PathLike[str], argv: list[str] | None = None) -> NoReturn:
    """``proj run`` for one project: what a project's ``__main__.py`` calls, so that
    ``python -m <package>`` and the project's console script run it.

    The project is the one holding ``package_dir`` (a source checkout); for a package
    installed elsewhere, the project around the working directory. The working
    directory moves to the project root when it is outside the project.

    Args:
        package_dir: The folder of the project's package (``Path(__file__).parent``).
        argv: ``proj run`` options; default ``sys.argv[1:]``.
    """
    from pathlib import Path

    from proj.exceptions import ProjError
    from proj.framework.project import find_project

    try:
        root: Path | None = find_project(Path(package_dir)).project_path
    except ProjError:
        root = None
    if root is not None and not Path.cwd().resolve().is_relative_to(root.resolve()):
        os.chdir(root)
    main(["run", *(sys.argv[1:] if argv is None else argv)])
