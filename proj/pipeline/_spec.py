"""How a node's inputs and outputs are declared, normalized and checked against its function.

``inputs=`` and ``outputs=`` take None, one dataset name, a list of names or a dict. Each
declaration is split into a kind (how values are passed or mapped), the dict keys (the
function's parameter names, or the keys of the returned dict) and the dataset names.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from proj.exceptions import NodeDefinitionError
from proj.pipeline._names import callable_label, check_dataset_name
from proj.pipeline.transcoding import strip_transcoding

#: What ``inputs=`` and ``outputs=`` accept: nothing, one name, names, or a mapping.
DatasetSpec = str | list[str] | tuple[str, ...] | Mapping[str, str] | None

# How a node's inputs or outputs were declared; decides how values are passed and mapped.
NONE, ONE, LIST, DICT = "none", "one", "list", "dict"


def normalize_spec(spec: object, what: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Split an inputs/outputs declaration into (kind, keys, dataset names).

    Args:
        spec: The declaration as given to node().
        what: ``"inputs"`` or ``"outputs"``, used in messages.

    Returns:
        The kind (NONE, ONE, LIST or DICT), the dict keys (empty unless DICT) and the
        dataset names in declaration order.

    Raises:
        NodeDefinitionError: The declaration has the wrong type or a bad name.
    """
    if spec is None:
        return NONE, (), ()
    if isinstance(spec, str):
        check_dataset_name(spec, what)
        return ONE, (), (spec,)
    if isinstance(spec, Mapping):
        keys: list[str] = []
        names: list[str] = []
        for key, value in spec.items():
            if not isinstance(key, str):
                raise NodeDefinitionError(
                    f"{what}: the keys of a dict must be strings, got {key!r}.",
                    hint="Use {'argument_or_key': 'dataset_name', ...}.",
                )
            if what == "inputs" and not key.isidentifier():
                raise NodeDefinitionError(
                    f"inputs: key {key!r} is not a valid Python parameter name.",
                    hint="The keys of a dict of inputs are the function's parameter names.",
                )
            check_dataset_name(value, f"{what}[{key!r}]")
            keys.append(key)
            names.append(value)
        return DICT, tuple(keys), tuple(names)
    if isinstance(spec, list | tuple):
        for index, value in enumerate(spec):
            check_dataset_name(value, f"{what}[{index}]")
        return LIST, (), tuple(spec)
    raise NodeDefinitionError(
        f"{what} must be None, a dataset name, a list of names or a dict, "
        f"got {type(spec).__name__}: {spec!r}.",
        hint="Sets have no order: use a list so values are passed in a known order.",
    )


def check_distinct(in_names: tuple[str, ...], out_names: tuple[str, ...], where: str) -> None:
    """Raise NodeDefinitionError unless the outputs differ from each other and the inputs.

    Args:
        in_names: Input dataset names.
        out_names: Output dataset names.
        where: Prefix for the message, e.g. ``"Node 'train': "`` (may be empty).

    Raises:
        NodeDefinitionError: An output is listed twice or is also an input.
    """
    out_bases = [strip_transcoding(n) for n in out_names]
    if len(set(out_bases)) != len(out_bases):
        twice = sorted(
            {n for n, b in zip(out_names, out_bases, strict=True) if out_bases.count(b) > 1}
        )
        raise NodeDefinitionError(
            f"{where}outputs: {', '.join(repr(n) for n in twice)} listed more than once.",
            hint="Each output of a node must be a different dataset.",
        )
    both = [n for n in out_names if n in set(in_names)]
    if both:
        raise NodeDefinitionError(
            f"{where}outputs: {', '.join(repr(n) for n in both)} is also an input of the "
            "same node, which would make the node depend on itself.",
            hint="Write the result to a new dataset name.",
        )
    in_bases = {strip_transcoding(n) for n in in_names}
    transcoded = [n for n in out_names if strip_transcoding(n) in in_bases]
    if transcoded:
        raise NodeDefinitionError(
            f"{where}outputs: {', '.join(repr(n) for n in transcoded)} is the same dataset "
            "as an input in another format (transcoding), which would make the node depend "
            "on itself.",
            hint="Write the result to a new dataset name.",
        )


# Signatures of functions already seen: pipelines often reuse one function many times.
_SIGNATURES: weakref.WeakKeyDictionary[Any, inspect.Signature | None] = weakref.WeakKeyDictionary()


def _signature_of(func: Callable[..., Any]) -> inspect.Signature | None:
    """The function's signature, or None when it has none (builtins, some C callables)."""
    try:
        return _SIGNATURES[func]
    except (KeyError, TypeError):  # not seen yet, or not weak-referenceable / hashable
        pass
    try:
        signature: inspect.Signature | None = inspect.signature(func, follow_wrapped=False)
    except (TypeError, ValueError):
        signature = None
    try:
        _SIGNATURES[func] = signature
    except TypeError:
        pass
    return signature


def check_signature(func: Callable[..., Any], kind: str, keys: tuple[str, ...], n: int) -> None:
    """Raise NodeDefinitionError unless the function can be called with the inputs.

    Callables without an introspectable signature (some builtins) are accepted.

    Args:
        func: The node's function.
        kind: How the inputs were declared (DICT passes keywords, others positions).
        keys: The parameter names, for DICT.
        n: The number of inputs.

    Raises:
        NodeDefinitionError: The inputs cannot bind to the signature; the message shows
            the signature and what did not fit.
    """
    signature = _signature_of(func)
    if signature is None:
        return
    try:
        if kind == DICT:
            signature.bind(**dict.fromkeys(keys))
        else:
            signature.bind(*range(n))
    except TypeError as exc:
        empty = inspect.Parameter.empty
        plain = signature.replace(
            parameters=[p.replace(annotation=empty) for p in signature.parameters.values()],
            return_annotation=empty,
        )
        raise NodeDefinitionError(
            f"inputs do not fit the signature of {callable_label(func)}{plain}: {exc}.",
            hint="Declare one input per parameter (a list passes them by position, "
            "a dict by name).",
        ) from exc


def declared(
    kind: str, keys: tuple[str, ...], names: tuple[str, ...]
) -> str | list[str] | dict[str, str] | None:
    """Rebuild a declaration in the shape it was given: None, a name, a list or a dict."""
    if kind == NONE:
        return None
    if kind == ONE:
        return names[0]
    if kind == LIST:
        return list(names)
    return dict(zip(keys, names, strict=True))


def bind_order(func: Callable[..., Any], keys: tuple[str, ...]) -> tuple[int, ...]:
    """The order in which a dict of inputs binds to the function's parameters.

    Kedro lists a node's dict inputs in the order the function receives them: the
    named parameters in signature order, then keys caught by ``**kwargs`` in the order
    given. Callables without a signature keep the given order.

    Args:
        func: The node's function; ``keys`` must already bind to it.
        keys: The dict's keys, in the order given.

    Returns:
        Positions into ``keys``, in binding order.
    """
    signature = _signature_of(func)
    if signature is None:
        return tuple(range(len(keys)))
    try:
        bound = signature.bind(**dict.fromkeys(keys))
    except TypeError:
        return tuple(range(len(keys)))
    position = {key: index for index, key in enumerate(keys)}
    order: list[int] = []
    for parameter, value in bound.arguments.items():
        if signature.parameters[parameter].kind is inspect.Parameter.VAR_KEYWORD:
            order.extend(position[key] for key in value)
        else:
            order.append(position[parameter])
    return tuple(order)
