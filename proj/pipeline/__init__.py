"""Nodes and pipelines: node(), Node, Pipeline and pipeline() for modular pipelines.

Importing this package is cheap: it uses the standard library only (no pandas,
omegaconf, rich, IPython, yaml or numpy), so the runner and the CLI can load it fast.
"""

from __future__ import annotations

from proj.pipeline._names import namespace_prefixes
from proj.pipeline.modular import pipeline
from proj.pipeline.node import Node, node
from proj.pipeline.pipeline import Pipeline

__all__ = ["Node", "Pipeline", "namespace_prefixes", "node", "pipeline"]
