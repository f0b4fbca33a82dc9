"""Tests for proj/io/catalog.py: DataCatalog built by hand and from configuration."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from proj.exceptions import DatasetError, DatasetNotFoundError, DatasetTypeError
from proj.io import AbstractDataset, CSVDataset, DataCatalog, MemoryDataset
from tests.io.conftest import TOKEN


class RecordingDataset(AbstractDataset):
    """A user dataset (loaded by dotted path) that remembers its constructor arguments."""

    def __init__(
        self,
        table: str,
        credentials: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        self.table = table
        self.credentials = credentials
        self.metadata = metadata
        self.rows: list[Any] = []

    def _load(self) -> Any:
        return list(self.rows)

    def _save(self, data: Any) -> None:
        self.rows.extend(data)

    def _describe(self) -> dict[str, Any]:
        return {"table": self.table, "credentials": self.credentials}

    def _exists(self) -> bool:
        return bool(self.rows)


RECORDING = "tests.io.test_catalog.RecordingDataset"


@pytest.fixture
def config(tmp_path: Path) -> dict[str, Any]:
    return {
        "cars": {
            "type": "pandas.CSVDataset",
            "filepath": str(tmp_path / "01_raw" / "cars.csv"),
            "metadata": {"layer": "raw"},
        },
        "summary": {"type": "json.JSONDataset", "filepath": str(tmp_path / "summary.json")},
        "scratch": {"type": "MemoryDataset"},
        "_defaults": {"type": "pandas.CSVDataset"},  # a YAML anchor holder: ignored
    }


# ---------------------------------------------------------------- from_config


def test_from_config_builds_declared_datasets(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    assert catalog.list() == ["cars", "summary", "scratch"]
    assert len(catalog) == 3
    assert list(catalog) == ["cars", "summary", "scratch"]
    assert "_defaults" not in catalog
    assert isinstance(catalog.get("cars"), CSVDataset)


def test_load_and_save_by_name(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    frame = pd.DataFrame({"model": ["a", "b"], "mpg": [21.0, 30.5]})
    catalog.save("cars", frame)
    pd.testing.assert_frame_equal(catalog.load("cars"), frame)
    catalog.save("summary", {"rows": 2})
    assert catalog.load("summary") == {"rows": 2}
    assert catalog.exists("cars") and catalog.exists("summary")


def test_empty_or_missing_config() -> None:
    assert len(DataCatalog.from_config(None)) == 0
    assert len(DataCatalog.from_config({})) == 0


def test_config_must_be_a_mapping() -> None:
    with pytest.raises(DatasetError, match="must be a mapping of dataset names"):
        DataCatalog.from_config(["cars"])  # type: ignore[arg-type]


def test_load_error_names_dataset_type_and_path(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    with pytest.raises(DatasetError) as info:
        catalog.load("cars")
    message = info.value.message
    assert message.startswith("Dataset 'cars': ")
    assert "pandas.CSVDataset" in message
    assert config["cars"]["filepath"] in message
    assert isinstance(info.value.__cause__, FileNotFoundError)
    assert info.value.hint is not None


def test_parse_error_chains_the_original_cause(config: dict[str, Any]) -> None:
    Path(config["summary"]["filepath"]).write_text("{oops", encoding="utf-8")
    catalog = DataCatalog.from_config(config)
    with pytest.raises(
        DatasetError, match=r"Dataset 'summary': failed to load json\.JSONDataset"
    ) as info:
        catalog.load("summary")
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_save_error_names_the_dataset(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    with pytest.raises(DatasetError, match=r"Dataset 'cars': .*saves a pandas DataFrame, got dict"):
        catalog.save("cars", {"not": "a frame"})
    with pytest.raises(DatasetError, match="Dataset 'scratch': refusing to save None"):
        catalog.save("scratch", None)


def test_empty_memory_dataset_error_names_the_dataset(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    with pytest.raises(DatasetError, match=r"Dataset 'scratch': .*no data has been saved"):
        catalog.load("scratch")


def test_entry_that_is_not_a_mapping() -> None:
    with pytest.raises(DatasetTypeError, match="Catalog entry 'cars' must be a mapping"):
        DataCatalog.from_config({"cars": "pandas.CSVDataset"})


def test_entry_without_type() -> None:
    with pytest.raises(DatasetTypeError, match="Catalog entry 'cars' has no 'type'") as info:
        DataCatalog.from_config({"cars": {"filepath": "x.csv"}})
    assert info.value.hint is not None
    assert "type: pandas.CSVDataset" in info.value.hint


def test_unknown_type_suggests_close_names() -> None:
    with pytest.raises(DatasetTypeError) as info:
        DataCatalog.from_config({"cars": {"type": "pandas.CSVDataSet", "filepath": "x.csv"}})
    message = info.value.message
    assert "Unknown dataset type 'pandas.CSVDataSet' in catalog entry 'cars'" in message
    assert "Did you mean 'pandas.CSVDataset'" in message


def test_short_unknown_type_suggests_the_builtin() -> None:
    with pytest.raises(DatasetTypeError, match=r"Did you mean 'pandas.CSVDataset'"):
        DataCatalog.from_config({"cars": {"type": "CSVDataset", "filepath": "x.csv"}})


def test_unknown_constructor_key_suggests_the_right_one() -> None:
    with pytest.raises(DatasetTypeError) as info:
        DataCatalog.from_config({"cars": {"type": "pandas.CSVDataset", "fillepath": "x.csv"}})
    assert "Catalog entry 'cars' (pandas.CSVDataset)" in info.value.message
    assert "'fillepath' (did you mean 'filepath'?)" in info.value.message
    assert info.value.hint is not None
    assert "load_args" in info.value.hint


def test_constructor_errors_name_the_entry(tmp_path: Path) -> None:
    entry = {"type": "text.TextDataset", "filepath": str(tmp_path / "x"), "save_args": {"x": 1}}
    with pytest.raises(DatasetError, match=r"Catalog entry 'notes' \(text\.TextDataset\): "):
        DataCatalog.from_config({"notes": entry})


def test_user_class_by_dotted_path_with_metadata() -> None:
    catalog = DataCatalog.from_config(
        {"rows": {"type": RECORDING, "table": "t1", "metadata": {"owner": "me"}}}
    )
    catalog.save("rows", [1, 2])
    assert catalog.load("rows") == [1, 2]
    assert catalog.describe("rows") == {
        "type": RECORDING,
        "table": "t1",
        "metadata": {"owner": "me"},
    }


def test_full_proj_path_of_a_builtin_is_accepted(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "a": {"type": "proj.io.datasets.json.JSONDataset", "filepath": str(tmp_path / "a")},
            "b": {"type": "proj.io.MemoryDataset"},
        }
    )
    assert catalog.describe("a")["type"] == "json.JSONDataset"
    assert catalog.describe("b")["type"] == "MemoryDataset"


def test_metadata_is_kept_for_classes_that_do_not_take_it(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config({"m": {"type": "MemoryDataset", "metadata": {"layer": "x"}}})
    assert catalog.describe("m")["metadata"] == {"layer": "x"}


# ---------------------------------------------------------------- credentials


def test_credentials_are_injected_by_name() -> None:
    creds = {"dev_db": {"user": "ann", "password": "s3cr3t"}}
    catalog = DataCatalog.from_config(
        {"rows": {"type": RECORDING, "table": "t", "credentials": "dev_db"}}, creds
    )
    dataset = catalog.get("rows")
    assert isinstance(dataset, RecordingDataset)
    assert dataset.credentials == {"user": "ann", "password": "s3cr3t"}
    assert "s3cr3t" not in repr(catalog.describe("rows"))
    assert "credentials" not in catalog.describe("rows")


def test_missing_credentials_list_available_names_but_never_values() -> None:
    creds = {"prod_db": {"password": "s3cr3t"}, "dev_s3": {"key": "AKIA-secret"}}
    with pytest.raises(DatasetError) as info:
        DataCatalog.from_config(
            {"rows": {"type": RECORDING, "table": "t", "credentials": "dev_db"}}, creds
        )
    text = str(info.value)
    assert "Catalog entry 'rows' uses credentials 'dev_db'" in text
    assert "available: dev_s3, prod_db" in text
    assert "s3cr3t" not in text and "AKIA" not in text
    assert "credentials.yml" in text


def test_credentials_reach_file_datasets_but_are_hidden(token_fs_root: str) -> None:
    entry = {
        "type": "text.TextDataset",
        "filepath": f"{token_fs_root}/notes.txt",
        "credentials": "cloud",
    }
    catalog = DataCatalog.from_config({"notes": entry}, {"cloud": {"token": TOKEN}})
    catalog.save("notes", "hello")
    assert catalog.load("notes") == "hello"
    assert TOKEN not in repr(catalog.describe("notes"))
    assert TOKEN not in repr(catalog.get("notes"))


def test_file_dataset_without_its_credentials(token_fs_root: str) -> None:
    entry = {"type": "text.TextDataset", "filepath": f"{token_fs_root}/notes.txt"}
    with pytest.raises(DatasetError, match=r"Catalog entry 'notes' .*access denied") as info:
        DataCatalog.from_config({"notes": entry})
    assert isinstance(info.value.__cause__, DatasetError)


# ---------------------------------------------------------------- lookup


def test_get_unknown_name_suggests_close_names(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    with pytest.raises(
        DatasetNotFoundError, match="Dataset 'car' is not in the catalog; did you mean 'cars'"
    ):
        catalog["car"]
    assert catalog.get("car") is None
    with pytest.raises(DatasetNotFoundError):
        catalog.load("car")
    assert isinstance(DatasetNotFoundError("x"), LookupError)


def test_list_with_regex(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    catalog.add_parameters({"a": {"b": 1}})
    assert catalog.list("^params:") == ["params:a", "params:a.b"]
    assert catalog.list("s$") == ["cars", "parameters"]


def test_list_with_invalid_regex(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    with pytest.raises(DatasetError, match=r"Invalid regular expression '\(cars'") as info:
        catalog.list("(cars")
    assert info.value.hint is not None


def test_exists_is_false_for_unknown_names(config: dict[str, Any]) -> None:
    assert DataCatalog.from_config(config).exists("nothing") is False


def test_is_persistent(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    assert catalog.is_persistent("cars") is True
    assert catalog.is_persistent("scratch") is False
    assert catalog.is_persistent("undeclared") is False


def test_describe_has_type_and_filepath(config: dict[str, Any]) -> None:
    described = DataCatalog.from_config(config).describe("cars")
    assert described["type"] == "pandas.CSVDataset"
    assert described["filepath"] == config["cars"]["filepath"]
    assert described["metadata"] == {"layer": "raw"}


# ---------------------------------------------------------------- changes


def test_add_refuses_duplicates_unless_replacing() -> None:
    catalog = DataCatalog({"a": MemoryDataset(1)})
    with pytest.raises(DatasetError, match="'a' is already in the catalog") as info:
        catalog.add("a", MemoryDataset(2))
    assert info.value.hint is not None
    assert "replace=True" in info.value.hint
    catalog.add("a", MemoryDataset(2), replace=True)
    assert catalog.load("a") == 2


def test_add_refuses_non_datasets() -> None:
    with pytest.raises(DatasetTypeError, match="int is not a dataset"):
        DataCatalog().add("a", 5)  # type: ignore[arg-type]
    with pytest.raises(DatasetTypeError):
        DataCatalog({"a": [1]})  # type: ignore[dict-item]


def test_add_feed_dict_wraps_plain_values() -> None:
    catalog = DataCatalog({"x": MemoryDataset(0)})
    own = MemoryDataset("kept")
    catalog.add_feed_dict({"x": 1, "y": [1, 2], "z": own})
    assert catalog.load("x") == 1
    assert catalog.load("y") == [1, 2]
    assert catalog.get("z") is own
    with pytest.raises(DatasetError, match="already in the catalog"):
        catalog.add_feed_dict({"x": 2}, replace=False)


def test_add_parameters_adds_every_key_path() -> None:
    catalog = DataCatalog()
    params = {"model": {"alpha": 0.1, "layers": {"n": 3}}, "seed": 42, "empty": None}
    catalog.add_parameters(params)
    assert catalog.list() == [
        "parameters",
        "params:model",
        "params:model.alpha",
        "params:model.layers",
        "params:model.layers.n",
        "params:seed",
        "params:empty",
    ]
    assert catalog.load("parameters") == params
    assert catalog.load("params:model.layers") == {"n": 3}
    assert catalog.load("params:model.layers.n") == 3
    assert catalog.load("params:empty") is None
    assert catalog.is_persistent("params:seed") is False


def test_parameters_cannot_be_changed_through_a_loaded_copy() -> None:
    catalog = DataCatalog()
    catalog.add_parameters({"model": {"alpha": 0.1}})
    catalog.load("params:model")["alpha"] = 99
    assert catalog.load("params:model") == {"alpha": 0.1}


def test_add_parameters_twice_replaces() -> None:
    catalog = DataCatalog()
    catalog.add_parameters({"a": 1})
    catalog.add_parameters({"a": 2})
    assert catalog.load("params:a") == 2


def test_release_frees_memory_data() -> None:
    catalog = DataCatalog({"m": MemoryDataset([1])})
    catalog.release("m")
    assert catalog.exists("m") is False


def test_shallow_copy_shares_datasets_but_not_the_mapping() -> None:
    shared = MemoryDataset(1)
    catalog = DataCatalog({"a": shared})
    copy = catalog.shallow_copy()
    copy.add("b", MemoryDataset(2))
    assert "b" in copy and "b" not in catalog
    assert copy.get("a") is shared
    copy.save("a", 10)
    assert catalog.load("a") == 10


def test_catalog_survives_pickling(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(
        {**config, "{name}_json": {"type": "json.JSONDataset", "filepath": "{name}.json"}}
    )
    catalog.save("summary", {"ok": True})
    restored = pickle.loads(pickle.dumps(catalog))
    assert restored.load("summary") == {"ok": True}
    assert "other_json" in restored
    assert restored.describe("other_json")["filepath"] == "other.json"


def test_repr_counts_datasets_and_patterns(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config({**config, "{x}_y": {"type": "MemoryDataset"}})
    assert repr(catalog) == "<DataCatalog: 3 datasets, 1 factory patterns>"


# ---------------------------------------------------------------- the catalog as a mapping


def test_catalog_reads_and_writes_like_a_mapping(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    assert isinstance(catalog["cars"], CSVDataset)
    catalog["numbers"] = [1, 2, 3]  # plain data is wrapped in a MemoryDataset
    assert isinstance(catalog["numbers"], MemoryDataset)
    assert catalog.load("numbers") == [1, 2, 3]
    own = MemoryDataset({"a": 1})
    catalog["numbers"] = own  # a dataset is added as is, replacing the old one
    assert catalog["numbers"] is own
    assert catalog.keys() == ["cars", "summary", "scratch", "numbers"]
    assert catalog.values()[-1] is own
    assert dict(catalog.items())["cars"] is catalog["cars"]
    assert len(catalog) == 4
    assert "numbers" in catalog
    assert "nothing" not in catalog
    assert catalog.get("nothing") is None
    marker = MemoryDataset(0)
    assert catalog.get("nothing", marker) is marker
    assert catalog.get("cars") is catalog["cars"]


def test_get_builds_pattern_matches_like_indexing() -> None:
    catalog = DataCatalog.from_config({"{name}_mem": {"type": "MemoryDataset"}})
    first = catalog.get("a_mem")
    assert isinstance(first, MemoryDataset)
    assert catalog["a_mem"] is first
    assert catalog.keys() == ["a_mem"]


def test_filter_by_name_type_and_class(config: dict[str, Any]) -> None:
    catalog = DataCatalog.from_config(config)
    catalog.add_parameters({"lr": 0.1})
    assert catalog.filter(name_regex="^params:") == ["params:lr"]
    assert catalog.filter(type_regex=r"pandas\.CSV") == ["cars"]
    assert catalog.filter(type_regex=r"proj\.io\.datasets\.json") == ["summary"]
    assert catalog.filter(by_type=MemoryDataset) == ["scratch", "parameters", "params:lr"]
    assert catalog.filter(by_type=[CSVDataset, MemoryDataset], name_regex="^s") == ["scratch"]
    assert catalog.filter() == catalog.keys()
    with pytest.raises(DatasetError, match=r"Invalid regular expression '\[' for type_regex"):
        catalog.filter(type_regex="[")


def test_an_entry_level_layer_is_kept_as_metadata() -> None:
    """Kedro 0.18 catalogs write `layer:` beside `type:`; proj viz reads it from metadata."""
    catalog = DataCatalog.from_config(
        {
            "raw": {"type": "MemoryDataset", "layer": "raw"},
            "both": {"type": "MemoryDataset", "layer": "raw", "metadata": {"layer": "primary"}},
        }
    )
    assert catalog.describe("raw")["metadata"] == {"layer": "raw"}
    assert catalog.describe("both")["metadata"] == {"layer": "primary"}  # metadata wins
    with pytest.raises(DatasetTypeError, match="layer must be a string"):
        DataCatalog.from_config({"bad": {"type": "MemoryDataset", "layer": ["raw"]}})


def test_raw_data_is_held_in_memory_datasets() -> None:
    catalog = DataCatalog({"kept": MemoryDataset(1)}, raw_data={"threshold": 0.5})

    assert catalog.load("threshold") == 0.5
    assert isinstance(catalog.get("threshold"), MemoryDataset)
    assert catalog.load("kept") == 1


def test_raw_data_second_positionally_and_as_kedro_019s_feed_dict() -> None:
    assert DataCatalog({}, {"a": 1}).load("a") == 1
    assert DataCatalog(feed_dict={"a": 2}).load("a") == 2
    with pytest.raises(DatasetError, match="raw_data or feed_dict"):
        DataCatalog(raw_data={"a": 1}, feed_dict={"a": 2})


def test_raw_data_replaces_a_dataset_of_the_same_name() -> None:
    catalog = DataCatalog({"a": MemoryDataset("old")}, {"a": "new"})

    assert catalog.load("a") == "new"


def test_add_feed_dict_takes_kedros_keyword_names() -> None:
    catalog = DataCatalog()
    catalog.add_feed_dict(feed_dict={"a": 1})

    with pytest.raises(DatasetError, match="already in the catalog"):
        catalog.add_feed_dict(feed_dict={"a": 2}, replace=False)
    catalog.add_feed_dict({"a": 3}, True)
    assert catalog.load("a") == 3
