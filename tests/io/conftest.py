"""Shared fixtures for the io tests: a real fsspec filesystem that needs a token."""

from __future__ import annotations

import secrets
from typing import Any

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem

TOKEN = "t0k3n-" + "9" * 8


class TokenFileSystem(MemoryFileSystem):  # type: ignore[misc]
    """An in-memory filesystem that, like a cloud store, refuses to open without a token."""

    protocol = "tokenfs"

    def __init__(self, *args: Any, token: str | None = None, **kwargs: Any) -> None:
        if token != TOKEN:
            raise PermissionError("access denied: missing or wrong token")
        super().__init__(*args, **kwargs)


@pytest.fixture
def token_fs_root() -> str:
    """Register ``tokenfs://`` and return a fresh root folder URL on it."""
    fsspec.register_implementation("tokenfs", TokenFileSystem, clobber=True)
    return f"tokenfs://root-{secrets.token_hex(4)}"
