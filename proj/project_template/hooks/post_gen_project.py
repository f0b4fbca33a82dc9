"""Post-generation hook of the proj project template: applies the chosen starter.

cookiecutter renders this file with the project's answers and runs it with the
working directory set to the freshly generated project. It does three things:

* With ``starter = "empty"`` it deletes what only the iris starter needs: the raw
  iris file, the two example pipelines and their tests. Everything else (the folder
  skeleton, ``conf/``, ``settings.py``, ``pipeline_registry.py``) is shared by every
  starter, and the files whose *content* differs between starters use Jinja
  conditionals instead.
* It renames ``gitignore`` to ``.gitignore``. The template keeps the file without its
  dot so that its patterns (``data/**``, ``conf/local/**``) do not hide the template's
  own files from the git repository and the wheel that ship it.
* It deletes any ``__pycache__`` folder copied from the template folder.

A non-zero exit status makes cookiecutter delete the project and raise
``FailedHookException``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

STARTER = "{{ cookiecutter.starter }}"
PACKAGE = "{{ cookiecutter.package_name }}"
KNOWN_STARTERS = ("iris", "empty")

# Paths, relative to the project root, that belong to the iris starter only.
IRIS_ONLY = (
    "data/01_raw/iris.csv",
    f"src/{PACKAGE}/pipelines/data_processing",
    f"src/{PACKAGE}/pipelines/data_science",
    "tests/pipelines",
)


def remove(path: Path) -> None:
    """Delete a file or a folder tree; a missing path is not an error."""
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> int:
    """Apply the starter to the project in the working directory; return the exit code."""
    root = Path.cwd()
    if STARTER not in KNOWN_STARTERS:
        sys.stderr.write(
            f"Unknown starter {STARTER!r}; known starters: {', '.join(KNOWN_STARTERS)}.\n"
        )
        return 1
    if STARTER == "empty":
        for relative in IRIS_ONLY:
            remove(root / relative)
    (root / "gitignore").replace(root / ".gitignore")
    # Bytecode caches that may sit in the template folder must not ship with projects.
    for cache in sorted(root.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
