"""Tests for proj.config.files: finding configuration files and reading them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from proj.config.files import (
    list_config_files,
    list_environments,
    match_pattern,
    read_config_file,
    select_files,
)
from proj.config.loader import DEFAULT_CONFIG_PATTERNS
from proj.exceptions import ConfigError, ConfigSyntaxError, DuplicateConfigKeyError

if TYPE_CHECKING:
    from pathlib import Path

    from tests.config.conftest import ConfDir


# --------------------------------------------------------------------------- finding


def test_list_config_files_is_sorted_recursive_and_skips_hidden(conf: ConfDir) -> None:
    for rel in [
        "base/parameters.yml",
        "base/catalog.yaml",
        "base/catalog_b.json",
        "base/pipelines/z/parameters.yml",
        "base/pipelines/a/catalog.YML",
        "base/.hidden.yml",
        "base/.secret/catalog.yml",
        "base/sub/.ipynb_checkpoints/parameters.yml",
        "base/README.md",
        "base/notes.txt",
        "base/catalog.yml.bak",
    ]:
        conf.write(rel, "a: 1\n")
    assert list_config_files(conf.root / "base") == [
        "catalog.yaml",
        "catalog_b.json",
        "parameters.yml",
        "pipelines/a/catalog.YML",
        "pipelines/z/parameters.yml",
    ]


def test_list_config_files_of_empty_folder(conf: ConfDir) -> None:
    assert list_config_files(conf.root / "base") == []


def test_list_environments(conf: ConfDir) -> None:
    (conf.root / "local").mkdir()
    (conf.root / "prod").mkdir()
    (conf.root / ".cache").mkdir()
    conf.write("README.md", "not an environment")
    assert list_environments(conf.root) == ["base", "local", "prod"]
    assert list_environments(conf.root / "missing") == []


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("catalog*", "catalog.yml", True),
        ("catalog*", "catalog_raw.json", True),
        ("catalog*", "sub/catalog.yml", False),
        ("catalog*", "mycatalog.yml", False),
        ("catalog*/**", "catalog/raw.yml", True),
        ("catalog*/**", "catalog_x/deep/raw.yml", True),
        ("catalog*/**", "catalog.yml", False),
        ("**/catalog*", "catalog.yml", True),
        ("**/catalog*", "pipelines/ingest/catalog.yml", True),
        ("**/catalog*", "pipelines/catalog/raw.yml", False),
        ("**/catalog*", "pipelines/notcatalog.yml", False),
        ("spark?.yml", "spark1.yml", True),
        ("spark[12].yml", "spark3.yml", False),
        ("a/**/b.yml", "a/b.yml", True),
        ("a/**/b.yml", "a/x/y/b.yml", True),
    ],
)
def test_match_pattern(pattern: str, path: str, expected: bool) -> None:
    assert match_pattern(pattern, path) is expected


def test_default_patterns_select_top_level_subfolders_and_nested_files() -> None:
    paths = [
        "catalog.yml",
        "catalog/raw.yml",
        "catalog_features.yml",
        "mycatalog.yml",
        "parameters.yml",
        "pipelines/ingest/catalog.yml",
        "pipelines/ingest/parameters_model.yml",
    ]
    assert select_files(paths, DEFAULT_CONFIG_PATTERNS["catalog"]) == [
        "catalog.yml",
        "catalog/raw.yml",
        "catalog_features.yml",
        "pipelines/ingest/catalog.yml",
    ]
    assert select_files(paths, DEFAULT_CONFIG_PATTERNS["parameters"]) == [
        "parameters.yml",
        "pipelines/ingest/parameters_model.yml",
    ]


# --------------------------------------------------------------------------- reading


def test_read_yaml_and_json(conf: ConfDir) -> None:
    yml = conf.write("base/parameters.yml", "model:\n  lr: 1e-3\n  layers: [8, 4]\n")
    jsn = conf.write("base/parameters.json", '{"model": {"lr": 0.1, "on": true}}')
    assert read_config_file(yml) == {"model": {"lr": 0.001, "layers": [8, 4]}}
    assert read_config_file(jsn) == {"model": {"lr": 0.1, "on": True}}


@pytest.mark.parametrize(
    ("name", "text"),
    [("empty.yml", ""), ("comments.yml", "# nothing yet\n"), ("empty.json", "  \n")],
)
def test_empty_files_are_empty_mappings(conf: ConfDir, name: str, text: str) -> None:
    assert read_config_file(conf.write(f"base/{name}", text)) == {}


def test_yaml_syntax_error_names_file_line_column_and_problem(conf: ConfDir) -> None:
    path = conf.write("base/catalog.yml", "raw:\n  type: pandas.CSVDataset\n  filepath: a: b\n")
    with pytest.raises(ConfigSyntaxError) as info:
        read_config_file(path)
    assert info.value.message.startswith(f"{path}:3:14: invalid YAML: ")
    assert "mapping values are not allowed here" in info.value.message
    assert info.value.__cause__ is not None  # the PyYAML error, for --verbose


def test_yaml_error_says_where_an_unclosed_construct_started(conf: ConfDir) -> None:
    path = conf.write("base/parameters.yml", "a: 1\nb: [1, 2\nc: 3\n")
    with pytest.raises(ConfigSyntaxError) as info:
        read_config_file(path)
    message = info.value.message
    assert message.startswith(f"{path}:3:2: ")
    assert "expected ',' or ']'" in message
    assert "flow sequence started on line 2" in message


def test_yaml_tab_indentation(conf: ConfDir) -> None:
    path = conf.write("base/parameters.yml", "a:\n\tb: 1\n")
    with pytest.raises(ConfigSyntaxError, match=r"parameters\.yml:2:1: invalid YAML: .*'\\t'"):
        read_config_file(path)


def test_json_syntax_error_names_file_line_column(conf: ConfDir) -> None:
    path = conf.write("base/catalog.json", '{"a": 1,\n "b": }\n')
    with pytest.raises(ConfigSyntaxError) as info:
        read_config_file(path)
    assert info.value.message == f"{path}:2:7: invalid JSON: Expecting value."


def test_duplicate_key_in_one_yaml_file(conf: ConfDir) -> None:
    path = conf.write("base/parameters.yml", "model:\n  lr: 0.1\n  lr: 0.2\n")
    with pytest.raises(DuplicateConfigKeyError) as info:
        read_config_file(path)
    assert info.value.message == (f"{path}:3:3: duplicate key 'lr' (first defined on line 2).")


def test_duplicate_key_in_one_json_file(conf: ConfDir) -> None:
    path = conf.write("base/parameters.json", '{"a": {"x": 1, "x": 2}}')
    with pytest.raises(DuplicateConfigKeyError, match=r"parameters\.json: duplicate key 'x'"):
        read_config_file(path)


@pytest.mark.parametrize(
    ("text", "kind"), [("- a\n- b\n", "a list"), ("just text\n", "a str"), ("42\n", "an int")]
)
def test_top_level_must_be_a_mapping(conf: ConfDir, text: str, kind: str) -> None:
    path = conf.write("base/catalog.yml", text)
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    assert info.value.message == (
        f"{path}: the top level must be a mapping of keys to values, but it is {kind}."
    )


def test_json_top_level_must_be_a_mapping(conf: ConfDir) -> None:
    path = conf.write("base/catalog.json", "[1, 2]")
    with pytest.raises(ConfigError, match=r"catalog\.json: the top level must be a mapping"):
        read_config_file(path)


def test_not_utf8(conf: ConfDir) -> None:
    path = conf.root / "base" / "parameters.yml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ConfigSyntaxError, match=r"parameters\.yml is not UTF-8 text \(byte 9\)"):
        read_config_file(path)


def test_unreadable_path(conf: ConfDir) -> None:
    folder = conf.root / "base" / "catalog.yml"
    folder.mkdir()
    with pytest.raises(ConfigError, match=r"Could not read .*catalog\.yml"):
        read_config_file(folder)


def test_secret_files_do_not_chain_the_parser_error(conf: ConfDir) -> None:
    path: Path = conf.write("base/credentials.yml", 'db:\n  password: "hunter2\n')
    with pytest.raises(ConfigSyntaxError) as info:
        read_config_file(path, secret=True)
    assert info.value.message.startswith(f"{path}:3:1: invalid YAML: ")
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
