"""The framework: projects on disk, settings, the pipeline registry, context, session and
the run store. Importing it is light; each piece loads what it needs when used."""

from __future__ import annotations

from proj.framework.context import Context
from proj.framework.project import ProjectMetadata, bootstrap_project, find_project
from proj.framework.registry import default_pipeline, find_pipelines
from proj.framework.session import RunRequest, Session

__all__ = [
    "Context",
    "ProjectMetadata",
    "RunRequest",
    "Session",
    "bootstrap_project",
    "default_pipeline",
    "find_pipelines",
    "find_project",
]
