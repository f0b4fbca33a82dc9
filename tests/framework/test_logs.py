"""proj/framework/logs.py: the project's own log lines and its logging.yml."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from proj.exceptions import ProjectError
from proj.framework.logs import LOGGING_ENV_VAR, configure_project_logging


@pytest.fixture
def package_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger("some_project_pkg")
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


def test_package_loggers_share_the_front_ends_handler(
    tmp_path: Path, package_logger: logging.Logger
) -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    ours = logging.getLogger("proj")
    handler = Collect()
    ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    assert configure_project_logging("some_project_pkg", tmp_path) is None
    logging.getLogger("some_project_pkg.pipelines.x.nodes").info("R^2 of %.3f", 0.387)
    logging.getLogger("some_project_pkg.pipelines.x.nodes").debug("not shown")
    assert records == ["R^2 of 0.387"]


def test_logging_yml_or_the_environment_variable_configures_logging(
    tmp_path: Path, package_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_file = tmp_path / "project.log"
    (tmp_path / "logging.yml").write_text(
        "version: 1\n"
        "handlers:\n"
        "  file:\n"
        "    class: logging.FileHandler\n"
        f"    filename: {log_file}\n"
        "loggers:\n"
        "  some_project_pkg:\n"
        "    level: INFO\n"
        "    handlers: [file]\n"
    )
    assert configure_project_logging("some_project_pkg", tmp_path) == tmp_path / "logging.yml"
    logging.getLogger("some_project_pkg.nodes").info("from the node")
    for handler in package_logger.handlers:
        handler.flush()
    assert "from the node" in log_file.read_text()
    assert not logging.getLogger("proj").disabled  # disable_existing_loggers defaults off

    monkeypatch.setenv(LOGGING_ENV_VAR, str(tmp_path / "missing.yml"))
    with pytest.raises(ProjectError, match="does not name a file"):
        configure_project_logging("some_project_pkg", tmp_path)
    (tmp_path / "bad.yml").write_text("version: 1\nhandlers: {h: {class: nowhere.Handler}}\n")
    monkeypatch.setenv(LOGGING_ENV_VAR, str(tmp_path / "bad.yml"))
    with pytest.raises(ProjectError, match=r"bad\.yml is invalid"):
        configure_project_logging("some_project_pkg", tmp_path)
