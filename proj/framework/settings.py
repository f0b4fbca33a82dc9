"""A project's settings: the optional ``<package>/settings.py`` and its defaults.

The names Kedro's ``settings.py`` uses are read with the same meaning. The class
settings (``CONFIG_LOADER_CLASS``, ``CONTEXT_CLASS``, ``DATA_CATALOG_CLASS``,
``SESSION_CLASS``) are honoured when they name proj's class or a subclass of it, and
refused with one line otherwise; Kedro-only names proj has no equivalent for
(``SESSION_STORE_CLASS``, ``SESSION_STORE_ARGS``) are refused, never silently ignored.
"""

from __future__ import annotations

import inspect
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
        config_loader_class: ``CONFIG_LOADER_CLASS``: :class:`proj.config.ConfigLoader`
            (alias ``OmegaConfigLoader``) or a subclass; None for the default.
        context_class: ``CONTEXT_CLASS``: :class:`proj.framework.Context` or a subclass.
        data_catalog_class: ``DATA_CATALOG_CLASS``: :class:`proj.io.DataCatalog` or a
            subclass.
        session_class: ``SESSION_CLASS``: :class:`proj.framework.Session` or a subclass;
            :meth:`Session.create` builds this class.
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
    config_loader_class: type | None = None
    context_class: type | None = None
    data_catalog_class: type | None = None
    session_class: type | None = None
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
    "CONFIG_LOADER_CLASS": "config_loader_class",
    "CONTEXT_CLASS": "context_class",
    "DATA_CATALOG_CLASS": "data_catalog_class",
    "SESSION_CLASS": "session_class",
    "KEEP_INTERMEDIATES": "keep_intermediates",
    "KEEP_INTERMEDIATES_MAX_BYTES": "keep_intermediates_max_bytes",
}

#: Class setting -> (module, class) of the proj class it must be or subclass.
_BASES = {
    "CONFIG_LOADER_CLASS": ("proj.config", "ConfigLoader"),
    "CONTEXT_CLASS": ("proj.framework.context", "Context"),
    "DATA_CATALOG_CLASS": ("proj.io", "DataCatalog"),
    "SESSION_CLASS": ("proj.framework.session", "Session"),
}

#: Kedro settings proj has no counterpart for -> what to do instead.
_REFUSED = {
    "SESSION_STORE_CLASS": "proj records every run in its own SQLite store; set "
    "RUN_STORE_PATH instead (or None to turn recording off).",
    "SESSION_STORE_ARGS": "proj records every run in its own SQLite store; set "
    "RUN_STORE_PATH instead (or None to turn recording off).",
}

#: The arguments of ConfigLoader that settings may not set (the session sets them).
_SESSION_LOADER_ARGS = frozenset({"self", "conf_source", "env", "runtime_params"})


def _check_class(upper: str, value: Any, where: Path) -> type:
    """A class setting's value, if it is proj's class or a subclass; else ProjectError."""
    import importlib

    module, name = _BASES[upper]
    base = getattr(importlib.import_module(module), name)
    if not (isinstance(value, type) and issubclass(value, base)):
        shown = value.__qualname__ if isinstance(value, type) else repr(value)
        raise ProjectError(
            f"{upper} in {where} must be {module}.{name} or a subclass of it, got {shown}.",
            hint=f"Delete the {upper} line to use proj's {name}, or subclass {module}.{name}.",
        )
    return value


def _check_loader_args(args: Mapping[str, Any], loader_class: type | None, where: Path) -> None:
    """Refuse CONFIG_LOADER_ARGS keys the configuration loader does not take."""
    from proj.config import ConfigLoader

    parameters = inspect.signature(loader_class or ConfigLoader).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    known = [name for name in parameters if name not in _SESSION_LOADER_ARGS]
    for key in args:
        if key not in known:
            import difflib

            close = difflib.get_close_matches(str(key), known, n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise ProjectError(
                f"CONFIG_LOADER_ARGS in {where} has an unknown key '{key}'{guess}; "
                f"known keys: {', '.join(known)}.",
                hint="Remove or rename that key.",
            )


def _checked(upper: str, value: Any, where: Path) -> Any:
    """A setting's value once its type is checked (tuples for sequences); else ProjectError."""
    if upper in _BASES:
        value = _check_class(upper, value, where)
    elif upper in ("HOOKS", "DISABLE_HOOKS_FOR_PLUGINS"):
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
    return value


def load_settings(metadata: ProjectMetadata) -> Settings:
    """Import the project's ``settings.py`` (if any) and build its :class:`Settings`.

    Args:
        metadata: The project, already bootstrapped (its source folder on sys.path).

    Returns:
        The settings, defaults filled in.

    Raises:
        ProjectError: settings.py fails to import (file and line named), sets a value
            of the wrong type, a class setting that is not proj's class or a subclass,
            a CONFIG_LOADER_ARGS key the loader does not take, or a Kedro setting proj
            has no counterpart for.
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
    for upper, advice in _REFUSED.items():
        if hasattr(module, upper):
            raise ProjectError(f"{upper} in {where} is not supported: {advice}")
    for upper, attribute in _NAMES.items():
        if not hasattr(module, upper):
            continue
        value = _checked(upper, getattr(module, upper), where)
        if isinstance(value, Path):
            value = str(value)
        values[attribute] = value
    _check_loader_args(
        values.get("config_loader_args", {}), values.get("config_loader_class"), where
    )
    return Settings(**values)
