"""Node fingerprints: what a node's result depends on, reduced to a few short digests.

A node's fingerprint has three parts, each kept so that a change can be explained:

* **code**: the source of the node's function and of the project functions, classes and
  constants it uses, found statically (names its code objects read, resolved in the
  function's module globals, followed through modules of the project itself);
* **params**: a digest of the value of every parameter input (``params:<key>``,
  ``parameters``);
* **inputs**: per other input dataset, a token that changes when its data changes. For a
  persisted dataset it is :meth:`proj.io.AbstractDataset.fingerprint` (the version id of
  a versioned file, else size and modification time, or a content hash when the
  dataset's metadata says ``fingerprint: content``); for an in-memory dataset it is the
  fingerprint of the node that produces it. A dataset that cannot say (``None``) gets the
  token ``"?"``, which never equals a recorded one: proj re-runs rather than guess.

Digests are BLAKE2b, 16 bytes, hex. Computing a fingerprint costs one hash of a few short
strings per node plus one ``stat`` per persisted input; code digests are cached per
function for the life of a :class:`Fingerprinter`.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import logging
import pickle
import sys
import sysconfig
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from proj.config.params import is_parameter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from proj.io import DataCatalog
    from proj.pipeline import Node

#: The token of an input whose data cannot be fingerprinted; never equal to a stored one.
UNKNOWN = "?"

#: The token of a persisted input whose data does not exist (yet).
MISSING = "missing"

_CONSTANT_TYPES = (int, float, complex, str, bytes, bool, type(None))

logger = logging.getLogger(__name__)

#: A JSON string literal, escaped as :mod:`json` escapes it by default (ASCII only).
_quote = json.encoder.encode_basestring_ascii


def _object(mapping: dict[str, str]) -> str:
    """Compact JSON of a str -> str mapping, keys sorted (as ``sort_keys=True``)."""
    if not mapping:
        return "{}"
    if len(mapping) == 1:
        ((key, value),) = mapping.items()
        return f"{{{_quote(key)}:{_quote(value)}}}"
    return "{" + ",".join(f"{_quote(k)}:{_quote(mapping[k])}" for k in sorted(mapping)) + "}"


def digest(*parts: str) -> str:
    """BLAKE2b (16 bytes, hex) of ``parts`` joined by NUL bytes."""
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def value_digest(value: Any) -> str:
    """A digest of a value: of its canonical JSON when it is plain data, else of its
    pickle; :data:`UNKNOWN` when it is neither (never a digest of a ``repr``, which can
    hide differences).

    Args:
        value: Usually plain YAML data (dicts, lists, scalars).

    Returns:
        A hex digest (equal plain values give equal digests whatever the order of dict
        keys), or :data:`UNKNOWN`.
    """
    try:
        return digest("json", json.dumps(value, sort_keys=True))
    except (TypeError, ValueError):
        pass
    try:
        return hashlib.blake2b(pickle.dumps(value), digest_size=16).hexdigest()
    except Exception:
        return UNKNOWN


@functools.cache
def _third_party_roots() -> tuple[str, ...]:
    """Folders of the standard library and of installed packages."""
    paths = sysconfig.get_paths()
    return tuple(sorted({paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}))


def _is_project_code(module_name: str | None) -> bool:
    """Whether a module is the user's code (not the standard library, proj or a package
    installed in site-packages)."""
    if not module_name or module_name in sys.builtin_module_names:
        return False
    top = module_name.split(".", 1)[0]
    if top == "proj":
        return False
    module = sys.modules.get(module_name)
    filename = getattr(module, "__file__", None)
    if filename is None:
        # A notebook or ``python -c``: code typed by the user.
        return module_name == "__main__"
    return not filename.startswith(_third_party_roots())


def _code_objects(code: types.CodeType) -> Iterable[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_objects(const)


class CodeFingerprints:
    """Digests of functions and the project code they use, cached per function.

    The digest of a function covers its source text (or, when the source is not
    available, its bytecode and constants), the digests of the project functions and
    classes it refers to by name (also as ``module.name``), and the ``repr`` of the
    module-level constants it reads. Recursion through mutually recursive functions is
    cut at the first repeat.
    """

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Any, str]] = {}

    def of(self, func: Callable[..., Any]) -> str:
        """The code digest of a node function (``functools.partial`` and decorated
        functions are unwrapped; a partial's bound arguments are part of the digest).
        """
        return self._digest(func, set())

    def _digest(self, obj: Any, seen: set[int]) -> str:
        key = id(obj)
        cached = self._cache.get(key)
        if cached is not None and cached[0] is obj:
            return cached[1]
        if key in seen:
            return "recursive"
        seen.add(key)
        result = self._compute(obj, seen)
        self._cache[key] = (obj, result)
        return result

    def _compute(self, obj: Any, seen: set[int]) -> str:
        if isinstance(obj, functools.partial):
            return digest(
                "partial",
                self._digest(obj.func, seen),
                value_digest(obj.args),
                value_digest(obj.keywords),
            )
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None and wrapped is not obj:
            return digest("wrapped", self._digest(wrapped, seen))
        if inspect.isclass(obj):
            return self._class(obj, seen)
        if inspect.isfunction(obj):
            return self._function(obj, seen)
        if inspect.ismethod(obj):
            return digest("method", self._digest(obj.__func__, seen))
        # A callable object: its class's code and its state (pickled; unknown if not).
        return digest("callable", self._digest(type(obj), seen), value_digest(obj))

    def _class(self, cls: type, seen: set[int]) -> str:
        parts = [_source(cls)]
        for member in vars(cls).values():
            function = (
                member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            )
            if inspect.isfunction(function):
                parts.append(self._function(function, seen))
        return digest("class", *parts)

    def _function(self, func: types.FunctionType, seen: set[int]) -> str:
        # The source says what the code is; the bytecode what is loaded. Both count: a
        # module edited on disk but not re-imported (a notebook) runs the old code.
        parts = [_source(func)]
        names: list[str] = []
        for code in _code_objects(func.__code__):
            names.extend(code.co_names)
            parts.append(code.co_code.hex())
            parts.append(repr([c for c in code.co_consts if not inspect.iscode(c)]))
        namespace = func.__globals__
        for name in sorted(set(names)):
            if name not in namespace:
                continue
            value = namespace[name]
            parts.append(name)
            parts.append(self._reference(value, names, seen))
        return digest(*parts)

    def _reference(self, value: Any, names: list[str], seen: set[int]) -> str:
        if isinstance(value, _CONSTANT_TYPES) or (
            isinstance(value, (tuple, frozenset, list, dict, set)) and _is_plain(value)
        ):
            return digest("const", repr(value))
        if isinstance(value, types.ModuleType):
            if not _is_project_code(value.__name__):
                return "module:" + value.__name__
            # ``helpers.clean(...)``: follow the attributes the code reads.
            attributes = [
                self._reference(getattr(value, attr), [], seen)
                for attr in sorted(set(names))
                if attr in vars(value)
            ]
            return digest("module", value.__name__, *attributes)
        if (inspect.isfunction(value) or inspect.isclass(value)) and _is_project_code(
            getattr(value, "__module__", None)
        ):
            return self._digest(value, seen)
        if inspect.isfunction(value) or inspect.isclass(value) or inspect.isbuiltin(value):
            return "ref:" + f"{getattr(value, '__module__', '')}.{value.__qualname__}"
        return "object"


def _is_plain(value: Any, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(value, _CONSTANT_TYPES):
        return True
    if isinstance(value, dict):
        return len(value) <= 1000 and all(
            _is_plain(k, depth + 1) and _is_plain(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, (tuple, list, set, frozenset)):
        return len(value) <= 1000 and all(_is_plain(v, depth + 1) for v in value)
    return False


def _source(obj: Any) -> str:
    """The source text of a function or class; its qualified name when there is none
    (the caller adds the bytecode)."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', obj)}"


@dataclass(frozen=True)
class NodeFingerprint:
    """One node's fingerprint and the parts it was made of.

    Attributes:
        digest: The fingerprint (hex): equal digests mean nothing the node depends on
            changed, as far as proj can see.
        code: Digest of the node's code.
        params: Parameter input name -> digest of its value.
        inputs: Other input name -> token (:data:`UNKNOWN` when not knowable).
        param_keys: Dotted parameter key (``params:a.b``) -> digest of its value, for
            the leaves of mapping parameters (to name the key that changed).
        run_id: The run it was recorded in, when read from the run store.
    """

    digest: str
    code: str
    params: dict[str, str]
    inputs: dict[str, str]
    param_keys: dict[str, str] = field(default_factory=dict)
    run_id: str | None = field(default=None, compare=False)

    def as_json(self) -> str:
        """The parts as compact JSON with sorted keys, for the run store.

        The same text as ``json.dumps(..., sort_keys=True, separators=(",", ":"))``
        gives for these string-to-string parts, written directly: one run writes one
        per node, and the encoder's set-up per call was a third of what fingerprints
        added to a 10,000-node run (``benchmarks/stale.py``).
        """
        return (
            f'{{"code":{_quote(self.code)},"inputs":{_object(self.inputs)},'
            f'"param_keys":{_object(self.param_keys)},"params":{_object(self.params)}}}'
        )

    @classmethod
    def from_json(cls, digest_: str, text: str, run_id: str | None = None) -> NodeFingerprint:
        """Rebuild a fingerprint from :meth:`as_json` output and its digest.

        Raises:
            ValueError, KeyError, TypeError: The text is not such output.
        """
        data = json.loads(text)
        return cls(
            digest_,
            data["code"],
            dict(data["params"]),
            dict(data["inputs"]),
            dict(data.get("param_keys", {})),
            run_id,
        )

    def changes(self, previous: NodeFingerprint) -> list[str]:
        """What differs from ``previous``, as short phrases for people.

        Returns:
            For example ``["code changed", "parameter model.lr changed",
            "input companies changed"]``; empty when the digests are equal.
        """
        if self.digest == previous.digest and UNKNOWN not in self.inputs.values():
            return []
        reasons: list[str] = []
        if self.code != previous.code:
            reasons.append("code changed")
        for name in sorted(set(self.params) | set(previous.params)):
            if self.params.get(name) != previous.params.get(name):
                prefix = name + "."
                keys = sorted(
                    key
                    for key in set(self.param_keys) | set(previous.param_keys)
                    if key.startswith(prefix)
                    and self.param_keys.get(key) != previous.param_keys.get(key)
                )
                shown = [key.removeprefix("params:") for key in keys] or [
                    name.removeprefix("params:")
                ]
                reasons.extend(f"parameter {key} changed" for key in shown)
        for name in sorted(set(self.inputs) | set(previous.inputs)):
            token = self.inputs.get(name)
            if token == UNKNOWN:
                reasons.append(f"input {name} cannot be fingerprinted")
            elif token == MISSING:
                reasons.append(f"input {name} missing")
            elif token != previous.inputs.get(name):
                reasons.append(f"input {name} changed")
        return reasons or ["inputs changed"]


class Fingerprinter:
    """Computes node fingerprints against a catalog, in topological order.

    Feed it the nodes in topological order (:meth:`node`): an in-memory input takes the
    fingerprint of its producer, which must have been fingerprinted first (otherwise the
    input's token is :data:`UNKNOWN`).

    Args:
        catalog: Where persisted inputs and parameters are read from; a parameter's
            value is loaded (parameters are small), a persisted dataset is only asked for
            its :meth:`~proj.io.AbstractDataset.fingerprint`.
        code: Shared code digests, so repeated runs in one process hash each function
            once.
    """

    def __init__(self, catalog: DataCatalog, code: CodeFingerprints | None = None) -> None:
        self.catalog = catalog
        self.code = code or CodeFingerprints()
        self.produced: dict[str, str] = {}
        self._tokens: dict[str, str] = {}
        self._params: dict[str, tuple[str, dict[str, str]]] = {}

    def read_inputs(self, names: Iterable[str]) -> None:
        """Take the tokens of these datasets now (the free inputs of a run, before it
        starts), so that later calls of :meth:`node` see the data as the run read it.

        A dataset that cannot say its fingerprint gets the unknown token (its readers
        are stale).
        """
        for name in names:
            if is_parameter(name):
                self._param(name)
            else:
                self._input(name)

    def node(self, node: Node) -> NodeFingerprint:
        """Fingerprint ``node`` now, and remember it as the producer of its outputs.

        Raises:
            DatasetError: A parameter cannot be loaded.
        """
        params: dict[str, str] = {}
        param_keys: dict[str, str] = {}
        inputs: dict[str, str] = {}
        for name in node.inputs:
            if is_parameter(name):
                params[name], leaves = self._param(name)
                param_keys.update(leaves)
            else:
                inputs[name] = self._input(name)
        code = self.code.of(node.func)
        joined = [code]
        for part in (params, inputs):
            for name in sorted(part) if len(part) > 1 else part:
                joined += (name, part[name])
        result = NodeFingerprint(digest(*joined), code, params, inputs, param_keys)
        for output in node.outputs:
            self.produced[output] = result.digest
        return result

    def token(self, name: str) -> str:
        """The token of one dataset now: a parameter's value digest, a persisted
        dataset's fingerprint, or its producer's fingerprint (see the module docstring).

        Raises:
            DatasetError: The dataset cannot be asked.
        """
        return self._param(name)[0] if is_parameter(name) else self._input(name)

    def _param(self, name: str) -> tuple[str, dict[str, str]]:
        known = self._params.get(name)
        if known is None:
            if name not in self.catalog:
                known = (UNKNOWN, {})
            else:
                value = self.catalog.load(name)
                leaves: dict[str, str] = {}
                _leaf_digests(name, value, leaves)
                known = (value_digest(value), leaves)
            self._params[name] = known
        return known

    def _input(self, name: str) -> str:
        token = self._tokens.get(name)
        if token is not None:
            return token
        catalog = self.catalog
        dataset = catalog.get(name)  # one lookup: None when not declared or matched
        if dataset is not None and type(dataset).persistent:
            try:
                token = dataset.fingerprint() or (UNKNOWN if dataset.exists() else MISSING)
            except Exception as exc:  # e.g. a --load-versions version that is not there
                # Never fail a run over a fingerprint: the load reports the real problem,
                # and an unknown token makes the readers stale, which is safe.
                logger.debug("Cannot fingerprint dataset '%s': %s", name, exc)
                token = UNKNOWN
        elif (produced := self.produced.get(name)) is not None:
            return "node:" + produced  # not cached: a producer is fingerprinted once
        elif dataset is not None and catalog.exists(name):
            # Data given to the run (not produced by one of its nodes).
            value = value_digest(catalog.load(name))
            token = UNKNOWN if value == UNKNOWN else "value:" + value
        else:
            return UNKNOWN  # not cached: its producer may not be fingerprinted yet
        self._tokens[name] = token
        return token


#: At most this many leaves of one parameter value are kept to explain a change.
_MAX_LEAVES = 256


def _leaf_digests(prefix: str, value: Any, out: dict[str, str]) -> None:
    """Digests of the leaves of a nested mapping, by dotted key (``params:a.b``)."""
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if len(out) >= _MAX_LEAVES:
            return
        path = f"{prefix}.{key}"
        if isinstance(item, dict) and item:
            _leaf_digests(path, item, out)
        else:
            out[path] = value_digest(item)


def fingerprint_nodes(nodes: Iterable[Node], catalog: DataCatalog) -> dict[str, NodeFingerprint]:
    """Fingerprints of ``nodes`` (in topological order) against the catalog as it is now.

    Args:
        nodes: Nodes in topological order, e.g. ``pipeline.nodes``.
        catalog: The catalog a run would use.

    Returns:
        Node name -> fingerprint.
    """
    fingerprinter = Fingerprinter(catalog)
    return {node.name: fingerprinter.node(node) for node in nodes}
