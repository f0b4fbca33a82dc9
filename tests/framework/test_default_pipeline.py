"""``default_pipeline``: what a bare ``proj run`` runs, and what stays out of it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from proj.framework import default_pipeline, find_pipelines

if TYPE_CHECKING:
    from pathlib import Path

PIPELINE = """
from proj.pipeline import Pipeline, node
{marker}

def create_pipeline(**kwargs):
    return Pipeline([node(len, "{name}_in", "{name}_out", name="{name}")])
"""


def test_pipelines_that_set_join_default_false_stay_out(tmp_path: Path) -> None:
    package = tmp_path / "default_demo_pkg"
    for name, marker in (
        ("kept", ""),
        ("converted", "JOIN_DEFAULT = False"),
        ("on", "JOIN_DEFAULT = True"),
    ):
        folder = package / "pipelines" / name
        folder.mkdir(parents=True)
        (folder / "__init__.py").write_text("", encoding="utf-8")
        (folder / "pipeline.py").write_text(PIPELINE.format(name=name, marker=marker), "utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "pipelines" / "__init__.py").write_text("", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        pipelines = find_pipelines("default_demo_pkg")
        default = default_pipeline(pipelines, "default_demo_pkg")
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("default_demo_pkg")]:
            del sys.modules[module]
    assert sorted(pipelines) == ["converted", "kept", "on"]
    assert sorted(n.name for n in default.nodes) == ["kept", "on"]
