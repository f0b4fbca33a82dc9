"""Tests for proj.config._yaml: the strict YAML dialect of configuration files."""

from __future__ import annotations

import datetime

import pytest
import yaml

from proj.config._yaml import DuplicateYamlKey, load_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e-3", 0.001),
        ("1.5E3", 1500.0),
        ("-2.5", -2.5),
        (".5", 0.5),
        ("1.", 1.0),
        (".inf", float("inf")),
        ("12", 12),
        ("-7", -7),
        ("1_000", 1000),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("0", 0),
        ("true", True),
        ("yes", True),
        ("~", None),
        ("null", None),
        ("12:30", "12:30"),  # YAML 1.1 would read base 60: 750
        ("012", "012"),  # YAML 1.1 would read octal: 10
        ("2024-01-31", "2024-01-31"),  # dates stay text: OmegaConf cannot hold them
        ("2024-01-31 10:00:00", "2024-01-31 10:00:00"),
        ("v1.2.3", "v1.2.3"),
    ],
)
def test_scalars_are_typed_like_yaml_1_2(text: str, expected: object) -> None:
    assert load_yaml(f"value: {text}") == {"value": expected}


def test_nan_is_a_float() -> None:
    value = load_yaml("value: .nan")["value"]
    assert isinstance(value, float)
    assert value != value


def test_empty_and_comment_only_documents_are_none() -> None:
    assert load_yaml("") is None
    assert load_yaml("# only a comment\n") is None


def test_duplicate_key_reports_both_lines() -> None:
    text = "model:\n  lr: 0.1\n  epochs: 3\n  lr: 0.2\n"
    with pytest.raises(DuplicateYamlKey) as info:
        load_yaml(text)
    assert info.value.key == "lr"
    assert (info.value.first_line, info.value.line, info.value.column) == (2, 4, 3)


def test_duplicate_top_level_key() -> None:
    with pytest.raises(DuplicateYamlKey) as info:
        load_yaml("a: 1\nb: 2\na: 3\n")
    assert (info.value.key, info.value.first_line, info.value.line) == ("a", 1, 3)


def test_merge_keys_may_be_overridden() -> None:
    text = "_base: &base {lr: 0.1, epochs: 3}\nmodel:\n  <<: *base\n  lr: 0.5\n"
    assert load_yaml(text)["model"] == {"lr": 0.5, "epochs": 3}


def test_no_python_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("value: !!python/object/apply:os.getcwd []")


def test_pyyaml_safe_load_is_left_alone() -> None:
    load_yaml("a: 2024-01-31")
    # Other code in the process still gets PyYAML's own behaviour.
    assert yaml.safe_load("a: 2024-01-31") == {"a": datetime.date(2024, 1, 31)}
    assert yaml.safe_load("a: 1e-3") == {"a": "1e-3"}
