"""Checking a requested configuration environment before a command does anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from proj.framework.project import bootstrap_project
from proj.framework.settings import load_settings

if TYPE_CHECKING:
    from proj.framework.project import ProjectMetadata


def check_environment(
    env: str | None,
    start: str | Path | None = None,
    *,
    conf_source: str | Path | None = None,
) -> ProjectMetadata:
    """Fail early when ``env`` names no folder of the project's configuration source.

    Commands that only pass the environment on (``proj ipython``, ``proj kernel install``,
    ``proj jupyter lab``) would otherwise start with it and fail later, or never.
    Nothing is loaded: the check builds a :class:`~proj.config.ConfigLoader`, whose
    constructor only looks at folders.

    Args:
        env: The requested environment (``--env``); None checks nothing beyond finding
            the project.
        start: A folder inside the project (default: the working directory).
        conf_source: A configuration folder given instead of the settings' one.

    Returns:
        The project's metadata.

    Raises:
        UnknownEnvironmentError: ``env`` has no folder; the message lists those there are.
        ConfigError: ``env`` is not a plain folder name, or the configuration folder
            or its base environment is missing.
        ProjectNotFoundError: ``start`` is in no project.
        ProjectError: settings.py cannot be loaded.
    """
    metadata = bootstrap_project(start)
    if env is None:
        return metadata
    from proj.config import ConfigLoader

    settings = load_settings(metadata)
    conf = (
        Path(conf_source).resolve()
        if conf_source is not None
        else settings.conf_path(metadata.project_path)
    )
    args = settings.config_loader_args
    ConfigLoader(
        conf,
        env=env,
        base_env=str(args.get("base_env", "base")),
        default_run_env=args.get("default_run_env", "local"),
    )
    return metadata
