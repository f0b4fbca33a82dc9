"""Tests for proj.config.merge: files of one environment, then environment over base."""

from __future__ import annotations

from pathlib import Path

import pytest

from proj.config.merge import deep_merge, merge_environments, merge_files
from proj.exceptions import ConfigError, DuplicateConfigKeyError

A, B = Path("conf/base/catalog.yml"), Path("conf/base/catalog_more.yml")


def test_merge_files_combines_top_level_keys_and_tracks_sources() -> None:
    merged, sources = merge_files("catalog", [(A, {"raw": 1}), (B, {"clean": 2})])
    assert merged == {"raw": 1, "clean": 2}
    assert sources == {"raw": A, "clean": B}


def test_same_key_in_two_files_names_both() -> None:
    with pytest.raises(DuplicateConfigKeyError) as info:
        merge_files("catalog", [(A, {"raw": 1, "x": 0}), (B, {"raw": 2})])
    assert info.value.message == f"Duplicate catalog key 'raw' in {A} and {B}."
    assert info.value.hint is not None


def test_underscore_keys_may_repeat_last_file_wins() -> None:
    merged, sources = merge_files("catalog", [(A, {"_csv": {"sep": ","}}), (B, {"_csv": {}})])
    assert merged == {"_csv": {}}
    assert sources == {"_csv": B}


def test_deep_merge() -> None:
    base = {"model": {"lr": 0.1, "opt": {"name": "sgd", "m": 0.9}, "layers": [8, 4]}, "seed": 1}
    override = {"model": {"opt": {"name": "adam"}, "layers": [2]}, "new": True}
    assert deep_merge(base, override) == {
        "model": {"lr": 0.1, "opt": {"name": "adam", "m": 0.9}, "layers": [2]},
        "seed": 1,
        "new": True,
    }
    assert base["model"]["opt"] == {"name": "sgd", "m": 0.9}  # inputs unchanged
    assert deep_merge({"a": 1}, 5) == 5
    assert deep_merge(5, {"a": 1}) == {"a": 1}


BASE = ({"model": {"lr": 0.1, "epochs": 3}, "seed": 1}, {"model": A, "seed": A})
LOCAL = Path("conf/local/parameters.yml")
ENV = ({"model": {"lr": 0.5}}, {"model": LOCAL})


def test_destructive_replaces_whole_top_level_entries() -> None:
    merged, sources = merge_environments("parameters", BASE, ENV, "destructive")
    assert merged == {"model": {"lr": 0.5}, "seed": 1}
    assert sources == {"model": LOCAL, "seed": A}


def test_soft_merges_recursively() -> None:
    merged, _ = merge_environments("parameters", BASE, ENV, "soft")
    assert merged == {"model": {"lr": 0.5, "epochs": 3}, "seed": 1}


def test_unknown_strategy() -> None:
    with pytest.raises(ConfigError) as info:
        merge_environments("parameters", BASE, ENV, "deep")
    assert info.value.message == "Unknown merge strategy 'deep' for 'parameters'."
    assert info.value.hint == "Use one of: destructive, soft."
