"""Node and node(): a function plus the datasets it reads and writes.

A node is immutable and hashable. It validates its definition once, when it is built,
so that every later error (a pipeline that cannot be built, a return value of the wrong
shape) can name the node and say what was expected. Naming, printing, equality,
ordering and calling follow Kedro's ``Node``.
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
    namespace_prefixes,
    normalize_tags,
    readable_name,
)
from proj.pipeline._spec import (
    DICT,
    LIST,
    NONE,
    ONE,
    DatasetSpec,
    bind_order,
    check_distinct,
    check_signature,
    declared,
    normalize_spec,
)
from proj.pipeline.transcoding import TRANSCODING_SEPARATOR, strip_transcoding

__all__ = ["DatasetSpec", "Node", "node"]

_Parts = tuple[str, tuple[str, ...], tuple[str, ...]]


def _bases(unique: tuple[str, ...]) -> tuple[str, ...]:
    """The distinct base names (transcoding stripped), in first-seen order.

    Returns ``unique`` itself when no name is transcoded, which pipelines use to tell.
    """
    if not any(TRANSCODING_SEPARATOR in n for n in unique):
        return unique
    return tuple(dict.fromkeys(strip_transcoding(n) for n in unique))


def _normalize_confirms(confirms: object) -> tuple[str, ...]:
    """``confirms=`` as a tuple of dataset names (None, one name or a list of names)."""
    if confirms is None:
        return ()
    if isinstance(confirms, str):
        check_dataset_name(confirms, "confirms")
        return (confirms,)
    if isinstance(confirms, list | tuple):
        for index, value in enumerate(confirms):
            check_dataset_name(value, f"confirms[{index}]")
        return tuple(confirms)
    raise NodeDefinitionError(
        f"confirms must be None, a dataset name or a list of names, got "
        f"{type(confirms).__name__}: {confirms!r}."
    )


def _canonical(kind: str, keys: tuple[str, ...], names: tuple[str, ...]) -> tuple[Any, ...]:
    """Inputs or outputs in a form where a dict's key order does not matter."""
    if kind == DICT:
        return (kind, tuple(sorted(zip(keys, names, strict=True))))
    return (kind, names)


class Node:
    """A function with named inputs and outputs, a unique name, tags and a namespace.

    Build nodes with :func:`node`; ``Node(...)`` takes the same arguments, by position
    or by keyword (``Node(func=..., inputs=..., outputs=...)``). Nodes are immutable:
    :meth:`tag` and :func:`proj.pipeline.pipeline` return new nodes.

    As in Kedro: a node without ``name=`` is named ``func([in1;in2]) -> [out]``
    (prefixed by ``"<namespace>."``), so one function reused in several unnamed nodes
    gives each its own name; ``str(node)`` prints ``[name: ]func([in1;in2]) -> [out]``;
    nodes are ordered by name (``sorted(nodes)``); a node is called with its inputs
    (``n(a=1)``, or by position ``n(1)``) and returns its outputs as a dict. Two nodes
    are equal when their name, function, inputs, outputs (a dict's key order does not
    matter), tags, namespace and confirms are equal; the hash uses the name and datasets
    only, so any callable may be used.

    Args:
        func: The function to call. It must be callable with the declared inputs.
        inputs: ``None`` (no arguments), a dataset name (one positional argument), a
            list of names (positional arguments in that order) or a dict mapping the
            function's parameter names to dataset names (keyword arguments).
        outputs: ``None`` (the return value is ignored), a dataset name (the whole
            return value), a list of names (the function returns a list or tuple of as
            many values, in that order) or a dict mapping keys of the returned dict to
            dataset names.
        name: The node's name inside its namespace; defaults to
            ``func([in1;in2]) -> [out]``. Names may not contain commas or control
            characters.
        tags: One tag or an iterable of tags; letters, digits, ``_``, ``-`` and ``.``.
        confirms: A dataset name or a list of names whose dataset's ``confirm()`` the
            runner calls after the node ran (they need not be inputs or outputs).
        namespace: Dot-separated namespace, e.g. ``"data_science.model"``; the node's
            full name becomes ``"<namespace>.<name>"``.

    Raises:
        NodeDefinitionError: An argument is of the wrong type or has a bad value; the
            message names the argument.
    """

    __slots__ = (
        "_confirms",
        "_explicit_name",
        "_func",
        "_hash",
        "_in_bases",
        "_in_keys",
        "_in_kind",
        "_in_names",
        "_in_unique",
        "_name",
        "_namespace",
        "_out_bases",
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
    _in_bases: tuple[str, ...]
    _out_kind: str
    _out_keys: tuple[str, ...]
    _out_names: tuple[str, ...]
    _out_bases: tuple[str, ...]
    _explicit_name: str | None
    _namespace: str | None
    _name: str
    _tags: frozenset[str]
    _confirms: tuple[str, ...]
    _hash: int

    def __init__(
        self,
        func: Callable[..., Any],
        inputs: DatasetSpec,
        outputs: DatasetSpec,
        *,
        name: str | None = None,
        tags: str | Iterable[str] | None = None,
        confirms: str | list[str] | None = None,
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
        if name is not None:
            check_node_name(name, "name")
        if namespace is not None:
            check_namespace(namespace, "namespace")
        tag_set = normalize_tags(tags, "tags")
        confirmed = _normalize_confirms(confirms)
        try:
            check_signature(func, in_kind, in_keys, len(in_names))
        except NodeDefinitionError as exc:
            base = name or default_node_name(func, in_names, out_names)
            full = f"{namespace}.{base}" if namespace else base
            raise NodeDefinitionError(f"Node '{full}': {exc.message}", hint=exc.hint) from exc
        if in_kind == DICT:
            order = bind_order(func, in_keys)
            in_keys = tuple(in_keys[i] for i in order)
            in_names = tuple(in_names[i] for i in order)
        self._init(
            func,
            (in_kind, in_keys, in_names),
            (out_kind, out_keys, out_names),
            name=name,
            namespace=namespace,
            tags=tag_set,
            confirms=confirmed,
        )

    def _init(
        self,
        func: Callable[..., Any],
        ins: _Parts,
        outs: _Parts,
        *,
        name: str | None,
        namespace: str | None,
        tags: frozenset[str],
        confirms: tuple[str, ...],
    ) -> None:
        """Set every slot from already validated parts (used by __init__ and copies)."""
        setter = object.__setattr__
        setter(self, "_func", func)
        setter(self, "_in_kind", ins[0])
        setter(self, "_in_keys", ins[1])
        setter(self, "_in_names", ins[2])
        unique = tuple(dict.fromkeys(ins[2]))
        setter(self, "_in_unique", unique)
        setter(self, "_in_bases", _bases(unique))
        setter(self, "_out_kind", outs[0])
        setter(self, "_out_keys", outs[1])
        setter(self, "_out_names", outs[2])
        setter(self, "_out_bases", _bases(outs[2]))
        setter(self, "_explicit_name", name)
        setter(self, "_namespace", namespace)
        base = name if name is not None else default_node_name(func, ins[2], outs[2])
        setter(self, "_name", f"{namespace}.{base}" if namespace else base)
        setter(self, "_tags", tags)
        setter(self, "_confirms", confirms)
        setter(self, "_hash", hash((self._name, _canonical(*ins), _canonical(*outs))))

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
    def short_name(self) -> str:
        """A short label that need not be unique: the given name, else the function's
        name in title case (``"Clean Companies"``), without the namespace."""
        if self._explicit_name is not None:
            return self._explicit_name
        return readable_name(self._func).replace("_", " ").title()

    @property
    def namespace(self) -> str | None:
        """The dot-separated namespace, or None."""
        return self._namespace

    @property
    def namespace_prefixes(self) -> list[str]:
        """The namespace and every namespace enclosing it, outermost first.

        ``["a", "a.b", "a.b.c"]`` for namespace ``"a.b.c"``; empty without a namespace.
        """
        return namespace_prefixes(self._namespace) if self._namespace else []

    @property
    def tags(self) -> frozenset[str]:
        """The node's tags."""
        return self._tags

    @property
    def confirms(self) -> list[str]:
        """Dataset names whose dataset the runner confirms after the node ran."""
        return list(self._confirms)

    @property
    def inputs(self) -> list[str]:
        """Dataset names read by the node, in the order the function receives them.

        For a dict of inputs that is the order of the function's parameters (keys
        caught by ``**kwargs`` last), as in Kedro.
        """
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

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run the node on values given by dataset name (``n(a=1)``) or by position.

        Positional values go to the distinct input datasets in order (``n(1, 2)`` for
        inputs ``["a", "b"]``); keywords name datasets. Every input needs exactly one
        value.

        Returns:
            Dataset name -> value for every output.

        Raises:
            PipelineError: Too many values, a value for a dataset that is not an input,
                an input given twice or missing, or a return value of the wrong shape.
            Exception: Whatever the function raises, unchanged.
        """
        if len(args) > len(self._in_unique):
            raise PipelineError(
                f"Node '{self._name}' takes {len(self._in_unique)} input value(s) "
                f"({', '.join(self._in_unique) or 'none'}), got {len(args)} by position."
            )
        given = dict(zip(self._in_unique, args, strict=False))
        twice = [name for name in kwargs if name in given]
        extra = [name for name in kwargs if name not in self._in_unique]
        if twice or extra:
            problems = []
            if extra:
                problems.append(f"{', '.join(map(repr, extra))} is not an input")
            if twice:
                problems.append(f"{', '.join(map(repr, twice))} is given twice")
            raise PipelineError(
                f"Node '{self._name}' cannot run: {'; '.join(problems)}.",
                hint=f"Its inputs are: {', '.join(self._in_unique) or '(none)'}.",
            )
        given.update(kwargs)
        return self.run(given)

    def run(self, inputs: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call the function with the input values and name its results.

        Args:
            inputs: Dataset name -> value; must hold every input of the node (extra
                entries are ignored). May be None for a node without inputs.

        Returns:
            Dataset name -> value for every output (empty when outputs is None).

        Raises:
            PipelineError: ``inputs`` is not a mapping, an input is missing, or the
                return value does not have the shape the outputs declare (wrong
                count, not a dict, missing keys).
            Exception: Whatever the function raises, unchanged.
        """
        if inputs is None:
            inputs = {}
        elif not isinstance(inputs, Mapping):
            raise PipelineError(
                f"Node '{self._name}' cannot run: run() takes a mapping of dataset name "
                f"-> value (or None), got {type(inputs).__name__}.",
                hint=f"Pass {{{', '.join(repr(n) for n in self._in_unique)}: ...}}, "
                "or call the node with keywords.",
            )
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

        The function's signature is not checked again: the inputs keep their shape. A
        node without an explicit name gets the default name of its new datasets.
        """
        ins: _Parts = (self._in_kind, self._in_keys, self._in_names)
        outs: _Parts = (self._out_kind, self._out_keys, self._out_names)
        confirms = self._confirms
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
            confirms = tuple(rename(n) for n in confirms)
        new_namespace = self._namespace
        if namespace is not None:
            new_namespace = f"{namespace}.{self._namespace}" if self._namespace else namespace
        copy = object.__new__(Node)
        copy._init(
            self._func,
            ins,
            outs,
            name=self._explicit_name,
            namespace=new_namespace,
            tags=self._tags if tags is None else tags,
            confirms=confirms,
        )
        return copy

    # ------------------------------------------------------------------ protocol

    def _key(self) -> tuple[Any, ...]:
        return (
            self._name,
            _canonical(self._in_kind, self._in_keys, self._in_names),
            _canonical(self._out_kind, self._out_keys, self._out_names),
            self._tags,
            self._namespace,
            self._confirms,
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

    def _order(self) -> tuple[Any, ...]:
        return (
            self._name,
            _canonical(self._in_kind, self._in_keys, self._in_names),
            _canonical(self._out_kind, self._out_keys, self._out_names),
        )

    def __lt__(self, other: object) -> bool:
        """Nodes sort by name (then datasets), so ``sorted(nodes)`` works as in Kedro."""
        if not isinstance(other, Node):
            return NotImplemented
        return self._order() < other._order()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._order() <= other._order()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._order() > other._order()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return self._order() >= other._order()

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
        """``Node(func, inputs, outputs, name)`` as given (name None when defaulted)."""
        return (
            f"Node({readable_name(self._func)}, {self.declared_inputs!r}, "
            f"{self.declared_outputs!r}, {self._explicit_name!r})"
        )

    def __str__(self) -> str:
        """``name: func([in1;in2]) -> [out]``; without ``name: `` when not named."""
        prefix = f"{self._explicit_name}: " if self._explicit_name is not None else ""
        return prefix + self.signature()

    def signature(self) -> str:
        """Describe the node's call as ``"func([a;b]) -> [c]"`` for messages and listings.

        Returns:
            The function's readable name, its input and output dataset names (``None``
            when there are none), as Kedro prints a node.
        """
        return default_node_name(self._func, self._in_names, self._out_names)


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
    confirms: str | list[str] | None = None,
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
        name: The node's name; defaults to ``func([in1;in2]) -> [out]`` as Kedro names
            nodes.
        tags: One tag or an iterable of tags.
        confirms: A dataset name or list of names to confirm after the node ran.
        namespace: Dot-separated namespace; the full name becomes ``"<namespace>.<name>"``.

    Returns:
        The new, immutable node.

    Raises:
        NodeDefinitionError: ``func`` is not callable, an argument has the wrong type,
            an output is listed twice or is also an input (in any format), a name, tag
            or namespace is invalid, or the inputs do not fit the function's signature.
            The message names the argument.
    """
    return Node(func, inputs, outputs, name=name, tags=tags, confirms=confirms, namespace=namespace)
