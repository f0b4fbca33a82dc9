"""Completion of the project's own names, read from the cache in ``.proj/``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from proj.cli.completion import complete_from_cache, project_names
from proj.framework import Session
from proj.framework.cache import CACHE_FILE

NODES = sorted(["clean_iris", "split_data", "train_model", "predict", "report_accuracy"])


def warm(project: Path) -> None:
    """Load the registry as a command the user runs would (``proj pipeline list``)."""
    from proj.framework.project import purge_package

    purge_package("iris_demo")
    Session.create(project, record_runs=False).write_completion_cache()


def test_without_a_cache_only_configuration_files_answer(project: Path) -> None:
    """Tab in a fresh clone imports nothing of the project: no node names, but the
    environments and declared datasets that conf/ gives."""
    shutil.rmtree(project / ".proj", ignore_errors=True)  # a fresh clone
    assert project_names("nodes") == []
    assert project_names("pipelines") == []
    assert project_names("envs") == ["local"]
    assert project_names("datasets") == sorted(
        [
            "iris",
            "iris_clean",
            "X_train",
            "X_test",
            "y_train",
            "y_test",
            "model",
            "y_pred",
            "metrics",
        ]
    )
    assert not (project / CACHE_FILE).exists()
    warm(project)
    assert project_names("nodes") == NODES
    assert project_names("pipelines", project / "notebooks") == [
        "__default__",
        "data_processing",
        "data_science",
    ]


def test_names_come_from_the_cache_while_it_is_fresh(project: Path) -> None:
    warm(project)
    cache = project / CACHE_FILE
    payload = json.loads(cache.read_text())
    payload["names"]["tags"] = ["from-the-cache"]
    cache.write_text(json.dumps(payload))
    assert project_names("tags") == ["from-the-cache"]


def test_an_edited_pipeline_shows_up_after_the_next_command(project: Path) -> None:
    warm(project)
    assert "score_twice" not in project_names("nodes")
    pipeline = project / "src" / "iris_demo" / "pipelines" / "data_science" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace('name="predict"', 'name="score_twice"'))
    stat = pipeline.stat()
    os.utime(pipeline, (stat.st_atime, stat.st_mtime + 5))
    assert "predict" in project_names("nodes")  # stale, but no code ran for it
    warm(project)
    assert "score_twice" in project_names("nodes")
    assert "predict" not in project_names("nodes")


def test_nothing_outside_a_project_or_when_it_cannot_load(project: Path, tmp_path: Path) -> None:
    assert project_names("nodes", tmp_path) == []
    registry = project / "src" / "iris_demo" / "pipeline_registry.py"
    registry.write_text("raise RuntimeError('broken on purpose')\n")
    assert project_names("nodes") == []


def test_runs_complete_newest_first_from_the_store(project: Path) -> None:
    assert project_names("runs") == []
    session = Session.create(project)
    session.run(tags="preprocessing")
    session.run(tags="preprocessing")
    assert session.store is not None
    assert project_names("runs") == [run.run_id for run in session.store.list_runs()]


def test_comma_separated_values_complete_their_last_item(project: Path) -> None:
    warm(project)
    complete = complete_from_cache("nodes")
    assert complete(None, "") == NODES
    assert complete(None, "tr") == ["train_model"]
    assert complete(None, "clean_iris,sp") == ["clean_iris,split_data"]
    assert complete(None, "clean_iris,") == [f"clean_iris,{name}" for name in NODES]


def test_custom_conf_source_and_run_store_are_followed(project: Path) -> None:
    """Completion watches the configuration folder and reads the run store that
    settings.py names, without loading settings.py on each keystroke."""
    settings = project / "src" / "iris_demo" / "settings.py"
    settings.write_text(
        settings.read_text() + '\nCONF_SOURCE = "config"\nRUN_STORE_PATH = "var/history.db"\n'
    )
    (project / "conf").rename(project / "config")
    from proj.framework.project import purge_package

    purge_package("iris_demo")
    session = Session.create(project)
    session.run(tags="preprocessing")
    assert session.store is not None
    run_ids = [run.run_id for run in session.store.list_runs()]
    assert len(run_ids) == 1
    assert (project / "var" / "history.db").exists()
    assert not (project / ".proj" / "runs.db").exists()
    assert project_names("runs") == run_ids

    assert "staging" not in project_names("envs")
    (project / "config" / "staging").mkdir()
    stat = (project / "config" / "staging").stat()
    os.utime(project / "config" / "staging", (stat.st_atime, stat.st_mtime + 5))
    purge_package("iris_demo")
    assert "staging" in project_names("envs")
