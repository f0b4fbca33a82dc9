"""Reading notebooks: files or parsed JSON into :class:`Notebook` (cells, tags, kernel).

A notebook is read as nbformat v4 JSON (the Jupyter notebook format,
https://nbformat.readthedocs.io). Version 4 files are read with the standard library's
``json`` and checked against the v4 structure (``cells``, each with ``cell_type`` and
``source``); older versions (1 to 3) are upgraded by nbformat (``nbformat.reads`` with
``as_version=4``). nbformat is
imported only for those: in this environment importing it costs more than a second
(jsonschema's format checkers), which alone would break the conversion time budget.

Cells are numbered from 1 in notebook order, counting every cell (markdown and raw
included), which is what a person counts scrolling from the top; execution counts
(``In [7]``) are not used because they change on every run.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.exceptions import NotebookError

if TYPE_CHECKING:
    from collections.abc import Mapping

_PYTHON_LANGUAGES = frozenset({"python", "python2", "python3", "ipython", "ipython3"})


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook.

    Attributes:
        number: Position in the notebook, from 1, counting every cell.
        cell_type: ``"code"``, ``"markdown"`` or ``"raw"``.
        source: The cell's text (lines joined, as Jupyter shows it).
        tags: The cell's ``metadata.tags`` (written by Jupyter's tag editor).
    """

    number: int
    cell_type: str
    source: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Notebook:
    """A notebook reduced to what conversion needs.

    Attributes:
        name: How messages and generated headers name it, e.g. ``notebooks/iris.ipynb``.
        cells: Every cell, in order.
        content_hash: SHA-256 (hex) of the cells' types, sources and tags: outputs,
            execution counts and ids are left out, so running a notebook again does
            not change it.
        language: The kernel's language from the notebook metadata (``kernelspec`` or
            ``language_info``), "" when not recorded.
        kernel: The kernel's display name, "" when not recorded.
    """

    name: str
    cells: tuple[Cell, ...]
    content_hash: str
    language: str = ""
    kernel: str = ""

    @property
    def is_python(self) -> bool:
        """The kernel's language is Python (or not recorded, which Jupyter treats so)."""
        return not self.language or self.language.strip().lower() in _PYTHON_LANGUAGES

    @property
    def code_cells(self) -> list[Cell]:
        """The code cells, in order."""
        return [cell for cell in self.cells if cell.cell_type == "code"]


def read_notebook(
    source: str | Path | Mapping[str, Any] | Notebook,
    *,
    name: str | None = None,
    require_python: bool = True,
) -> Notebook:
    """Read a notebook from a file or from its parsed JSON.

    Args:
        source: A path to a ``.ipynb`` file (``str`` or ``Path``), a notebook already
            parsed into a mapping (plain ``dict`` or ``nbformat.NotebookNode``), or a
            :class:`Notebook` (returned as is, renamed when ``name`` is given).
        name: The name used in messages and generated headers; default: the path as
            given, or ``"notebook.ipynb"`` for a mapping.
        require_python: Refuse notebooks whose kernel is not Python.

    Returns:
        The notebook, upgraded to the v4 structure.

    Raises:
        NotebookError: The file cannot be read, is not JSON, is not a notebook, has an
            unsupported nbformat version, or its kernel is not Python.
    """
    if isinstance(source, Notebook):
        notebook = source
        if name is not None:
            notebook = Notebook(
                name, source.cells, source.content_hash, source.language, source.kernel
            )
        if require_python:
            _require_python(notebook)
        return notebook
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise NotebookError(
                f"Notebook {label} does not exist.", hint="Check the path."
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise NotebookError(
                f"Cannot read notebook {label}: {exc}",
                hint="A notebook is a UTF-8 JSON file written by Jupyter.",
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotebookError(
                f"{label} is not a notebook: it is not valid JSON "
                f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                hint="Open it in Jupyter and save it again, or restore it from version control.",
            ) from exc
    else:
        label = name or "notebook.ipynb"
        data = source
    notebook = _from_json(data, label)
    if require_python:
        _require_python(notebook)
    return notebook


def _require_python(notebook: Notebook) -> None:
    if not notebook.is_python:
        raise NotebookError(
            f"{notebook.name} runs the {notebook.kernel or notebook.language} kernel "
            f"(language {notebook.language!r}); only Python notebooks can be converted.",
            hint="Convert a notebook that uses a Python kernel.",
        )


def _from_json(data: Any, label: str) -> Notebook:
    if not isinstance(data, dict) or not isinstance(data.get("nbformat"), int):
        raise NotebookError(
            f"{label} is not a Jupyter notebook: it has no integer 'nbformat' field.",
            hint="Pass a .ipynb file saved by Jupyter (nbformat 4, or 1-3 to be upgraded).",
        )
    version = data["nbformat"]
    if version > 4:
        raise NotebookError(
            f"{label} uses nbformat {version}, which this version of proj does not know.",
            hint="Save it as nbformat 4 (File > Save As in Jupyter), or upgrade proj.",
        )
    if version < 4:
        data = _upgrade(data, label)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(
            f"{label} is not a valid notebook: 'cells' is missing or not a list.",
            hint="Open it in Jupyter and save it again.",
        )
    language, kernel = _language(data.get("metadata"))
    result: list[Cell] = []
    for number, raw in enumerate(cells, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise NotebookError(
                f"{label} is not a valid notebook: cell {number} has no 'cell_type'.",
                hint="Open it in Jupyter and save it again.",
            )
        metadata = raw.get("metadata") or {}
        tags = metadata.get("tags") if isinstance(metadata, dict) else None
        result.append(
            Cell(
                number=number,
                cell_type=raw["cell_type"],
                source=_join(raw.get("source", ""), label, number),
                tags=tuple(tag for tag in tags or () if isinstance(tag, str)),
            )
        )
    return Notebook(label, tuple(result), _hash_cells(result), language, kernel)


def _upgrade(data: dict[str, Any], label: str) -> dict[str, Any]:
    """Upgrade a v1-v3 notebook to v4 with nbformat (imported only here)."""
    import warnings

    try:
        import nbformat
    except ImportError as exc:  # pragma: no cover - nbformat ships with proj[jupyter]
        from proj.exceptions import MissingDependencyError

        raise MissingDependencyError("nbformat", "jupyter", f"Reading {label}") from exc
    try:
        with warnings.catch_warnings():
            # Upgrading adds cell ids and may warn about the original's validity; the
            # result is checked below, and the file itself is never rewritten.
            warnings.simplefilter("ignore")
            # reads() joins v3's lists of lines before converting, unlike from_dict().
            library: Any = nbformat  # untyped
            upgraded = library.reads(json.dumps(data), as_version=4)
    except Exception as exc:
        raise NotebookError(
            f"{label} uses nbformat {data.get('nbformat')} and could not be upgraded to "
            f"version 4: {type(exc).__name__}: {exc}",
            hint="Open it in Jupyter and save it again as a current notebook.",
        ) from exc
    return dict(upgraded)


def _language(metadata: Any) -> tuple[str, str]:
    """The kernel's language and display name from notebook metadata ("" if absent)."""
    if not isinstance(metadata, dict):
        return "", ""
    kernelspec = metadata.get("kernelspec")
    kernelspec = kernelspec if isinstance(kernelspec, dict) else {}
    language_info = metadata.get("language_info")
    language_info = language_info if isinstance(language_info, dict) else {}
    language = kernelspec.get("language") or language_info.get("name") or ""
    kernel = kernelspec.get("display_name") or kernelspec.get("name") or ""
    return (language if isinstance(language, str) else ""), (
        kernel if isinstance(kernel, str) else ""
    )


def _join(source: Any, label: str, number: int) -> str:
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError(
        f"{label} is not a valid notebook: the source of cell {number} is neither "
        "text nor a list of lines.",
        hint="Open it in Jupyter and save it again.",
    )


def _hash_cells(cells: list[Cell]) -> str:
    digest = hashlib.sha256()
    for cell in cells:
        record = json.dumps([cell.cell_type, cell.source, list(cell.tags)], ensure_ascii=False)
        digest.update(record.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def heading_of(cell: Cell) -> str | None:
    """The text of the first Markdown heading (``#`` to ``######``) in a cell, or None.

    Args:
        cell: Any cell; only markdown cells have headings.

    Returns:
        The heading text without the ``#`` marks, e.g. ``"Load the data"``.
    """
    if cell.cell_type != "markdown":
        return None
    for line in cell.source.split("\n"):
        match = re.match(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match and match.group(1).strip():
            return match.group(1).strip()
    return None
