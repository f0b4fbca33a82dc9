"""The completion cache: written when the registry loads, stale when sources change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from proj.framework import Session
from proj.framework.cache import CACHE_FILE, fingerprint, read_cache, write_cache
from proj.framework.scaffold import create_project


def touch_later(path: Path) -> None:
    """Move a file's modification time one minute ahead (an edit, without waiting)."""
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 60))


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    src, conf = tmp_path / "src", tmp_path / "conf"
    (src / "pkg").mkdir(parents=True)
    (conf / "base").mkdir(parents=True)
    (src / "pkg" / "pipeline.py").write_text("x = 1\n")
    (conf / "base" / "catalog.yml").write_text("a: {}\n")
    return src, conf


def test_round_trip_and_staleness(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    src, conf = folders
    names = {"nodes": ["a", "b"], "tags": ["t"]}
    write_cache(tmp_path, names, src, conf)
    assert json.loads((tmp_path / CACHE_FILE).read_text())["names"] == names
    assert read_cache(tmp_path, src, conf) == names

    touch_later(src / "pkg" / "pipeline.py")
    assert read_cache(tmp_path, src, conf) is None
    write_cache(tmp_path, names, src, conf)
    touch_later(conf / "base" / "catalog.yml")
    assert read_cache(tmp_path, src, conf) is None


def test_a_new_file_makes_the_cache_stale(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    src, conf = folders
    write_cache(tmp_path, {"envs": []}, src, conf)
    (conf / "staging").mkdir()
    touch_later(conf / "staging")
    assert read_cache(tmp_path, src, conf) is None


def test_bytecode_and_hidden_folders_do_not_count(
    tmp_path: Path, folders: tuple[Path, Path]
) -> None:
    src, _ = folders
    before = fingerprint(src)
    cache = src / "pkg" / "__pycache__"
    cache.mkdir()
    (cache / "pipeline.cpython-311.pyc").write_bytes(b"")
    touch_later(cache)
    touch_later(cache / "pipeline.cpython-311.pyc")
    hidden = src / ".ipynb_checkpoints"
    hidden.mkdir()
    touch_later(hidden)
    os.utime(src / "pkg", (0, before))
    os.utime(src, (0, before))
    assert fingerprint(src) == before


def test_missing_or_corrupt_cache_reads_as_none(tmp_path: Path, folders: tuple[Path, Path]) -> None:
    src, conf = folders
    assert read_cache(tmp_path, src, conf) is None
    (tmp_path / CACHE_FILE).parent.mkdir()
    (tmp_path / CACHE_FILE).write_text("{not json")
    assert read_cache(tmp_path, src, conf) is None
    (tmp_path / CACHE_FILE).write_text(json.dumps({"fingerprint": fingerprint(src, conf)}))
    assert read_cache(tmp_path, src, conf) is None


def test_the_cache_holds_every_kind_of_name_and_only_when_asked(tmp_path: Path) -> None:
    project = create_project("Iris Demo", output_dir=tmp_path, starter="iris")
    (project / "conf" / "staging").mkdir()
    session = Session.create(project, record_runs=False)
    assert not (project / CACHE_FILE).exists()
    session.pipelines  # noqa: B018 - reading the pipelines has no side effect
    assert not (project / CACHE_FILE).exists()
    session.write_completion_cache()
    names = read_cache(project, session.metadata.source_dir, project / "conf")
    assert names is not None
    assert names["pipelines"] == ["__default__", "data_processing", "data_science"]
    assert names["nodes"] == sorted(
        ["clean_iris", "split_data", "train_model", "predict", "report_accuracy"]
    )
    assert names["tags"] == ["evaluation", "preprocessing", "training"]
    assert names["envs"] == ["local", "staging"]
    assert "metrics" in names["datasets"] and "params:model_options" in names["datasets"]
    assert names["namespaces"] == []
