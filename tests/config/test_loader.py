"""Tests for proj.config.loader: ConfigLoader over real conf/ folders."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from proj.config import ConfigLoader
from proj.exceptions import (
    ConfigError,
    ConfigSyntaxError,
    DuplicateConfigKeyError,
    MissingConfigError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from tests.config.conftest import ConfDir


# --------------------------------------------------------------------------- environments


def test_base_only(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model:\n  lr: 0.1\n")
    conf.write("base/catalog.yml", "raw:\n  type: pandas.CSVDataset\n  filepath: raw.csv\n")
    loader = ConfigLoader(conf.root)
    assert loader["parameters"] == {"model": {"lr": 0.1}}
    assert loader["catalog"] == {"raw": {"type": "pandas.CSVDataset", "filepath": "raw.csv"}}
    assert loader["credentials"] == {}
    assert loader["globals"] == {}
    assert loader.env == "local"  # the default, even though conf/local is absent
    assert loader.conf_source == conf.root
    assert loader.base_env == "base"


def test_local_overrides_base_per_top_level_key(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model:\n  lr: 0.1\n  epochs: 3\nseed: 1\n")
    conf.write("local/parameters.yml", "model:\n  lr: 0.5\n")
    assert ConfigLoader(conf.root)["parameters"] == {"model": {"lr": 0.5}, "seed": 1}


def test_soft_merge_strategy(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model:\n  lr: 0.1\n  epochs: 3\nseed: 1\n")
    conf.write("local/parameters.yml", "model:\n  lr: 0.5\n")
    conf.write("base/catalog.yml", "raw: {type: MemoryDataset, copy_mode: deepcopy}\n")
    conf.write("local/catalog.yml", "raw: {type: MemoryDataset}\n")
    loader = ConfigLoader(conf.root, merge_strategy={"parameters": "soft"})
    assert loader["parameters"] == {"model": {"lr": 0.5, "epochs": 3}, "seed": 1}
    assert loader["catalog"] == {"raw": {"type": "MemoryDataset"}}  # still destructive


def test_env_argument_beats_proj_env_which_beats_the_default(
    conf: ConfDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env in ("local", "staging", "prod"):
        conf.write(f"{env}/parameters.yml", f"where: {env}\n")
    assert ConfigLoader(conf.root)["parameters"] == {"where": "local"}
    monkeypatch.setenv("PROJ_ENV", "staging")
    assert ConfigLoader(conf.root).env == "staging"
    assert ConfigLoader(conf.root)["parameters"] == {"where": "staging"}
    assert ConfigLoader(conf.root, env="prod")["parameters"] == {"where": "prod"}


def test_default_run_env_can_be_changed_or_disabled(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "where: base\n")
    conf.write("dev/parameters.yml", "where: dev\n")
    assert ConfigLoader(conf.root, default_run_env="dev")["parameters"] == {"where": "dev"}
    loader = ConfigLoader(conf.root, default_run_env=None)
    assert loader.env is None
    assert loader["parameters"] == {"where": "base"}


def test_env_equal_to_base_reads_base_once(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "a: 1\n")
    assert ConfigLoader(conf.root, env="base")["parameters"] == {"a": 1}


def test_custom_base_env(conf: ConfDir) -> None:
    conf.write("common/parameters.yml", "a: 1\n")
    conf.write("local/parameters.yml", "b: 2\n")
    assert ConfigLoader(conf.root, base_env="common")["parameters"] == {"a": 1, "b": 2}


def test_missing_requested_env_lists_existing_ones(conf: ConfDir) -> None:
    (conf.root / "local").mkdir()
    (conf.root / "prod").mkdir()
    with pytest.raises(MissingConfigError) as info:
        ConfigLoader(conf.root, env="staging")
    assert info.value.message == (
        f"Environment 'staging' (from the env argument) has no folder "
        f"'{conf.root / 'staging'}'; environments in {conf.root}: base, local, prod."
    )
    assert isinstance(info.value, LookupError)


def test_missing_env_from_proj_env(conf: ConfDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROJ_ENV", "prdo")
    with pytest.raises(MissingConfigError, match=r"'prdo' \(from the PROJ_ENV environment"):
        ConfigLoader(conf.root)


def test_missing_conf_source(tmp_path: Path) -> None:
    with pytest.raises(MissingConfigError) as info:
        ConfigLoader(tmp_path / "nope")
    assert info.value.message == f"Configuration folder '{tmp_path / 'nope'}' does not exist."
    (tmp_path / "file").write_text("x")
    with pytest.raises(MissingConfigError, match=r"does not exist \(it is a file\)"):
        ConfigLoader(tmp_path / "file")


def test_missing_base_folder(tmp_path: Path) -> None:
    (tmp_path / "conf" / "local").mkdir(parents=True)
    with pytest.raises(MissingConfigError) as info:
        ConfigLoader(tmp_path / "conf")
    assert info.value.message == (
        f"Base environment folder '{tmp_path / 'conf' / 'base'}' does not exist; "
        f"environments in {tmp_path / 'conf'}: local."
    )


@pytest.mark.parametrize("env", ["../secrets", "a/b", ".hidden", ".."])
def test_env_must_be_a_plain_folder_name(conf: ConfDir, env: str) -> None:
    with pytest.raises(ConfigError, match=r"Invalid environment .*: an environment is the name"):
        ConfigLoader(conf.root, env=env)


# --------------------------------------------------------------------------- files


def test_files_in_subfolders_json_and_hidden(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "a: 1\n")
    conf.write("base/parameters/model.yml", "b: 2\n")
    conf.write("base/pipelines/ingest/parameters_ingest.json", '{"c": 3}')
    conf.write("base/.ipynb_checkpoints/parameters.yml", "a: 99\n")
    conf.write("base/.parameters_draft.yml", "d: 4\n")
    conf.write("base/parameters.txt", "e: 5\n")
    assert ConfigLoader(conf.root)["parameters"] == {"a": 1, "b": 2, "c": 3}


def test_empty_files_are_fine(conf: ConfDir) -> None:
    conf.write("base/catalog.yml", "")
    conf.write("local/catalog.yml", "# nothing here yet\n")
    assert ConfigLoader(conf.root)["catalog"] == {}


def test_duplicate_key_in_one_environment_names_both_files_in_sorted_order(
    conf: ConfDir,
) -> None:
    conf.write("base/pipelines/b/catalog.yml", "shared: {type: MemoryDataset}\n")
    conf.write("base/catalog.yml", "shared: {type: MemoryDataset}\nother: {}\n")
    with pytest.raises(DuplicateConfigKeyError) as info:
        ConfigLoader(conf.root)["catalog"]
    base = conf.root / "base"
    assert info.value.message == (
        f"Duplicate catalog key 'shared' in {base / 'catalog.yml'} and "
        f"{base / 'pipelines' / 'b' / 'catalog.yml'}."
    )


def test_same_key_in_two_environments_is_an_override_not_an_error(conf: ConfDir) -> None:
    conf.write("base/catalog.yml", "raw: {filepath: a.csv}\n")
    conf.write("local/catalog.yml", "raw: {filepath: b.csv}\n")
    assert ConfigLoader(conf.root)["catalog"] == {"raw": {"filepath": "b.csv"}}


def test_syntax_errors_surface_with_file_line_and_column(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "a: 1\n")
    path = conf.write("local/parameters.yml", "a: [1, 2\nb: 3\n")
    with pytest.raises(ConfigSyntaxError) as info:
        ConfigLoader(conf.root)["parameters"]
    assert info.value.message.startswith(f"{path}:2:2: invalid YAML: ")


def test_duplicate_key_inside_one_file_surfaces(conf: ConfDir) -> None:
    path = conf.write("base/catalog.yml", "raw: {a: 1}\nclean: {}\nraw: {a: 2}\n")
    with pytest.raises(DuplicateConfigKeyError, match=rf"{path}:3:1: duplicate key 'raw'"):
        ConfigLoader(conf.root)["catalog"]


def test_non_mapping_file_surfaces(conf: ConfDir) -> None:
    path = conf.write("base/parameters.yml", "- 1\n- 2\n")
    with pytest.raises(ConfigError, match=rf"{path}: the top level must be a mapping"):
        ConfigLoader(conf.root)["parameters"]


# --------------------------------------------------------------------------- keys


def test_config_patterns_add_a_key(conf: ConfDir) -> None:
    conf.write("base/spark.yml", "spark.executor.memory: 2g\n")
    conf.write("base/spark/extra.yml", "spark.driver.cores: 2\n")
    loader = ConfigLoader(conf.root, config_patterns={"spark": ["spark*", "spark*/**"]})
    assert loader["spark"] == {"spark.executor.memory": "2g", "spark.driver.cores": 2}
    assert "spark" in loader
    assert list(loader) == ["catalog", "credentials", "globals", "parameters", "spark"]
    assert loader.config_patterns["spark"] == ["spark*", "spark*/**"]


def test_config_patterns_override_a_key(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "a: 1\n")
    conf.write("base/params.yml", "b: 2\n")
    loader = ConfigLoader(conf.root, config_patterns={"parameters": "params*"})
    assert loader["parameters"] == {"b": 2}


@pytest.mark.parametrize("patterns", [{"spark": 3}, {"spark": ["ok", 1]}, {"": ["x"]}])
def test_bad_config_patterns(conf: ConfDir, patterns: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"config_patterns"):
        ConfigLoader(conf.root, config_patterns=patterns)  # type: ignore[arg-type]


def test_unknown_key_is_a_lookup_error_naming_known_keys(conf: ConfDir) -> None:
    loader = ConfigLoader(conf.root)
    with pytest.raises(MissingConfigError) as info:
        loader["parameter"]
    assert isinstance(info.value, LookupError)
    assert info.value.message == "Unknown configuration key 'parameter'. Did you mean 'parameters'?"
    assert "Known keys: catalog, credentials, globals, parameters" in (info.value.hint or "")
    assert "parameter" not in loader
    assert "catalog" in loader


def test_get(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "a: 1\n")
    loader = ConfigLoader(conf.root)
    assert loader.get("parameters") == {"a": 1}
    assert loader.get("credentials") == {}
    assert loader.get("spark") is None
    assert loader.get("spark", {"x": 1}) == {"x": 1}


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        ({"parameter": "soft"}, "merge_strategy names an unknown configuration key 'parameter'."),
        ({"parameters": "deep"}, "Unknown merge strategy 'deep' for 'parameters'."),
    ],
)
def test_bad_merge_strategy(conf: ConfDir, strategy: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        ConfigLoader(conf.root, merge_strategy=strategy)
    assert info.value.message == message


def test_results_are_fresh_plain_copies(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model:\n  layers: [8, 4]\n  lr: ${_lr}\n_lr: 0.1\n")
    loader = ConfigLoader(conf.root)
    first = loader["parameters"]
    assert type(first["model"]) is dict
    assert type(first["model"]["layers"]) is list
    first["model"]["layers"].append(2)
    assert loader["parameters"] == {"model": {"layers": [8, 4], "lr": 0.1}}


# --------------------------------------------------------------------------- interpolation


def test_underscore_keys_feed_interpolation_and_are_dropped(conf: ConfDir) -> None:
    conf.write(
        "base/catalog.yml",
        """\
        _root: data/01_raw
        _csv: &csv
          type: pandas.CSVDataset
          load_args: {sep: ","}
        companies:
          <<: *csv
          filepath: ${_root}/companies.csv
        """,
    )
    conf.write(
        "base/catalog_more.yml",
        """\
        _csv: &csv {type: pandas.CSVDataset}
        shuttles:
          <<: *csv
          filepath: ${_root}/shuttles.csv
        """,
    )
    assert ConfigLoader(conf.root)["catalog"] == {
        "companies": {
            "type": "pandas.CSVDataset",
            "load_args": {"sep": ","},
            "filepath": "data/01_raw/companies.csv",
        },
        "shuttles": {"type": "pandas.CSVDataset", "filepath": "data/01_raw/shuttles.csv"},
    }


def test_interpolation_across_files_and_environments(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "lr: 0.1\n")
    conf.write("base/parameters/model.yml", "model: {lr: '${lr}', epochs: '${epochs}'}\n")
    conf.write("local/parameters.yml", "epochs: 20\n")
    assert ConfigLoader(conf.root)["parameters"]["model"] == {"lr": 0.1, "epochs": 20}


def test_globals_in_other_keys_with_env_overlay(conf: ConfDir) -> None:
    conf.write("base/globals.yml", "bucket: s3://dev\n_private: 1\nfolders: {raw: 01_raw}\n")
    conf.write("prod/globals.yml", "bucket: s3://prod\n")
    conf.write(
        "base/catalog.yml",
        "raw:\n  type: pandas.CSVDataset\n"
        "  filepath: ${globals:bucket}/${globals:folders.raw}/raw.csv\n",
    )
    conf.write("base/parameters.yml", "region: ${globals:region,eu-west-1}\n")
    loader = ConfigLoader(conf.root, env="prod")
    assert loader["globals"] == {"bucket": "s3://prod", "folders": {"raw": "01_raw"}}
    assert loader["catalog"]["raw"]["filepath"] == "s3://prod/01_raw/raw.csv"
    assert loader["parameters"] == {"region": "eu-west-1"}


def test_missing_global_names_key_and_file(conf: ConfDir) -> None:
    conf.write("base/globals.yml", "bucket: s3://dev\n")
    path = conf.write("base/catalog.yml", "raw:\n  filepath: ${globals:folder}/raw.csv\n")
    with pytest.raises(ConfigError) as info:
        ConfigLoader(conf.root)["catalog"]
    assert info.value.message == (
        f"Could not resolve catalog at 'raw.filepath' in {path}: ${{globals:folder}} has no "
        "value: 'folder' is not defined in globals (globals define: bucket)."
    )


def test_broken_globals_file_is_reported_from_another_key(conf: ConfDir) -> None:
    path = conf.write("base/globals.yml", "bucket: [s3\n")
    conf.write("base/catalog.yml", "raw:\n  filepath: ${globals:bucket}/raw.csv\n")
    with pytest.raises(ConfigSyntaxError) as info:
        ConfigLoader(conf.root)["catalog"]
    assert info.value.message.startswith(f"{path}:2:1: invalid YAML: ")


def test_missing_interpolation_target_names_file(conf: ConfDir) -> None:
    path = conf.write("local/parameters.yml", "model: {lr: '${learning_rate}'}\n")
    with pytest.raises(ConfigError) as info:
        ConfigLoader(conf.root)["parameters"]
    assert info.value.message == (
        f"Could not resolve parameters at 'model.lr' in {path}: "
        "Interpolation key 'learning_rate' not found."
    )


def test_env_variables_only_in_credentials(conf: ConfDir, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROJ_TEST_DB_PASSWORD", "hunter2")
    conf.write("local/credentials.yml", "db:\n  password: ${oc.env:PROJ_TEST_DB_PASSWORD}\n")
    path = conf.write("base/parameters.yml", "home: ${oc.env:HOME}\n")
    loader = ConfigLoader(conf.root)
    assert loader["credentials"] == {"db": {"password": "hunter2"}}
    with pytest.raises(ConfigError) as info:
        loader["parameters"]
    assert info.value.message == (
        f"parameters value 'home' in {path} uses ${{oc.env:...}}, which is only allowed in "
        "credentials."
    )


def test_credential_values_stay_out_of_errors_and_repr(conf: ConfDir) -> None:
    conf.write("local/credentials.yml", "db:\n  password: 'hunter2${'\n")
    loader = ConfigLoader(conf.root)
    with pytest.raises(ConfigError) as info:
        loader["credentials"]
    assert "'db.password'" in str(info.value)
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None
    assert "hunter2" not in repr(loader)


# --------------------------------------------------------------------------- runtime params


def test_runtime_params_override_parameters(conf: ConfDir) -> None:
    conf.write(
        "base/parameters.yml",
        "model:\n  lr: 0.1\n  epochs: 3\n  lr_copy: ${model.lr}\nseed: ${runtime_params:seed,0}\n",
    )
    loader = ConfigLoader(conf.root, runtime_params={"model.lr": 0.5, "seed": 7, "new.key": 1})
    assert loader["parameters"] == {
        # Interpolations see the files; ${runtime_params:...} is how a value follows --params.
        "model": {"lr": 0.5, "epochs": 3, "lr_copy": 0.1},
        "seed": 7,
        "new": {"key": 1},
    }
    assert loader.runtime_params == {"model": {"lr": 0.5}, "seed": 7, "new": {"key": 1}}


def test_runtime_params_as_nested_dicts_and_in_other_keys(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model: {lr: 0.1, epochs: 3}\n")
    conf.write("base/catalog.yml", "out:\n  filepath: runs/${runtime_params:run_name,dev}.csv\n")
    loader = ConfigLoader(conf.root, runtime_params={"model": {"epochs": 9}, "run_name": "r1"})
    # Every runtime parameter lands in parameters, known there or not.
    assert loader["parameters"] == {"model": {"lr": 0.1, "epochs": 9}, "run_name": "r1"}
    # Other keys only see them through ${runtime_params:...}.
    assert loader["catalog"] == {"out": {"filepath": "runs/r1.csv"}}


def test_an_unknown_runtime_param_warns_with_the_closest_key(
    conf: ConfDir, caplog: pytest.LogCaptureFixture
) -> None:
    conf.write("base/parameters.yml", "model:\n  max_iterations: 10\n  lr: 0.1\n")
    conf.write("base/catalog.yml", "out:\n  filepath: runs/${runtime_params:run_name,dev}.csv\n")
    runtime = {"model.max_iteration": 5, "model.lr": 0.2, "run_name": "r1", "zzz": 1}
    with caplog.at_level(logging.WARNING, logger="proj"):
        parameters = ConfigLoader(conf.root, runtime_params=runtime)["parameters"]
    assert parameters["model"] == {"max_iterations": 10, "lr": 0.2, "max_iteration": 5}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "Runtime parameter 'model.max_iteration' is not in the parameters, so it is added as "
        "a new one; did you mean 'model.max_iterations'?",
        "Runtime parameter 'zzz' is not in the parameters, so it is added as a new one.",
    ]  # run_name is read by ${runtime_params:run_name}: expected, no warning


def test_missing_runtime_param_without_default(conf: ConfDir) -> None:
    path = conf.write("base/parameters.yml", "seed: ${runtime_params:seed}\n")
    with pytest.raises(ConfigError) as info:
        ConfigLoader(conf.root)["parameters"]
    assert info.value.message == (
        f"Could not resolve parameters at 'seed' in {path}: ${{runtime_params:seed}} has no "
        "value: no runtime parameter 'seed' was given."
    )


def test_runtime_param_through_a_value(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "model: 3\n")
    with pytest.raises(ConfigError, match=r"'model\.lr' cannot be set: parameter 'model' is an"):
        ConfigLoader(conf.root, runtime_params={"model.lr": 0.1})["parameters"]


def test_bad_runtime_params_fail_at_construction(conf: ConfDir) -> None:
    with pytest.raises(ConfigError, match=r"'a' is given both a value and sub-keys"):
        ConfigLoader(conf.root, runtime_params={"a": 1, "a.b": 2})


# --------------------------------------------------------------------------- isolation


def test_loaders_do_not_share_globals_or_runtime_params(tmp_path: Path) -> None:
    def make(name: str, seed: int) -> ConfigLoader:
        root = tmp_path / name / "conf"
        (root / "base").mkdir(parents=True)
        (root / "base" / "globals.yml").write_text(f"name: {name}\n")
        (root / "base" / "parameters.yml").write_text(
            "name: ${globals:name}\nseed: ${runtime_params:seed}\n"
        )
        return ConfigLoader(root, runtime_params={"seed": seed})

    loaders = [make(f"p{i}", i) for i in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda loader: loader["parameters"], loaders))
    assert results == [{"name": f"p{i}", "seed": i} for i in range(16)]


def test_importing_proj_config_imports_neither_yaml_nor_omegaconf() -> None:
    code = (
        "import sys, proj.config\n"
        "print(sorted(m for m in ('yaml', 'omegaconf') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert out.stdout.strip() == "[]"


def test_locate_names_the_file_and_line_that_won_the_merge(conf: ConfDir) -> None:
    conf.write("base/catalog.yml", "# raw data\nraw:\n  type: pandas.CSVDataset\n")
    local = conf.write("local/catalog/extra.yml", "other: {}\n\n'raw':\n  type: MemoryDataset\n")
    conf.write("base/parameters.json", '{\n  "seed": 1\n}\n')
    loader = ConfigLoader(conf.root)
    assert loader.locate("catalog", "raw") == ""  # nothing loaded yet
    loader["catalog"]
    loader["parameters"]
    assert loader.locate("catalog", "raw") == f"{local}:3"
    assert loader.locate("parameters", "seed") == f"{conf.root / 'base' / 'parameters.json'}:2"
    assert loader.locate("catalog", "missing") == ""


def test_custom_resolvers_belong_to_their_loader(conf: ConfDir) -> None:
    conf.write("base/parameters.yml", "size: ${times:3,4}\n")
    first = ConfigLoader(conf.root, custom_resolvers={"times": lambda a, b: a * b})
    second = ConfigLoader(conf.root, custom_resolvers={"times": lambda a, b: a + b})
    assert first["parameters"]["size"] == 12
    assert second["parameters"]["size"] == 7
    with pytest.raises(ConfigError, match="uses a resolver this configuration loader does not"):
        ConfigLoader(conf.root)["parameters"]


def test_custom_resolvers_are_checked(conf: ConfDir) -> None:
    with pytest.raises(ConfigError, match="cannot replace proj's own 'globals' resolver"):
        ConfigLoader(conf.root, custom_resolvers={"globals": len})
    with pytest.raises(ConfigError, match="is int, not a function"):
        ConfigLoader(conf.root, custom_resolvers={"x": 1})  # type: ignore[dict-item]


def test_omegaconfigloader_is_the_config_loader() -> None:
    from proj.config import OmegaConfigLoader

    assert OmegaConfigLoader is ConfigLoader
