"""Version strings of versioned datasets: timestamps, validation and the path layout.

A versioned dataset declared with ``filepath: data/07_model_output/model.pkl`` saves
each version to ``data/07_model_output/model.pkl/<version>/model.pkl``. A version is a
UTC timestamp ``YYYY-MM-DDTHH.MM.SS.mmmZ`` (dots instead of colons, so it is a valid
file name everywhere), which sorts as text in time order: the latest version is the
greatest string.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import NamedTuple

from proj.exceptions import DatasetError

#: What a generated version looks like, e.g. ``2024-05-01T09.30.00.123Z``.
TIMESTAMP_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}\.\d{3}Z")

# Versions given by users may be any single, visible path component.
_VALID_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]*")


class Version(NamedTuple):
    """The versions a versioned dataset loads and saves.

    Attributes:
        load: The version to load, or ``None`` for the latest one that exists.
        save: The version to save to, or ``None`` to generate a timestamp at save time.
    """

    load: str | None
    save: str | None


def generate_timestamp(now: datetime | None = None) -> str:
    """Return a version string for ``now`` (default: the current time), in UTC.

    Args:
        now: The moment to format; naive datetimes are taken as UTC.

    Returns:
        ``YYYY-MM-DDTHH.MM.SS.mmmZ`` with milliseconds, e.g. ``2024-05-01T09.30.00.123Z``.
    """
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(timezone.utc)
    return f"{moment:%Y-%m-%dT%H.%M.%S}.{moment.microsecond // 1000:03d}Z"


def validate_version(version: object, *, what: str) -> str:
    """Check that ``version`` can be used as a version folder name.

    Any single path component made of letters, digits, ``.``, ``_``, ``+`` and ``-``
    (not starting with a dot) is accepted; generated versions are timestamps, and
    keeping to that format keeps "latest" meaningful.

    Args:
        version: The candidate version.
        what: Where it came from, for the error message (e.g. ``"save_version"``).

    Returns:
        The version, unchanged.

    Raises:
        DatasetError: It is not a string or not a valid folder name.
    """
    if not isinstance(version, str) or not _VALID_VERSION.fullmatch(version):
        raise DatasetError(
            f"Invalid {what} {version!r}: a version must be one folder name of letters, "
            "digits, '.', '_', '+' or '-'.",
            hint=f"Use a timestamp like {generate_timestamp()!r}.",
        )
    return version


def versioned_path(filepath: str, version: str) -> str:
    """Return where ``version`` of ``filepath`` lives: ``<filepath>/<version>/<basename>``.

    Args:
        filepath: The dataset's path (posix separators, as fsspec uses).
        version: The version folder name.

    Returns:
        The path of that version's file.
    """
    root = filepath.rstrip("/")
    return f"{root}/{version}/{root.rsplit('/', 1)[-1]}"
