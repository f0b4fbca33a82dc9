"""Tests for proj.pipeline.modular: namespaces and remapping with pipeline()."""

from __future__ import annotations

import re
from typing import Any

import pytest

from proj.exceptions import (
    NodeDefinitionError,
    OutputNotUniqueError,
    PipelineError,
    UnknownNameError,
)
from proj.pipeline import Node, Pipeline, node, pipeline


def identity(x: Any) -> Any:
    return x


def train(data: Any, options: Any) -> dict[str, Any]:
    return {"model": (data, options), "score": 1.0}


def by_name(pipe: Pipeline) -> dict[str, Node]:
    return {n.name: n for n in pipe.nodes}


@pytest.fixture
def modelling() -> Pipeline:
    """features + params -> model; model -> report; everything reads 'parameters' too."""
    return Pipeline(
        [
            node(identity, "features", "clean", name="prepare"),
            node(
                train,
                {"data": "clean", "options": "params:model.options"},
                {"model": "model", "score": "score"},
                name="train",
                tags="train",
            ),
            node(lambda m, p: (m, p), ["model", "parameters"], "report", name="report"),
        ]
    )


def test_namespace_prefixes_nodes_and_internal_datasets(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="candidate")
    nodes = by_name(result)
    assert sorted(nodes) == ["candidate.prepare", "candidate.report", "candidate.train"]
    assert all(n.namespace == "candidate" for n in nodes.values())
    assert nodes["candidate.prepare"].inputs == ["candidate.features"]
    assert nodes["candidate.train"].inputs == [
        "candidate.clean",
        "params:candidate.model.options",
    ]
    assert nodes["candidate.train"].outputs == ["candidate.model", "candidate.score"]
    assert nodes["candidate.report"].inputs == ["candidate.model", "parameters"]
    assert result.inputs() == {
        "candidate.features",
        "params:candidate.model.options",
        "parameters",
    }


def test_the_shape_of_inputs_and_outputs_is_kept(modelling: Pipeline) -> None:
    trained = by_name(pipeline(modelling, namespace="ns"))["ns.train"]
    assert trained.declared_inputs == {"data": "ns.clean", "options": "params:ns.model.options"}
    assert trained.declared_outputs == {"model": "ns.model", "score": "ns.score"}
    assert trained.run({"ns.clean": 1, "params:ns.model.options": 2}) == {
        "ns.model": (1, 2),
        "ns.score": 1.0,
    }


def test_the_original_pipeline_is_unchanged(modelling: Pipeline) -> None:
    before = modelling.nodes
    pipeline(modelling, namespace="ns", tags="extra")
    assert modelling.nodes == before
    assert by_name(modelling)["train"].tags == {"train"}


def test_nested_namespaces_join_with_dots(modelling: Pipeline) -> None:
    inner = pipeline(modelling, namespace="inner")
    outer = pipeline(inner, namespace="outer")
    nodes = by_name(outer)
    assert "outer.inner.train" in nodes
    assert nodes["outer.inner.train"].namespace == "outer.inner"
    assert nodes["outer.inner.prepare"].inputs == ["outer.inner.features"]
    assert outer.only_nodes_with_namespaces("outer") == outer
    assert len(outer.only_nodes_with_namespaces("outer.inner")) == 3


@pytest.mark.parametrize("inputs", ["features", ["features"], {"features"}])
def test_inputs_given_by_name_are_kept_unprefixed(modelling: Pipeline, inputs: Any) -> None:
    result = pipeline(modelling, namespace="ns", inputs=inputs)
    assert by_name(result)["ns.prepare"].inputs == ["features"]


def test_inputs_given_as_a_dict_are_renamed(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="ns", inputs={"features": "model_input"})
    assert by_name(result)["ns.prepare"].inputs == ["model_input"]
    assert "model_input" in result.inputs()


def test_outputs_are_kept_or_renamed_including_intermediate_ones(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="ns", outputs={"report": "final_report", "model": "m"})
    nodes = by_name(result)
    assert nodes["ns.report"].outputs == ["final_report"]
    assert nodes["ns.train"].outputs == ["m", "ns.score"]
    assert nodes["ns.report"].inputs == ["m", "parameters"]
    kept = pipeline(modelling, namespace="ns", outputs="score")
    assert by_name(kept)["ns.train"].outputs == ["ns.model", "score"]


@pytest.mark.parametrize(
    "parameters",
    [
        {"params:model.options": "params:candidate.options"},
        {"model.options": "candidate.options"},
        {"params:model.options": "candidate.options"},
    ],
)
def test_parameters_are_renamed_with_or_without_prefix(
    modelling: Pipeline, parameters: dict[str, str]
) -> None:
    result = pipeline(modelling, namespace="ns", parameters=parameters)
    assert by_name(result)["ns.train"].inputs == ["ns.clean", "params:candidate.options"]


def test_the_whole_parameters_dataset_can_be_remapped(modelling: Pipeline) -> None:
    result = pipeline(modelling, parameters={"parameters": "params:report"})
    assert by_name(result)["report"].inputs == ["model", "params:report"]


def test_parameters_listed_by_name_stay_as_they_are(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="ns", parameters=["model.options"])
    assert by_name(result)["ns.train"].inputs == ["ns.clean", "params:model.options"]


def test_without_namespace_only_mapped_names_change(modelling: Pipeline) -> None:
    result = pipeline(modelling, inputs={"features": "x"}, outputs={"report": "y"})
    assert sorted(by_name(result)) == ["prepare", "report", "train"]
    assert result.inputs() == {"x", "params:model.options", "parameters"}
    assert result.outputs() == {"y", "score"}
    assert all(n.namespace is None for n in result.nodes)


def test_tags_are_added_to_every_node(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="ns", tags=["candidate", "v2"])
    assert {frozenset(n.tags) for n in result.nodes} == {
        frozenset({"candidate", "v2"}),
        frozenset({"candidate", "v2", "train"}),
    }


def test_a_list_of_nodes_is_accepted() -> None:
    result = pipeline([node(identity, "a", "b")], namespace="ns")
    assert by_name(result)["ns.identity([ns.a]) -> [ns.b]"].outputs == ["ns.b"]


def test_unnamed_nodes_are_named_after_their_namespaced_datasets() -> None:
    template = [node(identity, "raw", "clean"), node(identity, "clean", "final")]
    both = pipeline(template, namespace="a") + pipeline(template, namespace="b")
    assert sorted(by_name(both)) == [
        "a.identity([a.clean]) -> [a.final]",
        "a.identity([a.raw]) -> [a.clean]",
        "b.identity([b.clean]) -> [b.final]",
        "b.identity([b.raw]) -> [b.clean]",
    ]


# ----------------------------------------------------------------- Kedro 1.x rules


def test_namespaced_parameters_get_the_namespace_unless_mapped(modelling: Pipeline) -> None:
    result = pipeline(modelling, namespace="a.b")
    assert "params:a.b.model.options" in result.inputs()
    kept = pipeline(modelling, namespace="a.b", parameters="params:model.options")
    assert "params:model.options" in kept.inputs()
    assert "parameters" in kept.inputs()


def test_nested_namespaces_prefix_parameters_once_per_level(modelling: Pipeline) -> None:
    outer = pipeline(pipeline(modelling, namespace="inner"), namespace="outer")
    assert "params:outer.inner.model.options" in outer.inputs()


def test_prefix_datasets_with_namespace_false_only_moves_the_nodes(
    modelling: Pipeline,
) -> None:
    result = pipeline(modelling, namespace="group", prefix_datasets_with_namespace=False)
    assert result.inputs() == modelling.inputs()
    assert result.outputs() == modelling.outputs()
    assert sorted(by_name(result)) == ["group.prepare", "group.report", "group.train"]
    assert result.only_nodes_with_namespaces(["group"]) == result


def test_pipeline_takes_nodes_or_pipe(modelling: Pipeline) -> None:
    assert pipeline(nodes=modelling, namespace="x") == pipeline(pipe=modelling, namespace="x")
    assert pipeline(modelling.nodes) == modelling
    with pytest.raises(PipelineError, match="not both"):
        pipeline(modelling, pipe=modelling)
    with pytest.raises(PipelineError, match="takes the nodes once"):
        pipeline()


def test_the_pipeline_class_takes_the_same_arguments(modelling: Pipeline) -> None:
    made = Pipeline(
        modelling,
        namespace="ns",
        inputs={"features": "raw"},
        parameters="model.options",
        tags="t",
    )
    assert made == pipeline(
        modelling,
        namespace="ns",
        inputs={"features": "raw"},
        parameters="model.options",
        tags="t",
    )
    assert made.inputs() == {"raw", "params:model.options", "parameters"}


def test_mapping_a_transcoded_base_maps_every_format() -> None:
    template = Pipeline(
        [
            node(identity, "companies@pandas", "clean@spark", name="load"),
            node(identity, "clean@pandas", "report", name="use"),
        ]
    )
    result = pipeline(template, namespace="ns", inputs={"companies": "raw"}, outputs="clean")
    nodes = by_name(result)
    assert nodes["ns.load"].inputs == ["raw@pandas"]
    assert nodes["ns.load"].outputs == ["clean@spark"]
    assert nodes["ns.use"].inputs == ["clean@pandas"]
    assert result.inputs() == {"raw@pandas"}
    prefixed = pipeline(template, namespace="ns")
    assert prefixed.inputs() == {"ns.companies@pandas"}


def test_the_same_template_twice_under_two_namespaces(modelling: Pipeline) -> None:
    both = pipeline(modelling, namespace="a", inputs="features") + pipeline(
        modelling, namespace="b", inputs="features"
    )
    assert len(both) == 6
    assert [n.name for n in both.consumers["features"]] == ["a.prepare", "b.prepare"]
    assert both.only_nodes_with_namespaces("a") == pipeline(
        modelling, namespace="a", inputs="features"
    )


# --------------------------------------------------------------------------- errors


def test_mapping_a_produced_dataset_as_input_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(PipelineError) as info:
        pipeline(modelling, inputs={"clean": "x"})
    assert "maps 'clean', which is not a free input: node 'prepare'" in info.value.message
    assert "outputs=" in str(info.value.hint)


def test_mapping_an_unknown_input_lists_the_close_names(modelling: Pipeline) -> None:
    with pytest.raises(UnknownNameError) as info:
        pipeline(modelling, inputs={"feature": "x"})
    assert info.value.message == (
        "Unknown free input in pipeline(inputs=...): 'feature' (did you mean 'features'?)."
    )


def test_mapping_a_parameter_through_inputs_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(PipelineError, match=r"inputs=\.\.\.\) maps parameter\(s\) 'parameters'"):
        pipeline(modelling, inputs=["parameters"])
    with pytest.raises(PipelineError, match=r"'params:model\.options'") as info:
        pipeline(modelling, inputs={"params:model.options": "params:x"})
    assert "parameters=" in str(info.value.hint)


def test_mapping_a_free_input_as_output_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(
        PipelineError,
        match="maps 'features', which no node of the pipeline produces: it is a free input",
    ):
        pipeline(modelling, outputs="features")


def test_mapping_an_unknown_output_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(
        UnknownNameError,
        match=re.escape(
            "Unknown output in pipeline(outputs=...): 'reprot' (did you mean 'report'?)"
        ),
    ):
        pipeline(modelling, outputs={"reprot": "x"})


def test_mapping_an_unknown_parameter_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(UnknownNameError) as info:
        pipeline(modelling, parameters={"model.option": "other"})
    assert "Unknown parameter in pipeline(parameters=...): 'params:model.option'" in (
        info.value.message
    )
    assert info.value.suggestions["params:model.option"][0] == "params:model.options"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"inputs": 5}, "pipeline\\(inputs=...\\) must be a name, a set or list of names"),
        ({"outputs": {"report": 3}}, "pipeline\\(outputs=...\\): names must be strings"),
        ({"parameters": [None]}, "pipeline\\(parameters=...\\): names must be strings"),
    ],
)
def test_mappings_of_the_wrong_type_are_rejected(
    modelling: Pipeline, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(PipelineError, match=message):
        pipeline(modelling, **arguments)


def test_a_bad_namespace_or_tag_is_rejected(modelling: Pipeline) -> None:
    with pytest.raises(NodeDefinitionError, match="namespace: invalid namespace 'a b'"):
        pipeline(modelling, namespace="a b")
    with pytest.raises(NodeDefinitionError, match="invalid tag 'x y'"):
        pipeline(modelling, tags="x y")


def test_a_rename_that_makes_two_producers_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(
        OutputNotUniqueError, match="Dataset 'same' is produced by two nodes: 'train' and 'report'"
    ):
        pipeline(modelling, outputs={"score": "same", "report": "same"})


def test_a_rename_that_merges_outputs_of_one_node_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(
        NodeDefinitionError, match="Node 'train': outputs: 'same' listed more than once"
    ):
        pipeline(modelling, outputs={"model": "same", "score": "same"})


def test_a_rename_that_makes_a_node_read_its_output_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(NodeDefinitionError, match="Node 'prepare': outputs: 'x' is also an input"):
        pipeline(modelling, inputs={"features": "x"}, outputs={"clean": "x"})


def test_a_rename_to_an_invalid_name_is_an_error(modelling: Pipeline) -> None:
    with pytest.raises(NodeDefinitionError, match="invalid dataset name 'a,b'"):
        pipeline(modelling, inputs={"features": "a,b"})
