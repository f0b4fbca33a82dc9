"""Shell completion of the project's own names (pipelines, nodes, tags, datasets, ...).

Values come from ``.proj/completion.json`` (see :mod:`proj.framework.cache`), so a
keystroke costs a file read. Completion never imports or runs the project's code: the
cache is written by the commands the user runs (``proj run``, ``proj pipeline list``,
...), a stale cache still answers, and without one only names that configuration files
give (environments, declared datasets) are offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


def project_names(kind: str, start: Path | None = None) -> list[str]:
    """The names of one kind in the project around ``start`` (default: the cwd).

    Args:
        kind: ``pipelines``, ``nodes``, ``tags``, ``namespaces``, ``datasets``, ``envs``
            or ``runs`` (recent run ids, newest first).
        start: A folder inside the project.

    Returns:
        Sorted names from the completion cache (even a stale one); without a cache,
        only ``envs`` and ``datasets`` read from configuration files. Empty outside a
        project. Never imports the project's code, never fails loudly.
    """
    from proj.exceptions import ProjError
    from proj.framework.cache import (
        cached_names,
        cached_run_store,
        conf_folder,
        env_names,
        static_names,
    )
    from proj.framework.project import find_project

    try:
        metadata = find_project(start)
    except (ProjError, OSError, ValueError):  # completion must never break the shell
        return []
    root = metadata.project_path
    if kind == "runs":
        return _recent_runs(cached_run_store(root))
    if kind == "envs":
        return env_names(conf_folder(root))
    names = cached_names(root)
    if names is None:
        names = static_names(root)
    return list(names.get(kind, []))


def _recent_runs(path: Path | None) -> list[str]:
    import sqlite3

    if path is None or not path.exists():
        return []
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0) as db:
            rows = db.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 20")
            return [row[0] for row in rows]
    except sqlite3.Error:
        return []


def complete_from_cache(kind: str) -> Callable[..., list[str]]:
    """A Typer ``autocompletion`` callback completing names of ``kind``.

    Comma-separated values complete their last item: ``a,b<TAB>`` offers ``a,b...``.
    """

    def complete(ctx: Any, incomplete: str) -> list[str]:
        head, _, last = incomplete.rpartition(",")
        prefix = f"{head}," if head else ""
        return [prefix + name for name in project_names(kind) if name.startswith(last)]

    return complete
