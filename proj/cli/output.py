"""Terminal output of the CLI: Rich consoles, the logging handler, error blocks."""

from __future__ import annotations

import functools
import logging
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import TracebackType

    from rich.console import Console


_state = {"verbose": False}


def set_verbose(verbose: bool) -> None:
    """Record the root ``--verbose`` option (set once per command by the root callback)."""
    _state["verbose"] = verbose


def is_verbose() -> bool:
    """Whether ``--verbose`` (or ``PROJ_VERBOSE=1``) was given to this command."""
    return _state["verbose"]


@functools.cache
def console(*, stderr: bool = False) -> Console:
    """The Rich console on stdout (or stderr), one per stream for the whole command.

    Sharing one console lets log records print above a live progress bar instead of
    through it.
    """
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def setup_logging(*, verbose: bool | None = None, quiet: bool = False) -> None:
    """Send proj's log records to Rich's handler on stderr (installed once).

    The one place the CLI configures logging. When a project is loaded, its own
    package's loggers share this handler (:mod:`proj.framework.logs`).

    Args:
        verbose: Show DEBUG records and full tracebacks; default: the root
            ``--verbose`` option.
        quiet: Show only warnings and errors.
    """
    from rich.logging import RichHandler

    verbose = is_verbose() if verbose is None else verbose
    from proj.redaction import RedactingFilter

    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    root = logging.getLogger("proj")
    for handler in list(root.handlers):
        if getattr(handler, "_proj_cli", False):
            root.removeHandler(handler)
    handler = RichHandler(
        console=console(stderr=True),
        show_path=verbose,
        show_time=True,
        omit_repeated_times=False,
        rich_tracebacks=True,
        tracebacks_show_locals=False,
        markup=False,
        log_time_format="[%X]",
    )
    handler._proj_cli = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setLevel(level)
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False


def print_error(exc: BaseException, *, verbose: bool = False) -> None:
    """Print ``Error: <message>`` and its hint in red on stderr; the traceback (never
    with local variables) only when ``verbose``.

    Args:
        exc: The error; its ``hint`` attribute is shown when present.
        verbose: Also show the traceback, including the chained cause.
    """
    from rich.markup import escape

    from proj.redaction import redact_text

    err = console(stderr=True)
    if verbose:
        print_traceback(exc, exc.__traceback__)
    message: Any = getattr(exc, "message", None) or str(exc)
    err.print(f"[bold red]Error:[/] [red]{escape(redact_text(str(message)))}[/]")
    hint = getattr(exc, "hint", None)
    if hint:
        err.print(f"[yellow]{escape(redact_text(str(hint)))}[/]")
    if not verbose and exc.__cause__ is not None and not hint:
        err.print("[dim]Run again with --verbose to see the traceback.[/]")
    sys.stderr.flush()


def print_traceback(exc: BaseException, tb: TracebackType | None) -> None:
    """Print a traceback on stderr, never with local variables, and with the exception
    messages of the whole chain passed through :func:`proj.redaction.redact_text`.

    Args:
        exc: The exception.
        tb: Where the shown traceback starts (``exc.__traceback__`` or a later frame).
    """
    from rich.traceback import Traceback

    from proj.redaction import redact_text

    err = console(stderr=True)
    trace = Traceback.extract(type(exc), exc, tb, show_locals=False)
    for stack in trace.stacks:
        stack.exc_value = redact_text(stack.exc_value)
        stack.notes = [redact_text(note) for note in stack.notes]
    err.print(Traceback(trace, width=err.width))
