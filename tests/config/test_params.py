"""Tests for proj.config.params: parsing --params and applying runtime parameters."""

from __future__ import annotations

import logging

import pytest

from proj.config import parse_params
from proj.config.params import MISSING, apply_overrides, lookup, normalize_runtime_params
from proj.exceptions import ConfigError

# --------------------------------------------------------------------------- parse_params


def test_parse_params_example() -> None:
    assert parse_params("a=1,b.c=x,flag=true,name='a,b'") == {
        "a": 1,
        "b": {"c": "x"},
        "flag": True,
        "name": "a,b",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("-3", -3),
        ("0.5", 0.5),
        ("1e-3", 0.001),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("hello", "hello"),
        ("hello world", "hello world"),
        ("'42'", "42"),  # quoted: always text
        ('"true"', "true"),
        ("", ""),
        ("s3://bucket/key", "s3://bucket/key"),
        ("#notacomment", "#notacomment"),
        ("2024-01-31", "2024-01-31"),
        ("12:30", "12:30"),
        ("*alias", "*alias"),
    ],
)
def test_values_are_typed_as_yaml_scalars(raw: str, expected: object) -> None:
    result = parse_params(f"key={raw}")
    assert result == {"key": expected}
    assert type(result["key"]) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a={x: 1}", {"a": {"x": 1}}),
        ("a={x: 1, y: [2, 3]},b=4", {"a": {"x": 1, "y": [2, 3]}, "b": 4}),
        ("cols=[sepal_length, petal_width]", {"cols": ["sepal_length", "petal_width"]}),
        ("m.layers=[{units: 8}, {units: 4}]", {"m": {"layers": [{"units": 8}, {"units": 4}]}}),
        ("a={}", {"a": {}}),
        ("a=[]", {"a": []}),
        ("a='{x: 1}'", {"a": "{x: 1}"}),  # quoted: text
    ],
)
def test_flow_mappings_and_lists_are_yaml_values(text: str, expected: object) -> None:
    """README: --params values are YAML; commas inside {...} and [...] do not split."""
    assert parse_params(text) == expected


@pytest.mark.parametrize("text", ["a=[1", "a={x: 1", "a={x: [1}", "a=[1, 2]]"])
def test_a_broken_flow_value_names_itself(text: str) -> None:
    with pytest.raises(ConfigError, match="does not parse") as info:
        parse_params(text)
    assert text.partition("=")[2] in info.value.message


def test_commas_inside_double_quotes_and_equals_in_values() -> None:
    assert parse_params('sql="a=1, b=2",path=x=y') == {"sql": "a=1, b=2", "path": "x=y"}


def test_apostrophe_inside_double_quotes() -> None:
    assert parse_params('msg="it\'s, fine"') == {"msg": "it's, fine"}


def test_whitespace_and_empty_items_are_ignored() -> None:
    assert parse_params(" a = 1 , , b.c = two ,") == {"a": 1, "b": {"c": "two"}}
    assert parse_params("") == {}


def test_dotted_keys_nest_and_share_parents() -> None:
    assert parse_params("model.lr=0.1,model.layers.n=3,model.name=rf") == {
        "model": {"lr": 0.1, "layers": {"n": 3}, "name": "rf"}
    }


def test_later_item_wins() -> None:
    assert parse_params("a=1,a=2") == {"a": 2}


@pytest.mark.parametrize("item", ["novalue", "model.lr:0.1"])
def test_item_without_equals_names_item_and_expected_form(item: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_params(f"a=1,{item}")
    assert info.value.message == (
        f"Invalid runtime parameter '{item}': expected name=value[,name2=value2]."
    )


@pytest.mark.parametrize("item", ["=1", " =1", "a..b=1", ".a=1", "a.=1"])
def test_empty_key_or_key_part(item: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_params(item)
    assert f"Invalid runtime parameter {item.strip()!r}" in info.value.message
    assert "name=value[,name2=value2]" in str(info.value)


def test_unclosed_quote() -> None:
    with pytest.raises(ConfigError) as info:
        parse_params("a=1,name='a,b")
    assert info.value.message == (
        "Invalid runtime parameters \"a=1,name='a,b\": a ' quote is not closed."
    )
    assert "name=value[,name2=value2]" in (info.value.hint or "")


@pytest.mark.parametrize("text", ["a=1,a.b=2", "a.b=2,a=1"])
def test_value_and_sub_keys_of_one_key_conflict(text: str) -> None:
    with pytest.raises(ConfigError, match=r"'a' is given both a value and sub-keys"):
        parse_params(text)


# --------------------------------------------------------------------------- normalize


def test_dotted_and_nested_forms_are_equivalent() -> None:
    expected = {"model": {"lr": 0.1, "opt": {"name": "adam"}}}
    assert normalize_runtime_params({"model.lr": 0.1, "model.opt.name": "adam"}) == expected
    assert normalize_runtime_params({"model": {"lr": 0.1, "opt": {"name": "adam"}}}) == expected
    assert normalize_runtime_params({"model": {"lr": 0.1}, "model.opt": {"name": "adam"}}) == (
        expected
    )
    assert normalize_runtime_params(None) == {}


def test_normalize_keeps_empty_dicts_and_lists_as_values() -> None:
    assert normalize_runtime_params({"a": {}, "b.c": [1, 2]}) == {"a": {}, "b": {"c": [1, 2]}}


def test_normalize_copies_values() -> None:
    layers = [1, 2]
    normalized = normalize_runtime_params({"layers": layers})
    layers.append(3)
    assert normalized == {"layers": [1, 2]}


def test_normalize_conflict_and_bad_keys() -> None:
    with pytest.raises(ConfigError, match=r"'a' is given both a value and sub-keys"):
        normalize_runtime_params({"a": 1, "a.b": 2})
    with pytest.raises(ConfigError, match=r"keys must be strings, got 3 \(int\)"):
        normalize_runtime_params({3: "x"})  # type: ignore[dict-item]
    with pytest.raises(ConfigError, match=r"the key 'a\.' is empty or has an empty part"):
        normalize_runtime_params({"a.": 1})


# --------------------------------------------------------------------------- lookup


def test_lookup() -> None:
    data = {"model": {"lr": 0.1, "none": None}, "x": 3}
    assert lookup(data, "model.lr") == 0.1
    assert lookup(data, "model") == {"lr": 0.1, "none": None}
    assert lookup(data, "model.none") is None
    assert lookup(data, "model.nope") is MISSING
    assert lookup(data, "x.y") is MISSING


# --------------------------------------------------------------------------- overrides


def test_overrides_change_only_the_named_leaves() -> None:
    params = {"model": {"lr": 0.1, "epochs": 3}, "seed": 1}
    result = apply_overrides(params, {"model": {"lr": 0.5}})
    assert result == {"model": {"lr": 0.5, "epochs": 3}, "seed": 1}
    assert params == {"model": {"lr": 0.1, "epochs": 3}, "seed": 1}  # input unchanged


def test_overrides_replace_a_whole_mapping_with_a_value() -> None:
    assert apply_overrides({"model": {"lr": 0.1}}, {"model": "baseline"}) == {"model": "baseline"}


def test_overrides_create_missing_keys_and_log_them(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="proj.config.params"):
        result = apply_overrides({"model": {"lr": 0.1}}, {"model": {"dropout": 0.2}, "new": 1})
    assert result == {"model": {"lr": 0.1, "dropout": 0.2}, "new": 1}
    assert "Runtime parameter creates 'model.dropout'." in caplog.messages
    assert "Runtime parameter creates 'new'." in caplog.messages


def test_overrides_fill_an_empty_parent() -> None:
    assert apply_overrides({"model": None}, {"model": {"lr": 0.1}}) == {"model": {"lr": 0.1}}


def test_overrides_cannot_go_through_a_value() -> None:
    with pytest.raises(ConfigError) as info:
        apply_overrides({"model": 3}, {"model": {"lr": 0.1}})
    assert info.value.message == (
        "Runtime parameter 'model.lr' cannot be set: parameter 'model' is an int, not a mapping."
    )


def test_unknown_overrides_and_the_closest_key() -> None:
    from proj.config.params import closest_key, unknown_overrides

    parameters = {"model_options": {"max_iterations": 10, "learning_rate": 0.5}, "seed": 1}
    overrides = normalize_runtime_params(
        {"model_options.max_iteration": 5, "seed": 2, "brand_new": {"x": 1}}
    )
    assert unknown_overrides(parameters, overrides) == [
        "model_options.max_iteration",
        "brand_new.x",
    ]
    assert closest_key("model_options.max_iteration", parameters) == "model_options.max_iterations"
    assert closest_key("zzz", parameters) is None
