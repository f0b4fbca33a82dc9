"""Fixtures of the IPython extension tests: a real in-process IPython shell."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.jupyter.fixtures import iris_template, isolated_jupyter, project

__all__ = ["iris_template", "isolated_jupyter", "project", "shell"]

VARIABLES = ("catalog", "context", "pipelines", "session")


@pytest.fixture
def shell(isolated_jupyter: dict[str, str]) -> Iterator[Any]:
    """IPython's test shell (one per process), cleaned before and after each test.

    The project variables, the remembered project and proj's log handler are removed
    so that tests do not see each other's state; the working folder is restored.
    """
    from IPython.testing.globalipapp import get_ipython

    from proj.ipython.loader import forget

    ip = get_ipython()
    logger = logging.getLogger("proj")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    logger.handlers.clear()  # as in a fresh shell, where the extension installs its own
    cwd = os.getcwd()
    forget()
    for name in (*VARIABLES, "result"):
        ip.user_ns.pop(name, None)
    ip.extension_manager.loaded.discard("proj.ipython")
    ip.extension_manager.loaded.discard("proj")
    yield ip
    forget()
    for name in VARIABLES:
        ip.user_ns.pop(name, None)
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
    os.chdir(cwd)
