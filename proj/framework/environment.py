"""The environment proj runs in: versions of proj, Python and key libraries, the project
around the working directory, the dataset types usable here and the installed plugins
(what ``proj info`` shows).

Only package metadata and ``pyproject.toml`` are read, and packages are looked up
(``importlib.util.find_spec``): no library, plugin or project code is imported.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from proj.exceptions import ProjectNotFoundError
from proj.framework.project import find_project

if TYPE_CHECKING:
    from pathlib import Path

#: Distributions whose versions ``proj info`` reports (those that are installed).
LIBRARIES = (
    "typer",
    "rich",
    "pyyaml",
    "omegaconf",
    "pluggy",
    "fsspec",
    "cookiecutter",
    "numpy",
    "pandas",
    "pyarrow",
    "ipython",
    "ipykernel",
    "jupyter_client",
    "jupyterlab",
    "notebook",
    "nbformat",
    "dask",
    "openpyxl",
    "sqlalchemy",
    "matplotlib",
    "plotly",
    "polars",
    "pillow",
    "kedro",
    "kedro-datasets",
)

#: The entry-point group through which installed packages add hooks (plugins).
PLUGIN_GROUP = "proj.hooks"


@dataclass(frozen=True)
class PluginInfo:
    """An installed distribution that adds hooks through the ``proj.hooks`` group.

    Attributes:
        name: The distribution's name. version: Its version.
        hooks: Its entry points as ``"name = module:attribute"``, sorted.
    """

    name: str
    version: str
    hooks: list[str]


@dataclass(frozen=True)
class DatasetTypeInfo:
    """A built-in dataset type and whether it can be used in this environment.

    Attributes:
        name: The catalog type name, e.g. ``"pandas.ExcelDataset"``.
        available: Whether the library it needs is installed.
        extra: The proj extra that installs that library (``"excel"``), or None.
    """

    name: str
    available: bool
    extra: str | None


@dataclass(frozen=True)
class ProjectSummary:
    """Where a project is and what its package is called (from ``[tool.proj]``).

    Attributes:
        path: The project root. package: The importable package name.
        name: The human-readable project name. source_dir: The folder holding the package.
    """

    path: str
    package: str
    name: str
    source_dir: str


@dataclass(frozen=True)
class EnvironmentInfo:
    """What ``proj info`` shows.

    Attributes:
        proj_version: The version of proj.
        python_version: e.g. ``"3.11.7"``. python_executable: The interpreter's path.
        platform: The operating system, as :func:`platform.platform` says.
        libraries: Distribution name -> version (``None`` when not installed), in the
            order of :data:`LIBRARIES`.
        project: The project around the working directory, or ``None`` outside one.
        plugins: Installed plugins, sorted by name.
        dataset_types: Every built-in dataset type, and whether its library is installed.
        kedro_datasets: Whether kedro-datasets is installed, so that its types work
            through the bridge.
    """

    proj_version: str
    python_version: str
    python_executable: str
    platform: str
    libraries: dict[str, str | None]
    project: ProjectSummary | None
    plugins: list[PluginInfo]
    dataset_types: list[DatasetTypeInfo]
    kedro_datasets: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


def installed_plugins() -> list[PluginInfo]:
    """The installed distributions exposing entry points in the ``proj.hooks`` group.

    Reads package metadata only; no plugin is imported.

    Returns:
        One entry per distribution, sorted by name.
    """
    from importlib.metadata import entry_points

    found: dict[str, tuple[str, list[str]]] = {}
    for entry_point in entry_points(group=PLUGIN_GROUP):
        dist = entry_point.dist
        name = dist.name if dist is not None else entry_point.name
        version = dist.version if dist is not None else "unknown"
        found.setdefault(name, (version, []))[1].append(f"{entry_point.name} = {entry_point.value}")
    return [
        PluginInfo(name=name, version=version, hooks=sorted(hooks))
        for name, (version, hooks) in sorted(found.items())
    ]


def environment_info(start: str | Path | None = None) -> EnvironmentInfo:
    """Versions of proj, Python and the main libraries, the current project, plugins.

    Args:
        start: Where to look for a project (default: the working directory).

    Returns:
        The information; ``project`` is ``None`` when ``start`` is in no project.

    Raises:
        ProjectError: A project was found but its ``[tool.proj]`` table is wrong.
    """
    from importlib.metadata import PackageNotFoundError, version

    import proj
    from proj.io.registry import available_types, kedro_datasets_installed

    libraries: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            libraries[name] = version(name)
        except PackageNotFoundError:
            libraries[name] = None
    try:
        metadata = find_project(start)
    except ProjectNotFoundError:
        project = None
    else:
        project = ProjectSummary(
            path=str(metadata.project_path),
            package=metadata.package_name,
            name=metadata.project_name,
            source_dir=str(metadata.source_dir),
        )
    return EnvironmentInfo(
        proj_version=proj.__version__,
        python_version=platform.python_version(),
        python_executable=sys.executable,
        platform=platform.platform(),
        libraries=libraries,
        project=project,
        plugins=installed_plugins(),
        dataset_types=[
            DatasetTypeInfo(name=kind.name, available=kind.available, extra=kind.extra)
            for kind in available_types()
        ],
        kedro_datasets=kedro_datasets_installed(),
    )
