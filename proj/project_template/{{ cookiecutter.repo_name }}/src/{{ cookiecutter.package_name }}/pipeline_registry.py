"""The pipelines of {{ cookiecutter.project_name }}, by name, for `proj run --pipeline`."""

from __future__ import annotations

from proj.framework import default_pipeline, find_pipelines
from proj.pipeline import Pipeline


def register_pipelines() -> dict[str, Pipeline]:
    """Name the project's pipelines.

    Every subpackage of ``pipelines/`` with a ``pipeline.py`` defining
    ``create_pipeline()`` is registered under its folder name. ``__default__``, what
    a bare ``proj run`` runs, is all of them together, except those whose
    ``pipeline.py`` sets ``JOIN_DEFAULT = False``: pipelines converted from notebooks
    (``proj jupyter convert --to-pipeline``) start that way and run only with
    ``proj run --pipeline NAME`` until you set it to True.

    Returns:
        Pipeline name -> pipeline, including ``"__default__"``.
    """
    pipelines = find_pipelines()
    pipelines["__default__"] = default_pipeline(pipelines)
    return pipelines
