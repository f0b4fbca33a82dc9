"""Tests for proj.pipeline.pipeline: validation, order, indexes, set algebra and filters."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from proj.exceptions import (
    CircularDependencyError,
    DuplicateNodeError,
    NodeDefinitionError,
    OutputNotUniqueError,
    PipelineError,
    UnknownNameError,
)
from proj.pipeline import Node, Pipeline, node


def identity(x: Any) -> Any:
    return x


def combine(*parts: Any) -> Any:
    return parts


def names(pipe: Pipeline) -> list[str]:
    return [n.name for n in pipe.nodes]


@pytest.fixture
def spaceflights() -> Pipeline:
    """A small pipeline shaped like a real project's, with tags and namespaces."""
    return Pipeline(
        [
            node(
                identity,
                "raw_companies",
                "companies",
                name="clean_companies",
                tags="prep",
                namespace="data.prep",
            ),
            node(
                identity,
                "raw_shuttles",
                "shuttles",
                name="clean_shuttles",
                tags="prep",
                namespace="data.prep",
            ),
            node(
                combine,
                ["companies", "shuttles", "params:min_size"],
                "table",
                name="join",
                tags="features",
                namespace="data",
            ),
            node(
                combine,
                ["table", "params:model"],
                "model",
                name="train",
                tags="model",
                namespace="science",
            ),
            node(
                combine,
                ["model", "table"],
                "metrics",
                name="evaluate",
                tags=["model", "report"],
                namespace="science",
            ),
            node(identity, "table", "summary", name="summarize", tags="report", namespace="ab"),
        ]
    )


# --------------------------------------------------------------------------- building


def test_nodes_come_in_topological_order_with_ties_by_name(spaceflights: Pipeline) -> None:
    assert names(spaceflights) == [
        "data.prep.clean_companies",
        "data.prep.clean_shuttles",
        "data.join",
        "ab.summarize",
        "science.train",
        "science.evaluate",
    ]


def test_order_does_not_depend_on_the_order_nodes_are_given() -> None:
    nodes = [
        node(identity, "c", "d", name="z_last"),
        node(identity, "b", "c", name="y"),
        node(identity, "a", "b", name="x"),
        node(identity, "a", "e", name="b_free"),
    ]
    assert names(Pipeline(nodes)) == names(Pipeline(nodes[::-1])) == ["b_free", "x", "y", "z_last"]


def test_dataset_sets(spaceflights: Pipeline) -> None:
    free = {"raw_companies", "raw_shuttles", "params:min_size", "params:model"}
    made = {"companies", "shuttles", "table", "model", "metrics", "summary"}
    assert spaceflights.inputs() == free
    assert spaceflights.outputs() == {"metrics", "summary"}
    assert spaceflights.all_outputs() == made
    assert spaceflights.all_inputs() == free | {"companies", "shuttles", "table", "model"}
    assert spaceflights.datasets() == free | made


def test_producers_and_consumers(spaceflights: Pipeline) -> None:
    assert spaceflights.producers["table"].name == "data.join"
    assert "raw_companies" not in spaceflights.producers
    readers = spaceflights.consumers["table"]
    assert [n.name for n in readers] == ["ab.summarize", "science.train", "science.evaluate"]
    assert "metrics" not in spaceflights.consumers
    with pytest.raises(TypeError):
        spaceflights.producers["x"] = readers[0]  # type: ignore[index]


def test_a_node_reading_a_dataset_twice_is_one_consumer() -> None:
    pipe = Pipeline([node(identity, "a", "b"), node(combine, ["b", "b"], "c")])
    assert [n.name for n in pipe.consumers["b"]] == ["combine([b;b]) -> [c]"]
    assert names(pipe) == ["identity([a]) -> [b]", "combine([b;b]) -> [c]"]


def test_grouped_nodes_are_layers_sorted_by_name(spaceflights: Pipeline) -> None:
    layers = [[n.name for n in layer] for layer in spaceflights.grouped_nodes]
    assert layers == [
        ["data.prep.clean_companies", "data.prep.clean_shuttles"],
        ["data.join"],
        ["ab.summarize", "science.train"],
        ["science.evaluate"],
    ]


def test_empty_pipeline() -> None:
    empty = Pipeline([])
    assert len(empty) == 0
    assert not empty
    assert empty.nodes == []
    assert empty.grouped_nodes == []
    assert empty.inputs() == set()


def test_pipelines_can_be_built_from_pipelines_and_repeated_nodes() -> None:
    first = node(identity, "a", "b")
    second = node(identity, "b", "c", name="again")
    pipe = Pipeline([Pipeline([first]), first, second, node(identity, "a", "b")])
    assert names(pipe) == ["identity([a]) -> [b]", "again"]


def test_tags_argument_tags_every_node() -> None:
    pipe = Pipeline(
        [node(identity, "a", "b", tags="x"), node(identity, "b", "c", name="n")], tags=["y"]
    )
    assert [sorted(n.tags) for n in pipe.nodes] == [["x", "y"], ["y"]]
    with pytest.raises(NodeDefinitionError, match="invalid tag 'no way'"):
        Pipeline([], tags="no way")


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    size = 3 * sys.getrecursionlimit()
    chain = Pipeline([node(identity, f"d{i}", f"d{i + 1}", name=f"n{i:05d}") for i in range(size)])
    middle = f"n{size // 2:05d}"
    assert len(chain.from_nodes(middle)) == size - size // 2
    assert len(chain.to_nodes(middle)) == size // 2 + 1
    assert len(chain.grouped_nodes) == size


# --------------------------------------------------------------------------- errors


def test_two_nodes_with_one_name_are_an_error_naming_both() -> None:
    with pytest.raises(DuplicateNodeError) as info:
        Pipeline([node(identity, "a", "b", name="same"), node(identity, "c", "d", name="same")])
    message = info.value.message
    assert "Two different nodes are named 'same'" in message
    assert "identity([a]) -> [b]" in message
    assert "identity([c]) -> [d]" in message
    assert "name=" in str(info.value.hint)
    assert "namespace=" in str(info.value.hint)


def test_duplicate_names_with_the_same_datasets_say_what_differs() -> None:
    with pytest.raises(DuplicateNodeError) as info:
        Pipeline([node(identity, "a", "b"), node(identity, "a", "b", tags="t")])
    assert info.value.message.endswith(
        "identity([a]) -> [b] and identity([a]) -> [b]. They use the same datasets but differ "
        "in function object or tags."
    )


def test_a_dataset_with_two_producers_is_an_error_naming_both() -> None:
    with pytest.raises(OutputNotUniqueError) as info:
        Pipeline([node(identity, "a", "out", name="first"), node(identity, "b", "out", name="two")])
    assert info.value.message == "Dataset 'out' is produced by two nodes: 'first' and 'two'."


def test_a_cycle_is_named() -> None:
    with pytest.raises(CircularDependencyError) as info:
        Pipeline([node(identity, "x", "y", name="b"), node(identity, "y", "x", name="a")])
    assert "Circular dependency between nodes: a -> b -> a" in info.value.message
    assert "a writes 'x' read by b; b writes 'y' read by a" in info.value.message


def test_a_longer_cycle_among_other_nodes_is_named() -> None:
    nodes = [
        node(identity, "raw", "start", name="source"),
        node(combine, ["start", "back"], "one", name="p"),
        node(identity, "one", "two", name="q"),
        node(identity, "two", "back", name="r"),
        node(identity, "two", "done", name="after"),
    ]
    with pytest.raises(CircularDependencyError, match="nodes: p -> q -> r -> p "):
        Pipeline(nodes)


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (node(identity, "a", "b"), "takes an iterable of nodes, got Node"),
        ("abc", "takes an iterable of nodes, got str"),
        (5, "takes an iterable of nodes, got int"),
        ([node(identity, "a", "b"), "x"], "item 1 has type str: 'x'"),
    ],
)
def test_things_that_are_not_nodes_are_rejected(nodes: Any, message: str) -> None:
    with pytest.raises(PipelineError, match=message):
        Pipeline(nodes)


# --------------------------------------------------------------------------- protocol


def test_len_iter_and_contains(spaceflights: Pipeline) -> None:
    assert len(spaceflights) == 6
    assert [n.name for n in spaceflights] == names(spaceflights)
    assert "data.join" in spaceflights
    assert "join" not in spaceflights
    assert spaceflights.nodes[0] in spaceflights
    assert node(identity, "other", "thing", name="data.join") not in spaceflights
    assert 3 not in spaceflights


def test_equality_is_by_node_set(spaceflights: Pipeline) -> None:
    assert Pipeline(spaceflights.nodes[::-1]) == spaceflights
    assert hash(Pipeline(spaceflights.nodes[::-1])) == hash(spaceflights)
    assert Pipeline(spaceflights.nodes[1:]) != spaceflights
    assert spaceflights != "pipeline"


def test_union(spaceflights: Pipeline) -> None:
    extra = Pipeline([node(identity, "metrics", "report", name="publish")])
    both = spaceflights + extra
    assert names(both)[-1] == "publish"
    assert (spaceflights | extra) == both
    assert spaceflights + spaceflights == spaceflights
    assert sum([spaceflights, extra]) == both


def test_union_is_validated(spaceflights: Pipeline) -> None:
    with pytest.raises(OutputNotUniqueError, match="'table'"):
        _ = spaceflights + Pipeline([node(identity, "x", "table", name="other")])
    with pytest.raises(CircularDependencyError):
        _ = spaceflights + Pipeline([node(identity, "metrics", "raw_companies", name="loop")])


def test_difference_and_intersection(spaceflights: Pipeline) -> None:
    science = spaceflights.only_nodes_with_namespaces("science")
    rest = spaceflights - science
    assert names(rest) == [
        "data.prep.clean_companies",
        "data.prep.clean_shuttles",
        "data.join",
        "ab.summarize",
    ]
    assert names(spaceflights & science) == ["science.train", "science.evaluate"]
    assert len(rest & science) == 0
    assert rest + science == spaceflights


def test_set_algebra_with_other_types_is_a_type_error(spaceflights: Pipeline) -> None:
    other: Any = 1
    with pytest.raises(TypeError):
        _ = spaceflights + other
    with pytest.raises(TypeError):
        _ = spaceflights | other
    with pytest.raises(TypeError):
        _ = spaceflights - other
    with pytest.raises(TypeError):
        _ = spaceflights & other
    with pytest.raises(TypeError):
        _ = 2 + spaceflights  # only 0 (the start of sum()) is accepted on the left


def test_describe_lists_inputs_nodes_and_outputs(spaceflights: Pipeline) -> None:
    text = spaceflights.describe()
    lines = text.splitlines()
    assert lines[0] == "Pipeline of 6 node(s)"
    assert lines[1] == "Inputs: params:min_size, params:model, raw_companies, raw_shuttles"
    assert lines[2].strip() == "1. data.prep.clean_companies"
    assert lines[-1] == "Outputs: metrics, summary"
    detailed = spaceflights.describe(names_only=False)
    assert "data.join: combine([companies;shuttles;params:min_size]) -> [table]" in detailed


def test_repr_names_the_first_nodes() -> None:
    pipe = Pipeline([node(identity, f"d{i}", f"d{i + 1}", name=f"n{i:02d}") for i in range(12)])
    assert repr(pipe).startswith("Pipeline([n00, n01, ")
    assert repr(pipe).endswith("n09, ... (+2 more)])")


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"tags": ["report"]}, ["ab.summarize", "science.evaluate"]),
        ({"tags": "prep"}, ["data.prep.clean_companies", "data.prep.clean_shuttles"]),
        (
            {"from_nodes": ["data.join"]},
            ["data.join", "ab.summarize", "science.train", "science.evaluate"],
        ),
        (
            {"to_nodes": ["science.train"]},
            ["data.prep.clean_companies", "data.prep.clean_shuttles", "data.join", "science.train"],
        ),
        ({"node_names": ["science.train", "ab.summarize"]}, ["ab.summarize", "science.train"]),
        (
            {"from_inputs": ["raw_shuttles"]},
            [
                "data.prep.clean_shuttles",
                "data.join",
                "ab.summarize",
                "science.train",
                "science.evaluate",
            ],
        ),
        ({"from_inputs": ["params:model"]}, ["science.train", "science.evaluate"]),
        (
            {"to_outputs": ["table"]},
            ["data.prep.clean_companies", "data.prep.clean_shuttles", "data.join"],
        ),
        (
            {"node_namespaces": ["data"]},
            ["data.prep.clean_companies", "data.prep.clean_shuttles", "data.join"],
        ),
        (
            {"node_namespaces": ["data.prep"]},
            ["data.prep.clean_companies", "data.prep.clean_shuttles"],
        ),
        ({"node_namespaces": ["ab"]}, ["ab.summarize"]),
    ],
)
def test_each_filter(
    spaceflights: Pipeline, arguments: dict[str, Any], expected: list[str]
) -> None:
    assert names(spaceflights.filter(**arguments)) == expected


def test_filters_intersect_in_any_order(spaceflights: Pipeline) -> None:
    result = spaceflights.filter(
        tags=["model", "prep"], from_nodes=["data.prep.clean_shuttles"], to_nodes=["science.train"]
    )
    assert names(result) == ["data.prep.clean_shuttles", "science.train"]
    # The same selection reached the other way round: each one is on the whole pipeline.
    assert (
        spaceflights.filter(
            to_nodes=["science.train"],
            tags=["model", "prep"],
            from_nodes=["data.prep.clean_shuttles"],
        )
        == result
    )


def test_a_filter_that_leaves_nothing_is_an_error_as_in_kedro(spaceflights: Pipeline) -> None:
    with pytest.raises(PipelineError, match="No node is left after applying the filters") as info:
        spaceflights.filter(tags=["prep"], node_namespaces=["science"])
    assert "tags=prep; node_namespaces=science" in info.value.message
    assert isinstance(info.value, ValueError)


def test_an_unknown_tag_selects_nothing_as_in_kedro(spaceflights: Pipeline) -> None:
    assert len(spaceflights.only_nodes_with_tags("reports")) == 0
    assert spaceflights.only_nodes_with_tags(
        "reports", "prep"
    ) == spaceflights.only_nodes_with_tags("prep")
    with pytest.raises(PipelineError, match="No node is left"):
        spaceflights.filter(tags=["reports"])
    assert spaceflights.unknown_tags(["reports", "prep", "x"]) == ["reports", "x"]


def test_no_filter_returns_the_pipeline(spaceflights: Pipeline) -> None:
    assert spaceflights.filter() is spaceflights
    assert spaceflights.filter(tags=[], from_nodes=()) is spaceflights


def test_filter_results_are_ordered_like_a_fresh_pipeline() -> None:
    pipe = Pipeline(
        [
            node(identity, "x", "y", name="d"),
            node(identity, "y", "z", name="a"),
            node(identity, "w", "v", name="b"),
        ]
    )
    assert names(pipe) == ["b", "d", "a"]
    part = pipe.filter(node_names=["a", "b"])
    assert names(part) == ["a", "b"] == names(Pipeline(part.nodes))
    assert part.inputs() == {"y", "w"}


@pytest.mark.parametrize(
    ("arguments", "kind", "where", "bad", "suggestion"),
    [
        ({"from_nodes": ["data.jion"]}, "node", "from_nodes", "data.jion", "data.join"),
        ({"to_nodes": ["nope"]}, "node", "to_nodes", "nope", None),
        ({"node_names": "science.trian"}, "node", "node_names", "science.trian", "science.train"),
        ({"from_inputs": ["tabel"]}, "dataset", "from_inputs", "tabel", "table"),
        ({"to_outputs": ["metric"]}, "dataset", "to_outputs", "metric", "metrics"),
        ({"node_namespaces": ["scince"]}, "namespace", "node_namespaces", "scince", "science"),
    ],
)
def test_unknown_names_in_filters_are_errors_with_suggestions(
    spaceflights: Pipeline,
    arguments: dict[str, Any],
    kind: str,
    where: str,
    bad: str,
    suggestion: str | None,
) -> None:
    with pytest.raises(UnknownNameError) as info:
        spaceflights.filter(**arguments)
    error = info.value
    assert error.kind == kind
    assert error.unknown == [bad]
    assert f"Unknown {kind} in {where}: '{bad}'" in error.message
    if suggestion:
        assert suggestion in error.suggestions[bad]
        assert f"did you mean '{suggestion}'" in error.message


def test_from_inputs_of_a_dataset_nobody_reads_selects_nothing(spaceflights: Pipeline) -> None:
    # Kedro's rule: the dataset must be in the pipeline; read or written does not matter.
    assert len(spaceflights.from_inputs("metrics")) == 0
    assert len(spaceflights.to_outputs("raw_companies")) == 0
    with pytest.raises(PipelineError, match="No node is left"):
        spaceflights.filter(from_inputs=["metrics"])


def test_datasets_not_in_the_pipeline_are_errors(spaceflights: Pipeline) -> None:
    with pytest.raises(UnknownNameError) as info:
        spaceflights.to_outputs("raw_companies", "tabel")
    assert info.value.unknown == ["tabel"]
    assert "'tabel' (did you mean 'table'?)" in info.value.message


def test_a_namespace_does_not_match_a_longer_name(spaceflights: Pipeline) -> None:
    with pytest.raises(UnknownNameError, match="Unknown namespace in node_namespaces: 'a'"):
        spaceflights.filter(node_namespaces=["a"])
    with pytest.raises(UnknownNameError, match=r"'data\.pre'"):
        spaceflights.filter(node_namespaces=["data.pre"])


def test_bad_filter_argument_types(spaceflights: Pipeline) -> None:
    with pytest.raises(PipelineError, match="tags must be a name or an iterable of names, got int"):
        spaceflights.filter(tags=3)  # type: ignore[arg-type]
    with pytest.raises(PipelineError, match="from_nodes: names must be strings, got int"):
        spaceflights.filter(from_nodes=[1])  # type: ignore[list-item]


def test_single_purpose_methods_match_filter(spaceflights: Pipeline) -> None:
    p = spaceflights
    assert p.only_nodes("data.join", "ab.summarize") == p.filter(
        node_names=["data.join", "ab.summarize"]
    )
    assert p.only_nodes_with_tags("model") == p.filter(tags=["model"])
    assert p.from_nodes("data.join") == p.filter(from_nodes=["data.join"])
    assert p.to_nodes("data.join", "ab.summarize") == p.filter(
        to_nodes=["data.join", "ab.summarize"]
    )
    assert p.from_inputs("companies") == p.filter(from_inputs=["companies"])
    assert p.to_outputs("model", "summary") == p.filter(to_outputs=["model", "summary"])
    assert p.only_nodes_with_namespaces("data") == p.filter(node_namespaces=["data"])


def test_single_purpose_methods_without_names_select_nothing(spaceflights: Pipeline) -> None:
    for method in (
        spaceflights.only_nodes,
        spaceflights.only_nodes_with_tags,
        spaceflights.from_nodes,
        spaceflights.to_nodes,
        spaceflights.from_inputs,
        spaceflights.to_outputs,
        spaceflights.only_nodes_with_namespaces,
    ):
        assert len(method()) == 0


def test_single_purpose_methods_report_unknown_names(spaceflights: Pipeline) -> None:
    with pytest.raises(UnknownNameError, match="Unknown node in only_nodes: 'x'"):
        spaceflights.only_nodes("data.join", "x")
    with pytest.raises(UnknownNameError, match="Unknown dataset in only_nodes_with_inputs"):
        spaceflights.only_nodes_with_inputs("tabel")
    with pytest.raises(UnknownNameError, match="Unknown dataset in only_nodes_with_outputs"):
        spaceflights.only_nodes_with_outputs("metric")


def test_filtered_pipelines_are_real_pipelines(spaceflights: Pipeline) -> None:
    part = spaceflights.from_nodes("data.join")
    assert part.inputs() == {"companies", "shuttles", "params:min_size", "params:model"}
    assert [n.name for n in part.consumers["table"]] == [
        "ab.summarize",
        "science.train",
        "science.evaluate",
    ]
    assert [n.name for n in part.grouped_nodes[0]] == ["data.join"]
    assert part.to_nodes("science.train").nodes == [
        spaceflights.nodes[2],
        spaceflights.nodes[4],
    ]


def test_nodes_are_the_same_objects_after_filtering(spaceflights: Pipeline) -> None:
    by_name: dict[str, Node] = {n.name: n for n in spaceflights.nodes}
    for member in spaceflights.filter(tags="report"):
        assert member is by_name[member.name]


# --------------------------------------------------------------------------- imports


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, proj.pipeline\n"
        "heavy = ['pandas', 'numpy', 'omegaconf', 'rich', 'IPython', 'yaml']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_to_json_lists_nodes_in_run_order() -> None:
    import json

    from proj import __version__

    pipe = Pipeline([node(identity, "b", "c", name="second"), node(identity, "a", "b", tags="t")])
    data = json.loads(pipe.to_json())
    assert data["proj_version"] == __version__
    assert data["pipeline"] == [
        {"name": "identity([a]) -> [b]", "inputs": ["a"], "outputs": ["b"], "tags": ["t"]},
        {"name": "second", "inputs": ["b"], "outputs": ["c"], "tags": []},
    ]


# --------------------------------------------------------------------------- Kedro 0.19 spellings


def test_node_dependencies_map_each_node_to_the_writers_of_its_inputs(
    spaceflights: Pipeline,
) -> None:
    by_name = {
        child.name: sorted(parent.name for parent in parents)
        for child, parents in spaceflights.node_dependencies.items()
    }

    assert by_name == {
        "data.prep.clean_companies": [],
        "data.prep.clean_shuttles": [],
        "data.join": ["data.prep.clean_companies", "data.prep.clean_shuttles"],
        "science.train": ["data.join"],
        "science.evaluate": ["data.join", "science.train"],
        "ab.summarize": ["data.join"],
    }


def test_node_dependencies_see_through_transcoding() -> None:
    pipe = Pipeline(
        [
            node(identity, "a", "b@pandas", name="write"),
            node(identity, "b@spark", "c", name="read"),
        ]
    )

    parents = {child.name: {p.name for p in ps} for child, ps in pipe.node_dependencies.items()}

    assert parents == {"write": set(), "read": {"write"}}


def test_only_nodes_with_namespace_is_the_single_namespace_spelling(
    spaceflights: Pipeline,
) -> None:
    data = spaceflights.only_nodes_with_namespace("data")

    assert names(data) == names(spaceflights.only_nodes_with_namespaces("data"))
    assert names(data) == ["data.prep.clean_companies", "data.prep.clean_shuttles", "data.join"]
    with pytest.raises(UnknownNameError, match="scien"):
        spaceflights.only_nodes_with_namespace("scien")


def test_filter_takes_kedro_019s_node_namespace(spaceflights: Pipeline) -> None:
    assert names(spaceflights.filter(node_namespace="data.prep")) == [
        "data.prep.clean_companies",
        "data.prep.clean_shuttles",
    ]
    # Both spellings together select the nodes of either namespace.
    both = spaceflights.filter(node_namespaces=["ab"], node_namespace="science")
    assert sorted(names(both)) == ["ab.summarize", "science.evaluate", "science.train"]
    with pytest.raises(UnknownNameError):
        spaceflights.filter(node_namespace="nowhere")
