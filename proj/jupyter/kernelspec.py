"""Per-project Jupyter kernel specs: writing, removing and listing them.

A project's kernel spec (the Jupyter kernel spec format, ``kernel.json``) is named
``proj_<package>_<hash>``, where ``<hash>`` is the first 8 hex digits of the SHA-256 of
the project's resolved folder, so two copies of one project (a clone next to the
original, a worktree) each keep their own kernel instead of overwriting each other's.
It is shown as "Proj (<package>) <parent>/<folder>" for the same reason. It runs the
interpreter that installed it with ``ipykernel_launcher --ext proj.ipython``; its ``env`` has
``PROJ_PROJECT_PATH`` (and ``PROJ_ENV`` when an environment was chosen), so the
kernel loads the project whatever folder the notebook is in. ``metadata.proj`` marks
the spec as proj's and records the project and the interpreter. Specs are installed
at user level through jupyter_client's ``KernelSpecManager`` and an install always
replaces the previous spec of that name, so the kernel follows the current interpreter.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import KernelError
from proj.framework.project import default_kernel_name
from proj.jupyter.deps import KERNEL_PACKAGES, require

if TYPE_CHECKING:
    from proj.framework import ProjectMetadata

logger = logging.getLogger(__name__)

#: Environment variable naming the project a kernel loads.
PROJECT_PATH_VAR = "PROJ_PROJECT_PATH"
#: Environment variable choosing the configuration environment.
ENV_VAR = "PROJ_ENV"
#: The key under the spec's ``metadata`` that marks a spec made by proj.
METADATA_KEY = "proj"


def default_display_name(package_name: str, project_path: Path | None = None) -> str:
    """The name front ends show: ``Proj (<package>) <parent>/<folder>``.

    The last two parts of the project's folder tell copies of one project apart in a
    kernel picker; without ``project_path`` just ``Proj (<package>)``.
    """
    if project_path is None:
        return f"Proj ({package_name})"
    folder = Path(project_path).resolve()
    where = f"{folder.parent.name}/{folder.name}" if folder.parent.name else folder.name
    return f"Proj ({package_name}) {where}"


def project_kernel_name(metadata: ProjectMetadata) -> str:
    """The kernel spec name of a project (see :func:`default_kernel_name`)."""
    return default_kernel_name(metadata.package_name, metadata.project_path)


def check_env(metadata: ProjectMetadata, env: str | None) -> None:
    """Refuse a configuration environment that has no folder in the project's conf.

    Args:
        metadata: The project.
        env: The environment a kernel would pin; None passes.

    Raises:
        MissingConfigError: ``<conf>/<env>`` is not a folder; the message lists the
            environments that exist.
        ProjectError: settings.py cannot be read (it names the conf folder).
    """
    if not env:
        return
    from proj.exceptions import MissingConfigError
    from proj.framework.settings import load_settings

    conf = load_settings(metadata).conf_path(metadata.project_path)
    if (conf / env).is_dir():
        return
    existing = sorted(p.name for p in conf.iterdir() if p.is_dir()) if conf.is_dir() else []
    raise MissingConfigError(
        f"Environment '{env}' has no folder {conf / env}; the kernel would fail to load "
        f"the project. Environments in {conf}: {', '.join(existing) or 'none'}.",
        hint=f"Create {conf / env}, or pass --env with one of the existing environments.",
    )


@dataclass(frozen=True)
class KernelSpecInfo:
    """One installed kernel spec, as ``proj kernel list`` shows it.

    Attributes:
        name: The spec's name (its folder's name), e.g. ``proj_iris_demo``.
        display_name: The name front ends show.
        resource_dir: The folder holding ``kernel.json``.
        interpreter: The program the kernel runs (``argv[0]``).
        interpreter_exists: Whether that program can still be found.
        made_by_proj: Whether the spec carries proj's metadata.
        project_path: The project the kernel loads (proj specs only).
        env: The configuration environment it pins (proj specs only).
    """

    name: str
    display_name: str
    resource_dir: Path
    interpreter: str
    interpreter_exists: bool
    made_by_proj: bool
    project_path: Path | None = None
    env: str | None = None

    @property
    def project_exists(self) -> bool:
        """Whether the project folder the kernel loads still exists."""
        return self.project_path is not None and self.project_path.is_dir()


def _manager() -> Any:
    require(*KERNEL_PACKAGES, feature="Managing Jupyter kernels")
    from jupyter_client.kernelspec import KernelSpecManager

    return KernelSpecManager()


def kernel_spec(
    metadata: ProjectMetadata,
    *,
    env: str | None = None,
    display_name: str | None = None,
    python: str | None = None,
) -> dict[str, Any]:
    """The ``kernel.json`` content of a project's kernel.

    Args:
        metadata: The project.
        env: Configuration environment the kernel loads (``PROJ_ENV``); default: the
            one ``PROJ_ENV`` names when the kernel starts, else ``local``.
        display_name: Name shown by front ends; default ``Proj (<package>)``.
        python: The interpreter to run; default the current one.

    Returns:
        The spec as a dict (Jupyter kernel spec format).
    """
    interpreter = python or sys.executable
    spec_env = {PROJECT_PATH_VAR: str(metadata.project_path)}
    if env:
        spec_env[ENV_VAR] = env
    return {
        "argv": [
            interpreter,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--ext",
            "proj.ipython",
        ],
        "display_name": display_name
        or default_display_name(metadata.package_name, metadata.project_path),
        "language": "python",
        "interrupt_mode": "signal",
        "env": spec_env,
        "metadata": {
            "debugger": True,
            METADATA_KEY: {
                "project_path": str(metadata.project_path),
                "package_name": metadata.package_name,
                "interpreter": interpreter,
                "env": env,
            },
        },
    }


def _logos() -> list[Path]:
    import importlib.util

    found = importlib.util.find_spec("ipykernel")
    if found is None or not found.submodule_search_locations:
        return []
    resources = Path(next(iter(found.submodule_search_locations))) / "resources"
    return sorted(resources.glob("logo-*")) if resources.is_dir() else []


def install_kernel(
    metadata: ProjectMetadata,
    *,
    env: str | None = None,
    name: str | None = None,
    display_name: str | None = None,
) -> KernelSpecInfo:
    """Install (or replace) a project's kernel spec at user level.

    Args:
        metadata: The project.
        env: Configuration environment the kernel loads; it must have a folder in the
            project's conf.
        name: Spec name; default ``proj_<package>_<hash of the project folder>``.
        display_name: Name shown by front ends; default ``Proj (<package>) <folder>``.

    Returns:
        The installed spec.

    Raises:
        MissingDependencyError: jupyter_client or ipykernel is not installed.
        MissingConfigError: ``env`` has no folder in the project's conf.
        KernelError: The name is not a valid kernel name, or the spec cannot be written.
    """
    check_env(metadata, env)
    manager = _manager()
    spec_name = (name or project_kernel_name(metadata)).lower()
    spec = kernel_spec(metadata, env=env, display_name=display_name)
    with tempfile.TemporaryDirectory(prefix="proj-kernel-") as tmp:
        source = Path(tmp) / spec_name
        source.mkdir()
        (source / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
        for logo in _logos():
            shutil.copy(logo, source / logo.name)
        try:
            destination = manager.install_kernel_spec(str(source), spec_name, user=True)
        except ValueError as exc:
            raise KernelError(
                f"'{spec_name}' is not a valid kernel name: {exc}",
                hint="Use letters, digits, '.', '_' and '-' only.",
            ) from exc
        except OSError as exc:
            raise KernelError(
                f"Cannot write the kernel spec '{spec_name}' to {manager.user_kernel_dir}: {exc}",
                hint="Check that the Jupyter data folder is writable (JUPYTER_DATA_DIR).",
            ) from exc
    _remove_old_name(manager, metadata, spec_name)
    logger.info(
        "Installed kernel '%s' (%s) in %s, running %s",
        spec_name,
        spec["display_name"],
        destination,
        spec["argv"][0],
    )
    return _info(spec_name, destination, spec)


def _remove_old_name(manager: Any, metadata: ProjectMetadata, installed: str) -> None:
    """Remove this project's spec under the old shared name ``proj_<package>``, if any.

    Only a spec proj made for this very folder is removed: another copy's is kept.
    """
    old = default_kernel_name(metadata.package_name)
    if old == installed:
        return
    try:
        spec = manager.get_kernel_spec(old)
    except Exception:  # jupyter_client raises NoSuchKernel; nothing to do
        return
    own = (spec.metadata or {}).get(METADATA_KEY)
    if not isinstance(own, dict) or own.get("project_path") != str(metadata.project_path):
        return
    try:
        manager.remove_kernel_spec(old)
    except OSError as exc:
        logger.warning("Could not remove the old kernel spec '%s': %s", old, exc)
        return
    logger.info("Removed this project's kernel under its old name '%s'", old)


def _interpreter_exists(program: str) -> bool:
    if os.path.isabs(program):
        return os.access(program, os.X_OK)
    # jupyter_client runs a bare "python"/"python3" with its own interpreter.
    return program.startswith("python") or shutil.which(program) is not None


def _info(name: str, resource_dir: str | Path, spec: dict[str, Any]) -> KernelSpecInfo:
    argv = spec.get("argv") or [""]
    own = (spec.get("metadata") or {}).get(METADATA_KEY)
    project = own.get("project_path") if isinstance(own, dict) else None
    return KernelSpecInfo(
        name=name,
        display_name=str(spec.get("display_name", name)),
        resource_dir=Path(resource_dir),
        interpreter=str(argv[0]),
        interpreter_exists=_interpreter_exists(str(argv[0])),
        made_by_proj=isinstance(own, dict),
        project_path=Path(project) if project else None,
        env=own.get("env") if isinstance(own, dict) else None,
    )


def list_kernels() -> list[KernelSpecInfo]:
    """Every kernel spec Jupyter finds (user, environment and system level), by name.

    Returns:
        One entry per spec, sorted by name.

    Raises:
        MissingDependencyError: jupyter_client is not installed.
    """
    manager = _manager()
    specs = manager.get_all_specs()
    return [_info(name, specs[name]["resource_dir"], specs[name]["spec"]) for name in sorted(specs)]


def remove_kernel(name: str, *, force: bool = False) -> Path:
    """Remove an installed kernel spec.

    Args:
        name: The spec's name.
        force: Also remove a spec that proj did not make.

    Returns:
        The folder that was removed.

    Raises:
        KernelError: No spec has that name (the message lists the installed ones), proj
            did not make it and ``force`` is false, or its folder cannot be removed.
    """
    specs = {info.name: info for info in list_kernels()}
    info = specs.get(name.lower())
    if info is None:
        import difflib

        close = difflib.get_close_matches(name, list(specs), n=3)
        raise KernelError(
            f"No kernel spec named '{name}'"
            + (f" (did you mean {', '.join(repr(c) for c in close)}?)." if close else "."),
            hint=f"Installed: {', '.join(specs) or 'none'}. See `proj kernel list`.",
        )
    if not info.made_by_proj and not force:
        raise KernelError(
            f"Kernel spec '{info.name}' ({info.display_name}, in {info.resource_dir}) was not "
            "made by proj; not removing it.",
            hint="Pass --force to remove it anyway, or use `jupyter kernelspec remove`.",
        )
    try:
        removed = Path(_manager().remove_kernel_spec(info.name))
    except OSError as exc:
        raise KernelError(
            f"Cannot remove kernel spec '{info.name}' in {info.resource_dir}: {exc}",
            hint="It may be a system-wide spec; remove it with the rights of its owner.",
        ) from exc
    logger.info("Removed kernel '%s' from %s", info.name, removed)
    return removed
