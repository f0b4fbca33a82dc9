"""The project's own log lines: its ``logging.yml``, or its package's loggers shown
beside proj's.

Node code logs as libraries do (``logging.getLogger(__name__)`` in
``iris_demo/pipelines/x/nodes.py``). Those records must reach the person running the
project, as they do under Kedro, where most projects report their results this way.
When a session is created, :func:`configure_project_logging` either

* applies the project's logging configuration, when there is one: the file named by
  ``PROJ_LOGGING_CONFIG``, else ``<conf>/logging.yml`` (a :func:`logging.config.dictConfig`
  document, the format Kedro projects ship; ``disable_existing_loggers`` defaults to
  false so proj's own loggers keep working), or
* lets the project's package log at proj's level through the handlers proj's front end
  installed on the ``proj`` logger (the CLI's Rich handler, the notebook's cell handler).

No handler is created here (STYLE.md 9): only the front ends create them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from proj.exceptions import ProjectError

#: The environment variable naming a logging configuration file (YAML or JSON).
LOGGING_ENV_VAR = "PROJ_LOGGING_CONFIG"

#: Applied logging files -> modification time, so a file is applied once per change.
_applied: dict[Path, float] = {}


def logging_config_file(conf_source: Path) -> Path | None:
    """The logging configuration that applies: ``PROJ_LOGGING_CONFIG`` or
    ``<conf_source>/logging.yml`` (``.yaml``); None when there is none.

    Raises:
        ProjectError: ``PROJ_LOGGING_CONFIG`` names a file that does not exist.
    """
    named = os.environ.get(LOGGING_ENV_VAR)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ProjectError(
                f"{LOGGING_ENV_VAR}={named} does not name a file.",
                hint=f"Point {LOGGING_ENV_VAR} at a logging YAML file, or unset it.",
            )
        return path.resolve()
    for name in ("logging.yml", "logging.yaml"):
        if (conf_source / name).is_file():
            return (conf_source / name).resolve()
    return None


def _apply_file(path: Path) -> None:
    """``dictConfig`` a logging YAML file; errors name the file."""
    import logging.config

    from proj.config._yaml import load_yaml

    try:
        config: Any = load_yaml(path.read_text(encoding="utf-8"))
    except Exception as exc:
        raise ProjectError(
            f"Cannot read the logging configuration {path}: {exc}",
            hint="Fix the YAML, or move the file away to use proj's logging.",
        ) from exc
    if not isinstance(config, dict):
        raise ProjectError(f"The logging configuration {path} is not a mapping.")
    config.setdefault("version", 1)
    config.setdefault("disable_existing_loggers", False)
    try:
        logging.config.dictConfig(config)
    except (ValueError, TypeError, AttributeError, ImportError) as exc:
        raise ProjectError(
            f"The logging configuration {path} is invalid: {exc}",
            hint="See the logging.config.dictConfig schema in the Python documentation; "
            "a Kedro file's 'kedro.logging.RichHandler' becomes 'rich.logging.RichHandler'.",
        ) from exc


def configure_project_logging(package_name: str, conf_source: Path) -> Path | None:
    """Make the project's own log lines visible (see the module docstring).

    Args:
        package_name: The project's package; its loggers are ``<package>.*``.
        conf_source: The configuration folder (where ``logging.yml`` may be).

    Returns:
        The logging file applied, or None when the package's loggers now share the
        ``proj`` logger's handlers and level.

    Raises:
        ProjectError: The logging file is missing (``PROJ_LOGGING_CONFIG``), unreadable
            or invalid.
    """
    path = logging_config_file(conf_source)
    if path is not None:
        stamp = path.stat().st_mtime
        if _applied.get(path) != stamp:
            _apply_file(path)
            _applied[path] = stamp
        return path
    ours = logging.getLogger("proj")
    package = logging.getLogger(package_name)
    if not ours.handlers or package is ours:
        return None  # no front end installed a handler: leave logging as the user set it
    for handler in ours.handlers:
        if handler not in package.handlers:
            package.addHandler(handler)
    for handler in list(package.handlers):
        if getattr(handler, "_proj_cli", False) or getattr(handler, "_proj_ipython", False):
            if handler not in ours.handlers:
                package.removeHandler(handler)  # a front end's old handler, replaced since
    package.setLevel(ours.getEffectiveLevel())
    package.propagate = False
    return None
