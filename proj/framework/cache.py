"""The completion cache: the project's names in ``.proj/completion.json``.

Shell completion must answer in a fraction of a second, so it never imports a project's
pipelines. The session writes this small JSON file whenever it loads the registry; it is
stale when any file under the source or configuration folders changed since (compared by
modification times), and then completion rebuilds it once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from proj.framework.files import write_text_atomic

CACHE_FILE = Path(".proj") / "completion.json"


def fingerprint(*folders: Path) -> float:
    """The newest modification time (seconds) of any file or folder under ``folders``.

    Caches and hidden folders are skipped.
    """
    newest = 0.0
    for folder in folders:
        if not folder.exists():
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
            newest = max(newest, os.stat(root).st_mtime)
            for name in files:
                if not name.endswith((".pyc", ".pyo")):
                    try:
                        newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
                    except OSError:  # pragma: no cover - removed while walking
                        continue
    return newest


def write_cache(project_path: Path, names: dict[str, list[str]], *folders: Path) -> None:
    """Write the completion cache atomically.

    Args:
        project_path: The project root; the file goes to ``.proj/completion.json``.
        names: Kind (``pipelines``, ``nodes``, ``tags``, ``namespaces``, ``datasets``,
            ``envs``) -> sorted names.
        folders: The folders whose modification times validate the cache.
    """
    target = project_path / CACHE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {"fingerprint": fingerprint(*folders), "names": names}
    write_text_atomic(target, json.dumps(payload), durable=False)


def read_cache(project_path: Path, *folders: Path) -> dict[str, list[str]] | None:
    """The cached names, or None when the cache is missing, unreadable or stale."""
    try:
        payload: dict[str, Any] = json.loads((project_path / CACHE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if payload.get("fingerprint") != fingerprint(*folders):
        return None
    names = payload.get("names")
    return names if isinstance(names, dict) else None
