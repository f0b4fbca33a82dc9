"""Converting a project's notebooks into its code: where files go, and doing it safely.

* :func:`convert_notebooks` (``proj jupyter convert NOTEBOOK... | --all``): the cells
  tagged ``node`` of each notebook become ``src/<package>/nodes/<stem>.py`` (the
  ``nodes`` package is created with an ``__init__.py``). ``<stem>`` is the notebook's
  file name without ``.ipynb`` when that is a Python identifier, else a cleaned-up form
  (``01 EDA.ipynb`` -> ``nb_01_eda``). ``--all`` takes every ``*.ipynb`` under
  ``notebooks/`` (recursively, skipping hidden folders and ``.ipynb_checkpoints``);
  two notebooks with the same stem are an error. A notebook without a tagged cell is a
  warning and writes nothing.
* :func:`convert_to_pipeline` (``--to-pipeline NAME``): the whole notebook becomes
  ``src/<package>/pipelines/NAME/{__init__,nodes,pipeline}.py`` (found by
  ``find_pipelines()``), and the values it persists get entries in the base
  environment's ``catalog.yml`` (:mod:`proj.notebook.catalog_yaml`).

Every conversion is planned in full first; then each file is checked against hand edits
(:func:`~proj.notebook.writing.check_overwrite`), the new code is imported in a fresh
interpreter, and only then are files written, each atomically. A module of tagged cells
is written even when that import fails (the notebook may come from another
environment): each package missing here is a warning with the ``pip install`` to run,
any other failure a warning with the cell and line. A pipeline must import: a missing
package or failure is an error and nothing is written. With ``dry_run`` nothing
is written and the report carries the diffs. Notebook names in headers are paths
relative to the project root, so the output does not depend on where the project lives.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from proj.exceptions import NotebookError
from proj.notebook.writing import (
    FileChange,
    ImportCheck,
    check_imports,
    check_overwrite,
    missing_imports,
    pip_install,
    read_text,
    write_atomic,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from proj.framework.project import ProjectMetadata
    from proj.notebook.grouping import Split
    from proj.notebook.module import ModuleResult

NOTEBOOKS_DIR = "notebooks"


@dataclass
class ConversionReport:
    """What a conversion did (or, with ``dry_run``, would do).

    Attributes:
        root: The project root.
        changes: Every file considered, with its old and new content.
        warnings: Messages for the user (cell and line named).
        converted: Notebook name -> files it produced (relative paths).
        dry_run: Nothing was written.
        persisted: For ``--to-pipeline``: notebook variable -> dataset persisted.
    """

    root: Path
    changes: list[FileChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    converted: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False
    persisted: dict[str, str] = field(default_factory=dict)

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, with ``/``."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def module_stem(path: Path) -> str:
    """The module name for a notebook: its stem if that is an identifier, else cleaned up.

    Args:
        path: The notebook file.

    Returns:
        ``eda`` for ``eda.ipynb``; ``nb_01_eda`` for ``01 EDA.ipynb``.
    """
    stem = path.stem
    if stem.isidentifier() and stem.isascii() and not keyword.iskeyword(stem):
        return stem
    import unicodedata

    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", ascii_stem).strip("_").lower() or "notebook"
    if cleaned[0].isdigit() or keyword.iskeyword(cleaned):
        cleaned = f"nb_{cleaned}"
    return cleaned


def find_notebooks(root: Path) -> list[Path]:
    """Every notebook under ``<root>/notebooks`` (sorted; hidden folders skipped).

    Raises:
        NotebookError: The folder does not exist.
    """
    folder = root / NOTEBOOKS_DIR
    if not folder.is_dir():
        raise NotebookError(
            f"{folder} does not exist, so --all has nothing to convert.",
            hint="Put notebooks in notebooks/ or name them on the command line.",
        )
    found = [
        path
        for path in folder.rglob("*.ipynb")
        if not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    return sorted(found)


def _project(project_path: Path | None) -> ProjectMetadata:
    from proj.framework.project import bootstrap_project

    return bootstrap_project(project_path)


def _label(path: Path, root: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.name


def convert_notebooks(
    notebooks: list[Path] | None,
    *,
    project_path: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ConversionReport:
    """Convert the tagged cells of notebooks into modules of the project's ``nodes`` package.

    Args:
        notebooks: Notebook files; None for every notebook under ``notebooks/``.
        project_path: A folder inside the project; default: the working folder.
        force: Overwrite files edited by hand (or not generated).
        dry_run: Write nothing; the report's changes carry the diffs.

    Returns:
        The report.

    Raises:
        ProjectNotFoundError: No project around ``project_path``.
        NotebookError: A notebook cannot be read or converted, two notebooks share a
            stem, or a target was edited by hand (without ``force``). Nothing is
            written then. A module that fails to import (a package missing from this
            environment, a name the notebook computes) is written, with a warning.
    """
    from proj.notebook.module import convert_module
    from proj.notebook.reading import read_notebook

    metadata = _project(project_path)
    root = metadata.project_path
    paths = find_notebooks(root) if notebooks is None else [Path(p) for p in notebooks]
    report = ConversionReport(root, dry_run=dry_run)
    stems: dict[str, Path] = {}
    for path in paths:
        stem = module_stem(path)
        if stem in stems:
            raise NotebookError(
                f"Two notebooks would become the module nodes/{stem}.py: "
                f"{_label(stems[stem], root)} and {_label(path, root)}.",
                hint="Rename one of them.",
            )
        stems[stem] = path
    package = metadata.package_dir / "nodes"
    checks: list[ImportCheck] = []
    for stem, path in stems.items():
        label = _label(path, root)
        notebook = read_notebook(path, name=label, require_python=notebooks is not None)
        if not notebook.is_python:
            report.warnings.append(
                f"{label}: skipped, its kernel is {notebook.kernel or notebook.language} "
                f"(language {notebook.language!r}), not Python."
            )
            continue
        result = convert_module(notebook)
        report.warnings += [
            f"{label}: {w}" if not w.startswith(label) else w for w in result.warnings
        ]
        if result.source is None:
            continue
        target = package / f"{stem}.py"
        report.changes.append(FileChange(target, read_text(target), result.source))
        report.converted[label] = [report.relative(target)]
        missing = missing_imports(result.source, metadata.source_dir)
        for module, line in missing:
            report.warnings.append(
                f"{label}: {result.where(line)}: the package '{module}' is not installed in "
                f"this environment; {report.relative(target)} is written anyway. Install it "
                f"with: {pip_install(module)}"
            )
        if missing:
            continue  # importing it would only fail on the missing package
        checks.append(
            ImportCheck(
                label=report.relative(target),
                files={f"{stem}.py": result.source},
                module=f"{stem}.py",
                call="",
                where=_module_origin(result),
                strict=False,
            )
        )
    if report.changes:
        init = package / "__init__.py"
        if not init.exists():
            text = '"""Functions converted from notebooks by `proj jupyter convert`."""\n'
            report.changes.insert(0, FileChange(init, None, text, guarded=False))
    _finish(report, metadata, checks, force=force)
    return report


def convert_to_pipeline(
    notebook: Path,
    name: str,
    *,
    project_path: Path | None = None,
    split: Split = "headings",
    force: bool = False,
    dry_run: bool = False,
) -> ConversionReport:
    """Convert a whole notebook into the project's modular pipeline ``name``.

    Args:
        notebook: The notebook file.
        name: The pipeline (folder ``pipelines/<name>``, namespace ``<name>``).
        project_path: A folder inside the project; default: the working folder.
        split: How cells are grouped into nodes (:mod:`proj.notebook.grouping`).
        force: Overwrite files and catalog entries edited by hand (or not generated).
        dry_run: Write nothing; the report's changes carry the diffs.

    Returns:
        The report; ``persisted`` maps notebook variables to the datasets saved.

    Raises:
        ProjectNotFoundError: No project around ``project_path``.
        NotebookError: The notebook cannot be converted faithfully (every problem
            listed with cell and line), a target or catalog entry was edited by hand
            (without ``force``), or the code does not import. Nothing is written then.
    """
    from proj.framework.settings import load_settings
    from proj.notebook.catalog_yaml import update_catalog
    from proj.notebook.topipeline import check_pipeline_name, to_pipeline

    check_pipeline_name(name)
    metadata = _project(project_path)
    root = metadata.project_path
    label = _label(notebook, root)
    result = to_pipeline(
        notebook,
        name,
        notebook_name=label,
        split=split,
        paths=(Path(notebook).resolve().parent, root),
    )
    missing = missing_imports(result.nodes_source, metadata.source_dir)
    if missing:
        needed = ", ".join(f"'{module}' ({result.where(line)})" for module, line in missing)
        commands = "; ".join(pip_install(module) for module, _ in missing)
        raise NotebookError(
            f"{label}: the pipeline imports packages this environment does not have: "
            f"{needed}. A pipeline that cannot import would stop `proj run`; nothing "
            "was written.",
            hint=f"Install them ({commands}) and convert again.",
        )
    report = ConversionReport(root, dry_run=dry_run, persisted=dict(result.persisted))
    report.warnings += [f"{label}: {w}" for w in result.warnings]
    registry = read_text(metadata.package_dir / "pipeline_registry.py") or ""
    if "default_pipeline" not in registry and "JOIN_DEFAULT" not in registry:
        report.warnings.append(
            f"{report.relative(metadata.package_dir / 'pipeline_registry.py')} does not use "
            "proj.framework.default_pipeline(), so if it sums every pipeline into "
            f"__default__, a plain `proj run` now runs '{name}' too. Use "
            'pipelines["__default__"] = default_pipeline(pipelines) to keep converted '
            "pipelines (JOIN_DEFAULT = False) out."
        )
    folder = metadata.package_dir / "pipelines" / name
    files = {
        "nodes.py": result.nodes_source,
        "pipeline.py": result.pipeline_source,
    }
    for init, text in (
        (metadata.package_dir / "pipelines" / "__init__.py", '"""The project\'s pipelines."""\n'),
        (folder / "__init__.py", f'"""The pipeline {name!r}, converted from {label}."""\n'),
    ):
        if not init.exists():
            report.changes.append(FileChange(init, None, text, guarded=False))
    for filename, text in files.items():
        target = folder / filename
        report.changes.append(FileChange(target, read_text(target), text))
    settings = load_settings(metadata)
    base_env = str(settings.config_loader_args.get("base_env", "base"))
    catalog = settings.conf_path(root) / base_env / "catalog.yml"
    old_catalog = read_text(catalog)

    def updated(forced: bool) -> str:
        return update_catalog(
            old_catalog or "",
            pipeline=name,
            notebook=label,
            entries=result.catalog_entries,
            force=forced,
            where=report.relative(catalog),
        )

    try:
        new_catalog = updated(force)
    except NotebookError as exc:
        if not dry_run:
            raise
        new_catalog = updated(True)  # still raises when the file is not valid YAML
        report.warnings.append(f"{exc.message} Without --force, nothing would be written.")
    report.changes.append(FileChange(catalog, old_catalog, new_catalog, guarded=False))
    report.converted[label] = [report.relative(c.path) for c in report.changes]
    check = ImportCheck(
        label=report.relative(folder),
        files=files,
        module="pipeline",
        call="create_pipeline",
        combine=(metadata.package_name, name),
        where=lambda file, line: (
            result.where(line) if file == "nodes.py" else f"{file}, line {line}"
        ),
    )
    _finish(report, metadata, [check], force=force)
    return report


def _module_origin(result: ModuleResult) -> Callable[[str, int], str]:
    def where(_file: str, line: int) -> str:
        return result.where(line)

    return where


def _finish(
    report: ConversionReport, metadata: ProjectMetadata, checks: list[ImportCheck], *, force: bool
) -> None:
    for change in report.changes:
        try:
            check_overwrite(change, force=force, root=report.root)
        except NotebookError as exc:
            if not report.dry_run:
                raise
            report.warnings.append(f"{exc.message} Without --force, nothing would be written.")
    pending = [change for change in report.changes if change.status != "unchanged"]
    if not pending:
        return
    report.warnings += check_imports(checks, source_dir=metadata.source_dir, cwd=report.root)
    if report.dry_run:
        return
    for change in pending:
        write_atomic(change.path, change.new)
