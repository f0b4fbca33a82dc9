"""New notebooks from templates, optionally built around one dataset of the catalog.

A template is an nbformat v4 notebook (``<name>.ipynb``) whose cell sources may hold
placeholders, written ``{{ name }}``:

=========================  ==========================================================
``{{ dataset }}``          the dataset's catalog name, e.g. ``iris``
``{{ variable }}``         a Python identifier for it (``params:a.b`` -> ``a_b``)
``{{ project_name }}``     the project's name; ``{{ package_name }}`` its package
``{{ kernel_name }}``      the kernel spec, ``proj_<package>_<hash>``;
                           ``{{ kernel_display_name }}`` its display name
``{{ notebook }}``         the new notebook's file name without ``.ipynb``
``{{ template }}``         the template's name
``{{ kind }}``             the dataset's kind (see below); ``{{ kind_description }}``
                           the same in words
=========================  ==========================================================

A template that uses ``{{ dataset }}`` or ``{{ variable }}`` outside cells marked
``with_dataset`` needs ``--dataset``. Other text in double braces is left alone.

Cells can be kept only in some cases, by ``metadata.proj_template`` of the cell:
``{"kinds": ["table", ...]}`` keeps it for datasets of those kinds, ``{"with_dataset":
true}`` only when ``--dataset`` is given. The *kind* of a dataset is that of its value
when its data exists (it is loaded to find out): ``table`` (a DataFrame), ``series``,
``mapping`` (a dict, JSON/YAML documents, parameters), ``sequence`` (a list or tuple),
``image`` (a Pillow image) or ``object`` (anything else: a model, a number); before its
data exists, it is guessed from the dataset's type (CSV, Parquet, Excel, SQL: ``table``;
JSON, YAML: ``mapping``; image datasets: ``image``; others: ``object``).

proj ships ``explore`` (a first look at a dataset, by kind: for a table its shape,
types, first rows, summary statistics, missing values and distributions) and ``blank``
(lists the catalog, and loads ``--dataset`` when given); a project adds its own, or
replaces these, in ``notebooks/templates/``. An optional
``metadata.proj_template.description`` in a template is shown in listings.

The new notebook selects the project kernel and records its dataset and template in
``metadata.proj``, so it stays associated with the dataset. It is never written over
an existing file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.config.params import is_parameter
from proj.exceptions import NotebookError, UnknownNameError
from proj.jupyter.deps import NOTEBOOK_PACKAGES, require
from proj.jupyter.kernelspec import default_display_name, project_kernel_name

if TYPE_CHECKING:
    from proj.framework import ProjectMetadata

logger = logging.getLogger(__name__)

#: Where proj's own templates are.
BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Where a project's templates are, relative to its root.
PROJECT_TEMPLATES = Path("notebooks") / "templates"

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_DATASET_PLACEHOLDERS = frozenset({"dataset", "variable"})
_TEMPLATE_KEY = "proj_template"


@dataclass(frozen=True)
class Template:
    """A notebook template.

    Attributes:
        name: The name ``--template`` takes (the file name without ``.ipynb``).
        path: The template file.
        builtin: True for proj's own templates, False for the project's.
    """

    name: str
    path: Path
    builtin: bool

    def read(self) -> Any:
        """The template as an nbformat v4 notebook node.

        Raises:
            NotebookError: The file is not a valid notebook.
        """
        import nbformat

        read: Any = nbformat.read  # untyped in nbformat
        try:
            return read(self.path, as_version=4)
        except Exception as exc:
            raise NotebookError(
                f"Template {self.path} is not a valid notebook: {exc}",
                hint="Save the template from Jupyter, or fix its JSON.",
            ) from exc

    @property
    def needs_dataset(self) -> bool:
        """Whether the template uses ``{{ dataset }}`` or ``{{ variable }}`` in a cell
        that is not marked ``with_dataset``."""
        notebook = self.read()
        names = {
            m.group(1)
            for cell in notebook.cells
            if not _cell_options(cell).get("with_dataset")
            for m in _PLACEHOLDER.finditer(cell.source)
        }
        return bool(names & _DATASET_PLACEHOLDERS)

    @property
    def description(self) -> str:
        """The template's one-line description (empty if it has none)."""
        meta = self.read().metadata.get(_TEMPLATE_KEY, {})
        return str(meta.get("description", "")) if isinstance(meta, dict) else ""


def list_templates(project_path: Path | None = None) -> dict[str, Template]:
    """The templates available, the project's replacing proj's of the same name.

    Args:
        project_path: The project root; None for proj's templates only.

    Returns:
        Template name -> template, sorted by name.
    """
    found: dict[str, Template] = {}
    folders = [(BUILTIN_TEMPLATES, True)]
    if project_path is not None:
        folders.append((project_path / PROJECT_TEMPLATES, False))
    for folder, builtin in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.ipynb")):
                found[path.stem] = Template(path.stem, path, builtin)
    return dict(sorted(found.items()))


def _variable(dataset: str) -> str:
    name = re.sub(r"\W", "_", dataset.removeprefix("params:")) or "data"
    if name[0].isdigit():
        name = "_" + name
    import keyword

    if keyword.iskeyword(name) or name in {"catalog", "context", "pipelines", "session"}:
        name += "_data"
    return name


#: Kind of a dataset -> how the title of a new notebook describes it.
KINDS = {
    "table": "a table",
    "series": "a series",
    "mapping": "a mapping of keys to values",
    "sequence": "a list of items",
    "image": "an image",
    "object": "a Python object",
}
_TYPE_KINDS = (
    (("csv", "parquet", "excel", "sql", "feather", "table", "polars"), "table"),
    (("json", "yaml"), "mapping"),
    (("image", "pillow"), "image"),
)


def _cell_options(cell: Any) -> dict[str, Any]:
    options = cell.metadata.get(_TEMPLATE_KEY, {})
    return options if isinstance(options, dict) else {}


def kind_of(value: object) -> str:
    """The kind of a dataset's value (see the module docstring)."""
    import collections.abc

    module = type(value).__module__.split(".")[0]
    if hasattr(value, "columns") and hasattr(value, "dtypes"):
        return "table"
    if module == "pandas" and type(value).__name__ == "Series":
        return "series"
    if module == "PIL" and hasattr(value, "mode") and hasattr(value, "size"):
        return "image"
    if isinstance(value, collections.abc.Mapping):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "sequence"
    return "object"


def _check_dataset(metadata: ProjectMetadata, dataset: str, env: str | None) -> str:
    """Check that the catalog has ``dataset``; return its kind."""
    if any(char in dataset for char in "\"'\\\n\r"):
        raise NotebookError(f"Dataset name {dataset!r} has quotes, backslashes or line breaks.")
    from proj.framework import Session

    session = Session.create(metadata.project_path, env=env, record_runs=False)
    catalog = session.load_context().catalog
    if dataset not in catalog:
        known = [n for n in catalog.list() if not is_parameter(n)]
        raise UnknownNameError("dataset", [dataset], known, where="the catalog")
    if catalog.exists(dataset):
        try:
            return kind_of(catalog.load(dataset))
        except Exception as exc:  # the notebook's first cell will show the error
            logger.warning("Could not load '%s' to see what it holds: %s", dataset, exc)
    kind = str(catalog.describe(dataset).get("type", "")).lower()
    for words, found in _TYPE_KINDS:
        if any(word in kind for word in words):
            return found
    return "object"


def _keep(cell: Any, kind: str | None, with_dataset: bool) -> bool:
    options = _cell_options(cell)
    if options.get("with_dataset") and not with_dataset:
        return False
    kinds = options.get("kinds")
    return not (isinstance(kinds, list) and kind is not None and kind not in kinds)


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _create(target: Path, text: str) -> None:
    """Write ``text`` to a new file ``target`` atomically; never replace an existing one.

    The text goes to a temporary file in the same folder, which is then hard-linked to
    ``target``: the link fails if ``target`` exists (even one created a moment ago), and
    nobody ever sees a half-written notebook. Where hard links are not supported the
    name is claimed with an exclusive create and the full file then moved onto it.

    Raises:
        NotebookError: ``target`` exists, or the folder cannot be written.
    """
    import os
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise NotebookError(
            f"Cannot write {target}: {exc}", hint="Check that its folder is writable."
        ) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes it private to the owner
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: claim the name, then fill it
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            os.replace(temporary, target)
    except FileExistsError as exc:
        raise NotebookError(
            f"{target} already exists; proj never writes over a notebook.",
            hint="Choose another name, or delete that file first.",
        ) from exc
    except OSError as exc:
        raise NotebookError(
            f"Cannot write {target}: {exc}", hint="Check that its folder is writable."
        ) from exc
    finally:
        Path(temporary).unlink(missing_ok=True)


def new_notebook(
    path: str | Path,
    metadata: ProjectMetadata,
    *,
    dataset: str | None = None,
    template: str | None = None,
    env: str | None = None,
    kernel_name: str | None = None,
) -> Path:
    """Write a new notebook from a template.

    Args:
        path: The notebook to create, ending in ``.ipynb``; missing folders are made.
        metadata: The project.
        dataset: A catalog dataset the notebook is about.
        template: The template's name; default ``explore`` with a dataset, else
            ``blank``.
        env: Configuration environment used to check that the dataset exists.
        kernel_name: The kernel the notebook selects; default the project's.

    Returns:
        The notebook's absolute path.

    Raises:
        MissingDependencyError: nbformat is not installed.
        NotebookError: The path does not end in ``.ipynb``, is outside the project
            (symbolic links and ``..`` resolved) or already exists, the
            template is not a valid notebook, or it needs a dataset and none was given.
        UnknownNameError: The template or the dataset is unknown (close names given).
        ConfigError, DatasetError: The catalog cannot be read to check the dataset.
    """
    require(*NOTEBOOK_PACKAGES, feature="proj jupyter new")
    import nbformat

    target = Path(path).expanduser().resolve()
    if target.suffix != ".ipynb":
        raise NotebookError(
            f"{target} does not end in .ipynb.", hint="Name the notebook like notebooks/x.ipynb."
        )
    root = metadata.project_path.resolve()
    if not target.is_relative_to(root):
        raise NotebookError(
            f"{target} is outside the project {root}; proj jupyter new writes notebooks "
            "inside the project only.",
            hint="Give a path inside the project, such as notebooks/explore.ipynb.",
        )
    if target.exists():
        raise NotebookError(
            f"{target} already exists; proj never writes over a notebook.",
            hint="Choose another name, or delete that file first.",
        )
    templates = list_templates(metadata.project_path)
    chosen = template or ("explore" if dataset else "blank")
    if chosen not in templates:
        raise UnknownNameError(
            "template",
            [chosen],
            templates,
            hint=f"Templates: {', '.join(templates)}; add your own as "
            f"{metadata.project_path / PROJECT_TEMPLATES}/<name>.ipynb.",
        )
    found = templates[chosen]
    if found.needs_dataset and not dataset:
        raise NotebookError(
            f"Template '{chosen}' is built around a dataset; none was given.",
            hint="Pass --dataset NAME (see `proj catalog list`), or --template blank.",
        )
    kind = _check_dataset(metadata, dataset, env) if dataset else None
    kernel = kernel_name or project_kernel_name(metadata)
    display = default_display_name(metadata.package_name, metadata.project_path)
    values = {
        "dataset": dataset or "",
        "variable": _variable(dataset) if dataset else "",
        "project_name": metadata.project_name,
        "package_name": metadata.package_name,
        "kernel_name": kernel,
        "kernel_display_name": display,
        "notebook": target.stem,
        "template": chosen,
        "kind": kind or "",
        "kind_description": KINDS.get(kind or "", ""),
    }
    notebook = found.read()
    notebook.cells = [cell for cell in notebook.cells if _keep(cell, kind, bool(dataset))]
    for cell in notebook.cells:
        cell.metadata.pop(_TEMPLATE_KEY, None)
        cell.source = _fill(cell.source, values)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    notebook.metadata.pop(_TEMPLATE_KEY, None)
    notebook.metadata["kernelspec"] = {
        "name": kernel,
        "display_name": display,
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["proj"] = {"template": chosen, **({"dataset": dataset} if dataset else {})}
    nbformat.validate(notebook)
    writes: Any = nbformat.writes  # untyped in nbformat
    _create(target, writes(notebook) + "\n")
    logger.info(
        "Wrote %s from template '%s'%s",
        target,
        chosen,
        f" for dataset '{dataset}'" if dataset else "",
    )
    return target


__all__ = [
    "BUILTIN_TEMPLATES",
    "KINDS",
    "PROJECT_TEMPLATES",
    "Template",
    "kind_of",
    "list_templates",
    "new_notebook",
]
