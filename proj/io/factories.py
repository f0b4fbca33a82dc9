"""Dataset factories: catalog keys with ``{placeholders}`` that declare many datasets.

A key such as ``"{name}_csv"`` is a pattern. A dataset name that is not declared
explicitly is matched against the patterns; the values the placeholders take are
substituted into every string of the pattern's entry (recursively, through nested
mappings and lists)::

    "{name}_csv":
      type: pandas.CSVDataset
      filepath: data/01_raw/{name}.csv      # "cars_csv" -> data/01_raw/cars.csv

Syntax: ``{identifier}`` is a placeholder and matches one or more characters (as few
as possible, the whole name must match). ``{{`` and ``}}`` stand for literal braces.
Format specs (``{name:d}``), conversions and positional fields are refused. Inside the
entry's values, only ``{identifier}`` is special, so strings such as ``\\d{3}`` stay as
they are; an ``{identifier}`` that is not a placeholder of the pattern is an error.

Precedence, when several patterns match one name: the pattern with more literal
characters (outside placeholders) wins; then the one with fewer placeholders; then the
alphabetically first pattern. So ``"{name}_raw_csv"`` beats ``"{name}_csv"``, which
beats a catch-all ``"{default}"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from proj.exceptions import DatasetTypeError
from proj.io.entries import build_dataset, check_entry

if TYPE_CHECKING:
    from proj.io.core import AbstractDataset

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
# In entry values: escapes, and {identifier} fields with an optional spec/conversion.
_VALUE_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)([:!][^{}]*)?\}")


def _key_tokens(pattern: str) -> list[tuple[bool, str]]:
    """Split a pattern key into ``(is_placeholder, text)`` tokens, validating fields."""
    tokens: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(pattern):
        if match.start() > position:
            tokens.append((False, pattern[position : match.start()]))
        position = match.end()
        text = match.group(0)
        if text in ("{{", "}}"):
            tokens.append((False, text[0]))
            continue
        field = match.group(1)
        if not field.isidentifier():
            what = (
                "format specs and conversions are not supported"
                if any(sign in field for sign in ":!")
                else "a placeholder must be a name like {name}"
            )
            raise DatasetTypeError(
                f"Invalid dataset factory pattern '{pattern}': '{text}': {what}.",
                hint="Write placeholders as {name}; use {{ and }} for literal braces.",
            )
        tokens.append((True, field))
    if position < len(pattern):
        tokens.append((False, pattern[position:]))
    return tokens


def is_pattern(key: str) -> bool:
    """Whether a catalog key is a factory pattern (has a ``{...}`` field).

    Args:
        key: A catalog key.

    Returns:
        ``True`` when the key contains a brace field other than ``{{``/``}}`` escapes.
    """
    return any(match.group(1) is not None for match in _TOKEN.finditer(key))


def _strings(value: Any) -> list[str]:
    """Every string inside ``value`` (through nested mappings, lists and tuples)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _strings(item)]
    return []


def _substitute(value: Any, values: Mapping[str, str]) -> Any:
    """Replace ``{placeholder}`` fields and ``{{``/``}}`` escapes in every string."""
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            text = match.group(0)
            if text in ("{{", "}}"):
                return text[0]
            if match.group(2) is None and match.group(1) in values:
                return values[match.group(1)]
            return text

        return _VALUE_TOKEN.sub(replace, value)
    if isinstance(value, Mapping):
        return {key: _substitute(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute(item, values) for item in value]
    if isinstance(value, tuple):
        return tuple(_substitute(item, values) for item in value)
    return value


class DatasetPattern(NamedTuple):
    """One factory pattern and its entry.

    Attributes:
        pattern: The catalog key, e.g. ``"{name}_csv"``.
        entry: The catalog entry, with placeholders still in its strings.
        regex: Matches exactly the dataset names the pattern covers.
        placeholders: The placeholder names, in order of first appearance.
        literal_chars: Characters of the key outside placeholders (for precedence).
    """

    pattern: str
    entry: Mapping[str, Any]
    regex: re.Pattern[str]
    placeholders: tuple[str, ...]
    literal_chars: int

    @classmethod
    def parse(cls, pattern: str, entry: Any) -> DatasetPattern:
        """Validate a pattern key and its entry.

        Args:
            pattern: The catalog key.
            entry: The catalog entry under it.

        Returns:
            The parsed pattern.

        Raises:
            DatasetTypeError: The key has an invalid field, the entry is malformed, or
                the entry uses a placeholder the key does not define (or gives it a
                format spec).
        """
        tokens = _key_tokens(pattern)
        entry = check_entry(pattern, entry)
        parts: list[str] = []
        names: list[str] = []
        for is_field, text in tokens:
            if not is_field:
                parts.append(re.escape(text))
            elif text in names:
                parts.append(f"(?P={text})")
            else:
                names.append(text)
                parts.append(f"(?P<{text}>.+?)")
        for text in _strings(entry):
            for field in _VALUE_TOKEN.finditer(text):
                placeholder, spec = field.group(1), field.group(2)
                if placeholder is None or (spec is not None and placeholder not in names):
                    continue  # an escape, or braces that are not ours (e.g. "{x:.2f}")
                if spec is not None:
                    raise DatasetTypeError(
                        f"Dataset factory pattern '{pattern}' uses '{field.group(0)}' in "
                        "its entry: format specs and conversions are not supported.",
                        hint=f"Write it as {{{placeholder}}}.",
                    )
                if placeholder not in names:
                    defined = ", ".join("{" + name + "}" for name in names)
                    raise DatasetTypeError(
                        f"Dataset factory pattern '{pattern}' uses {{{placeholder}}} in its "
                        f"entry ('{text}'), but the pattern only defines {defined}.",
                        hint="Use placeholders of the key, or write literal braces as {{ and }}.",
                    )
        return cls(
            pattern=pattern,
            entry=entry,
            regex=re.compile("".join(parts), re.DOTALL),
            placeholders=tuple(names),
            literal_chars=sum(len(text) for is_field, text in tokens if not is_field),
        )

    @property
    def rank(self) -> tuple[int, int, str]:
        """Sort key: more literal characters first, then fewer placeholders, then name."""
        return (-self.literal_chars, len(self.placeholders), self.pattern)

    def match(self, name: str) -> dict[str, str] | None:
        """Return the placeholder values if ``name`` matches the whole pattern, else None."""
        found = self.regex.fullmatch(name)
        return None if found is None else found.groupdict()

    def resolve(self, values: Mapping[str, str]) -> dict[str, Any]:
        """Return the entry with ``values`` substituted into all its strings."""
        resolved: dict[str, Any] = _substitute(dict(self.entry), values)
        return resolved


class DatasetFactories:
    """The patterns of one catalog, in precedence order, and how to build from them.

    Args:
        patterns: The parsed patterns (any order).
        credentials: The credentials configuration (name -> mapping).
        load_versions: Dataset name -> version to load, for versioned entries.
        save_version: The version every versioned save of the catalog uses.
    """

    def __init__(
        self,
        patterns: list[DatasetPattern],
        *,
        credentials: Mapping[str, Any],
        load_versions: Mapping[str, str],
        save_version: str,
    ) -> None:
        self.patterns = sorted(patterns, key=lambda p: p.rank)
        self._credentials = credentials
        self._load_versions = load_versions
        self._save_version = save_version

    def __len__(self) -> int:
        return len(self.patterns)

    def match(self, name: str) -> DatasetPattern | None:
        """Return the highest-precedence pattern matching ``name``, or None."""
        for pattern in self.patterns:
            if pattern.regex.fullmatch(name):
                return pattern
        return None

    def build(self, name: str) -> AbstractDataset | None:
        """Build the dataset ``name`` from the first matching pattern, or return None.

        Raises:
            DatasetTypeError, DatasetError: The resolved entry cannot be built; the
                message names the dataset and the pattern.
        """
        pattern = self.match(name)
        if pattern is None:
            return None
        values = pattern.match(name)
        assert values is not None
        return build_dataset(
            name,
            pattern.resolve(values),
            credentials=self._credentials,
            load_version=self._load_versions.get(name),
            save_version=self._save_version,
            origin=f" (from pattern '{pattern.pattern}')",
        )
