"""Notebook conversion: tagged cells into a module, whole notebooks into pipelines.

* :func:`to_module` / :func:`convert_module`: the cells tagged ``node`` and what their
  functions use (:mod:`proj.notebook.module`).
* :func:`to_pipeline`: a whole notebook as a modular pipeline with inferred inputs and
  outputs (:mod:`proj.notebook.topipeline`, :mod:`proj.notebook.grouping`,
  :mod:`proj.notebook.dataflow`).
* :func:`convert_notebooks` / :func:`convert_to_pipeline`: the same, written into a
  project safely (:mod:`proj.notebook.convert`, :mod:`proj.notebook.writing`).
* :func:`read_notebook`: nbformat v4 JSON (older versions upgraded) into cells.

Importing this package loads only the standard library.
"""

from __future__ import annotations

from proj.notebook.convert import ConversionReport, convert_notebooks, convert_to_pipeline
from proj.notebook.module import ModuleResult, convert_module, to_module
from proj.notebook.reading import Cell, Notebook, read_notebook
from proj.notebook.topipeline import PipelineResult, to_pipeline

__all__ = [
    "Cell",
    "ConversionReport",
    "ModuleResult",
    "Notebook",
    "PipelineResult",
    "convert_module",
    "convert_notebooks",
    "convert_to_pipeline",
    "read_notebook",
    "to_module",
    "to_pipeline",
]
