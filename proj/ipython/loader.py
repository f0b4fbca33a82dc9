"""Loading a project into an IPython shell: ``catalog``, ``context``, ``pipelines`` and
``session``, and what stands in for one of them when it cannot be loaded.

A load reads everything afresh: the project's own modules are dropped from
``sys.modules`` first, so edited node code, settings and pipelines are imported again.

When part of the project fails to load (a catalog entry with an unknown type, YAML that
does not parse, a settings.py that raises), each variable that could not be built is
bound to an :class:`Unavailable` object instead of being removed or left at its old
value. Using it in any way (``catalog.load(...)``, ``pipelines["x"]``, iterating,
calling) raises the very error that stopped the load, with its file and line; its repr
says it is unavailable and why. A stale value from an earlier load is never left in
place, and a missing variable never turns into a bare ``NameError``, which matters in
a kernel: errors raised while a kernel starts are not shown in any notebook cell.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import ProjectNotFoundError, ProjError
from proj.ipython.standins import RELOAD_HINT, LazyPipelines, Unavailable
from proj.jupyter.kernelspec import PROJECT_PATH_VAR

if TYPE_CHECKING:
    from collections.abc import Mapping

    from proj.framework import ProjectMetadata, Session
    from proj.pipeline import Pipeline

logger = logging.getLogger(__name__)

#: The variables a load defines, in the order they are reported.
VARIABLES = ("catalog", "context", "pipelines", "session")


@dataclass
class LoadResult:
    """What one load produced.

    Attributes:
        variables: Variable name -> value, an :class:`Unavailable` for each that failed.
        errors: Variable name -> the error that stopped it (empty on success).
        metadata: The project's metadata, when the project was found.
        session: The new session, when it could be created.
        pipelines: The registered pipelines (read on first use when loaded lazily).
        seconds: Wall-clock time of the load, in seconds.
    """

    variables: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, BaseException] = field(default_factory=dict)
    metadata: ProjectMetadata | None = None
    session: Session | None = None
    pipelines: LazyPipelines | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every variable loaded."""
        return not self.errors


@dataclass
class _Remembered:
    path: Path | None = None
    package: str | None = None
    last: LoadResult | None = None


#: What the last load in this process used and produced (one shell per process).
_STATE = _Remembered()


def last_load() -> LoadResult | None:
    """The result of the latest load in this process, or None before the first."""
    return _STATE.last


def forget() -> None:
    """Forget the remembered project path and the last load (used by tests)."""
    _STATE.path = None
    _STATE.package = None
    _STATE.last = None


def _note(error: BaseException, name: str) -> None:
    if hasattr(error, "add_note"):  # Python 3.11+: shown under the traceback
        error.add_note(f"`{name}` was not loaded. {RELOAD_HINT}")


def load_project(
    start: str | Path,
    *,
    env: str | None = None,
    params: Mapping[str, Any] | None = None,
    conf_source: str | Path | None = None,
    forget_package: str | None = None,
    lazy_pipelines: bool = False,
) -> LoadResult:
    """Load the project containing ``start`` afresh and build the four variables.

    The project's package (and ``forget_package``, a previously loaded one) is removed
    from ``sys.modules`` first, so its modules are imported again from disk.

    Args:
        start: The project root or a folder inside it.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.
        params: Runtime parameter overrides, dotted keys allowed (``{"a.b": 1}``).
        conf_source: A configuration folder to use instead of the project's.
        forget_package: Another package name to drop from ``sys.modules``.
        lazy_pipelines: Read the pipelines (and import the node modules) on first use
            instead of now; their errors then surface on first use.

    Returns:
        The variables (an :class:`Unavailable` for each that failed) and the errors.
        Never raises for a project problem: errors are in :attr:`LoadResult.errors`.
    """
    from proj.framework import Session, find_project
    from proj.framework.project import purge_package

    began = time.perf_counter()
    result = LoadResult()

    def fail(names: tuple[str, ...], error: BaseException) -> None:
        _note(error, names[0])
        for name in names:
            result.errors[name] = error
            result.variables[name] = Unavailable(name, error)

    try:
        metadata = find_project(start)
        result.metadata = metadata
        for package in {metadata.package_name, forget_package} - {None}:
            purge_package(str(package))
        importlib.invalidate_caches()
        session = Session.create(
            metadata.project_path,
            env=env,
            runtime_params=params,
            conf_source=conf_source,
            command="proj.ipython session",
        )
    except ProjError as error:
        fail(VARIABLES, error)
        result.seconds = time.perf_counter() - began
        return result
    result.session = session
    result.variables["session"] = session

    try:
        context = session.load_context()
    except ProjError as error:
        fail(("context", "catalog"), error)
    else:
        result.variables["context"] = context
        try:
            result.variables["catalog"] = context.catalog
        except ProjError as error:
            fail(("catalog",), error)

    pipelines = LazyPipelines(session)
    try:
        if not lazy_pipelines:
            pipelines.load()
    except ProjError as error:
        fail(("pipelines",), error)
    else:
        result.pipelines = pipelines
        result.variables["pipelines"] = pipelines
    result.seconds = time.perf_counter() - began
    return result


def _describe(result: LoadResult) -> str:
    metadata = result.metadata
    assert metadata is not None
    session = result.session
    context = result.variables.get("context")
    env = getattr(context, "env", None) if not isinstance(context, Unavailable) else None
    parts = []
    for name in VARIABLES:
        value = result.variables[name]
        if isinstance(value, Unavailable):
            continue
        if name == "catalog":
            parts.append(f"catalog ({len(value)} datasets)")
        elif name == "pipelines":
            names = ", ".join(value) if value.loaded else "read on first use"
            parts.append(f"pipelines ({names or 'none'})")
        else:
            parts.append(name)
    where = f"env {env}" if env else "base only"
    overrides = f", params {session.runtime_params}" if session and session.runtime_params else ""
    return (
        f"Loaded {metadata.project_name} ({metadata.package_name}, {where}{overrides}) "
        f"from {metadata.project_path} in {result.seconds:.2f} s; defined {', '.join(parts)}."
    )


def _report(result: LoadResult) -> None:
    shown: set[int] = set()
    for error in result.errors.values():
        if id(error) in shown:
            continue
        shown.add(id(error))
        names = [n for n, e in result.errors.items() if e is error]
        message = getattr(error, "message", None) or str(error)
        hint = getattr(error, "hint", None)
        logger.error(
            "%s not loaded: %s%s",
            ", ".join(f"`{n}`" for n in names),
            message,
            f"\n{hint}" if hint else "",
        )
    if result.metadata is not None and result.session is not None:
        logger.info(_describe(result))


def _start_folder(path: str | Path | None) -> tuple[Path | None, bool]:
    """The folder to search from and whether the user named it (or its origin did)."""
    if path is not None:
        return Path(path).expanduser(), True
    if _STATE.path is not None:
        return _STATE.path, True
    from_env = os.environ.get(PROJECT_PATH_VAR)
    if from_env:
        return Path(from_env).expanduser(), True
    return Path.cwd(), False


def reload_project(
    path: str | Path | None = None,
    env: str | None = None,
    params: Mapping[str, Any] | None = None,
    conf_source: str | Path | None = None,
    *,
    lazy_pipelines: bool = False,
) -> None:
    """(Re)load a project into the running IPython shell.

    Defines ``catalog``, ``context``, ``pipelines`` and ``session`` in the shell's
    namespace and logs one line listing them. The project's own modules are imported
    afresh, so edited code is picked up. A variable that cannot be loaded is bound to an
    :class:`Unavailable` that raises the load error when used, and the error (file and
    line) is logged in the cell's output.

    The project is searched from ``path``; without it from the last path given, else
    the ``PROJ_PROJECT_PATH`` environment variable (set by proj's kernel spec), else
    the working directory. A path given is remembered for the next call.

    Args:
        path: The project root or any folder inside it.
        env: Configuration environment; default ``PROJ_ENV`` or ``local``.
        params: Runtime parameter overrides, e.g. ``{"model_options.max_iterations": 5}``.
        conf_source: A configuration folder to use instead of the project's ``conf``.
        lazy_pipelines: Read the pipelines on first use (how the extension loads while
            a kernel starts, when no cell could show their errors anyway).
    """
    from IPython import get_ipython

    from proj.ipython.output import install_log_handler

    install_log_handler()
    shell = get_ipython()
    start, named = _start_folder(path)
    assert start is not None
    if not named:
        from proj.framework import find_project

        try:
            find_project(start)
        except ProjectNotFoundError:
            logger.warning(
                "No proj project in %s or above it. Run `%%reload_project PATH` with the "
                "path of a project to load its catalog, context, pipelines and session.",
                start,
            )
            return
        except ProjError:
            pass  # found but broken: load_project reports it with the variables
    result = load_project(
        start,
        env=env,
        params=params,
        conf_source=conf_source,
        forget_package=_STATE.package,
        lazy_pipelines=lazy_pipelines,
    )
    if result.metadata is not None:
        _STATE.path = result.metadata.project_path
        _STATE.package = result.metadata.package_name
    _STATE.last = result
    if shell is not None:
        shell.push(result.variables)
    else:
        logger.warning("No IPython shell is running; the variables were not defined.")
    _report(result)


def node_names() -> list[str]:
    """Names of every node of the last loaded project's pipelines, sorted (empty when
    they cannot be loaded)."""
    result = _STATE.last
    if result is None or result.pipelines is None:
        return []
    try:
        pipelines = result.pipelines.load()
    except ProjError:
        return []
    return sorted({node.name for p in pipelines.values() for node in p.nodes})


def find_node_pipelines() -> dict[str, Pipeline]:
    """The last loaded project's pipelines.

    Raises:
        ProjError: No project is loaded, or its pipelines failed to load (the
            original error).
    """
    result = _STATE.last
    if result is None or result.metadata is None:
        raise ProjectNotFoundError(
            "No project is loaded.", hint="Run `%reload_project PATH` first."
        )
    if result.pipelines is None:
        error = result.errors.get("pipelines") or result.errors.get("session")
        if error is not None:
            raise error.with_traceback(None)
        raise ProjectNotFoundError("The project's pipelines are not loaded.")
    return result.pipelines.load()


__all__ = [
    "PROJECT_PATH_VAR",
    "VARIABLES",
    "LazyPipelines",
    "LoadResult",
    "Unavailable",
    "forget",
    "last_load",
    "load_project",
    "node_names",
    "reload_project",
]
