"""Fixtures for every test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_proj_logging() -> Iterator[None]:
    """Put the "proj" logger back as it was after each test.

    In-process commands (Typer's CliRunner) install the CLI's Rich handler, bound to the
    runner's streams, and the IPython extension installs its cell handler; left behind,
    either would decide where a later test's log lines go, so tests would pass or fail
    by the order xdist happens to run them in.
    """
    logger = logging.getLogger("proj")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
