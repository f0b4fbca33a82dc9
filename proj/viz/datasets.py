"""What the visualisation shows of datasets: their catalog entries, described without
secrets, and previews of their first rows.

Descriptions come from the catalog *configuration*, not from built datasets, so a
project whose catalog names a filesystem that is not installed here (``s3://`` without
s3fs) still draws, and credentials are never injected for a description. Only
:func:`preview_dataset` builds a dataset, the one asked for, by name.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.config.params import is_parameter
from proj.exceptions import DatasetError, DatasetNotFoundError
from proj.redaction import redact_mapping, redact_text, redact_value

if TYPE_CHECKING:
    from proj.framework import Session
    from proj.io.factories import DatasetPattern

logger = logging.getLogger(__name__)

#: The catalog keys that hold where a dataset's data lives, in order of preference.
_PATH_KEYS = ("filepath", "path", "url", "table_name")

#: Most rows a preview returns, whatever is asked.
MAX_PREVIEW_ROWS = 100

#: Most characters of a non-tabular preview.
_MAX_TEXT = 20_000


@dataclass(frozen=True)
class CatalogEntries:
    """The catalog configuration of a project: explicit entries and factory patterns.

    Attributes:
        explicit: Dataset name -> entry, as configured.
        patterns: Factory patterns in precedence order.
    """

    explicit: Mapping[str, Mapping[str, Any]]
    patterns: tuple[DatasetPattern, ...]

    @classmethod
    def from_config(cls, catalog: Mapping[str, Any] | None) -> CatalogEntries:
        """Split a merged catalog configuration into entries and patterns.

        Args:
            catalog: Dataset name (or pattern) -> entry; keys starting with ``_`` are
                YAML anchors and skipped.

        Returns:
            The entries.

        Raises:
            DatasetTypeError: A pattern key or its entry is invalid.
        """
        from proj.io.factories import DatasetPattern, is_pattern

        explicit: dict[str, Mapping[str, Any]] = {}
        patterns: list[DatasetPattern] = []
        for key, entry in (catalog or {}).items():
            if not isinstance(key, str) or key.startswith("_"):
                continue
            if is_pattern(key):
                patterns.append(DatasetPattern.parse(key, entry))
            elif isinstance(entry, Mapping):
                explicit[key] = entry
        return cls(explicit, tuple(sorted(patterns, key=lambda p: p.rank)))

    def entry(self, name: str) -> tuple[dict[str, Any], str | None] | None:
        """The configuration of dataset ``name``.

        Args:
            name: A dataset name.

        Returns:
            ``(entry, pattern)``: the entry (placeholders filled for a pattern match)
            and the pattern it came from (None for an explicit entry); None when the
            name is neither declared nor matched.
        """
        if name in self.explicit:
            return dict(self.explicit[name]), None
        for pattern in self.patterns:
            values = pattern.match(name)
            if values is not None:
                return pattern.resolve(values), pattern.pattern
        return None


def layer_of(entry: Mapping[str, Any]) -> str | None:
    """The layer a catalog entry puts its dataset in (drawn as a horizontal band).

    Read, in this order, from ``metadata: {kedro-viz: {layer: ...}}`` (what Kedro
    projects write for kedro-viz), ``metadata: {layer: ...}``, and a plain ``layer:``
    key of the entry (older Kedro catalogs).

    Args:
        entry: One catalog entry.

    Returns:
        The layer's name, or None.
    """
    metadata = entry.get("metadata")
    if isinstance(metadata, Mapping):
        kedro_viz = metadata.get("kedro-viz")
        if isinstance(kedro_viz, Mapping) and kedro_viz.get("layer") is not None:
            return str(kedro_viz["layer"])
        if metadata.get("layer") is not None:
            return str(metadata["layer"])
    layer = entry.get("layer")
    return None if layer is None else str(layer)


def describe_dataset(name: str, entries: CatalogEntries) -> dict[str, Any]:
    """Describe one dataset for the snapshot, never with credentials.

    Args:
        name: The dataset's name.
        entries: The project's catalog configuration.

    Returns:
        ``{"name", "type", "path", "layer", "parameter", "declared", "versioned",
        "pattern"}``: ``type`` as written in the catalog (``"MemoryDataset"`` for an
        undeclared dataset, ``"parameters"`` for parameters); ``path`` the entry's
        ``filepath`` (or ``path``/``url``/``table_name``) with URL credentials removed,
        or None; ``layer`` from :func:`layer_of`, or None.
    """
    info: dict[str, Any] = {
        "name": name,
        "type": "MemoryDataset",
        "path": None,
        "layer": None,
        "parameter": is_parameter(name),
        "declared": False,
        "versioned": False,
        "pattern": None,
    }
    if info["parameter"]:
        info["type"] = "parameters"
        return info
    found = entries.entry(name)
    if found is None:
        return info
    entry, pattern = found
    info["declared"] = True
    info["pattern"] = pattern
    kind = entry.get("type")
    info["type"] = kind if isinstance(kind, str) else type(kind).__name__
    for key in _PATH_KEYS:
        value = entry.get(key)
        if isinstance(value, str):
            info["path"] = redact_text(value)
            break
    info["layer"] = layer_of(entry)
    info["versioned"] = bool(entry.get("versioned", False))
    return info


def _local_path(entry: dict[str, Any], root: Path) -> dict[str, Any]:
    """The entry with a relative local ``filepath`` (or a partitioned dataset's ``path``)
    made absolute against ``root``."""
    for key in ("filepath", "path"):
        path = entry.get(key)
        if isinstance(path, str) and "://" not in path and not Path(path).is_absolute():
            entry = {**entry, key: str(root / path)}
    return entry


def _limit_rows(entry: dict[str, Any], rows: int) -> tuple[dict[str, Any], bool]:
    """For CSV files, read only the rows needed (``nrows``) instead of the whole file.

    Returns:
        The entry to build, and whether it reads only the first ``rows`` rows.
    """
    kind = entry.get("type")
    load_args = entry.get("load_args") or {}
    if (
        isinstance(kind, str)
        and kind.rsplit(".", 1)[-1] == "CSVDataset"
        and isinstance(load_args, Mapping)
        and "nrows" not in load_args
    ):
        return {**entry, "load_args": {**load_args, "nrows": rows}}, True
    return entry, False


def _tabular(data: Any, rows: int) -> dict[str, Any] | None:
    """A ``{"kind": "table", ...}`` preview of pandas/numpy data, or None."""
    import pandas as pd

    frame: pd.DataFrame | None = None
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, pd.Series):
        frame = data.to_frame()
    else:
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a dependency of pandas
            return None
        if isinstance(data, np.ndarray) and data.ndim in (1, 2):
            frame = pd.DataFrame(data)
    if frame is None:
        return None
    head = frame.head(rows)
    encoded = json.loads(head.to_json(orient="split", date_format="iso", default_handler=str))
    return {
        "kind": "table",
        "columns": [str(column) for column in encoded["columns"]],
        "rows": encoded["data"],
        "total_rows": len(frame),
    }


def _text(data: Any) -> dict[str, Any]:
    """A ``{"kind": "json"|"text", "text": ...}`` preview of any other data."""
    try:
        text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
        kind = "json"
    except (TypeError, ValueError):
        text, kind = repr(data), "text"
    truncated = len(text) > _MAX_TEXT
    return {"kind": kind, "text": text[:_MAX_TEXT], "truncated": truncated}


def preview_dataset(session: Session, name: str, rows: int = 10) -> dict[str, Any]:
    """Load a catalog dataset and return its first rows, for the page's dataset panel.

    Only names the catalog configuration declares (or a factory pattern matches), and
    parameters, can be previewed: the name is looked up, never used as a path.

    Args:
        session: The project's session.
        name: The dataset's name.
        rows: How many rows (capped at :data:`MAX_PREVIEW_ROWS`).

    Returns:
        ``{"dataset": name, "kind": "table", "columns": [...], "rows": [[...], ...],
        "total_rows": int | None}`` for pandas/numpy data (``total_rows`` is None when
        only the first rows were read); otherwise ``{"dataset", "kind": "json" | "text",
        "text", "truncated"}``. Parameters are passed through
        :func:`proj.redaction.redact_value` (secret-named keys show ``***``).

    Raises:
        DatasetNotFoundError: ``name`` is not in the catalog.
        DatasetError: The dataset cannot be built or loaded (message without secrets).
    """
    rows = max(1, min(int(rows), MAX_PREVIEW_ROWS))
    context = session.load_context()
    if is_parameter(name):
        params = context.params
        if name == "parameters":
            return {"dataset": name, **_text(redact_mapping(params))}
        value: Any = params
        for part in name.removeprefix("params:").split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise DatasetNotFoundError(f"Parameter '{name}' is not in the parameters.")
            value = value[part]
        return {"dataset": name, **_text(redact_value(name, value))}
    entries = CatalogEntries.from_config(context.config_loader.get("catalog"))
    found = entries.entry(name)
    if found is None:
        raise DatasetNotFoundError(
            f"Dataset '{name}' is not declared in the catalog, so it has no preview.",
            hint="Only datasets declared in conf/*/catalog.yml can be previewed.",
        )
    from proj.io.entries import build_dataset

    entry, limited = _limit_rows(_local_path(found[0], context.project_path), rows)
    credentials = context.config_loader.get("credentials") or {}
    try:
        dataset = build_dataset(name, entry, credentials=credentials)
        own_preview = getattr(dataset, "preview", None)
        if callable(own_preview):  # the dataset knows how to show itself (proj.io.preview)
            body = json.loads(redact_text(json.dumps(own_preview(rows))))
            logger.debug("Previewed dataset '%s'", name)
            return {"dataset": name, **body}
        data = dataset.load()
    except DatasetError as exc:
        # Not chained: the cause's message may hold the unredacted path.
        raise DatasetError(
            redact_text(f"Cannot preview '{name}': {exc.message}"), hint=exc.hint
        ) from None
    logger.debug("Previewed dataset '%s'", name)
    table = _tabular(data, rows)
    if table is not None:
        if limited and table["total_rows"] >= rows:
            table["total_rows"] = None  # only the first rows were read
        return {"dataset": name, **table}
    return {"dataset": name, **_text(data)}
