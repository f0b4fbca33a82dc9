"""Shell completion of the project's own names (pipelines, nodes, tags, datasets, ...).

Values come from ``.proj/completion.json`` (see :mod:`proj.framework.cache`), so a
keystroke costs a file read, not an import of the project's pipelines. A stale or missing
cache is rebuilt once by loading the project.
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
        Sorted names; empty outside a project or when the project cannot be loaded
        (completion never fails loudly).
    """
    from proj.exceptions import ProjError
    from proj.framework.cache import cached_run_store, read_cache
    from proj.framework.project import find_project

    try:
        metadata = find_project(start)
    except ProjError:
        return []
    if kind == "runs":
        return _recent_runs(cached_run_store(metadata.project_path))
    names = read_cache(metadata.project_path)
    if names is None:
        try:
            from proj.framework import Session

            session = Session.create(metadata.project_path, record_runs=False)
            session.write_completion_cache()
        except Exception:  # completion must never break the shell
            return []
        names = read_cache(metadata.project_path) or {}
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
