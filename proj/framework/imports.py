"""Importing a project's own modules with errors that point at the user's file and line."""

from __future__ import annotations

import importlib
import sys
import traceback
from typing import TYPE_CHECKING

from proj.exceptions import ProjectError

if TYPE_CHECKING:
    from pathlib import Path
    from types import ModuleType


def where_in_project(exc: BaseException, source_dir: Path) -> str:
    """The innermost ``file:line`` of a traceback that lies inside ``source_dir``.

    Args:
        exc: An exception raised while running project code.
        source_dir: The project's source folder.

    Returns:
        ``"path/to/file.py:12"``, or ``""`` when no frame is in the project.
    """
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}:{exc.lineno}"
    found = ""
    root = str(source_dir)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(root):
            found = f"{frame.filename}:{frame.lineno}"
    return found


def import_project_module(
    name: str, source_dir: Path, *, what: str, optional: bool = False
) -> ModuleType | None:
    """Import ``name`` from a project, turning any failure into a :class:`ProjectError`.

    Args:
        name: Dotted module name, e.g. ``"iris.settings"``.
        source_dir: The project's source folder (for locating the failing line).
        what: How to call the module in messages, e.g. ``"settings.py"``.
        optional: Return ``None`` when the module itself does not exist.

    Returns:
        The module, or ``None`` if it is optional and absent.

    Raises:
        ProjectError: The module is missing (and not optional) or raised on import;
            the message names the file and line and the original exception is chained.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name or (exc.name and name.startswith(exc.name + ".")):
            if optional:
                return None
            raise ProjectError(
                f"The project has no module {name} ({what}).",
                hint=f"Create {what} in {source_dir}.",
            ) from exc
        raise _wrap(exc, name, source_dir, what) from exc
    except Exception as exc:
        raise _wrap(exc, name, source_dir, what) from exc


def _wrap(exc: BaseException, name: str, source_dir: Path, what: str) -> ProjectError:
    sys.modules.pop(name, None)
    location = where_in_project(exc, source_dir)
    at = f" at {location}" if location else ""
    detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    return ProjectError(
        f"Cannot import {what} ({name}){at}: {type(exc).__name__}: {detail}",
        hint="Fix that line; run with --verbose to see the full traceback.",
    )
