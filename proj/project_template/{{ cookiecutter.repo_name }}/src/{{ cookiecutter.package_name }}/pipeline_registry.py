"""The pipelines of {{ cookiecutter.project_name }}, by name, for `proj run --pipeline`."""

from __future__ import annotations

from proj.framework import find_pipelines
from proj.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    """Name the project's pipelines.

    Every subpackage of ``pipelines/`` with a ``pipeline.py`` defining
    ``create_pipeline()`` is registered under its folder name. ``__default__``, what
    a bare ``proj run`` runs, is all of them together.

    Returns:
        Pipeline name -> pipeline, including ``"__default__"``.
    """
    pipelines = find_pipelines()
    pipelines["__default__"] = sum(pipelines.values(), Pipeline([]))
    return pipelines
