"""proj.viz: the pipeline as a graph: snapshot, exporters, static site, local server, and
the notebook output.

Importing it is light (standard library only); the project is loaded when a function
is called.
"""

from __future__ import annotations

from proj.viz.exporters import FORMATS, export
from proj.viz.page import build_site, notebook_html
from proj.viz.server import VizServer
from proj.viz.snapshot import build_snapshot, load_session, restrict

__all__ = [
    "FORMATS",
    "VizServer",
    "build_site",
    "build_snapshot",
    "export",
    "load_session",
    "notebook_html",
    "restrict",
]
