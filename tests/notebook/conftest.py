"""Helpers for building notebooks in tests."""

from __future__ import annotations

from typing import Any

from proj.notebook.reading import Cell


def md(source: str) -> dict[str, Any]:
    """A Markdown cell."""
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code(source: str, *tags: str) -> dict[str, Any]:
    """A code cell with tags."""
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)} if tags else {},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


def notebook(*cells: dict[str, Any] | str, language: str = "python") -> dict[str, Any]:
    """An nbformat 4 notebook; plain strings are untagged code cells."""
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": language}},
        "cells": [code(cell) if isinstance(cell, str) else cell for cell in cells],
    }


def cell(source: str, number: int = 1, *tags: str) -> Cell:
    """A code cell object as conversion sees it."""
    return Cell(number=number, cell_type="code", source=source, tags=tags)
