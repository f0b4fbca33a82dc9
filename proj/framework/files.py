"""Atomic text files: what proj writes into a project is either whole or not there.

A file is written to a temporary file in the target's folder, flushed to disk, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows), so a
failure or a kill mid-write leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> None:
    """Write UTF-8 text to ``path`` atomically.

    Args:
        path: The target; missing parent folders are created. An existing file keeps
            its permission bits; a new one gets 0o644 (not the private mode of the
            temporary file).
        text: The content.
        durable: Flush the data to disk (``fsync``) before the rename. Off for caches
            that can be rebuilt, where the cost buys nothing.

    Raises:
        OSError: The folder or file cannot be written; no temporary file is left behind
            and the target is unchanged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(text.encode("utf-8"))
            if durable:
                file.flush()
                os.fsync(file.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
