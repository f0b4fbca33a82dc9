"""SequentialRunner: one node at a time, in the pipeline's topological order."""

from __future__ import annotations

from proj.runner.core import AbstractRunner


class SequentialRunner(AbstractRunner):
    """Runs nodes one after another in the calling thread.

    The order is the pipeline's deterministic topological order as nodes become ready,
    so two runs of the same pipeline execute nodes in the same order.

    Args:
        is_async: Load a node's inputs and save its outputs concurrently.
    """
