"""Log lines shown in a notebook cell carry no secret (issue 10, item 4)."""

from __future__ import annotations

import logging

import pytest

from proj.ipython.output import install_log_handler


def test_cell_log_lines_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    logger = logging.getLogger("proj")
    logger.handlers.clear()  # restored by the autouse fixture of tests/conftest.py
    install_log_handler()
    log = logging.getLogger("proj.io.catalog")
    log.info("Loading %s", "s3://AKIAKEY:wJalrSECRET@bucket/iris.csv")
    log.warning("Retrying with %r", {"password": "hunter2", "rows": 3})
    try:
        raise ConnectionError("postgresql://app:tbSECRET@db/prod refused")
    except ConnectionError:
        log.exception("Cannot connect")
    captured = capsys.readouterr()
    assert "s3://***@bucket/iris.csv" in captured.out
    assert "Warning: Retrying with {'password': ***, 'rows': 3}" in captured.err
    assert "postgresql://***@db/prod refused" in captured.err  # the traceback, redacted
    for secret in ("AKIAKEY", "wJalrSECRET", "hunter2", "tbSECRET"):
        assert secret not in captured.out + captured.err
