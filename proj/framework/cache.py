"""The completion cache: the project's names in ``.proj/completion.json``.

Shell completion must answer in a fraction of a second, and pressing Tab must never run
the project's code (a fresh clone's ``pipeline_registry.py`` is code nobody has chosen to
run yet). So completion only reads files: the session writes this small JSON file
whenever it loads the registry, that is when the user runs a command such as ``proj
run`` or ``proj pipeline list``; completion reads it even when it is stale (any file
under the source or configuration folders changed since, compared by modification
times). Without it, :func:`static_names` offers what the configuration files say.
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


def write_cache(
    project_path: Path,
    names: dict[str, list[str]],
    *folders: Path,
    run_store: Path | None = None,
) -> None:
    """Write the completion cache atomically.

    Args:
        project_path: The project root; the file goes to ``.proj/completion.json``.
        names: Kind (``pipelines``, ``nodes``, ``tags``, ``namespaces``, ``datasets``,
            ``envs``) -> sorted names.
        folders: The folders whose modification times validate the cache (the source
            folder and the configuration folder in use); they are recorded
            in the cache, so that a reader need not load the settings to find them.
        run_store: The run store's path, for completing run ids (None: runs are not
            recorded).
    """
    target = project_path / CACHE_FILE
    payload = {
        "fingerprint": fingerprint(*folders),
        "folders": [str(folder) for folder in folders],
        "run_store": None if run_store is None else str(run_store),
        "names": names,
    }
    write_text_atomic(target, json.dumps(payload), durable=False)


def _payload(project_path: Path) -> dict[str, Any] | None:
    try:
        payload = json.loads((project_path / CACHE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def read_cache(project_path: Path, *folders: Path) -> dict[str, list[str]] | None:
    """The cached names, or None when the cache is missing, unreadable or stale.

    Args:
        project_path: The project root.
        folders: The folders to validate against; by default those the writer recorded.
    """
    payload = _payload(project_path)
    if payload is None:
        return None
    watched = folders or tuple(Path(folder) for folder in payload.get("folders", []))
    if not watched or payload.get("fingerprint") != fingerprint(*watched):
        return None
    names = payload.get("names")
    return names if isinstance(names, dict) else None


def cached_names(project_path: Path) -> dict[str, list[str]] | None:
    """The names of the last cache write, fresh or stale; None when there is no cache.

    Args:
        project_path: The project root.
    """
    payload = _payload(project_path)
    names = None if payload is None else payload.get("names")
    return names if isinstance(names, dict) else None


def conf_folder(project_path: Path) -> Path:
    """The configuration folder the last cache write recorded, else ``<project>/conf``.

    Args:
        project_path: The project root.
    """
    payload = _payload(project_path) or {}
    folders = payload.get("folders")
    if isinstance(folders, list) and len(folders) >= 2 and isinstance(folders[-1], str):
        return Path(folders[-1])
    return project_path / "conf"


def env_names(conf: Path) -> list[str]:
    """The environments of a configuration folder: its sub-folders except ``base``.

    Args:
        conf: The configuration folder.

    Returns:
        Sorted folder names (hidden ones skipped); empty when ``conf`` is not a folder.
    """
    if not conf.is_dir():
        return []
    return sorted(
        p.name for p in conf.iterdir() if p.is_dir() and p.name != "base" and p.name[0] != "."
    )


def static_names(project_path: Path) -> dict[str, list[str]]:
    """Names read from configuration files only, for completion before any cache exists.

    Nothing of the project is imported: environments are the configuration folder's
    sub-folders, datasets the top-level keys of ``catalog*.yml`` / ``catalog*.yaml`` in
    ``base`` and ``local`` (not patterns such as ``{name}_csv``, not ``_anchors``).
    Files that cannot be read are skipped.

    Args:
        project_path: The project root.

    Returns:
        ``{"envs": [...], "datasets": [...]}``, sorted.
    """
    import yaml

    conf = conf_folder(project_path)
    datasets: set[str] = set()
    for env in ("base", "local"):
        folder = conf / env
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("catalog*.y*ml")):
            try:
                data = yaml.safe_load(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict):
                datasets.update(
                    key
                    for key in data
                    if isinstance(key, str) and not key.startswith("_") and "{" not in key
                )
    return {"envs": env_names(conf), "datasets": sorted(datasets)}


def cached_run_store(project_path: Path) -> Path | None:
    """The run store's path as the last cache write recorded it.

    Stale caches still answer: the path only changes with settings.py, and a wrong
    guess costs a completion, nothing else.

    Returns:
        The recorded path; ``.proj/runs.db`` in the project when no cache records one;
        None when the settings disable the run store.
    """
    payload = _payload(project_path)
    if payload is None or "run_store" not in payload:
        return project_path / ".proj" / "runs.db"
    recorded = payload["run_store"]
    return Path(recorded) if isinstance(recorded, str) else None
