"""Kept intermediates: formats, atomic files, the size cap, pruning."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from proj.exceptions import RunStoreError
from proj.framework.intermediates import Intermediates, KeepIntermediatesHooks, load_kept
from proj.io import DataCatalog
from proj.io.datasets.pickle import PickleDataset


def test_dataframes_go_to_parquet_and_the_rest_to_pickle(tmp_path: Path) -> None:
    kept = Intermediates(tmp_path)
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}, index=[10, 20])
    kept.save("run1", "frame", frame)
    kept.save("run1", "a/b:c", {"nested": [1, 2]})
    files = sorted(p.name for p in (tmp_path / "run1").iterdir())
    assert files == ["a%2Fb%3Ac.pkl", "frame.parquet"]
    pd.testing.assert_frame_equal(kept.load("run1", "frame"), frame)
    assert kept.load("run1", "a/b:c") == {"nested": [1, 2]}
    assert set(kept.kept("run1")) == {"frame", "a/b:c"}


def test_a_frame_parquet_cannot_hold_is_pickled(tmp_path: Path) -> None:
    kept = Intermediates(tmp_path)
    odd = pd.DataFrame({"a": [None, None]}, dtype=object)
    odd["a"] = [{1, 2}, {3}]  # Parquet would give these sets back as arrays
    kept.save("run1", "odd", odd)
    assert [p.suffix for p in (tmp_path / "run1").iterdir()] == [".pkl"]
    assert kept.load("run1", "odd")["a"].tolist() == [{1, 2}, {3}]


def test_unpicklable_data_leaves_no_file(tmp_path: Path) -> None:
    kept = Intermediates(tmp_path)
    with pytest.raises(TypeError):
        kept.save("run1", "lock", threading.Lock())
    assert list((tmp_path / "run1").iterdir()) == []


def test_missing_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RunStoreError, match="kept no data for 'x'"):
        Intermediates(tmp_path).load("run1", "x")
    assert load_kept(Intermediates(tmp_path), ["run1"], ["x"]) == {}


def test_hooks_keep_memory_data_only_and_respect_the_cap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = Intermediates(tmp_path / "runs", max_bytes=1)
    hooks = KeepIntermediatesHooks(kept)
    catalog = DataCatalog({"saved": PickleDataset(str(tmp_path / "saved.pkl"))})
    hooks.before_pipeline_run({"run_id": "r1", "keep_intermediates": True}, catalog)
    hooks.after_dataset_saved("saved", [1])
    hooks.after_dataset_saved("params:x", 1)
    hooks.after_dataset_saved("first", list(range(10)))
    hooks.after_dataset_saved("second", list(range(10)))  # over the 1-byte cap now
    with caplog.at_level(logging.WARNING, logger="proj"):
        hooks.after_pipeline_run()
    assert set(kept.kept("r1")) == {"first"}
    assert "second" in caplog.text

    hooks.before_pipeline_run({"run_id": "r2"}, catalog)  # not asked to keep
    hooks.after_dataset_saved("first", [1])
    assert kept.kept("r2") == {}


def test_prune_by_count_and_age(tmp_path: Path) -> None:
    kept = Intermediates(tmp_path)
    for index, run in enumerate(["old", "mid", "new"]):
        kept.save(run, "x", index)
        stamp = time.time() - (2 - index) * 10 * 86_400
        os.utime(tmp_path / run, (stamp, stamp))
    assert kept.runs() == ["old", "mid", "new"]
    assert kept.prune(older_than_days=15) == ["old"]
    assert kept.prune(keep=1) == ["mid"]
    assert kept.runs() == ["new"]
    assert kept.prune() == ["new"]
