"""``proj migrate``: turn a Kedro project (0.19 or 1.x layout) into a proj project, in place.

:func:`plan_migration` reads the project and returns every edit it would make and
everything it cannot port, writing nothing; :func:`apply_migration` writes the edits
atomically. Running both twice changes nothing the second time.

What is rewritten:

* Python files: ``kedro.*`` / ``kedro_datasets.*`` imports, ``KedroSession`` and the
  other renamed names (:mod:`proj.framework.migrate.python_code`); a package
  ``__main__.py`` built on Kedro's CLI is replaced by proj's.
* ``pyproject.toml``: ``[tool.kedro]`` -> ``[tool.proj]``, the ``kedro.hooks``
  entry-point group, ``kedro`` in the dependencies; requirements files likewise.
* ``conf/**/catalog*.yml`` dataset types and ``conf/logging.yml`` handler classes
  (:mod:`proj.framework.migrate.files`).
"""

from __future__ import annotations

import ast
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from proj.exceptions import ProjectError
from proj.framework.migrate.files import (
    TextResult,
    rewrite_catalog,
    rewrite_logging,
    rewrite_pyproject,
    rewrite_requirements,
)
from proj.framework.migrate.python_code import rewrite_python
from proj.framework.migrate.report import FileEdit, Unported

__all__ = ["FileEdit", "MigrationPlan", "Unported", "apply_migration", "plan_migration"]

#: Folders never searched for files to migrate.
_SKIPPED_DIRS = frozenset(
    {".venv", "venv", "env", "build", "dist", "node_modules", "__pycache__", "data"}
)

#: Kedro settings proj has no counterpart for -> what to do.
_SETTINGS_TODO = {
    "SESSION_STORE_CLASS": "delete it: proj records runs in .proj/runs.db (RUN_STORE_PATH).",
    "SESSION_STORE_ARGS": "delete it: proj records runs in .proj/runs.db (RUN_STORE_PATH).",
}


@dataclass
class MigrationPlan:
    """Everything a migration would change, and what it cannot port.

    Attributes:
        root: The project folder.
        package_name: The project's package.
        already_proj: The project had no ``[tool.kedro]`` but a ``[tool.proj]`` table.
        edits: One per file whose text changes, in path order.
        unported: What stays as it was and needs a person, in path and line order.
    """

    root: Path
    package_name: str
    already_proj: bool = False
    edits: list[FileEdit] = field(default_factory=list)
    unported: list[Unported] = field(default_factory=list)

    def diff(self) -> str:
        """The unified diff of every edit."""
        return "".join(edit.diff(self.root) for edit in self.edits)

    def record(self, file: Path, old: str, outcome: TextResult) -> None:
        """Add one file's outcome: an edit when its text changes, and its findings."""
        self.unported.extend(Unported(file, line, w, t) for line, w, t in outcome.unported)
        if outcome.text != old:
            self.edits.append(FileEdit(file, old, outcome.text, outcome.notes))


def _read_toml(path: Path) -> dict[str, object]:
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        data: dict[str, object] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProjectError(f"Cannot read {path}: {exc}") from exc


def _project_table(root: Path) -> tuple[dict[str, object], bool]:
    """The ``[tool.kedro]`` (or already ``[tool.proj]``) table; refuses anything else."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        raise ProjectError(
            f"{root} is not a Kedro project: it has no pyproject.toml.",
            hint="Run proj migrate in (or pass) the folder holding the Kedro project's "
            "pyproject.toml.",
        )
    tool = _read_toml(pyproject).get("tool")
    tool = tool if isinstance(tool, dict) else {}
    if isinstance(tool.get("kedro"), dict):
        return tool["kedro"], False
    if isinstance(tool.get("proj"), dict):
        return tool["proj"], True
    raise ProjectError(
        f"{root} is not a Kedro project: {pyproject} has no [tool.kedro] table.",
        hint="proj migrate converts Kedro projects (0.19 and 1.x); start a new project "
        "with `proj new` instead.",
    )


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        found.extend(Path(folder) / name for name in sorted(files))
    return found


def _is_catalog(path: Path, conf: Path) -> bool:
    parts = path.relative_to(conf).parts
    return path.suffix in (".yml", ".yaml") and any(p.startswith("catalog") for p in parts)


def _is_logging(path: Path, conf: Path) -> bool:
    return path.suffix in (".yml", ".yaml") and path.name.startswith("logging")


def _main_module(package_name: str, project_name: str, repo_name: str) -> str:
    """proj's ``__main__.py`` for a package, from the project template."""
    import proj

    template = (
        Path(proj.__file__).parent
        / "project_template"
        / "{{ cookiecutter.repo_name }}"
        / "src"
        / "{{ cookiecutter.package_name }}"
        / "__main__.py"
    ).read_text(encoding="utf-8")
    values = {
        "package_name": package_name,
        "project_name": project_name,
        "repo_name": repo_name,
    }
    for key, value in values.items():
        template = template.replace("{{ cookiecutter." + key + " }}", value)
    return template


def _uses_kedro_cli(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            ("kedro.framework.cli", "kedro.framework.project")
        ):
            return any(a.name in ("find_run_command", "configure_project") for a in node.names)
    return False


def _settings_findings(path: Path, source: str) -> list[Unported]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found = []
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in _SETTINGS_TODO:
                    found.append(Unported(path, node.lineno, target.id, _SETTINGS_TODO[target.id]))
    return found


def plan_migration(path: str | Path = ".") -> MigrationPlan:
    """Work out how to turn the Kedro project at ``path`` into a proj project.

    Args:
        path: The project folder (the one with ``pyproject.toml``).

    Returns:
        The plan: the edits (nothing is written) and what could not be ported.

    Raises:
        ProjectError: ``path`` is not a Kedro project (nor one already migrated), or
            its pyproject.toml cannot be read or rewritten.
        MissingDependencyError: libcst is not installed (``pip install proj[migrate]``).
    """
    root = Path(path).resolve()
    table, already = _project_table(root)
    package_name = str(table.get("package_name") or "")
    if not package_name:
        raise ProjectError(f"{root / 'pyproject.toml'} names no package_name in [tool.kedro].")
    project_name = str(table.get("project_name") or package_name)
    source_dir = root / str(table.get("source_dir") or "src")
    plan = MigrationPlan(root=root, package_name=package_name, already_proj=already)
    conf = root / "conf"

    for file in _walk(root):
        name = file.name
        try:
            if name == "pyproject.toml" and file.parent == root:
                old = file.read_text(encoding="utf-8")
                try:
                    plan.record(file, old, rewrite_pyproject(old))
                except ValueError as exc:
                    raise ProjectError(f"Cannot migrate {file}: {exc}.") from exc
            elif name.startswith("requirements") and file.suffix in (".txt", ".in"):
                old = file.read_text(encoding="utf-8")
                plan.record(file, old, rewrite_requirements(old))
            elif file.is_relative_to(conf) and _is_catalog(file, conf):
                old = file.read_text(encoding="utf-8")
                plan.record(file, old, rewrite_catalog(old))
            elif file.is_relative_to(conf) and _is_logging(file, conf):
                old = file.read_text(encoding="utf-8")
                plan.record(file, old, rewrite_logging(old))
            elif file.suffix == ".py":
                _plan_python(plan, file, source_dir, project_name)
            elif file.suffix == ".ipynb" and "kedro" in file.read_text(encoding="utf-8"):
                plan.unported.append(
                    Unported(
                        file,
                        0,
                        "a notebook that mentions kedro",
                        "replace %load_ext kedro.ipython by %load_ext proj.ipython (or open "
                        "it with the project kernel of `proj jupyter lab`), and Kedro "
                        "imports as in the .py files.",
                    )
                )
        except UnicodeDecodeError:
            continue
    plan.edits.sort(key=lambda edit: edit.path)
    plan.unported.sort(key=lambda item: (item.path, item.line))
    return plan


def _plan_python(plan: MigrationPlan, file: Path, source_dir: Path, project_name: str) -> None:
    old = file.read_text(encoding="utf-8")
    package_name = plan.package_name
    if file == source_dir / package_name / "__main__.py" and _uses_kedro_cli(old):
        new = _main_module(package_name, project_name, plan.root.name)
        note = "replaced Kedro's CLI entry point by proj's (python -m runs proj run)"
        plan.record(file, old, TextResult(new, [note]))
        return
    try:
        outcome = rewrite_python(old)
    except SyntaxError as exc:
        if "kedro" in old:
            plan.unported.append(
                Unported(file, 0, f"a file that does not parse ({exc})", "fix it, then rerun.")
            )
        return
    if file.name == "settings.py":
        plan.unported.extend(_settings_findings(file, outcome.code))
    plan.record(file, old, TextResult(outcome.code, outcome.notes, outcome.unported))


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``,
    keeping the file's permission bits."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def apply_migration(plan: MigrationPlan) -> list[Path]:
    """Write a plan's edits, each file atomically.

    Args:
        plan: From :func:`plan_migration`.

    Returns:
        The files written.

    Raises:
        ProjectError: A file changed since the plan was made (nothing more is written)
            or cannot be written.
    """
    written: list[Path] = []
    for edit in plan.edits:
        try:
            current = edit.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ProjectError(f"Cannot read {edit.path}: {exc.strerror}.") from exc
        if current != edit.old:
            raise ProjectError(
                f"{edit.path} changed while proj migrate was running; nothing more was written.",
                hint="Run proj migrate again.",
            )
        try:
            _write_atomically(edit.path, edit.new)
        except OSError as exc:
            raise ProjectError(f"Cannot write {edit.path}: {exc.strerror}.") from exc
        written.append(edit.path)
    return written
