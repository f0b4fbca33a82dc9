"""Tests for proj.config.resolvers: interpolation, ${globals:}, ${runtime_params:}, oc.env."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from omegaconf import OmegaConf
from omegaconf.errors import InterpolationResolutionError

from proj.config.resolvers import check_env_interpolations, resolve
from proj.exceptions import ConfigError

SRC = Path("conf/base/parameters.yml")


def _resolve(
    config: dict[str, Any],
    *,
    key: str = "parameters",
    globals_: dict[str, Any] | None = None,
    runtime: dict[str, Any] | None = None,
) -> dict[Any, Any]:
    return resolve(
        config,
        config_key=key,
        sources=dict.fromkeys(config, SRC),
        get_globals=lambda: globals_ or {},
        runtime_params=runtime or {},
    )


def test_plain_config_is_returned_unchanged() -> None:
    config = {"a": {"b": [1, "two", None]}, "when": "2024-01-01"}
    assert _resolve(config) == config


def test_interpolation_within_one_key_and_escapes() -> None:
    config = {
        "_root": "data",
        "paths": {"raw": "${_root}/raw", "list": ["${_root}", "${paths.raw}"]},
        "literal": "\\${not_resolved}",
    }
    assert _resolve(config) == {
        "_root": "data",
        "paths": {"raw": "data/raw", "list": ["data", "data/raw"]},
        "literal": "${not_resolved}",
    }


def test_result_is_plain_python() -> None:
    result = _resolve({"a": {"b": "${c}"}, "c": {"d": [1]}})
    assert type(result["a"]["b"]) is dict
    assert type(result["a"]["b"]["d"]) is list


def test_globals_with_dotted_keys_and_defaults() -> None:
    globals_ = {"bucket": "s3://b", "model": {"name": "rf", "depth": 3}}
    config = {
        "path": "${globals:bucket}/raw.csv",
        "depth": "${globals:model.depth}",
        "model": "${globals:model}",
        "missing": "${globals:nope,fallback}",
        "none": "${globals:nope,null}",
        "number": "${globals:nope,5}",
    }
    assert _resolve(config, globals_=globals_) == {
        "path": "s3://b/raw.csv",
        "depth": 3,
        "model": {"name": "rf", "depth": 3},
        "missing": "fallback",
        "none": None,
        "number": 5,
    }


def test_missing_global_names_key_path_file_and_defined_globals() -> None:
    with pytest.raises(ConfigError) as info:
        _resolve({"model": {"name": "${globals:model_name}"}}, globals_={"a": 1, "b": 2})
    assert info.value.message == (
        f"Could not resolve parameters at 'model.name' in {SRC}: ${{globals:model_name}} has "
        "no value: 'model_name' is not defined in globals (globals define: a, b)."
    )
    assert "${globals:model_name,...}" in (info.value.hint or "")


def test_globals_cannot_refer_to_globals() -> None:
    with pytest.raises(ConfigError, match=r"cannot be used inside globals itself"):
        _resolve({"a": "${globals:b}", "b": 1}, key="globals")


def test_broken_globals_error_comes_through_unchanged() -> None:
    broken = ConfigError("conf/base/globals.yml:3:1: invalid YAML: oops.")

    def get_globals() -> dict[str, Any]:
        raise broken

    with pytest.raises(ConfigError) as info:
        resolve(
            {"a": "${globals:x}"},
            config_key="catalog",
            sources={},
            get_globals=get_globals,
            runtime_params={},
        )
    assert info.value is broken


def test_runtime_params_resolver() -> None:
    config = {
        "seed": "${runtime_params:seed}",
        "lr": "${runtime_params:model.lr,0.1}",
        "name": "${runtime_params:name,base}",
    }
    runtime = {"seed": 7, "model": {"lr": 0.5}}
    assert _resolve(config, runtime=runtime) == {"seed": 7, "lr": 0.5, "name": "base"}


def test_missing_runtime_param_without_default() -> None:
    with pytest.raises(ConfigError) as info:
        _resolve({"train": {"seed": "${runtime_params:seed}"}})
    assert info.value.message == (
        f"Could not resolve parameters at 'train.seed' in {SRC}: ${{runtime_params:seed}} has "
        "no value: no runtime parameter 'seed' was given."
    )
    assert "--params seed=<value>" in (info.value.hint or "")


def test_unknown_interpolation_key_names_path_and_file() -> None:
    with pytest.raises(ConfigError) as info:
        _resolve({"model": {"layers": [1, "${sizes.hidden}"]}})
    assert info.value.message == (
        f"Could not resolve parameters at 'model.layers[1]' in {SRC}: "
        "Interpolation key 'sizes.hidden' not found."
    )
    assert info.value.__cause__ is not None


def test_bad_interpolation_syntax() -> None:
    with pytest.raises(ConfigError, match=r"at 'query' in conf/base/parameters\.yml: "):
        _resolve({"query": "select ${oops"})


def test_env_interpolation_outside_credentials_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROJ_TEST_HOST", "db.example.com")
    with pytest.raises(ConfigError) as info:
        _resolve({"db": {"hosts": ["${oc.env:PROJ_TEST_HOST}"]}})
    assert info.value.message == (
        f"parameters value 'db.hosts[0]' in {SRC} uses ${{oc.env:...}}, which is only "
        "allowed in credentials."
    )
    # Nested inside another resolver it is refused too.
    with pytest.raises(ConfigError, match="only allowed in credentials"):
        check_env_interpolations({"a": "${oc.decode:${oc.env:X}}"}, "catalog", {})
    # An escaped one is just text.
    assert _resolve({"a": "\\${oc.env:PROJ_TEST_HOST}"}) == {"a": "${oc.env:PROJ_TEST_HOST}"}


def test_env_interpolation_in_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROJ_TEST_PASSWORD", "hunter2")
    config = {"db": {"password": "${oc.env:PROJ_TEST_PASSWORD}"}}
    assert _resolve(config, key="credentials") == {"db": {"password": "hunter2"}}


def test_missing_env_variable_in_credentials_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROJ_TEST_MISSING", raising=False)
    with pytest.raises(ConfigError) as info:
        _resolve({"db": {"password": "${oc.env:PROJ_TEST_MISSING}"}}, key="credentials")
    assert info.value.message == (
        f"Could not resolve credentials at 'db.password' in {SRC}: environment variable "
        "'PROJ_TEST_MISSING' is not set."
    )
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_credentials_errors_never_show_values() -> None:
    with pytest.raises(ConfigError) as info:
        _resolve({"db": {"user": "admin", "password": "hunter2${oops"}}, key="credentials")
    text = str(info.value)
    assert "hunter2" not in text
    assert "'db.password'" in text
    assert "not shown because it is secret" in text
    assert info.value.__cause__ is None


def test_resolvers_only_work_in_proj_configs() -> None:
    _resolve({"a": "${runtime_params:x,1}"})  # registers the resolvers
    foreign = OmegaConf.create({"a": "${globals:x}"})
    with pytest.raises(InterpolationResolutionError, match="only works in configuration loaded"):
        OmegaConf.to_container(foreign, resolve=True)


def test_each_resolution_sees_its_own_runtime_params() -> None:
    config = {"seed": "${runtime_params:seed}"}
    assert _resolve(config, runtime={"seed": 1}) == {"seed": 1}
    assert _resolve(config, runtime={"seed": 2}) == {"seed": 2}
