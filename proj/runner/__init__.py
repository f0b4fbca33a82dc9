"""Runners: one scheduling core and the ways nodes execute (inline, threads, processes).

``import proj.runner`` stays light: it imports neither pandas, omegaconf, rich nor
IPython.
"""

from __future__ import annotations

from proj.runner.core import AbstractRunner
from proj.runner.loader import RUNNER_ALIASES, create_runner
from proj.runner.parallel import ParallelRunner
from proj.runner.sequential import SequentialRunner
from proj.runner.thread import ThreadRunner

__all__ = [
    "RUNNER_ALIASES",
    "AbstractRunner",
    "ParallelRunner",
    "SequentialRunner",
    "ThreadRunner",
    "create_runner",
]
