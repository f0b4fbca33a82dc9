"""text.TextDataset: a str in a text file."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, ClassVar

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset

if TYPE_CHECKING:
    from collections.abc import Mapping


class TextDataset(FileDataset):
    """A string in a text file (catalog type ``text.TextDataset``).

    ``load_args`` and ``save_args`` take ``encoding`` (default ``"utf-8"``) and
    ``errors`` (default ``"strict"``), as for ``bytes.decode``/``str.encode``. Text is
    written as is: no newline translation. Constructor arguments: see
    :class:`~proj.io.filesystem.FileDataset`.

    Raises:
        DatasetError: ``load_args``/``save_args`` hold other keys.
    """

    DEFAULT_LOAD_ARGS: ClassVar[Mapping[str, Any]] = {"encoding": "utf-8", "errors": "strict"}
    DEFAULT_SAVE_ARGS: ClassVar[Mapping[str, Any]] = {"encoding": "utf-8", "errors": "strict"}

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        extra = sorted({*self._load_args, *self._save_args} - {"encoding", "errors"})
        if extra:
            raise DatasetError(
                f"{self._label()} accepts only 'encoding' and 'errors' in load_args and "
                f"save_args, got {extra}."
            )

    def _read(self, file: IO[bytes]) -> str:
        return file.read().decode(**self._load_args)

    def _check_data(self, data: Any) -> None:
        if not isinstance(data, str):
            raise DatasetError(
                f"{self._label()} saves a str, got {type(data).__name__}.",
                hint="Convert the value to text first, or use pickle.PickleDataset.",
            )

    def _write(self, file: IO[bytes], data: Any) -> None:
        file.write(data.encode(**self._save_args))
