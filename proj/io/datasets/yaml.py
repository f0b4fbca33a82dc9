"""yaml.YAMLDataset: plain data (mappings, lists, scalars) in UTF-8 YAML files."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset

if TYPE_CHECKING:
    from collections.abc import Mapping


class YAMLDataset(FileDataset):
    """Plain data in a YAML file (catalog type ``yaml.YAMLDataset``).

    Loading uses ``yaml.safe_load`` (no arbitrary Python objects; ``load_args`` must be
    empty); saving uses ``yaml.safe_dump(data, **save_args)``, by default block style,
    keys in insertion order, Unicode kept as is. Files are UTF-8. Constructor arguments:
    see :class:`~proj.io.filesystem.FileDataset`.

    Raises:
        DatasetError: ``load_args`` is not empty.
    """

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {
        "default_flow_style": False,
        "sort_keys": False,
        "allow_unicode": True,
    }

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        if self._load_args:
            raise DatasetError(
                f"{self._label()} takes no load_args (yaml.safe_load has no options), "
                f"got {sorted(self._load_args)}."
            )

    def _read(self, file: IO[bytes]) -> Any:
        import yaml

        return yaml.safe_load(file)

    def _write(self, file: IO[bytes], data: Any) -> None:
        import yaml

        file.write(yaml.safe_dump(data, **self._save_args).encode("utf-8"))
