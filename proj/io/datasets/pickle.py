"""pickle.PickleDataset: any picklable Python object in a pickle file."""

from __future__ import annotations

from typing import IO, Any

from proj.io.filesystem import FileDataset


class PickleDataset(FileDataset):
    """Any picklable object in a file (catalog type ``pickle.PickleDataset``).

    Loading calls ``pickle.load(file, **load_args)``; saving calls
    ``pickle.dump(data, file, **save_args)`` (e.g. ``save_args: {protocol: 5}``).
    Only load pickles you trust: unpickling can run arbitrary code. Constructor
    arguments: see :class:`~proj.io.filesystem.FileDataset`.
    """

    def _read(self, file: IO[bytes]) -> Any:
        import pickle

        # The user declared this file as a pickle in their own catalog.
        return pickle.load(file, **self._load_args)  # noqa: S301

    def _write(self, file: IO[bytes], data: Any) -> None:
        import pickle

        pickle.dump(data, file, **self._save_args)
