"""The YAML dialect of configuration files: a strict, safe PyYAML loader.

Configuration is read with a subclass of PyYAML's ``SafeLoader`` (YAML 1.1, no Python
objects) that differs from it in three ways:

* a key that appears twice in one mapping is an error (PyYAML silently keeps the last),
  raised as :class:`DuplicateYamlKey` with both line numbers;
* numbers follow YAML 1.2: ``1e-3`` and ``1.5E3`` are floats (YAML 1.1 wants a dot
  and a signed exponent, which turns ``1e-3`` into a string), and ``12:30`` or ``012``
  stay strings (YAML 1.1 reads them as base-60 ``750`` and octal ``10``);
* timestamps stay strings: ``2024-01-01`` is ``"2024-01-01"``, because OmegaConf cannot
  hold ``date`` objects and a date in a catalog is almost always a path part or a label.

PyYAML is imported inside the functions (STYLE.md 5); the loader class is built once, on
first use.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["DuplicateYamlKey", "load_yaml"]

_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_INT_TAG = "tag:yaml.org,2002:int"

# YAML 1.2 floats: a dot or an exponent is required so that plain integers stay ints.
_FLOAT_RE = re.compile(
    r"""^(?:
        [-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
      | [-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
      | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
      | [-+]?\.(?:inf|Inf|INF)
      | \.(?:nan|NaN|NAN)
    )$""",
    re.VERBOSE,
)
# YAML 1.2 integers (with PyYAML's underscores): no base 60, no leading-zero octal.
_INT_RE = re.compile(
    r"""^(?:
        [-+]?(?:0|[1-9][0-9_]*)
      | 0x[0-9a-fA-F_]+
      | 0o[0-7_]+
      | 0b[01_]+
    )$""",
    re.VERBOSE,
)


class DuplicateYamlKey(Exception):
    """A mapping in one YAML document holds the same key twice.

    Attributes:
        key: The repeated key, as loaded (usually a string).
        first_line: 1-based line of the first occurrence.
        line: 1-based line of the repeated occurrence.
        column: 1-based column of the repeated occurrence.
    """

    def __init__(self, key: object, first_line: int, line: int, column: int) -> None:
        super().__init__(f"duplicate key {key!r} on line {line} (first on line {first_line})")
        self.key = key
        self.first_line = first_line
        self.line = line
        self.column = column


@functools.cache
def _loader_class() -> type[Any]:
    """Build the strict loader class (once): SafeLoader + the three changes above."""
    import yaml

    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        kept = [
            (tag, regexp)
            for tag, regexp in entries
            if tag not in (_FLOAT_TAG, _INT_TAG, _TIMESTAMP_TAG)
        ]
        if kept:
            resolvers[first] = kept
    # Floats are tried first, so their regexp must not match ints (it needs . or e).
    for first in "-+0123456789.":
        resolvers.setdefault(first, []).insert(0, (_FLOAT_TAG, _FLOAT_RE))
    for first in "-+0123456789":
        resolvers[first].insert(1, (_INT_TAG, _INT_RE))

    class StrictSafeLoader(yaml.SafeLoader):
        """SafeLoader that rejects duplicate keys, reads YAML 1.2 floats, keeps dates."""

        yaml_implicit_resolvers = resolvers

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, Any] = {}
                for key_node, _ in node.value:
                    # `<<: *anchor` merge keys may repeat and may be overridden on purpose.
                    if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                        continue
                    key = self.construct_object(key_node)
                    try:
                        first = seen.get(key)
                    except TypeError:  # unhashable; the base class reports it
                        continue
                    if first is not None:
                        raise DuplicateYamlKey(
                            key,
                            first.start_mark.line + 1,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                        )
                    seen[key] = key_node
            result: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return result

    return StrictSafeLoader


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the strict safe loader.

    Args:
        text: The document. An empty document (or only comments) loads as ``None``.

    Returns:
        Plain Python data: dicts, lists, str, int, float, bool, None (and bytes for
        ``!!binary``).

    Raises:
        DuplicateYamlKey: A mapping holds one key twice.
        yaml.YAMLError: The text is not valid YAML (``MarkedYAMLError`` carries the
            ``problem_mark`` with a 0-based line and column).
    """
    loader = _loader_class()(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
