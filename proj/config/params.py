"""Runtime parameters: parsing ``--params`` strings and laying them over ``parameters``.

The command line passes runtime parameters as one string, ``key=value`` items separated
by commas: ``--params "model.lr=0.01,epochs=20,name='a,b',model={depth: 3},cols=[a, b]"``;
values are YAML (flow mappings and lists included). :func:`parse_params` turns
it into a nested dict; the :class:`~proj.config.ConfigLoader` deep-sets it over the
resolved ``parameters`` (see :func:`apply_overrides`) and serves it to the
``${runtime_params:key,default}`` resolver.

Dotted keys address nested parameters: ``model.lr=0.01`` is ``{"model": {"lr": 0.01}}``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from proj.config._yaml import load_yaml
from proj.exceptions import ConfigError

__all__ = [
    "MISSING",
    "PARAMETERS",
    "PARAMS_PREFIX",
    "apply_overrides",
    "closest_key",
    "is_parameter",
    "lookup",
    "normalize_runtime_params",
    "parse_params",
    "unknown_overrides",
]

logger = logging.getLogger(__name__)

_EXPECTED = "name=value[,name2=value2]"
_NULLS = frozenset({"null", "Null", "NULL", "~"})
_BROKEN = object()  # a value that is not valid YAML


class _Missing:
    """Marker for 'no value' where None is a legitimate value."""

    def __repr__(self) -> str:
        return "MISSING"


#: Returned by :func:`lookup` when a dotted key is absent.
MISSING: Any = _Missing()


#: The dataset holding all parameters, and the prefix of one parameter's dataset
#: (``params:model.lr``): the names Kedro users write in node inputs.
PARAMETERS = "parameters"
PARAMS_PREFIX = "params:"


def is_parameter(name: str) -> bool:
    """Whether a dataset name is a parameter: ``parameters`` or ``params:<key path>``.

    The one definition every layer uses (pipelines, catalog, runner, introspection,
    visualisation).
    """
    return name == PARAMETERS or name.startswith(PARAMS_PREFIX)


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


_CLOSING = {"[": "]", "{": "}"}


def _split_items(text: str) -> Iterator[str]:
    """Split on commas that are outside single or double quotes and outside YAML flow
    collections (``{...}``, ``[...]``)."""
    quote: str | None = None
    brackets: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in _CLOSING:
            brackets.append(_CLOSING[char])
        elif brackets and char == brackets[-1]:
            brackets.pop()
        elif char == "," and not brackets:
            yield text[start:i]
            start = i + 1
    if quote is not None:
        raise ConfigError(
            f"Invalid runtime parameters {text!r}: a {quote} quote is not closed.",
            hint=f"Expected {_EXPECTED}; close the quotes around values that hold commas.",
        )
    yield text[start:]


def _typed(raw: str) -> Any:
    """Type a value as YAML: int, float, bool, null, a flow mapping (``{x: 1}``) or list
    (``[1, 2]``), else the text itself."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" and raw[0] not in raw[1:-1]:
        return raw[1:-1]  # quoted: always a string, quotes removed
    if raw == "":
        return ""
    flow = raw[:1] in "{["
    try:
        value = load_yaml(raw)
    except Exception:  # any YAML problem: plain text is meant literally
        value = _BROKEN
    if isinstance(value, bool | int | float) or (value is None and raw in _NULLS):
        return value
    if flow and isinstance(value, dict | list):
        return value
    if flow:
        raise ConfigError(
            f"Invalid runtime parameter value {raw!r}: it starts like a YAML mapping or list "
            "but does not parse as one.",
            hint="Write mappings as {x: 1, y: 2} and lists as [1, 2], or quote the value.",
        )
    return raw


def _split_key(key: str, item: str) -> list[str]:
    parts = key.split(".")
    if not key or any(not part for part in parts):
        raise ConfigError(
            f"Invalid runtime parameter {item!r}: the key {key!r} is empty or has an empty part.",
            hint=f"Expected {_EXPECTED}, with keys like 'model.lr'.",
        )
    return parts


def parse_params(text: str) -> dict[str, Any]:
    """Parse a ``--params`` string into a nested dict of typed values.

    Items are ``key=value``, separated by commas; commas inside single or double quotes
    and inside ``{...}`` / ``[...]`` do not split. Whitespace around items, keys and
    values is ignored. Values are typed as YAML: ``1`` -> int, ``0.1``/``1e-3`` ->
    float, ``true``/``false`` -> bool, ``null``/``~`` -> None, ``{x: 1}`` -> dict,
    ``[a, b]`` -> list; anything else (and anything quoted, whose quotes are removed)
    stays a string; an empty value is ``""``. A later item for the same key wins.

    Args:
        text: E.g. ``"a=1,b.c=x,flag=true,name='a,b',m={x: 1},l=[1, 2]"``. An empty
            string gives ``{}``.

    Returns:
        Nested dict, e.g. ``{"a": 1, "b": {"c": "x"}, "flag": True, "name": "a,b",
        "m": {"x": 1}, "l": [1, 2]}``.

    Raises:
        ConfigError: An item has no ``=``, a key is empty (or has an empty dotted
            part), a quote is not closed, a value starting with ``{`` or ``[`` is not
            valid YAML, or one key is both a value and a parent of another key
            (``a=1,a.b=2``). The message names the item.
    """
    result: dict[str, Any] = {}
    for raw_item in _split_items(text):
        item = raw_item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError(
                f"Invalid runtime parameter {item!r}: expected {_EXPECTED}.",
                hint="Use '=' between a key and its value, e.g. --params model.lr=0.01.",
            )
        parts = _split_key(key.strip(), item)
        _set_param(result, parts, _typed(value.strip()), item)
    return result


def _set_param(target: dict[str, Any], parts: list[str], value: Any, source: str) -> None:
    """Deep-set a runtime parameter, refusing to mix a value and a parent of one key."""
    node = target
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(
                f"Runtime parameter {source!r} conflicts with another one: "
                f"'{'.'.join(parts[: i + 1])}' is given both a value and sub-keys.",
                hint="Give either the whole value or its sub-keys, not both.",
            )
        node = child
    if isinstance(node.get(parts[-1]), dict) and not isinstance(value, dict):
        raise ConfigError(
            f"Runtime parameter {source!r} conflicts with another one: "
            f"'{'.'.join(parts)}' is given both a value and sub-keys.",
            hint="Give either the whole value or its sub-keys, not both.",
        )
    node[parts[-1]] = value


def _leaves(mapping: Mapping[Any, Any], prefix: tuple[str, ...]) -> Iterator[tuple[Any, Any]]:
    """Yield (path, value) for every leaf; keys may be dotted, dict values recurse."""
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise ConfigError(
                f"Runtime parameter keys must be strings, got {key!r} ({type(key).__name__}).",
                hint=f"Use string keys such as 'model.lr', as in {_EXPECTED}.",
            )
        path = (*prefix, *_split_key(key, key))
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, path)
        else:
            yield path, value


def normalize_runtime_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Turn runtime parameters with dotted keys and/or nested dicts into one nested dict.

    Args:
        params: E.g. ``{"model.lr": 0.1}`` or ``{"model": {"lr": 0.1}}`` (equivalent),
            or None.

    Returns:
        A new nested dict (values deep-copied): ``{"model": {"lr": 0.1}}``.

    Raises:
        ConfigError: A key is not a string, is empty or has an empty dotted part, or a
            key is both a value and a parent (``{"a": 1, "a.b": 2}``).
    """
    result: dict[str, Any] = {}
    for path, value in _leaves(params or {}, ()):
        _set_param(result, list(path), copy.deepcopy(value), ".".join(path))
    return result


def lookup(mapping: Mapping[Any, Any], dotted_key: str) -> Any:
    """Read a nested value by dotted key.

    Args:
        mapping: Nested dicts, e.g. ``{"model": {"lr": 0.1}}``.
        dotted_key: E.g. ``"model.lr"``.

    Returns:
        The value, or :data:`MISSING` when any part of the path is absent or a parent
        is not a mapping.
    """
    node: Any = mapping
    for part in dotted_key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def apply_overrides(parameters: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-set normalized runtime parameters over resolved parameters.

    Only the leaves named by ``overrides`` change: ``{"model": {"lr": 0.2}}`` replaces
    ``model.lr`` and keeps ``model``'s other keys. A key that does not exist yet is
    created (and logged at debug level, since it is often a typo). A parent that is
    ``None`` (an empty YAML value) becomes a mapping.

    Args:
        parameters: Resolved parameters; not modified.
        overrides: Output of :func:`normalize_runtime_params`.

    Returns:
        A new dict with the overrides applied.

    Raises:
        ConfigError: A dotted key goes through a parameter that is a value, not a
            mapping (``model.lr`` when ``model: 3``).
    """
    result = copy.deepcopy(parameters)
    for path, value in _leaves(overrides, ()):
        node = result
        for i, part in enumerate(path[:-1]):
            child = node.get(part)
            if child is None:
                if part not in node:
                    logger.debug("Runtime parameter creates '%s'.", ".".join(path[: i + 1]))
                child = node[part] = {}
            elif not isinstance(child, dict):
                raise ConfigError(
                    f"Runtime parameter '{'.'.join(path)}' cannot be set: parameter "
                    f"'{'.'.join(path[: i + 1])}' is {_a(type(child).__name__)}, not a mapping.",
                    hint=f"Override '{'.'.join(path[: i + 1])}' itself, or fix the key.",
                )
            node = child
        if path[-1] not in node:
            logger.debug("Runtime parameter creates '%s'.", ".".join(path))
        node[path[-1]] = copy.deepcopy(value)
    return result


def _paths(mapping: Mapping[Any, Any], prefix: str = "") -> Iterator[str]:
    """Every dotted key of nested mappings, parents and leaves: ``a``, ``a.b``, ..."""
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        yield path
        if isinstance(value, Mapping):
            yield from _paths(value, f"{path}.")


def unknown_overrides(parameters: Mapping[str, Any], overrides: Mapping[str, Any]) -> list[str]:
    """The dotted keys of runtime parameters that name no existing parameter.

    Args:
        parameters: Resolved parameters.
        overrides: Output of :func:`normalize_runtime_params`.

    Returns:
        Dotted keys (``"model.lrr"``) whose path is not in ``parameters``, in order.
    """
    known = set(_paths(parameters))
    unknown = []
    for path, _ in _leaves(overrides, ()):
        dotted = ".".join(path)
        if dotted not in known:
            unknown.append(dotted)
    return unknown


def closest_key(key: str, parameters: Mapping[str, Any]) -> str | None:
    """The existing dotted parameter key closest to ``key`` (difflib), or None.

    Args:
        key: A dotted key such as ``"model.lrr"``.
        parameters: Resolved parameters.
    """
    import difflib

    matches = difflib.get_close_matches(key, list(_paths(parameters)), n=1, cutoff=0.6)
    return matches[0] if matches else None
