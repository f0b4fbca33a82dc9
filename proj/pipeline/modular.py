"""pipeline(): reuse a pipeline under a namespace, remapping its inputs, outputs, parameters.

With ``namespace="ns"`` every node moves into namespace ``ns`` (``"ns.<name>"``; nested
namespaces join with ``.``) and every dataset becomes ``"ns.<dataset>"``, except:

* datasets named in ``inputs`` or ``outputs``: kept as given (a string, set or list) or
  renamed (a dict of old name -> new name), never prefixed;
* parameters (``parameters`` and ``params:<key>``): never prefixed, and renamed only
  through ``parameters`` (keys and values may be written with or without ``params:``).

This follows Kedro's modular pipelines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from proj.config.params import is_parameter
from proj.exceptions import PipelineError, UnknownNameError
from proj.pipeline._names import check_namespace, normalize_tags
from proj.pipeline.pipeline import Pipeline

if TYPE_CHECKING:
    from collections.abc import Callable

    from proj.pipeline.node import Node

__all__ = ["pipeline"]

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
    free = pipe.inputs()
    produced = pipe.producers
    params = [name for name in mapping if _is_parameter(name)]
    if params:
        raise PipelineError(
            f"pipeline(inputs=...) maps parameter(s) {', '.join(map(repr, params))}.",
            hint="Remap parameters with pipeline(parameters=...).",
        )
    for name in mapping:
        if name in produced:
            raise PipelineError(
                f"pipeline(inputs=...) maps '{name}', which is not a free input: node "
                f"'{produced[name].name}' of the pipeline produces it.",
                hint="Map it with outputs= instead, or map one of the free inputs.",
            )
    unknown = [name for name in mapping if name not in free]
    if unknown:
        known = [n for n in free if not _is_parameter(n)]
        raise UnknownNameError("free input", unknown, known, where="pipeline(inputs=...)")


def _check_outputs(pipe: Pipeline, mapping: Mapping[str, str]) -> None:
    produced = pipe.all_outputs()
    free = pipe.inputs()
    for name in mapping:
        if name in free:
            raise PipelineError(
                f"pipeline(outputs=...) maps '{name}', which no node of the pipeline "
                "produces: it is a free input.",
                hint="Map it with inputs= instead.",
            )
    unknown = [name for name in mapping if name not in produced]
    if unknown:
        raise UnknownNameError("output", unknown, produced, where="pipeline(outputs=...)")


def _check_parameters(pipe: Pipeline, mapping: Mapping[str, str]) -> None:
    used = {name for name in pipe.inputs() if _is_parameter(name)}
    unknown = [name for name in mapping if name not in used]
    if unknown:
        raise UnknownNameError("parameter", unknown, used, where="pipeline(parameters=...)")


def pipeline(
    pipe: Pipeline | Iterable[Node | Pipeline],
    *,
    inputs: DatasetMapping = None,
    outputs: DatasetMapping = None,
    parameters: DatasetMapping = None,
    namespace: str | None = None,
    tags: str | Iterable[str] | None = None,
) -> Pipeline:
    """Make a copy of a pipeline with its datasets renamed and its nodes namespaced.

    Example::

        base = pipeline([node(train, ["data", "params:model"], "model")])
        pipeline(base, namespace="candidate", inputs={"data": "features"},
                 parameters={"model": "candidate_model"})
        # node "candidate.train" reads "features" and "params:candidate_model",
        # writes "candidate.model"

    Args:
        pipe: A pipeline, or nodes and pipelines to build one from.
        inputs: Free inputs of ``pipe`` to keep unprefixed: a name, a set or list of
            names (kept as they are) or a dict of old name -> new name.
        outputs: Datasets ``pipe`` produces to keep unprefixed (kept or renamed, as for
            ``inputs``). Any produced dataset may be named, not only final outputs.
        parameters: Parameters of ``pipe`` to rename (keys and values may be given as
            ``"params:x"`` or ``"x"``); other parameters keep their names.
        namespace: Dot-separated namespace prefixed to node names, node namespaces and
            every other dataset.
        tags: Tags added to every node.

    Returns:
        The new pipeline; ``pipe`` is unchanged.

    Raises:
        PipelineError: ``inputs`` names a dataset that is not a free input of ``pipe``
            or is a parameter; ``outputs`` names one that ``pipe`` does not produce; a
            mapping has the wrong type. Unknown names raise UnknownNameError (a
            PipelineError) with the closest known names.
        NodeDefinitionError: ``namespace`` or a tag is invalid.
        OutputNotUniqueError, CircularDependencyError: the renaming made two nodes
            write one dataset, or made a cycle.
    """
    if not isinstance(pipe, Pipeline):
        pipe = Pipeline(pipe)
    if namespace is not None:
        check_namespace(namespace, "namespace")
    extra_tags = normalize_tags(tags, "tags")
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

    def rename(name: str) -> str:
        mapped = renames.get(name)
        if mapped is not None:
            return mapped
        if namespace is None or _is_parameter(name):
            return name
        return f"{namespace}.{name}"

    renamer: Callable[[str], str] | None = rename if (renames or namespace) else None
    copies = [
        member._derive(
            rename=renamer,
            namespace=namespace,
            tags=member.tags | extra_tags,
        )
        for member in pipe.nodes
    ]
    return Pipeline(copies)
