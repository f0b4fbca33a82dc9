"""Previews of datasets for ``proj viz``: the first rows of a table, or a short text.

A dataset may define ``preview(rows) -> dict`` returning one of the two shapes built
here; the visualisation shows it instead of loading the whole dataset and guessing.
Every value is plain JSON (strings, numbers, booleans, None, lists).

* ``{"kind": "table", "columns": [str, ...], "rows": [[value, ...], ...],
  "total_rows": int | None}``: ``total_rows`` is None when unknown.
* ``{"kind": "json" | "text", "text": str, "truncated": bool}``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Most characters of a text preview.
MAX_TEXT = 20_000


def _plain(value: Any) -> Any:
    """``value`` as JSON data: anything json cannot encode becomes its ``str``."""
    return json.loads(json.dumps(value, default=str))


def table(
    columns: Sequence[Any], rows: Sequence[Sequence[Any]], total_rows: int | None
) -> dict[str, Any]:
    """A table preview.

    Args:
        columns: Column names (shown as strings).
        rows: The first rows, each a sequence of cell values.
        total_rows: How many rows the data has, or None when unknown.

    Returns:
        ``{"kind": "table", "columns", "rows", "total_rows"}``.
    """
    return {
        "kind": "table",
        "columns": [str(column) for column in columns],
        "rows": _plain([list(row) for row in rows]),
        "total_rows": total_rows,
    }


def pandas_table(frame: Any, rows: int, total_rows: int | None = None) -> dict[str, Any]:
    """A table preview of the first ``rows`` rows of a pandas DataFrame.

    Args:
        frame: A ``pandas.DataFrame``.
        rows: How many rows to show.
        total_rows: The number of rows of the whole data (default: ``len(frame)``).

    Returns:
        A table preview; dates are ISO 8601 strings.
    """
    head = frame.head(rows)
    encoded = json.loads(head.to_json(orient="split", date_format="iso", default_handler=str))
    total = len(frame) if total_rows is None else total_rows
    return table(encoded["columns"], encoded["data"], total)


def text(value: str, kind: str = "text") -> dict[str, Any]:
    """A text preview, cut at :data:`MAX_TEXT` characters.

    Args:
        value: The text.
        kind: ``"text"`` or ``"json"`` (the text is a JSON document).

    Returns:
        ``{"kind", "text", "truncated"}``.
    """
    return {"kind": kind, "text": value[:MAX_TEXT], "truncated": len(value) > MAX_TEXT}


def json_text(value: Any) -> dict[str, Any]:
    """A ``"json"`` preview of plain data (anything else shown with ``str``)."""
    return text(json.dumps(value, indent=2, default=str, ensure_ascii=False), "json")
