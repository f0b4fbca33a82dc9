"""pipeline(): reuse a pipeline under a namespace, remapping its inputs, outputs, parameters.

With ``namespace="ns"`` every node moves into namespace ``ns`` (``"ns.<name>"``; nested
namespaces join with ``.``), every dataset becomes ``"ns.<dataset>"`` and every
parameter ``params:<key>`` becomes ``params:ns.<key>``, except:

* datasets named in ``inputs`` or ``outputs``: kept as given (a string, set or list) or
  renamed (a dict of old name -> new name), never prefixed; mapping ``x`` also maps
  its transcoded forms (``x@pandas`` -> ``<new>@pandas``);
* parameters named in ``parameters``: kept or renamed the same way (keys and values
  may be written with or without ``params:``);
* ``parameters`` (the whole parameter dict), which is never prefixed;
* everything, when ``prefix_datasets_with_namespace=False``: only the nodes move.

This follows Kedro 1.x's modular pipelines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from proj.config.params import is_parameter
from proj.exceptions import PipelineError, UnknownNameError
from proj.pipeline._names import check_namespace
from proj.pipeline.pipeline import Pipeline
from proj.pipeline.transcoding import TRANSCODING_SEPARATOR, strip_transcoding, transcode_split

if TYPE_CHECKING:
    from collections.abc import Callable

    from proj.pipeline.node import Node

__all__ = ["map_nodes", "pipeline"]

#: What ``inputs=``, ``outputs=`` and ``parameters=`` accept.
DatasetMapping = str | Iterable[str] | Mapping[str, str] | None


_is_parameter = is_parameter


def _as_parameter(name: str) -> str:
    return name if _is_parameter(name) else f"params:{name}"


def _to_mapping(value: DatasetMapping, what: str) -> dict[str, str]:
    """Normalize a str / set / list (names kept) or dict (old -> new) to a dict."""
    if value is None:
        return {}
    if isinstance(value, str):
        pairs: Iterable[tuple[object, object]] = [(value, value)]
    elif isinstance(value, Mapping):
        pairs = value.items()
    elif isinstance(value, Iterable):
        pairs = [(item, item) for item in value]
    else:
        raise PipelineError(
            f"pipeline({what}=...) must be a name, a set or list of names, or a dict "
            f"of old name -> new name; got {type(value).__name__}."
        )
    result: dict[str, str] = {}
    for old, new in pairs:
        if not isinstance(old, str) or not isinstance(new, str):
            raise PipelineError(
                f"pipeline({what}=...): names must be strings, got {old!r} -> {new!r}."
            )
        result[old] = new
    return result


def _check_inputs(pipe: Pipeline, mapping: Mapping[str, str]) -> None:
    free = {strip_transcoding(n) for n in pipe.inputs()}
    produced = pipe.producers
    params = [name for name in mapping if _is_parameter(name)]
    if params:
        raise PipelineError(
            f"pipeline(inputs=...) maps parameter(s) {', '.join(map(repr, params))}.",
            hint="Remap parameters with pipeline(parameters=...).",
        )
    for name in mapping:
        writer = produced.get(name) or produced.get(strip_transcoding(name))
        if writer is not None:
            raise PipelineError(
                f"pipeline(inputs=...) maps '{name}', which is not a free input: node "
                f"'{writer.name}' of the pipeline produces it.",
                hint="Map it with outputs= instead, or map one of the free inputs.",
            )
    unknown = [name for name in mapping if strip_transcoding(name) not in free]
    if unknown:
        known = [n for n in pipe.inputs() if not _is_parameter(n)]
        raise UnknownNameError("free input", unknown, known, where="pipeline(inputs=...)")


def _check_outputs(pipe: Pipeline, mapping: Mapping[str, str]) -> None:
    produced = {strip_transcoding(n) for n in pipe.all_outputs()}
    free = {strip_transcoding(n) for n in pipe.inputs()}
    for name in mapping:
        if strip_transcoding(name) in free:
            raise PipelineError(
                f"pipeline(outputs=...) maps '{name}', which no node of the pipeline "
                "produces: it is a free input.",
                hint="Map it with inputs= instead.",
            )
    unknown = [name for name in mapping if strip_transcoding(name) not in produced]
    if unknown:
        raise UnknownNameError("output", unknown, pipe.all_outputs(), where="pipeline(outputs=...)")


def _check_parameters(pipe: Pipeline, mapping: Mapping[str, str]) -> None:
    used = {name for name in pipe.inputs() if _is_parameter(name)}
    unknown = [name for name in mapping if name not in used]
    if unknown:
        raise UnknownNameError("parameter", unknown, used, where="pipeline(parameters=...)")


def map_nodes(
    pipe: Pipeline,
    *,
    inputs: DatasetMapping = None,
    outputs: DatasetMapping = None,
    parameters: DatasetMapping = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> list[Node]:
    """Copies of a pipeline's nodes, moved into a namespace with datasets renamed.

    This is the work behind ``pipeline()`` and ``Pipeline(..., namespace=...)``; the
    rules are in this module's docstring.

    Args:
        pipe: The validated pipeline to copy.
        inputs: Free inputs to keep or rename.
        outputs: Produced datasets to keep or rename.
        parameters: Parameters to keep or rename.
        namespace: The namespace, or None to rename only.
        prefix_datasets_with_namespace: False to leave unmapped names alone.

    Returns:
        The new nodes, in the pipeline's order.

    Raises:
        PipelineError, UnknownNameError, NodeDefinitionError: As ``pipeline()``.
    """
    if namespace is not None:
        check_namespace(namespace, "namespace")
    input_map = _to_mapping(inputs, "inputs")
    output_map = _to_mapping(outputs, "outputs")
    param_map = {
        _as_parameter(old): _as_parameter(new)
        for old, new in _to_mapping(parameters, "parameters").items()
    }
    _check_inputs(pipe, input_map)
    _check_outputs(pipe, output_map)
    _check_parameters(pipe, param_map)
    renames = {**input_map, **output_map, **param_map}
    prefix = namespace if prefix_datasets_with_namespace else None

    def rename(name: str) -> str:
        mapped = renames.get(name)
        if mapped is not None:
            return mapped
        if name == "parameters":
            return name
        if TRANSCODING_SEPARATOR in name:
            base, fmt = transcode_split(name)
            if base in renames:
                return f"{renames[base]}{TRANSCODING_SEPARATOR}{fmt}"
        if prefix is None:
            return name
        if name.startswith("params:"):
            return f"params:{prefix}.{name[len('params:') :]}"
        return f"{prefix}.{name}"

    renamer: Callable[[str], str] | None = rename if (renames or prefix) else None
    return [member._derive(rename=renamer, namespace=namespace) for member in pipe.nodes]


def pipeline(
    nodes: Pipeline | Iterable[Node | Pipeline] | None = None,
    *,
    pipe: Pipeline | Iterable[Node | Pipeline] | None = None,
    inputs: DatasetMapping = None,
    outputs: DatasetMapping = None,
    parameters: DatasetMapping = None,
    tags: str | Iterable[str] | None = None,
    namespace: str | None = None,
    prefix_datasets_with_namespace: bool = True,
) -> Pipeline:
    """Make a pipeline, optionally a copy moved into a namespace with datasets renamed.

    Example::

        base = pipeline([node(train, ["data", "params:model"], "model")])
        pipeline(base, namespace="candidate", inputs={"data": "features"})
        # node "candidate.train([features;params:candidate.model]) -> [candidate.model]"
        # reads "features" and "params:candidate.model", writes "candidate.model"

    Args:
        nodes: A pipeline, or nodes and pipelines to build one from (Kedro 1.x's name
            for the argument).
        pipe: The same, under Kedro 0.19's name; give one of ``nodes`` and ``pipe``.
        inputs: Free inputs of the pipeline to keep unprefixed: a name, a set or list
            of names (kept as they are) or a dict of old name -> new name.
        outputs: Datasets the pipeline produces to keep unprefixed (kept or renamed,
            as for ``inputs``). Any produced dataset may be named, not only final
            outputs.
        parameters: Parameters to keep unprefixed or rename (keys and values may be
            given as ``"params:x"`` or ``"x"``); other parameters get the namespace
            (``params:<namespace>.x``).
        tags: Tags added to every node.
        namespace: Dot-separated namespace prefixed to node names, node namespaces,
            datasets and parameters.
        prefix_datasets_with_namespace: False keeps every dataset and parameter name
            and only moves the nodes into the namespace (a grouping label).

    Returns:
        The new pipeline; the given one is unchanged.

    Raises:
        PipelineError: Both or neither of ``nodes`` and ``pipe`` given; ``inputs``
            names a dataset that is not a free input or is a parameter; ``outputs``
            names one that is not produced; a mapping has the wrong type. Unknown
            names raise UnknownNameError (a PipelineError) with the closest names.
        NodeDefinitionError: ``namespace`` or a tag is invalid.
        OutputNotUniqueError, CircularDependencyError: the renaming made two nodes
            write one dataset, or made a cycle.
    """
    if (nodes is None) == (pipe is None):
        raise PipelineError(
            "pipeline() takes the nodes once: as the first argument (nodes=...) or as "
            "pipe=... (Kedro 0.19's name)" + (", not both." if nodes is not None else "."),
            hint="Write pipeline([node(...), ...], namespace=...).",
        )
    source = nodes if nodes is not None else pipe
    assert source is not None
    return Pipeline(
        source,
        inputs=inputs,
        outputs=outputs,
        parameters=parameters,
        tags=tags,
        namespace=namespace,
        prefix_datasets_with_namespace=prefix_datasets_with_namespace,
    )
