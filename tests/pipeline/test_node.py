"""Tests for proj.pipeline.node: defining nodes, their names, errors and running them."""

from __future__ import annotations

import copy
import functools
import pickle
from typing import Any

import pytest

from proj.exceptions import NodeDefinitionError, PipelineError
from proj.pipeline import Node, namespace_prefixes, node


def identity(x: Any) -> Any:
    return x


def add(a: int, b: int) -> int:
    return a + b


def split(data: list[int]) -> tuple[list[int], list[int]]:
    return data[:1], data[1:]


def stats(values: list[int]) -> dict[str, int]:
    return {"total": sum(values), "count": len(values), "extra": -1}


def nothing() -> str:
    return "ignored"


class Scaler:
    def __call__(self, x: int) -> int:
        return 2 * x


# --------------------------------------------------------------------------- definition


def test_inputs_and_outputs_are_lists_in_declaration_order() -> None:
    n = node(add, ["a", "b"], "total")
    assert n.inputs == ["a", "b"]
    assert n.outputs == ["total"]
    assert n.declared_inputs == ["a", "b"]
    assert n.declared_outputs == "total"


def test_dict_inputs_and_outputs_list_dataset_names() -> None:
    n = node(add, {"b": "second", "a": "first"}, {"total": "sum_ab"})
    assert n.inputs == ["first", "second"]  # the order the function receives them
    assert n.outputs == ["sum_ab"]
    assert n.declared_inputs == {"b": "second", "a": "first"}
    assert n.declared_outputs == {"total": "sum_ab"}


def test_none_inputs_and_outputs_are_empty() -> None:
    n = node(nothing, None, None)
    assert n.inputs == []
    assert n.outputs == []
    assert n.declared_inputs is None
    assert n.declared_outputs is None


def test_tuple_inputs_are_accepted_like_lists() -> None:
    assert node(add, ("a", "b"), "c").inputs == ["a", "b"]


def test_inputs_list_is_a_copy() -> None:
    n = node(add, ["a", "b"], "c")
    n.inputs.append("x")
    assert n.inputs == ["a", "b"]


def test_default_name_is_formatted_as_kedro_formats_it() -> None:
    assert node(identity, "a", "b").name == "identity([a]) -> [b]"
    assert node(add, ["a", "b"], ["c"]).name == "add([a;b]) -> [c]"
    assert node(split, "data", ["head", "tail"]).name == "split([data]) -> [head;tail]"
    assert node(nothing, None, "x").name == "nothing(None) -> [x]"
    assert node(identity, "a", None).name == "identity([a]) -> None"
    # dict inputs in the order the function receives them, dict outputs by value
    assert node(add, {"b": "y", "a": "x"}, {"t": "z"}).name == "add([x;y]) -> [z]"


def test_one_function_in_several_unnamed_nodes_gives_distinct_names() -> None:
    from proj.pipeline import Pipeline

    pipe = Pipeline([node(identity, "a", "b"), node(identity, "b", "c")])
    assert [n.name for n in pipe.nodes] == ["identity([a]) -> [b]", "identity([b]) -> [c]"]


def test_default_name_of_a_lambda_partial_or_object() -> None:
    assert node(lambda x: x, "a", "b").name == "<lambda>([a]) -> [b]"
    assert node(functools.partial(add, 1), "b", "c").name == "<partial>([b]) -> [c]"
    wrapped = functools.update_wrapper(functools.partial(add, 1), add)
    assert node(wrapped, "b", "c").name == "add([b]) -> [c]"
    assert node(Scaler(), "a", "b").name == "Scaler([a]) -> [b]"


def test_namespace_prefixes_the_name() -> None:
    n = node(identity, "a", "b", namespace="data.prep")
    assert n.name == "data.prep.identity([a]) -> [b]"
    assert str(n) == "identity([a]) -> [b]"
    assert n.namespace_prefixes == ["data", "data.prep"]
    assert node(identity, "a", "b").namespace_prefixes == []
    assert n.namespace == "data.prep"
    explicit = node(identity, "a", "b", name="copy", namespace="ns")
    assert explicit.name == "ns.copy"


def test_no_namespace_is_none() -> None:
    assert node(identity, "a", "b").namespace is None


def test_tags_from_a_string_or_an_iterable() -> None:
    assert node(identity, "a", "b", tags="prep").tags == frozenset({"prep"})
    assert node(identity, "a", "b", tags=["x", "y.z", "w-1"]).tags == {"x", "y.z", "w-1"}
    assert node(identity, "a", "b").tags == frozenset()


def test_tag_returns_a_new_node_with_more_tags() -> None:
    n = node(identity, "a", "b", tags="x")
    tagged = n.tag(["y", "z"])
    assert tagged.tags == {"x", "y", "z"}
    assert n.tags == {"x"}
    assert tagged.name == n.name
    assert n.tag("x") is n


def test_functions_without_a_signature_are_accepted() -> None:
    n = node(max, ["a", "b"], "c")
    assert n.run({"a": 1, "b": 5}) == {"c": 5}


def test_var_positional_functions_take_any_number_of_inputs() -> None:
    def concat(*parts: str) -> str:
        return "".join(parts)

    assert node(concat, ["a", "b", "c"], "d").run({"a": "x", "b": "y", "c": "z"}) == {"d": "xyz"}


# --------------------------------------------------------------------------- errors


def test_non_callable_func_is_rejected() -> None:
    with pytest.raises(NodeDefinitionError, match="func must be callable, got int") as info:
        node(3, "a", "b")  # type: ignore[arg-type]
    assert info.value.hint is not None
    assert "not the result of calling it" in info.value.hint


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"a", "b"}, "inputs must be None, a dataset name, a list of names or a dict, got set"),
        (3, "inputs must be None, a dataset name, a list of names or a dict, got int"),
        ([1], r"inputs\[0\]: dataset names must be strings, got int"),
        ({"x": 2}, r"inputs\['x'\]: dataset names must be strings"),
        ({1: "a"}, "inputs: the keys of a dict must be strings"),
        ({"not valid": "a"}, "inputs: key 'not valid' is not a valid Python parameter name"),
        ("", "inputs: invalid dataset name '': it is empty"),
        (" a", "inputs: invalid dataset name ' a': it starts or ends with whitespace"),
        ("a,b", "inputs: invalid dataset name 'a,b': it contains a comma"),
        ("a\nb", "inputs: invalid dataset name 'a\\\\nb': it contains a control character"),
    ],
)
def test_bad_inputs_are_rejected_naming_the_argument(inputs: Any, message: str) -> None:
    with pytest.raises(NodeDefinitionError, match=message):
        node(identity, inputs, "out")


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (3.5, "outputs must be None, a dataset name, a list of names or a dict, got float"),
        (["b", None], r"outputs\[1\]: dataset names must be strings, got NoneType"),
        ({"k": ""}, r"outputs\['k'\]: invalid dataset name '': it is empty"),
        (["b", "c", "b"], "outputs: 'b' listed more than once"),
        ({"k1": "b", "k2": "b"}, "outputs: 'b' listed more than once"),
        (["b", "a"], "outputs: 'a' is also an input of the same node"),
    ],
)
def test_bad_outputs_are_rejected_naming_the_argument(outputs: Any, message: str) -> None:
    with pytest.raises(NodeDefinitionError, match=message):
        node(identity, "a", outputs)


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("has space", "tags: invalid tag 'has space'"),
        (["ok", "bad/tag"], "tags: invalid tag 'bad/tag'"),
        ([1], "tags: a tag must be a string, got int"),
        (5, "tags must be a string or an iterable of strings, got int"),
    ],
)
def test_bad_tags_are_rejected(tags: Any, message: str) -> None:
    with pytest.raises(NodeDefinitionError, match=message) as info:
        node(identity, "a", "b", tags=tags)
    if "invalid tag" in message:
        assert "letters, digits" in str(info.value.hint)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (3, "name: a node name must be a string, got int"),
        ("", "name: invalid node name '': it is empty"),
        ("a,b", "name: invalid node name 'a,b': it contains a comma"),
        ("x ", "name: invalid node name 'x ': it starts or ends with whitespace"),
    ],
)
def test_bad_names_are_rejected(name: Any, message: str) -> None:
    with pytest.raises(NodeDefinitionError, match=message):
        node(identity, "a", "b", name=name)


@pytest.mark.parametrize("namespace", ["", "a..b", ".a", "a.", "a b", 3])
def test_bad_namespaces_are_rejected(namespace: Any) -> None:
    with pytest.raises(NodeDefinitionError, match="namespace"):
        node(identity, "a", "b", namespace=namespace)


def test_inputs_that_do_not_fit_the_signature_are_rejected() -> None:
    with pytest.raises(
        NodeDefinitionError, match=r"Node 'add\(\[a\]\) -> \[c\]': inputs do not fit"
    ) as info:
        node(add, ["a"], "c")
    assert "signature of add(a, b): missing" in info.value.message
    assert "missing a required argument: 'b'" in info.value.message
    with pytest.raises(NodeDefinitionError, match="too many positional arguments"):
        node(identity, ["a", "b"], "c")
    with pytest.raises(NodeDefinitionError, match="unexpected keyword argument 'z'"):
        node(add, {"a": "x", "b": "y", "z": "w"}, "c")
    with pytest.raises(NodeDefinitionError, match=r"Node 'ns.nothing\(\[a\]\) -> \[b\]'"):
        node(nothing, "a", "b", namespace="ns")


def test_node_definition_error_is_a_type_error_and_a_pipeline_error() -> None:
    with pytest.raises(TypeError):
        node(identity, {"a"}, "b")  # type: ignore[arg-type]
    with pytest.raises(PipelineError):
        node(identity, {"a"}, "b")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- running


def test_run_passes_list_inputs_by_position() -> None:
    n = node(lambda a, b: a - b, ["x", "y"], "diff")
    assert n.run({"x": 10, "y": 3}) == {"diff": 7}


def test_run_passes_dict_inputs_by_keyword() -> None:
    n = node(lambda a, b: a - b, {"b": "x", "a": "y"}, "diff")
    assert n.run({"x": 10, "y": 3}) == {"diff": -7}


def test_run_ignores_extra_inputs_and_reuses_repeated_ones() -> None:
    n = node(add, ["a", "a"], "double")
    assert n.run({"a": 4, "unused": 1}) == {"double": 8}


def test_run_refuses_inputs_that_are_not_a_mapping() -> None:
    n = node(identity, "a", "b", name="copy")

    # A ValueError, as in Kedro, that names the node and what was passed.
    with pytest.raises(ValueError, match=r"'copy' cannot run.*got list"):
        n.run([1])  # type: ignore[arg-type]


def test_run_with_no_inputs_and_no_outputs_returns_nothing() -> None:
    assert node(nothing, None, None).run({}) == {}


def test_run_maps_a_list_or_tuple_to_list_outputs() -> None:
    assert node(split, "data", ["head", "tail"]).run({"data": [1, 2, 3]}) == {
        "head": [1],
        "tail": [2, 3],
    }
    one = node(lambda x: [x], "a", ["b"])
    assert one.run({"a": 1}) == {"b": 1}


def test_run_maps_dict_outputs_by_key_ignoring_extra_keys() -> None:
    n = node(stats, "values", {"total": "sum", "count": "n"})
    assert n.run({"values": [1, 2, 3]}) == {"sum": 6, "n": 3}


def test_run_single_output_takes_the_whole_return_value() -> None:
    assert node(split, "data", "both").run({"data": [1, 2]}) == {"both": ([1], [2])}


def test_run_missing_input_is_an_error_naming_node_and_dataset() -> None:
    n = node(add, ["a", "b"], "c")
    with pytest.raises(
        PipelineError, match=r"Node 'add\(\[a;b\]\) -> \[c\]' cannot run: input\(s\) 'b' not given"
    ):
        n.run({"a": 1})


def test_run_wrong_number_of_values_is_an_error() -> None:
    n = node(lambda x: (1, 2, 3), "a", ["b", "c"], name="three")
    with pytest.raises(PipelineError) as info:
        n.run({"a": 0})
    assert "Node 'three'" in info.value.message
    assert "must return 2 value(s) for ['b', 'c'], but returned 3 value(s)" in info.value.message


def test_run_non_sequence_for_list_outputs_is_an_error() -> None:
    n = node(identity, "a", ["b", "c"])
    with pytest.raises(
        PipelineError, match=r"must return a list or tuple of 2 value.*returned int"
    ):
        n.run({"a": 5})
    with pytest.raises(PipelineError, match="returned str"):
        n.run({"a": "ab"})


def test_run_non_dict_for_dict_outputs_is_an_error() -> None:
    n = node(identity, "a", {"k": "b"})
    with pytest.raises(PipelineError, match=r"\) -> \[b\]' \(identity\) must return a dict"):
        n.run({"a": [1]})


def test_run_dict_missing_keys_is_an_error_naming_them() -> None:
    n = node(stats, "v", {"total": "s", "mean": "m"})
    with pytest.raises(
        PipelineError,
        match="a dict with keys \\['total', 'mean'\\], but returned a dict without 'mean'",
    ):
        n.run({"v": [1]})


def test_run_lets_the_function_errors_through_unchanged() -> None:
    def broken(x: int) -> int:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        node(broken, "a", "b").run({"a": 1})


# --------------------------------------------------------------------------- identity


def test_nodes_are_immutable() -> None:
    n = node(identity, "a", "b")
    with pytest.raises(AttributeError, match="Node is immutable"):
        n.name = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="Node is immutable"):
        del n.func  # type: ignore[misc]


def test_equal_definitions_are_equal_and_hash_alike() -> None:
    first = node(identity, "a", "b", tags=["t"])
    second = node(identity, "a", "b", tags="t")
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1


@pytest.mark.parametrize(
    "other",
    [
        node(identity, "a", "c"),
        node(identity, ["a"], "b"),
        node(identity, "a", "b", tags="t"),
        node(identity, "a", "b", name="other"),
        node(lambda x: x, "a", "b", name="identity"),
    ],
)
def test_different_definitions_are_not_equal(other: Node) -> None:
    assert node(identity, "a", "b") != other


def test_a_node_is_not_equal_to_other_types() -> None:
    assert node(identity, "a", "b") != "identity"


def test_nodes_survive_pickle_and_copy() -> None:
    n = node(add, {"a": "x", "b": "y"}, "z", tags="t", namespace="ns")
    for clone in (pickle.loads(pickle.dumps(n)), copy.copy(n), copy.deepcopy(n)):
        assert clone == n
        assert clone.name == "ns.add([x;y]) -> [z]"
        assert clone.run({"x": 1, "y": 2}) == {"z": 3}


def test_str_and_repr_show_name_function_and_datasets() -> None:
    n = node(add, ["a", "b"], "c", name="adder")
    assert str(n) == "adder: add([a;b]) -> [c]"
    assert repr(n) == "Node(add, ['a', 'b'], 'c', 'adder')"
    assert str(node(identity, "a", None)) == "identity([a]) -> None"
    assert repr(node(identity, "a", {"k": "b"})) == "Node(identity, 'a', {'k': 'b'}, None)"
    assert str(node(identity, "a", "b", name="n", namespace="ns")) == "n: identity([a]) -> [b]"


def test_node_class_takes_the_same_arguments_as_node() -> None:
    assert Node(identity, "a", "b", tags="t") == node(identity, "a", "b", tags="t")


class Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unhashable)

    def __call__(self, x: int) -> int:
        return x + 1


def test_unhashable_callables_make_hashable_nodes() -> None:
    first = node(Unhashable(), "a", "b")
    assert first.name == "Unhashable([a]) -> [b]"
    assert first.run({"a": 1}) == {"b": 2}
    assert first == node(Unhashable(), "a", "b")
    assert len({first}) == 1
    with pytest.raises(NodeDefinitionError, match="too many positional arguments"):
        node(Unhashable(), ["a", "b"], "c")


def test_namespace_prefixes_run_from_the_outermost_namespace() -> None:
    assert namespace_prefixes("a.b.c") == ["a", "a.b", "a.b.c"]
    assert namespace_prefixes("solo") == ["solo"]


# --------------------------------------------------------------------------- Kedro habits


def test_a_node_is_called_with_its_inputs_by_name_or_position() -> None:
    n = node(add, ["a", "b"], "c")
    assert n(a=1, b=2) == {"c": 3}
    assert n(1, 2) == {"c": 3}
    assert n(1, b=5) == {"c": 6}
    assert node(nothing, None, "x")() == {"x": "ignored"}
    with pytest.raises(PipelineError, match="'z' is not an input"):
        n(a=1, b=2, z=3)
    with pytest.raises(PipelineError, match="'a' is given twice"):
        n(1, a=2, b=3)
    with pytest.raises(PipelineError, match="takes 2 input value"):
        n(1, 2, 3)
    with pytest.raises(PipelineError, match="'b' not given"):
        n(1)


def test_nodes_sort_by_name() -> None:
    nodes = [
        node(identity, "b", "c", name="z"),
        node(identity, "a", "b"),
        node(add, ["x", "y"], "w"),
    ]
    assert [n.name for n in sorted(nodes)] == [
        "add([x;y]) -> [w]",
        "identity([a]) -> [b]",
        "z",
    ]
    assert nodes[1] < nodes[0]
    with pytest.raises(TypeError):
        assert nodes[0] < "z"  # type: ignore[operator]


def test_dict_key_order_does_not_change_equality_or_hash() -> None:
    first = node(add, {"a": "x", "b": "y"}, "z", name="n")
    second = node(add, {"b": "y", "a": "x"}, "z", name="n")
    assert first == second
    assert hash(first) == hash(second)
    outs = node(stats, "v", {"total": "t", "count": "c"}, name="s")
    assert outs == node(stats, "v", {"count": "c", "total": "t"}, name="s")
    assert node(add, ["x", "y"], "z", name="n") != node(add, ["y", "x"], "z", name="n")
    assert node(add, ["x", "y"], "z", name="n") != first


def test_dict_inputs_follow_the_function_signature_with_kwargs_last() -> None:
    def many(arg1: Any, arg2: Any, *args: Any, arg3: Any, arg_10: int = 0, **extra: Any) -> None:
        return None

    n = node(many, {"arg5": "a", "arg4": "b", "arg3": "c", "arg2": "d", "arg1": "e"}, None)
    assert n.inputs == ["e", "d", "c", "a", "b"]


@pytest.mark.parametrize(
    ("confirms", "expected"), [(None, []), ("x", ["x"]), (["x", "y"], ["x", "y"])]
)
def test_confirms_is_kept_as_a_list(confirms: Any, expected: list[str]) -> None:
    n = Node(func=identity, inputs="a", outputs="b", confirms=confirms)
    assert n.confirms == expected
    with pytest.raises(NodeDefinitionError, match="confirms"):
        node(identity, "a", "b", confirms=3)  # type: ignore[arg-type]


def test_class_style_construction_with_keywords() -> None:
    n = Node(func=identity, inputs="a", outputs="b", name="n", tags=["t"], namespace="ns")
    assert (n.name, n.tags, n.namespace) == ("ns.n", frozenset({"t"}), "ns")
    assert n.short_name == "n"
    assert node(identity, "a", "b").short_name == "Identity"


def test_a_node_cannot_write_its_input_in_another_format() -> None:
    with pytest.raises(NodeDefinitionError, match="same dataset as an input in another format"):
        node(identity, "x@pandas", "x@spark")
    with pytest.raises(NodeDefinitionError, match="listed more than once"):
        node(split, "a", ["x@pandas", "x@spark"])
    with pytest.raises(NodeDefinitionError, match="more than one '@'"):
        node(identity, "a@b@c", "d")
