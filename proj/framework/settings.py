"""A project's settings: the optional ``<package>/settings.py`` and its defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import ProjectError
from proj.framework.imports import import_project_module

if TYPE_CHECKING:
    from proj.framework.project import ProjectMetadata


@dataclass(frozen=True)
class Settings:
    """Project settings, read from upper-case names in ``settings.py``.

    Attributes:
        hooks: ``HOOKS``: hook implementation instances to register.
        conf_source: ``CONF_SOURCE``: the configuration folder, relative to the project
            root unless absolute (default ``conf``).
        run_store_path: ``RUN_STORE_PATH``: the SQLite run store, relative to the project
            root unless absolute (default ``.proj/runs.db``); ``None`` disables it.
        config_loader_args: ``CONFIG_LOADER_ARGS``: keyword arguments for
            :class:`proj.config.ConfigLoader` (``base_env``, ``default_run_env``,
            ``config_patterns``, ``merge_strategy``).
        disable_hooks_for_plugins: ``DISABLE_HOOKS_FOR_PLUGINS``: distribution names whose
            entry-point hooks are not loaded.
        keep_intermediates: ``KEEP_INTERMEDIATES``: keep every run's in-memory datasets
            under ``.proj/runs/<run_id>/`` (as ``proj run --keep-intermediates`` does).
        keep_intermediates_max_bytes: ``KEEP_INTERMEDIATES_MAX_BYTES``: at most this many
            bytes kept per run (default 1 GB).
    """

    hooks: tuple[Any, ...] = ()
    conf_source: str = "conf"
    run_store_path: str | None = ".proj/runs.db"
    config_loader_args: Mapping[str, Any] = field(default_factory=dict)
    disable_hooks_for_plugins: tuple[str, ...] = ()
    keep_intermediates: bool = False
    keep_intermediates_max_bytes: int = 1_000_000_000

    def conf_path(self, project_path: Path) -> Path:
        """The absolute configuration folder of a project."""
        return (project_path / self.conf_source).resolve()


_NAMES = {
    "HOOKS": "hooks",
    "CONF_SOURCE": "conf_source",
    "RUN_STORE_PATH": "run_store_path",
    "CONFIG_LOADER_ARGS": "config_loader_args",
    "DISABLE_HOOKS_FOR_PLUGINS": "disable_hooks_for_plugins",
    "KEEP_INTERMEDIATES": "keep_intermediates",
    "KEEP_INTERMEDIATES_MAX_BYTES": "keep_intermediates_max_bytes",
}


def load_settings(metadata: ProjectMetadata) -> Settings:
    """Import the project's ``settings.py`` (if any) and build its :class:`Settings`.

    Args:
        metadata: The project, already bootstrapped (its source folder on sys.path).

    Returns:
        The settings, defaults filled in.

    Raises:
        ProjectError: settings.py fails to import (file and line named) or sets a value
            of the wrong type.
    """
    module = import_project_module(
        f"{metadata.package_name}.settings",
        metadata.source_dir,
        what="settings.py",
        optional=True,
    )
    if module is None:
        return Settings()
    values: dict[str, Any] = {}
    where = Path(module.__file__ or "settings.py")
    for upper, attribute in _NAMES.items():
        if not hasattr(module, upper):
            continue
        value = getattr(module, upper)
        if upper in ("HOOKS", "DISABLE_HOOKS_FOR_PLUGINS"):
            if not isinstance(value, (list, tuple)):
                raise ProjectError(
                    f"{upper} in {where} must be a tuple, got {type(value).__name__}.",
                    hint=f"Write {upper} = (...,) with a trailing comma for one item.",
                )
            value = tuple(value)
        elif upper == "CONFIG_LOADER_ARGS" and not isinstance(value, Mapping):
            raise ProjectError(f"{upper} in {where} must be a dict, got {type(value).__name__}.")
        elif upper == "KEEP_INTERMEDIATES" and not isinstance(value, bool):
            raise ProjectError(f"{upper} in {where} must be True or False, got {value!r}.")
        elif upper == "KEEP_INTERMEDIATES_MAX_BYTES" and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ProjectError(
                f"{upper} in {where} must be a number of bytes (an int >= 0), got {value!r}."
            )
        elif upper in ("CONF_SOURCE", "RUN_STORE_PATH") and not isinstance(value, (str, Path)):
            if not (upper == "RUN_STORE_PATH" and value is None):
                raise ProjectError(
                    f"{upper} in {where} must be a path string, got {type(value).__name__}."
                )
        if isinstance(value, Path):
            value = str(value)
        values[attribute] = value
    return Settings(**values)
