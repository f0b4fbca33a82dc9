"""Transcoded dataset names: ``companies@pandas`` and ``companies@spark`` are one dataset.

A name may carry one ``@`` followed by a format. In a pipeline's graph every name with
the same part before ``@`` is the same dataset (a node writing ``companies@spark`` feeds a
node reading ``companies@pandas``); in the data catalog each full name is its own entry,
so each format gets its own dataset type over the same file. This is Kedro's
transcoding.
"""

from __future__ import annotations

__all__ = ["TRANSCODING_SEPARATOR", "strip_transcoding", "transcode_split"]

#: Separates a dataset's name from its format, as in ``companies@pandas``.
TRANSCODING_SEPARATOR = "@"


def transcode_split(name: str) -> tuple[str, str]:
    """Split a dataset name into its base name and format.

    Args:
        name: A dataset name, e.g. ``"companies@pandas"`` or ``"companies"``.

    Returns:
        ``(base, format)``: ``("companies", "pandas")``, or ``("companies", "")`` for a
        name without ``@``.

    Raises:
        ValueError: The name has more than one ``@``.
    """
    base, sep, fmt = name.partition(TRANSCODING_SEPARATOR)
    if sep and TRANSCODING_SEPARATOR in fmt:
        raise ValueError(
            f"Dataset name {name!r} has {name.count(TRANSCODING_SEPARATOR)} '@' separators; "
            "a transcoded name has at most one, as in 'companies@pandas'."
        )
    return base, fmt


def strip_transcoding(name: str) -> str:
    """The base name of a dataset: the part before ``@`` (the whole name without one).

    Args:
        name: A dataset name.

    Returns:
        ``"companies"`` for ``"companies@pandas"``.

    Raises:
        ValueError: The name has more than one ``@``.
    """
    return transcode_split(name)[0]
