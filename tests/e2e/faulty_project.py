"""A small hand-written project for fault tests: a dataset whose save can be held open.

Pipeline ``__default__``: ``numbers`` (text, one integer per line) -> ``add_up`` ->
``total`` (a :class:`GatedTextDataset`) -> ``report`` -> ``report`` (text). The gated
dataset writes half its data into the temporary file of proj's atomic save, then, when
the file ``$FAULT_GATE/block`` exists, creates ``$FAULT_GATE/saving`` and waits until
``$FAULT_GATE/release`` exists: a test can interrupt a run in the middle of a save and
know it is there.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

DATASETS = '''
import os
import time
from pathlib import Path

from proj.io.datasets.text import TextDataset


class GatedTextDataset(TextDataset):
    """Text whose save can be held open half-way by the test's gate files."""

    def _write(self, file, data):
        encoded = data.encode()
        file.write(encoded[: len(encoded) // 2])
        file.flush()
        gate = Path(os.environ.get("FAULT_GATE", "/nonexistent"))
        if (gate / "block").exists():
            (gate / "saving").touch()
            while not (gate / "release").exists():
                time.sleep(0.02)
        file.write(encoded[len(encoded) // 2 :])
'''

NODES = """
def add_up(numbers: str) -> str:
    return str(sum(int(line) for line in numbers.split()))


def report(total: str) -> str:
    return f"total={total}"
"""

REGISTRY = """
from proj.pipeline import node, pipeline

from faulty.nodes import add_up, report


def register_pipelines():
    return {
        "__default__": pipeline(
            [
                node(add_up, "numbers", "total", name="add_up"),
                node(report, "total", "report", name="report"),
            ]
        )
    }
"""

CATALOG = """
numbers:
  type: text.TextDataset
  filepath: data/numbers.txt
total:
  type: faulty.datasets.GatedTextDataset
  filepath: data/total.txt
report:
  type: text.TextDataset
  filepath: data/report.txt
"""


def write_faulty_project(root: Path, numbers: str = "1\n2\n") -> Path:
    """Write the project into ``root`` (created) and return it."""
    package = root / "src" / "faulty"
    package.mkdir(parents=True)
    (root / "conf" / "base").mkdir(parents=True)
    (root / "conf" / "local").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.proj]\npackage_name = "faulty"\nproject_name = "Faulty"\n'
    )
    (package / "__init__.py").write_text("")
    (package / "datasets.py").write_text(textwrap.dedent(DATASETS))
    (package / "nodes.py").write_text(textwrap.dedent(NODES))
    (package / "pipeline_registry.py").write_text(textwrap.dedent(REGISTRY))
    (root / "conf" / "base" / "catalog.yml").write_text(CATALOG)
    (root / "conf" / "base" / "parameters.yml").write_text("{}\n")
    (root / "data" / "numbers.txt").write_text(numbers)
    return root
