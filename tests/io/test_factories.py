"""Tests for proj/io/factories.py: dataset factory patterns in a catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from proj.exceptions import DatasetError, DatasetNotFoundError, DatasetTypeError
from proj.io import DataCatalog
from proj.io.factories import DatasetPattern, is_pattern

if TYPE_CHECKING:
    from pathlib import Path


def _csv(path: str, **extra: Any) -> dict[str, Any]:
    return {"type": "pandas.CSVDataset", "filepath": path, **extra}


def test_pattern_matches_and_substitutes_into_every_string(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "{name}_csv": _csv(
                f"{tmp_path}/01_raw/{{name}}.csv",
                load_args={"usecols": ["{name}_id", "value"], "comment": "#"},
                metadata={"source": "{name}"},
            )
        }
    )
    assert "cars_csv" in catalog
    described = catalog.describe("cars_csv")
    assert described["filepath"] == f"{tmp_path}/01_raw/cars.csv"
    assert described["load_args"] == {"usecols": ["cars_id", "value"], "comment": "#"}
    assert described["metadata"] == {"source": "cars"}


def test_matched_datasets_are_built_once_and_cached() -> None:
    catalog = DataCatalog.from_config({"{name}_mem": {"type": "MemoryDataset"}})
    assert "a_mem" in catalog
    assert catalog.list() == []  # matching alone builds nothing
    first = catalog.get("a_mem")
    assert catalog.get("a_mem") is first
    assert catalog.list() == ["a_mem"]
    catalog.save("a_mem", [1])
    assert catalog.load("a_mem") == [1]


def test_names_that_match_no_pattern_are_not_found() -> None:
    catalog = DataCatalog.from_config({"{name}_csv": _csv("{name}.csv")})
    assert "cars_parquet" not in catalog
    with pytest.raises(DatasetNotFoundError, match="'cars_parquet' is not in the catalog"):
        catalog["cars_parquet"]
    assert catalog.get("cars_parquet", "none") == "none"
    assert catalog.exists("cars_parquet") is False
    assert catalog.is_persistent("cars_parquet") is False


def test_the_whole_name_must_match() -> None:
    catalog = DataCatalog.from_config({"raw_{name}": _csv("{name}.csv")})
    assert "raw_cars" in catalog
    assert "xraw_cars" not in catalog
    assert "raw_" not in catalog  # a placeholder needs at least one character


def test_explicit_entries_win_over_patterns() -> None:
    catalog = DataCatalog.from_config(
        {"{name}_csv": _csv("generic/{name}.csv"), "cars_csv": _csv("special/cars.csv")}
    )
    assert catalog.describe("cars_csv")["filepath"] == "special/cars.csv"
    assert catalog.describe("bikes_csv")["filepath"] == "generic/bikes.csv"


def test_more_literal_characters_win() -> None:
    catalog = DataCatalog.from_config(
        {
            "{default}": {"type": "MemoryDataset"},
            "{name}_csv": _csv("generic/{name}.csv"),
            "{name}_raw_csv": _csv("raw/{name}.csv"),
        }
    )
    assert catalog.describe("cars_raw_csv")["filepath"] == "raw/cars.csv"
    assert catalog.describe("cars_csv")["filepath"] == "generic/cars.csv"
    assert catalog.describe("anything")["type"] == "MemoryDataset"
    assert catalog.is_persistent("anything") is False


def test_fewer_placeholders_win_when_literals_tie() -> None:
    catalog = DataCatalog.from_config(
        {
            "{layer}{name}_csv": _csv("two/{layer}-{name}.csv"),
            "{name}_csv": _csv("one/{name}.csv"),
        }
    )
    assert catalog.describe("cars_csv")["filepath"] == "one/cars.csv"


def test_alphabetical_order_breaks_the_last_tie() -> None:
    catalog = DataCatalog.from_config(
        {"{b}_csv": _csv("from_b/{b}.csv"), "{a}_csv": _csv("from_a/{a}.csv")}
    )
    assert catalog.describe("cars_csv")["filepath"] == "from_a/cars.csv"


def test_precedence_rank() -> None:
    patterns = [
        DatasetPattern.parse(key, {"type": "MemoryDataset"})
        for key in ["{x}", "{x}_{y}", "{x}_csv", "{x}_raw_csv", "{a}_csv"]
    ]
    ranked = [p.pattern for p in sorted(patterns, key=lambda p: p.rank)]
    assert ranked == ["{x}_raw_csv", "{a}_csv", "{x}_csv", "{x}_{y}", "{x}"]


def test_placeholders_match_as_few_characters_as_possible() -> None:
    catalog = DataCatalog.from_config({"{layer}.{name}": _csv("{layer}/{name}.csv")})
    assert catalog.describe("raw.cars.v2")["filepath"] == "raw/cars.v2.csv"


def test_a_repeated_placeholder_must_repeat_the_same_text() -> None:
    catalog = DataCatalog.from_config({"{x}_to_{x}": {"type": "MemoryDataset"}})
    assert "a_to_a" in catalog
    assert "a_to_b" not in catalog


def test_braces_that_are_not_placeholders_are_kept() -> None:
    catalog = DataCatalog.from_config(
        {
            "{name}_csv": _csv(
                "{name}.csv",
                load_args={"sep": r"\s{2,}", "float_format": "{x:.2f}", "literal": "{{name}}"},
            )
        }
    )
    assert catalog.describe("a_csv")["load_args"] == {
        "sep": r"\s{2,}",
        "float_format": "{x:.2f}",
        "literal": "{name}",
    }


def test_format_specs_in_the_key_are_refused() -> None:
    with pytest.raises(DatasetTypeError, match=r"pattern '\{name:s\}_csv'.*format specs") as info:
        DataCatalog.from_config({"{name:s}_csv": _csv("{name}.csv")})
    assert info.value.hint is not None
    assert "{name}" in info.value.hint


def test_positional_fields_in_the_key_are_refused() -> None:
    with pytest.raises(DatasetTypeError, match=r"'\{0\}': a placeholder must be a name"):
        DataCatalog.from_config({"{0}_csv": _csv("x.csv")})


def test_format_specs_of_placeholders_in_the_entry_are_refused() -> None:
    with pytest.raises(DatasetTypeError, match=r"uses '\{name!r\}' in its entry"):
        DataCatalog.from_config({"{name}_csv": _csv("{name!r}.csv")})


def test_unknown_placeholder_in_the_entry_is_refused() -> None:
    with pytest.raises(DatasetTypeError) as info:
        DataCatalog.from_config({"{name}_csv": _csv("{folder}/{name}.csv")})
    assert "pattern '{name}_csv' uses {folder}" in info.value.message
    assert "only defines {name}" in info.value.message


def test_pattern_entries_are_checked_up_front() -> None:
    with pytest.raises(DatasetTypeError, match=r"Catalog entry '\{name\}_csv' has no 'type'"):
        DataCatalog.from_config({"{name}_csv": {"filepath": "{name}.csv"}})


def test_build_errors_name_the_dataset_and_the_pattern() -> None:
    catalog = DataCatalog.from_config({"{kind}_data": {"type": "{kind}.Dataset"}})
    with pytest.raises(DatasetTypeError) as info:
        catalog.get("pandaz_data")
    assert "Unknown dataset type 'pandaz.Dataset' in catalog entry 'pandaz_data'" in (
        info.value.message
    )


def test_constructor_errors_name_the_pattern(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"{n}_txt": {"type": "text.TextDataset", "filepath": "{n}.txt", "save_args": {"x": 1}}}
    )
    with pytest.raises(DatasetError, match=r"'a_txt' \(from pattern '\{n\}_txt'\)"):
        catalog.get("a_txt")


def test_credentials_names_can_use_placeholders() -> None:
    creds = {"dev_db": {"user": "d"}, "prod_db": {"user": "p"}}
    catalog = DataCatalog.from_config(
        {
            "{env}_rows": {
                "type": "tests.io.test_catalog.RecordingDataset",
                "table": "{env}_table",
                "credentials": "{env}_db",
            }
        },
        creds,
    )
    assert catalog.get("prod_rows").credentials == {"user": "p"}  # type: ignore[attr-defined]
    with pytest.raises(
        DatasetError, match=r"uses credentials 'test_db'.*available: dev_db, prod_db"
    ):
        catalog.get("test_rows")


def test_is_pattern() -> None:
    assert is_pattern("{name}_csv")
    assert is_pattern("{a}{b}")
    assert not is_pattern("cars_csv")
    assert not is_pattern("{{literal}}")
