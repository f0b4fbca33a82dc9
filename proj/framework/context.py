"""The project context: configuration, parameters and the data catalog of one session."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pluggy

    from proj.config import ConfigLoader
    from proj.framework.project import ProjectMetadata
    from proj.io import DataCatalog


def _absolute_filepaths(conf_catalog: dict[str, Any], root: Path) -> dict[str, Any]:
    """Make relative local ``filepath`` values of catalog entries relative to ``root``,
    so a run started from any folder of the project reads the same files."""
    result: dict[str, Any] = {}
    for name, entry in conf_catalog.items():
        result[name] = entry
        if isinstance(entry, dict) and isinstance(entry.get("filepath"), str):
            path = entry["filepath"]
            if "://" not in path and not Path(path).is_absolute():
                result[name] = {**entry, "filepath": str(root / path)}
    return result


class Context:
    """What a session knows about its project: paths, configuration, parameters, catalog.

    Create it through :meth:`proj.framework.Session.load_context`; ``CONTEXT_CLASS`` in
    settings.py may name a subclass.

    Args:
        metadata: The project's ``[tool.proj]`` metadata.
        config_loader: Reads ``conf/``.
        hook_manager: The session's hooks.
        env: The configuration environment.
        catalog_class: The catalog class (``DATA_CATALOG_CLASS``); default DataCatalog.

    Attributes:
        metadata: The project's ``[tool.proj]`` metadata.
        env: The configuration environment overlaid on ``base``.
        config_loader: Reads ``conf/``.
    """

    def __init__(
        self,
        metadata: ProjectMetadata,
        config_loader: ConfigLoader,
        hook_manager: pluggy.PluginManager,
        env: str | None,
        *,
        catalog_class: type[DataCatalog] | None = None,
    ) -> None:
        self.metadata = metadata
        self.config_loader = config_loader
        self.env = env
        self._hook_manager = hook_manager
        self._catalog_class = catalog_class
        self._catalog: DataCatalog | None = None

    @property
    def project_path(self) -> Path:
        """The project root (absolute)."""
        return self.metadata.project_path

    @property
    def package_name(self) -> str:
        """The project's package."""
        return self.metadata.package_name

    @property
    def params(self) -> dict[str, Any]:
        """The merged parameters of ``base`` and the environment, runtime params applied.

        Raises:
            ConfigError: The parameter files cannot be read.
        """
        return copy.deepcopy(self.config_loader.get("parameters") or {})

    @property
    def catalog(self) -> DataCatalog:
        """The data catalog built from configuration, with parameters (built once).

        Raises:
            ConfigError: The catalog or credentials files cannot be read.
            DatasetError: An entry cannot be turned into a dataset.
        """
        if self._catalog is None:
            self._catalog = self.make_catalog()
        return self._catalog

    def make_catalog(
        self, *, save_version: str | None = None, load_versions: dict[str, str] | None = None
    ) -> DataCatalog:
        """Build a new catalog; each run gets its own so versions never mix.

        Args:
            save_version: The version all versioned saves use; default: a new timestamp.
            load_versions: Dataset name -> version to load instead of the latest.

        Returns:
            A catalog with every declared dataset, ``parameters`` and ``params:*``.

        Raises:
            ConfigError: The catalog, credentials or parameter files cannot be read.
            DatasetError: An entry cannot be turned into a dataset, or ``load_versions``
                names a dataset that is not versioned.
        """
        from proj.exceptions import DatasetError
        from proj.io import DataCatalog, MemoryDataset
        from proj.io.core import reworded

        conf_catalog = _absolute_filepaths(
            self.config_loader.get("catalog") or {}, self.project_path
        )
        conf_creds = self.config_loader.get("credentials") or {}
        parameters = self.params
        try:
            catalog = (self._catalog_class or DataCatalog).from_config(
                conf_catalog,
                conf_creds,
                load_versions=load_versions or {},
                save_version=save_version,
            )
        except DatasetError as exc:
            where = exc.dataset and self.config_loader.locate("catalog", exc.dataset)
            if not where:
                raise
            located = reworded(exc, f"{where}: {exc.message}")
            located.dataset = exc.dataset
            raise located from exc
        catalog.add_parameters(parameters)
        feed_dict = {
            name: catalog.load(name)
            for name in catalog.filter(name_regex=r"^(parameters$|params:)", by_type=MemoryDataset)
        }
        from proj.hooks import call_hook

        call_hook(
            self._hook_manager,
            "after_catalog_created",
            catalog=catalog,
            conf_catalog=conf_catalog,
            conf_creds=conf_creds,
            parameters=parameters,
            save_version=save_version,
            load_versions=load_versions or {},
            feed_dict=feed_dict,
        )
        return catalog
