"""What commands share: the ``--env`` option, comma lists and ``key:value`` pairs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from proj.cli.completion import complete_from_cache

if TYPE_CHECKING:
    from collections.abc import Iterable

EnvOption = Annotated[
    str | None,
    typer.Option(
        "--env",
        "-e",
        help="Configuration environment (default: PROJ_ENV or local).",
        autocompletion=complete_from_cache("envs"),
    ),
]
"""The ``--env/-e`` option of every command that loads a project: ``env: EnvOption = None``."""


def split_names(values: Iterable[str] | None) -> list[str]:
    """Flatten repeated and comma-separated option values, dropping blanks and repeats.

    Args:
        values: Option values, e.g. ``["a,b", "c"]``.

    Returns:
        ``["a", "b", "c"]``, in first-seen order.
    """
    names: dict[str, None] = {}
    for value in values or ():
        for raw in value.split(","):
            part = raw.strip()
            if part:
                names[part] = None
    return list(names)


def parse_pairs(values: Iterable[str] | None, *, option: str) -> dict[str, str]:
    """Parse ``name:value`` items, comma-separated or repeated (``--load-versions``).

    Args:
        values: Option values, e.g. ``["cars:2024-01-01T00.00.00.000Z"]``.
        option: The option's name, for the error message.

    Returns:
        Name -> value.

    Raises:
        typer.BadParameter: An item has no ``:`` or an empty side (a usage error, exit 2).
    """
    pairs: dict[str, str] = {}
    for item in split_names(values):
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise typer.BadParameter(
                f"'{item}' is not of the form dataset:version.", param_hint=option
            )
        pairs[name.strip()] = value.strip()
    return pairs
