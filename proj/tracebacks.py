"""Where an exception was raised in the user's code, and its traceback as text.

A failing node or hook is reported in one line that names the file and line of the
user's code that raised (``src/demo/nodes.py:12``); the full traceback goes to the run
store. "The user's code" is every frame outside proj itself, the standard library and
installed packages (``site-packages``), so the line shown is the deepest line the user
wrote, even when the exception came from deep inside pandas.

Exceptions raised in worker processes (``ParallelRunner``, ``DaskRunner``) lose their
frames on the way back; :func:`remember_origin` is called in the worker and stores the
location and the text on the exception itself, where pickling keeps them.

Nothing here imports more than the standard library.
"""

from __future__ import annotations

import functools
import os
import sys
import sysconfig
import traceback
from pathlib import Path

#: Attributes set on an exception by :func:`remember_origin` (kept by pickling).
_WHERE = "__proj_where__"
_TEXT = "__proj_traceback__"


@functools.cache
def _not_user_roots() -> tuple[str, ...]:
    """Folders whose files are never the user's code: proj, stdlib, installed packages."""
    roots = {str(Path(__file__).resolve().parent)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(str(Path(path).resolve()))
    roots.update(str(Path(entry).resolve()) for entry in sys.path if entry.endswith("-packages"))
    return tuple(sorted(roots))


def _is_user_file(filename: str) -> bool:
    if not filename or filename.startswith("<"):
        return False
    try:
        resolved = str(Path(filename).resolve())
    except OSError:  # pragma: no cover - a path the OS refuses to resolve
        return False
    return not any(
        resolved == root or resolved.startswith(root + os.sep) for root in _not_user_roots()
    )


def _shown(filename: str) -> str:
    """A file name relative to the working directory when it lies inside it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename
    return filename if relative.startswith(os.pardir) else relative


def raised_at(error: BaseException) -> str | None:
    """The ``file:line`` of the deepest frame of the user's code in ``error``'s traceback.

    Args:
        error: An exception that was raised (it has a traceback), or one that came back
            from a worker process with :func:`remember_origin` applied.

    Returns:
        For example ``"src/demo/nodes.py:12"`` (relative to the working directory when
        inside it), or None when no frame belongs to the user's code.
    """
    remembered = getattr(error, _WHERE, None)
    if isinstance(remembered, str):
        return remembered
    found: tuple[str, int] | None = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if _is_user_file(filename):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return None
    return f"{_shown(found[0]).replace(os.sep, '/')}:{found[1]}"


def traceback_text(error: BaseException) -> str:
    """The full traceback of ``error`` as text, chained causes included, no locals.

    Args:
        error: The exception.

    Returns:
        The text ``traceback.format_exception`` gives, or the text a worker process
        recorded with :func:`remember_origin`.
    """
    remembered = getattr(error, _TEXT, None)
    if isinstance(remembered, str):
        return remembered
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def first_line(error: BaseException, limit: int = 300) -> str:
    """``"ExceptionType: first line of the message"``, at most ``limit`` characters.

    For proj's own errors the message is taken without its hint (the hint is a line of
    its own, which callers pass on as a hint).
    """
    message_attribute = getattr(error, "message", None)
    text = (message_attribute if isinstance(message_attribute, str) else str(error)).strip()
    lines = text.splitlines()
    message = lines[0] if lines else ""
    if len(lines) > 1 or len(message) > limit:
        message = message[:limit].rstrip() + " ..."
    name = type(error).__name__
    return f"{name}: {message}" if message else name


def origin_remembered(error: BaseException) -> bool:
    """Whether :func:`remember_origin` marked ``error`` (it was raised in a worker's
    node function, not on the way between processes)."""
    return isinstance(getattr(error, _TEXT, None), str)


def remember_origin(error: BaseException) -> BaseException:
    """Store where ``error`` was raised and its traceback text on the exception itself.

    Call it in a worker process before the exception travels back pickled; the main
    process then reads both with :func:`raised_at` and :func:`traceback_text`.

    Args:
        error: The exception, still carrying its traceback.

    Returns:
        The same exception.
    """
    try:
        setattr(error, _WHERE, raised_at(error))
        setattr(error, _TEXT, traceback_text(error))
    except AttributeError:  # pragma: no cover - an exception type with __slots__
        pass
    return error
