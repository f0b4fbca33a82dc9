"""Tests for proj/io/versioning.py and versioned file datasets in a catalog."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import pytest

from proj.exceptions import DatasetError, DatasetTypeError, VersionNotFoundError
from proj.io import DataCatalog, JSONDataset, Version
from proj.io.versioning import (
    TIMESTAMP_PATTERN,
    generate_timestamp,
    validate_version,
    versioned_path,
)

if TYPE_CHECKING:
    from pathlib import Path

V1 = "2024-01-01T00.00.00.000Z"
V2 = "2024-06-30T12.30.45.678Z"


def _catalog(tmp_path: Path, **kwargs: Any) -> DataCatalog:
    config = {
        "metrics": {
            "type": "json.JSONDataset",
            "filepath": str(tmp_path / "metrics.json"),
            "versioned": True,
        },
        "plain": {"type": "json.JSONDataset", "filepath": str(tmp_path / "plain.json")},
        "{name}_report": {
            "type": "text.TextDataset",
            "filepath": str(tmp_path / "{name}.txt"),
            "versioned": True,
        },
    }
    return DataCatalog.from_config(config, **kwargs)


# ---------------------------------------------------------------- version strings


def test_timestamp_format_is_utc_with_milliseconds() -> None:
    moment = datetime(2024, 5, 1, 9, 30, 0, 123456, tzinfo=timezone.utc)
    assert generate_timestamp(moment) == "2024-05-01T09.30.00.123Z"
    assert TIMESTAMP_PATTERN.fullmatch(generate_timestamp())


def test_timestamp_converts_other_zones_and_naive_times_to_utc() -> None:
    paris = timezone(timedelta(hours=2))
    assert generate_timestamp(datetime(2024, 5, 1, 11, 0, tzinfo=paris)).startswith(
        "2024-05-01T09.00.00"
    )
    assert generate_timestamp(datetime(2024, 5, 1, 11, 0)) == "2024-05-01T11.00.00.000Z"


def test_timestamps_sort_as_text_in_time_order() -> None:
    start = datetime(2023, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    moments = [start + timedelta(milliseconds=step * 7919) for step in range(200)]
    stamps = [generate_timestamp(moment) for moment in moments]
    assert sorted(stamps) == stamps


def test_versioned_path_layout() -> None:
    assert (
        versioned_path("data/06_models/model.pkl", V1) == f"data/06_models/model.pkl/{V1}/model.pkl"
    )
    assert versioned_path("s3://b/x.csv/", V1) == f"s3://b/x.csv/{V1}/x.csv"


@pytest.mark.parametrize("bad", ["", "../up", "a/b", ".hidden", 20240101])
def test_invalid_versions_are_refused(bad: object) -> None:
    with pytest.raises(DatasetError, match="Invalid save_version"):
        validate_version(bad, what="save_version")


def test_custom_version_names_are_allowed() -> None:
    assert validate_version("v1.2_rc-1", what="save_version") == "v1.2_rc-1"


# ---------------------------------------------------------------- versioned datasets


def test_two_runs_save_two_versions_and_load_takes_the_latest(tmp_path: Path) -> None:
    _catalog(tmp_path, save_version=V1).save("metrics", {"run": 1})
    _catalog(tmp_path, save_version=V2).save("metrics", {"run": 2})
    assert sorted(os.listdir(tmp_path / "metrics.json")) == [V1, V2]
    assert (tmp_path / "metrics.json" / V1 / "metrics.json").is_file()
    assert _catalog(tmp_path).load("metrics") == {"run": 2}


def test_load_versions_pins_an_older_version(tmp_path: Path) -> None:
    _catalog(tmp_path, save_version=V1).save("metrics", {"run": 1})
    _catalog(tmp_path, save_version=V2).save("metrics", {"run": 2})
    pinned = _catalog(tmp_path, load_versions={"metrics": V1})
    assert pinned.load("metrics") == {"run": 1}
    assert pinned.describe("metrics")["version"]["load"] == V1


def test_saving_an_existing_version_is_refused(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path, save_version=V1)
    catalog.save("metrics", {"run": 1})
    with pytest.raises(DatasetError, match=f"(?i)version '{V1}' .* already exists") as info:
        _catalog(tmp_path, save_version=V1).save("metrics", {"run": "again"})
    assert "Dataset 'metrics'" in info.value.message
    assert _catalog(tmp_path).load("metrics") == {"run": 1}


def test_missing_pinned_version_names_the_path_and_available_versions(tmp_path: Path) -> None:
    _catalog(tmp_path, save_version=V1).save("metrics", {"run": 1})
    catalog = _catalog(tmp_path, load_versions={"metrics": V2})
    with pytest.raises(VersionNotFoundError, match=f"Dataset 'metrics': version '{V2}'"):
        catalog.exists("metrics")  # pinned and missing: an error, not "no data yet"
    with pytest.raises(VersionNotFoundError) as info:
        catalog.load("metrics")
    message = info.value.message
    assert "Dataset 'metrics'" in message
    assert f"version '{V2}' of json.JSONDataset" in message
    assert str(tmp_path / "metrics.json" / V2 / "metrics.json") in message
    assert info.value.hint is not None
    assert V1 in info.value.hint


def test_switching_to_versioned_over_a_plain_file_says_how_to_fix_it(tmp_path: Path) -> None:
    _catalog(tmp_path).save("plain", {"old": True})
    before = (tmp_path / "plain.json").read_bytes()
    config = {"plain": {"type": "json.JSONDataset", "filepath": str(tmp_path / "plain.json")}}
    config["plain"]["versioned"] = True
    catalog = DataCatalog.from_config(config)
    for action in (lambda: catalog.save("plain", {"new": 1}), lambda: catalog.load("plain")):
        with pytest.raises(DatasetError) as info:
            action()
        assert "Dataset 'plain'" in info.value.message
        assert "declared `versioned: true`, but that path is a plain file" in info.value.message
        assert info.value.hint is not None
        assert "Keep the file as the first version: `mv " in info.value.hint
        assert "remove `versioned: true`" in info.value.hint
    assert (tmp_path / "plain.json").read_bytes() == before  # never touched


def test_no_version_yet_is_a_version_not_found_error(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    assert catalog.exists("metrics") is False
    with pytest.raises(VersionNotFoundError, match=r"no version of json.JSONDataset"):
        catalog.load("metrics")


def test_all_saves_of_one_catalog_share_one_generated_version(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    catalog.save("metrics", {"a": 1})
    catalog.save("daily_report", "text")
    (metrics_version,) = os.listdir(tmp_path / "metrics.json")
    (report_version,) = os.listdir(tmp_path / "daily.txt")
    assert metrics_version == report_version
    assert TIMESTAMP_PATTERN.fullmatch(metrics_version)


def test_factory_matched_datasets_are_versioned_and_pinnable(tmp_path: Path) -> None:
    _catalog(tmp_path, save_version=V1).save("daily_report", "first")
    _catalog(tmp_path, save_version=V2).save("daily_report", "second")
    assert _catalog(tmp_path).load("daily_report") == "second"
    assert _catalog(tmp_path, load_versions={"daily_report": V1}).load("daily_report") == "first"


def test_versions_without_the_file_are_skipped(tmp_path: Path) -> None:
    _catalog(tmp_path, save_version=V1).save("metrics", {"run": 1})
    (tmp_path / "metrics.json" / V2).mkdir()  # e.g. a save that failed part-way
    assert _catalog(tmp_path).load("metrics") == {"run": 1}


def test_load_versions_for_a_dataset_that_is_not_versioned(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="'plain', which is not versioned") as info:
        _catalog(tmp_path, load_versions={"plain": V1})
    assert info.value.hint is not None
    assert "versioned: true" in info.value.hint


def test_load_versions_for_an_unknown_dataset(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"'metrix', which is not in the catalog.*'metrics'"):
        _catalog(tmp_path, load_versions={"metrix": V1})


def test_invalid_save_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="Invalid save_version 'a/b'"):
        _catalog(tmp_path, save_version="a/b")


def test_memory_datasets_cannot_be_versioned() -> None:
    with pytest.raises(DatasetTypeError, match="MemoryDataset does not support versioning"):
        DataCatalog.from_config({"m": {"type": "MemoryDataset", "versioned": True}})


def test_versioned_must_be_a_boolean(tmp_path: Path) -> None:
    config = {"m": {"type": "json.JSONDataset", "filepath": "x.json", "versioned": "yes"}}
    with pytest.raises(DatasetTypeError, match="'m' has versioned: 'yes'"):
        DataCatalog.from_config(config)


def test_version_key_is_reserved() -> None:
    config = {"m": {"type": "json.JSONDataset", "filepath": "x.json", "version": V1}}
    with pytest.raises(DatasetTypeError, match="sets 'version'") as info:
        DataCatalog.from_config(config)
    assert info.value.hint is not None
    assert "load_versions" in info.value.hint


def test_dataset_built_directly_generates_a_version_per_save(tmp_path: Path) -> None:
    dataset = JSONDataset(str(tmp_path / "x.json"), version=Version(None, None))
    dataset.save([1])
    (version,) = os.listdir(tmp_path / "x.json")
    assert TIMESTAMP_PATTERN.fullmatch(version)
    assert dataset.load() == [1]
