"""Node and node(): a function plus the datasets it reads and writes.

A node is immutable and hashable. It validates its definition once, when it is built,
so that every later error (a pipeline that cannot be built, a return value of the wrong
shape) can name the node and say what was expected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from proj.exceptions import NodeDefinitionError, PipelineError
from proj.pipeline._names import (
    callable_label,
    check_dataset_name,
    check_namespace,
    check_node_name,
    default_node_name,
    normalize_tags,
)
from proj.pipeline._spec import (
    DICT,
    LIST,
    NONE,
    ONE,
    DatasetSpec,
    check_distinct,
    check_signature,
    declared,
    normalize_spec,
)

__all__ = ["DatasetSpec", "Node", "node"]


class Node:
    """A function with named inputs and outputs, a unique name, tags and a namespace.

    Build nodes with :func:`node`; ``Node(...)`` takes the same arguments. Nodes are
    immutable: :meth:`tag` and :func:`proj.pipeline.pipeline` return new nodes.
    Two nodes are equal when their name, function, inputs, outputs, tags and namespace
    are equal; the hash uses the name and datasets only, so any callable may be used.

    Args:
        func: The function to call. It must be callable with the declared inputs.
        inputs: ``None`` (no arguments), a dataset name (one positional argument), a
            list of names (positional arguments in that order) or a dict mapping the
            function's parameter names to dataset names (keyword arguments).
        outputs: ``None`` (the return value is ignored), a dataset name (the whole
            return value), a list of names (the function returns a list or tuple of as
            many values, in that order) or a dict mapping keys of the returned dict to
            dataset names.
        name: The node's name inside its namespace; defaults to the function's name
            (``lambda_to_<outputs>`` for a lambda, ``partial_<name>`` for a
            functools.partial). Names may not contain commas or control characters.
        tags: One tag or an iterable of tags; letters, digits, ``_``, ``-`` and ``.``.
        namespace: Dot-separated namespace, e.g. ``"data_science.model"``; the node's
            full name becomes ``"<namespace>.<name>"``.

    Raises:
        NodeDefinitionError: An argument is of the wrong type or has a bad value; the
            message names the argument.
    """

    __slots__ = (
        "_base_name",
        "_func",
        "_hash",
        "_in_keys",
        "_in_kind",
        "_in_names",
        "_in_unique",
        "_name",
        "_namespace",
        "_out_keys",
        "_out_kind",
        "_out_names",
        "_tags",
    )

    _func: Callable[..., Any]
    _in_kind: str
    _in_keys: tuple[str, ...]
    _in_names: tuple[str, ...]
    _in_unique: tuple[str, ...]
    _out_kind: str
    _out_keys: tuple[str, ...]
    _out_names: tuple[str, ...]
    _base_name: str
    _namespace: str | None
    _name: str
    _tags: frozenset[str]
    _hash: int

    def __init__(
        self,
        func: Callable[..., Any],
        inputs: DatasetSpec,
        outputs: DatasetSpec,
        *,
        name: str | None = None,
        tags: str | Iterable[str] | None = None,
        namespace: str | None = None,
    ) -> None:
        if not callable(func):
            raise NodeDefinitionError(
                f"func must be callable, got {type(func).__name__}: {func!r}.",
                hint="Pass the function itself, e.g. node(clean, 'raw', 'clean'), "
                "not the result of calling it.",
            )
        in_kind, in_keys, in_names = normalize_spec(inputs, "inputs")
        out_kind, out_keys, out_names = normalize_spec(outputs, "outputs")
        check_distinct(in_names, out_names, "")
        if name is None:
            base = default_node_name(func, out_names, in_names)
        else:
            check_node_name(name, "name")
            base = name
        if namespace is not None:
            check_namespace(namespace, "namespace")
        tag_set = normalize_tags(tags, "tags")
        try:
            check_signature(func, in_kind, in_keys, len(in_names))
        except NodeDefinitionError as exc:
            full = f"{namespace}.{base}" if namespace else base
            raise NodeDefinitionError(f"Node '{full}': {exc.message}", hint=exc.hint) from exc
        self._init(
            func,
            (in_kind, in_keys, in_names),
            (out_kind, out_keys, out_names),
            base_name=base,
            namespace=namespace,
            tags=tag_set,
        )

    def _init(
        self,
        func: Callable[..., Any],
        ins: tuple[str, tuple[str, ...], tuple[str, ...]],
        outs: tuple[str, tuple[str, ...], tuple[str, ...]],
        *,
        base_name: str,
        namespace: str | None,
        tags: frozenset[str],
    ) -> None:
        """Set every slot from already validated parts (used by __init__ and copies)."""
        setter = object.__setattr__
        setter(self, "_func", func)
        setter(self, "_in_kind", ins[0])
        setter(self, "_in_keys", ins[1])
        setter(self, "_in_names", ins[2])
        setter(self, "_in_unique", tuple(dict.fromkeys(ins[2])))
        setter(self, "_out_kind", outs[0])
        setter(self, "_out_keys", outs[1])
        setter(self, "_out_names", outs[2])
        setter(self, "_base_name", base_name)
        setter(self, "_namespace", namespace)
        setter(self, "_name", f"{namespace}.{base_name}" if namespace else base_name)
        setter(self, "_tags", tags)
        setter(self, "_hash", hash((self._name, ins[2], outs[2])))

    # ------------------------------------------------------------------ attributes

    @property
    def func(self) -> Callable[..., Any]:
        """The function the node calls."""
        return self._func

    @property
    def name(self) -> str:
        """The full name, ``"<namespace>.<name>"`` when the node has a namespace."""
        return self._name

    @property
    def namespace(self) -> str | None:
        """The dot-separated namespace, or None."""
        return self._namespace

    @property
    def tags(self) -> frozenset[str]:
        """The node's tags."""
        return self._tags

    @property
    def inputs(self) -> list[str]:
        """Dataset names read by the node, in the order they are passed to the function."""
        return list(self._in_names)

    @property
    def outputs(self) -> list[str]:
        """Dataset names written by the node, in declaration order."""
        return list(self._out_names)

    @property
    def declared_inputs(self) -> str | list[str] | dict[str, str] | None:
        """The inputs as declared: None, a name, a list, or parameter name -> dataset."""
        return declared(self._in_kind, self._in_keys, self._in_names)

    @property
    def declared_outputs(self) -> str | list[str] | dict[str, str] | None:
        """The outputs as declared: None, a name, a list, or returned key -> dataset."""
        return declared(self._out_kind, self._out_keys, self._out_names)

    # ------------------------------------------------------------------ behaviour

    def run(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Call the function with the input values and name its results.

        Args:
            inputs: Dataset name -> value; must hold every input of the node (extra
                entries are ignored).

        Returns:
            Dataset name -> value for every output (empty when outputs is None).

        Raises:
            PipelineError: An input is missing, or the return value does not have the
                shape the outputs declare (wrong count, not a dict, missing keys).
            Exception: Whatever the function raises, unchanged.
        """
        missing = [n for n in self._in_unique if n not in inputs]
        if missing:
            raise PipelineError(
                f"Node '{self._name}' cannot run: input(s) "
                f"{', '.join(repr(n) for n in missing)} not given.",
                hint=f"Pass a value for every input: {', '.join(self._in_unique)}.",
            )
        if self._in_kind == DICT:
            kwargs = {key: inputs[n] for key, n in zip(self._in_keys, self._in_names, strict=True)}
            result = self._func(**kwargs)
        else:
            result = self._func(*[inputs[n] for n in self._in_names])
        return self._map_outputs(result)

    def _map_outputs(self, result: Any) -> dict[str, Any]:
        kind = self._out_kind
        if kind == NONE:
            return {}
        if kind == ONE:
            return {self._out_names[0]: result}
        if kind == LIST:
            expected = len(self._out_names)
            if not isinstance(result, list | tuple):
                raise self._shape_error(
                    f"a list or tuple of {expected} value(s) for {list(self._out_names)}",
                    f"{type(result).__name__}",
                )
            if len(result) != expected:
                raise self._shape_error(
                    f"{expected} value(s) for {list(self._out_names)}",
                    f"{len(result)} value(s)",
                )
            return dict(zip(self._out_names, result, strict=True))
        if not isinstance(result, Mapping):
            raise self._shape_error(
                f"a dict with keys {list(self._out_keys)}", f"{type(result).__name__}"
            )
        absent = [k for k in self._out_keys if k not in result]
        if absent:
            raise self._shape_error(
                f"a dict with keys {list(self._out_keys)}",
                f"a dict without {', '.join(repr(k) for k in absent)}",
            )
        return {n: result[k] for k, n in zip(self._out_keys, self._out_names, strict=True)}

    def _shape_error(self, expected: str, got: str) -> PipelineError:
        return PipelineError(
            f"Node '{self._name}' ({callable_label(self._func)}) must return {expected}, "
            f"but returned {got}.",
            hint="Make the function's return value match the node's outputs.",
        )

    def tag(self, tags: str | Iterable[str]) -> Node:
        """Return a copy of the node with more tags.

        Args:
            tags: One tag or an iterable of tags to add to the existing ones.

        Returns:
            A new node; this one is unchanged.

        Raises:
            NodeDefinitionError: A tag is not a string or has characters other than
                letters, digits, ``_``, ``-`` and ``.``.
        """
        extra = normalize_tags(tags, "tags")
        if extra <= self._tags:
            return self
        return self._derive(tags=self._tags | extra)

    def _derive(
        self,
        *,
        rename: Callable[[str], str] | None = None,
        namespace: str | None = None,
        tags: frozenset[str] | None = None,
    ) -> Node:
        """A copy with datasets renamed, an outer namespace added, or other tags.

        The function's signature is not checked again: the inputs keep their shape.
        """
        ins = (self._in_kind, self._in_keys, self._in_names)
        outs = (self._out_kind, self._out_keys, self._out_names)
        if rename is not None:
            new_ins = tuple(rename(n) for n in self._in_names)
            new_outs = tuple(rename(n) for n in self._out_names)
            for index, value in enumerate(new_ins):
                check_dataset_name(value, f"inputs[{index}]")
            for index, value in enumerate(new_outs):
                check_dataset_name(value, f"outputs[{index}]")
            check_distinct(new_ins, new_outs, f"Node '{self._name}': ")
            ins = (self._in_kind, self._in_keys, new_ins)
            outs = (self._out_kind, self._out_keys, new_outs)
        new_namespace = self._namespace
        if namespace is not None:
            new_namespace = f"{namespace}.{self._namespace}" if self._namespace else namespace
        copy = object.__new__(Node)
        copy._init(
            self._func,
            ins,
            outs,
            base_name=self._base_name,
            namespace=new_namespace,
            tags=self._tags if tags is None else tags,
        )
        return copy

    # ------------------------------------------------------------------ protocol

    def _key(self) -> tuple[Any, ...]:
        return (
            self._name,
            self._in_kind,
            self._in_keys,
            self._in_names,
            self._out_kind,
            self._out_keys,
            self._out_names,
            self._tags,
            self._namespace,
        )

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, Node):
            return NotImplemented
        return (
            self._hash == other._hash
            and self._key() == other._key()
            and bool(self._func == other._func)
        )

    def __hash__(self) -> int:
        return self._hash

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(
            f"Node is immutable; cannot set {key!r}. "
            "Use node.tag() or pipeline() to derive a new node."
        )

    def __delattr__(self, key: str) -> None:
        raise AttributeError(f"Node is immutable; cannot delete {key!r}.")

    def __reduce__(self) -> tuple[Any, ...]:
        state = tuple(getattr(self, slot) for slot in Node.__slots__)
        return (_restore_node, (state,))

    def __repr__(self) -> str:
        return (
            f"Node({callable_label(self._func)}, {self.declared_inputs!r}, "
            f"{self.declared_outputs!r}, name={self._name!r})"
        )

    def __str__(self) -> str:
        return f"{self._name}: {self.signature()}"

    def signature(self) -> str:
        """Describe the node's call as ``"func(a, b) -> [c]"`` for messages and listings.

        Returns:
            The function's label, its input dataset names and its output dataset names.
        """
        outs = ", ".join(self._out_names)
        return f"{callable_label(self._func)}({', '.join(self._in_names)}) -> [{outs}]"


def _restore_node(state: tuple[Any, ...]) -> Node:
    """Rebuild a node from its slots (used by pickle and copy)."""
    restored = object.__new__(Node)
    for slot, value in zip(Node.__slots__, state, strict=True):
        object.__setattr__(restored, slot, value)
    return restored


def node(
    func: Callable[..., Any],
    inputs: DatasetSpec,
    outputs: DatasetSpec,
    *,
    name: str | None = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
) -> Node:
    """Build a :class:`Node`: a function plus the datasets it reads and writes.

    Example::

        node(clean_companies, "companies", "clean_companies", tags="preprocessing")
        node(split, ["data", "params:split"], ["train", "test"])
        node(train, {"x": "train", "options": "params:model"}, {"model": "model"})

    Args:
        func: The function to call.
        inputs: ``None``, a dataset name, a list of names (positional arguments) or a
            dict of parameter name -> dataset name (keyword arguments).
        outputs: ``None``, a dataset name, a list of names (the function returns a
            list or tuple of as many values) or a dict of returned key -> dataset name.
        name: The node's name; defaults to the function's ``__name__`` (a readable
            derived name for lambdas and functools.partial objects).
        tags: One tag or an iterable of tags.
        namespace: Dot-separated namespace; the full name becomes ``"<namespace>.<name>"``.

    Returns:
        The new, immutable node.

    Raises:
        NodeDefinitionError: ``func`` is not callable, an argument has the wrong type,
            an output is listed twice or is also an input, a name, tag or namespace is
            invalid, or the inputs do not fit the function's signature. The message
            names the argument.
    """
    return Node(func, inputs, outputs, name=name, tags=tags, namespace=namespace)
