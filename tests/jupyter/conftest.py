"""Fixtures of the Jupyter tests: see tests/jupyter/fixtures.py."""

from __future__ import annotations

from tests.jupyter.fixtures import iris_template, isolated_jupyter, project

__all__ = ["iris_template", "isolated_jupyter", "project"]
