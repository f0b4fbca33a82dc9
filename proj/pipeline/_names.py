"""Rules for the names of datasets, nodes, namespaces and tags, and default node names.

Dataset and node names may hold any printable characters except commas (the command
line separates names with commas) and may not start or end with whitespace. Namespaces
are dot-separated segments of letters, digits, ``_`` and ``-``. Tags use letters,
digits, ``_``, ``-`` and ``.`` (the characters Kedro accepts for tags).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from proj.exceptions import NodeDefinitionError

_TAG = re.compile(r"[A-Za-z0-9_.\-]+")
_NAMESPACE = re.compile(r"[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*")
_PLAIN = re.compile(r"[A-Za-z0-9_.:@\-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _name_problem(value: str) -> str | None:  # noqa: PLR0911 - one reason per rule
    """Why a dataset or node name is invalid, or None when it is fine."""
    if value.count("@") > 1:
        return "it has more than one '@' (a transcoded name is '<name>@<format>')"
    if _PLAIN.fullmatch(value):
        return None
    if not value:
        return "it is empty"
    if value != value.strip():
        return "it starts or ends with whitespace"
    if "," in value:
        return "it contains a comma (the command line separates names with commas)"
    if _CONTROL.search(value):
        return "it contains a control character"
    return None


def check_dataset_name(value: object, what: str) -> None:
    """Raise NodeDefinitionError unless ``value`` is a valid dataset name.

    Args:
        value: The candidate name.
        what: The argument it came from, e.g. ``"inputs[1]"``, used in the message.

    Raises:
        NodeDefinitionError: Not a string, empty, padded, or with a comma or a control
            character.
    """
    if not isinstance(value, str):
        raise NodeDefinitionError(
            f"{what}: dataset names must be strings, got {type(value).__name__}: {value!r}."
        )
    problem = _name_problem(value)
    if problem:
        raise NodeDefinitionError(f"{what}: invalid dataset name {value!r}: {problem}.")


def check_node_name(value: object, what: str) -> None:
    """Raise NodeDefinitionError unless ``value`` is a valid node name.

    Args:
        value: The candidate name.
        what: The argument it came from, used in the message.

    Raises:
        NodeDefinitionError: Not a string, empty, padded, or with a comma or a control
            character.
    """
    if not isinstance(value, str):
        raise NodeDefinitionError(
            f"{what}: a node name must be a string, got {type(value).__name__}: {value!r}."
        )
    problem = _name_problem(value)
    if problem:
        raise NodeDefinitionError(
            f"{what}: invalid node name {value!r}: {problem}.",
            hint="Use a short name without commas, e.g. 'clean_companies'.",
        )


def check_namespace(value: object, what: str) -> None:
    """Raise NodeDefinitionError unless ``value`` is a valid dot-separated namespace.

    Args:
        value: The candidate namespace, e.g. ``"data_science.model"``.
        what: The argument it came from, used in the message.

    Raises:
        NodeDefinitionError: Not a string, or a segment is empty or has characters
            other than letters, digits, ``_`` and ``-``.
    """
    if not isinstance(value, str):
        raise NodeDefinitionError(
            f"{what}: a namespace must be a string, got {type(value).__name__}: {value!r}."
        )
    if not _NAMESPACE.fullmatch(value):
        raise NodeDefinitionError(
            f"{what}: invalid namespace {value!r}.",
            hint="A namespace is dot-separated parts of letters, digits, '_' and '-', "
            "e.g. 'data_science.model'.",
        )


def namespace_prefixes(namespace: str) -> list[str]:
    """A namespace and every namespace enclosing it, outermost first.

    Args:
        namespace: A dot-separated namespace, e.g. ``"a.b.c"``.

    Returns:
        ``["a", "a.b", "a.b.c"]``: the names a namespace filter matches it by.
    """
    parts = namespace.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def normalize_tags(tags: object, what: str) -> frozenset[str]:
    """Turn None, one tag or an iterable of tags into a validated frozenset.

    Args:
        tags: None, a string (one tag) or an iterable of strings.
        what: The argument it came from, used in the message.

    Returns:
        The tags.

    Raises:
        NodeDefinitionError: Not a string or iterable of strings, or a tag with
            characters other than letters, digits, ``_``, ``-`` and ``.``.
    """
    if tags is None:
        return frozenset()
    items: Iterable[object]
    if isinstance(tags, str):
        items = (tags,)
    elif isinstance(tags, Iterable) and not isinstance(tags, bytes):
        items = tags
    else:
        raise NodeDefinitionError(
            f"{what} must be a string or an iterable of strings, got "
            f"{type(tags).__name__}: {tags!r}."
        )
    result: set[str] = set()
    for tag in items:
        if not isinstance(tag, str):
            raise NodeDefinitionError(
                f"{what}: a tag must be a string, got {type(tag).__name__}: {tag!r}."
            )
        if not _TAG.fullmatch(tag):
            raise NodeDefinitionError(
                f"{what}: invalid tag {tag!r}.",
                hint="Tags may contain only letters, digits, '_', '-' and '.'.",
            )
        result.add(tag)
    return frozenset(result)


def callable_label(func: Callable[..., Any]) -> str:
    """A short human label for a callable, used in messages: its name or its type."""
    if isinstance(func, functools.partial):
        return f"partial({callable_label(func.func)})"
    label = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    if not isinstance(label, str):
        return type(func).__name__
    label = label.rpartition("<locals>.")[2]
    return "lambda" if label == "<lambda>" else label


def readable_name(func: Callable[..., Any]) -> str:
    """The function name shown in default node names, ``str(node)`` and ``repr(node)``.

    A function's ``__name__`` (``<lambda>`` for a lambda, the wrapped name for a
    ``functools.update_wrapper``-ed partial), ``<partial>`` for a bare functools.partial
    and the class name for another callable object, as Kedro shows them (Kedro shows
    such objects by ``repr``, which holds a memory address; a class name keeps the
    default node name the same from one run to the next).
    """
    raw = getattr(func, "__name__", None)
    if isinstance(raw, str):
        return raw
    if isinstance(func, functools.partial):
        return "<partial>"
    return type(func).__name__


def _listed(names: tuple[str, ...]) -> str:
    return f"[{';'.join(names)}]" if names else "None"


def default_node_name(
    func: Callable[..., Any], inputs: tuple[str, ...], outputs: tuple[str, ...]
) -> str:
    """The name a node gets when ``name=`` is not given: ``func([in1;in2]) -> [out]``.

    Kedro's format (its default name up to 0.19 and its ``str(node)`` since): the
    function's readable name, the input dataset names in the order they are passed, and
    the output dataset names, each list in brackets and separated by ``;`` (``None``
    when there are none). Names cannot hold commas, so the result is always a valid node
    name, and two unnamed nodes reusing one function differ by their datasets.

    Args:
        func: The node's function.
        inputs: The node's input dataset names, in the order they are passed.
        outputs: The node's output dataset names.

    Returns:
        E.g. ``"split([data;params:ratio]) -> [train;test]"`` or ``"report(None) -> None"``.
    """
    return f"{readable_name(func)}({_listed(inputs)}) -> {_listed(outputs)}"
