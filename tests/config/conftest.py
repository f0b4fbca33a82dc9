"""Fixtures for the configuration tests: a real conf/ folder in tmp_path."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path


class ConfDir:
    """A ``conf/`` folder with an empty ``base/``; ``write`` adds files under it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "base").mkdir(parents=True)

    def write(self, relpath: str, text: str = "") -> Path:
        """Write ``text`` (dedented) to ``conf/<relpath>`` and return the path."""
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path


@pytest.fixture
def conf(tmp_path: Path) -> ConfDir:
    return ConfDir(tmp_path / "conf")


@pytest.fixture(autouse=True)
def _no_proj_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose the environment themselves; a PROJ_ENV from the shell must not leak."""
    monkeypatch.delenv("PROJ_ENV", raising=False)
