"""json.JSONDataset: JSON documents (dicts, lists, numbers, strings) in UTF-8 files."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, ClassVar

from proj.io.filesystem import FileDataset

if TYPE_CHECKING:
    from collections.abc import Mapping


class JSONDataset(FileDataset):
    """Any JSON-serialisable value in a JSON file (catalog type ``json.JSONDataset``).

    Files are UTF-8 (RFC 8259). Loading calls ``json.load(file, **load_args)``; saving
    calls ``json.dumps(data, **save_args)`` with ``indent=2`` unless ``save_args`` says
    otherwise. Tuples come back as lists. Constructor arguments: see
    :class:`~proj.io.filesystem.FileDataset`.
    """

    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"indent": 2}

    def _read(self, file: IO[bytes]) -> Any:
        import json

        return json.load(file, **self._load_args)

    def _write(self, file: IO[bytes], data: Any) -> None:
        import json

        file.write(json.dumps(data, **self._save_args).encode("utf-8"))
