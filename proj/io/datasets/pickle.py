"""pickle.PickleDataset: any picklable Python object in a pickle file."""

from __future__ import annotations

import importlib
from typing import IO, Any

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset

#: The modules Kedro's PickleDataset accepts as ``backend``: each has
#: ``dump(data, file, **save_args)`` and ``load(file, **load_args)``.
BACKENDS = ("pickle", "joblib", "dill", "cloudpickle", "compress_pickle")


class PickleDataset(FileDataset):
    """Any picklable object in a file (catalog type ``pickle.PickleDataset``).

    Loading calls ``<backend>.load(file, **load_args)``; saving calls
    ``<backend>.dump(data, file, **save_args)`` (e.g. ``save_args: {protocol: 5}``).
    Only load pickles you trust: unpickling can run arbitrary code.

    Args:
        filepath: The file (local path or fsspec URL).
        backend: The module that pickles, as Kedro's ``backend`` (one of
            :data:`BACKENDS`; default ``pickle``). ``joblib`` suits large NumPy arrays;
            ``dill`` and ``cloudpickle`` also pickle lambdas and locally defined
            functions; ``compress_pickle`` needs ``compression`` in both args.
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata`` (see :class:`~proj.io.filesystem.FileDataset`).

    Raises:
        DatasetError: ``backend`` is not one of :data:`BACKENDS`, or its package is not
            installed (the hint names the ``pip install``).
    """

    def __init__(self, filepath: str, *, backend: str = "pickle", **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        if backend not in BACKENDS:
            raise DatasetError(
                f"{self._label()}: unknown backend {backend!r}; one of {', '.join(BACKENDS)}.",
                hint="Fix `backend:` in the catalog entry, or delete it for pickle.",
            )
        from proj.io.optional import is_installed

        if not is_installed(backend):
            raise DatasetError(
                f"{self._label()} uses backend '{backend}', which is not installed.",
                hint=f"Install it with: pip install {backend.replace('_', '-')}",
            )
        self._backend = backend

    def _module(self) -> Any:
        return importlib.import_module(self._backend)

    def _read(self, file: IO[bytes]) -> Any:
        # The user declared this file as a pickle in their own catalog.
        return self._module().load(file, **self._load_args)

    def _write(self, file: IO[bytes], data: Any) -> None:
        import pickle

        try:
            self._module().dump(data, file, **self._save_args)
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            if self._backend not in ("pickle", "joblib"):
                raise
            raise DatasetError(
                f"{self._label()} cannot pickle the {type(data).__name__}: {exc}",
                hint="An object that holds a lambda or a locally defined function needs "
                "`backend: cloudpickle` (or dill) in its catalog entry.",
            ) from exc

    def _describe(self) -> dict[str, Any]:
        info = super()._describe()
        if self._backend != "pickle":
            info["backend"] = self._backend
        return info
