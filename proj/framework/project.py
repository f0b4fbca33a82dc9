"""Finding a project on disk and reading its metadata (the ``[tool.proj]`` table)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proj.exceptions import ProjectError, ProjectNotFoundError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MARKER_FILE = "pyproject.toml"


@dataclass(frozen=True)
class ProjectMetadata:
    """What proj knows about a project from its pyproject.toml.

    Attributes:
        project_path: The project's root folder (absolute).
        package_name: The importable name of the project's package.
        project_name: The human-readable project name.
        source_dir: The folder holding the package (absolute), ``<root>/src`` by default.
        config_file: The pyproject.toml the metadata came from.
    """

    project_path: Path
    package_name: str
    project_name: str
    source_dir: Path
    config_file: Path

    @property
    def package_dir(self) -> Path:
        """The folder of the project's package: ``source_dir / package_name``."""
        return self.source_dir / self.package_name


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file (TOML files are UTF-8 by definition).

    Raises:
        ProjectError: The file cannot be read, is not UTF-8 (line and column of the
            first bad byte named), or is not valid TOML.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProjectError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ProjectError(
            f"{path}:{line}:{column} is not UTF-8 (byte 0x{raw[exc.start]:02x}); TOML files "
            "must be UTF-8.",
            hint="Save the file as UTF-8 in your editor, or replace that character.",
        ) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProjectError(
            f"{path} is not valid TOML: {exc}", hint="Fix the syntax of that file."
        ) from exc
    return data


def read_metadata(project_path: str | Path) -> ProjectMetadata:
    """Read the ``[tool.proj]`` table of the project at ``project_path``.

    Args:
        project_path: The project root, holding pyproject.toml.

    Returns:
        The project's metadata, with absolute paths.

    Raises:
        ProjectNotFoundError: There is no pyproject.toml there, or it has no
            ``[tool.proj]`` table.
        ProjectError: The file is not valid TOML, or the table lacks ``package_name``
            or names a source folder that does not exist.
    """
    root = Path(project_path).resolve()
    config_file = root / MARKER_FILE
    if not config_file.is_file():
        raise ProjectNotFoundError(
            f"{root} is not a proj project: it has no {MARKER_FILE}.",
            hint="Create a project with `proj new NAME`, or pass the path of an existing one.",
        )
    table = _read_toml(config_file).get("tool", {}).get("proj")
    if not isinstance(table, dict):
        raise ProjectNotFoundError(
            f"{config_file} has no [tool.proj] table, so {root} is not a proj project.",
            hint="Add [tool.proj] with package_name, project_name and source_dir.",
        )
    package_name = table.get("package_name")
    if not isinstance(package_name, str) or not package_name.isidentifier():
        raise ProjectError(
            f"[tool.proj] in {config_file} needs package_name, the importable name of the "
            f"project's package (found {package_name!r}).",
            hint='Add a line such as package_name = "my_project".',
        )
    source_dir = (root / str(table.get("source_dir", "src"))).resolve()
    if not (source_dir / package_name).is_dir():
        raise ProjectError(
            f"The package '{package_name}' named in {config_file} is not in {source_dir}.",
            hint="Fix package_name or source_dir in [tool.proj].",
        )
    return ProjectMetadata(
        project_path=root,
        package_name=package_name,
        project_name=str(table.get("project_name", package_name)),
        source_dir=source_dir,
        config_file=config_file,
    )


def find_project(start: str | Path | None = None) -> ProjectMetadata:
    """Find the project containing ``start`` by walking up to the filesystem root.

    Args:
        start: A folder inside the project; default: the current working directory.

    Returns:
        The metadata of the nearest enclosing project.

    Raises:
        ProjectNotFoundError: No folder from ``start`` upwards has a pyproject.toml with
            a ``[tool.proj]`` table; the message says where the search started.
        ProjectError: The project was found but its metadata is wrong.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / MARKER_FILE
        if candidate.is_file() and isinstance(
            _read_toml(candidate).get("tool", {}).get("proj"), dict
        ):
            return read_metadata(folder)
    raise ProjectNotFoundError(
        f"No proj project found in {here} or any folder above it "
        f"(looked for a {MARKER_FILE} with a [tool.proj] table).",
        hint="cd into a project, or create one with `proj new NAME`.",
    )


def bootstrap_project(start: str | Path | None = None) -> ProjectMetadata:
    """Find a project and make its package importable (its source folder goes first on
    ``sys.path``), so projects run without being installed.

    Args:
        start: A folder inside the project; default: the current working directory.

    Returns:
        The project's metadata.

    Raises:
        ProjectNotFoundError: See :func:`find_project`.
        ProjectError: See :func:`read_metadata`.
    """
    metadata = find_project(start)
    source = str(metadata.source_dir)
    if source in sys.path:
        sys.path.remove(source)
    sys.path.insert(0, source)
    loaded = sys.modules.get(metadata.package_name)
    loaded_from = getattr(loaded, "__file__", None) if loaded is not None else None
    if loaded is not None and (
        loaded_from is None or not Path(loaded_from).resolve().is_relative_to(metadata.source_dir)
    ):
        # Another project with the same package name was imported before: forget it.
        purge_package(metadata.package_name)
    return metadata


def purge_package(package_name: str) -> list[str]:
    """Remove a package and its sub-modules from ``sys.modules`` so the next import reads
    the files again (how edited project code is picked up without a restart).

    Args:
        package_name: The top-level package, e.g. ``"iris_demo"``.

    Returns:
        The names of the modules removed, sorted.
    """
    prefix = package_name + "."
    names = sorted(n for n in sys.modules if n == package_name or n.startswith(prefix))
    for name in names:
        del sys.modules[name]
    return names


def _folder_hash(project_path: Path) -> str:
    import hashlib

    return hashlib.sha256(str(Path(project_path).resolve()).encode("utf-8")).hexdigest()[:8]


def default_kernel_name(package_name: str, project_path: Path | None = None) -> str:
    """The kernel spec name of a project: ``proj_<package>_<hash of its folder>``.

    Args:
        package_name: The project's package.
        project_path: The project's root; without it the name of proj before 0.x,
            ``proj_<package>``, which copies of one project shared.

    Returns:
        The name, lower case (Jupyter kernel names are case-insensitive).
    """
    if project_path is None:
        return f"proj_{package_name}".lower()
    return f"proj_{package_name}_{_folder_hash(project_path)}".lower()
