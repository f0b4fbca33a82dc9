"""``proj --version``, ``proj --help`` and completion import neither the core nor heavy
libraries (STYLE.md 5): checked in a fresh interpreter through ``sys.modules``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: Packages none of these paths may import (the core of proj, and heavy libraries).
FORBIDDEN = (
    "proj.pipeline",
    "proj.io",
    "proj.runner",
    "proj.config",
    "pandas",
    "numpy",
    "IPython",
    "nbformat",
    "jupyter_client",
    "cookiecutter",
    "omegaconf",
    "yaml",
)

PROBE = """
import json, sys
from proj.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.write("\\n" + json.dumps(sorted(sys.modules)))
"""


def loaded_modules(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> list[str]:
    """Run ``proj ARGS`` through its entry point in a fresh interpreter; the modules it
    imported, and its output before them."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output, _, modules = done.stdout.rpartition("\n")
    loaded: list[str] = json.loads(modules)
    return [output, *loaded]


def forbidden(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"]])
def test_version_and_help_import_nothing_heavy(args: list[str], tmp_path: Path) -> None:
    output, *modules = loaded_modules(args, tmp_path)
    assert "proj" in output
    assert forbidden(modules) == []
    assert "rich" not in modules
    assert not any(m.startswith("proj.cli.") and m != "proj.cli.main" for m in modules)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("proj run --from-nodes ", ["clean_iris", "predict", "report_accuracy", "split_data"]),
        ("proj run --tags pre", ["preprocessing"]),
        ("proj ru", ["run", "runs"]),
    ],
)
def test_completion_imports_nothing_heavy(project: Path, words: str, expected: list[str]) -> None:
    from proj.framework import Session

    Session.create(project, record_runs=False).write_completion_cache()
    env = {
        "_PROJ_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    output, *modules = loaded_modules([], project, env)
    assert all(name in output.split() for name in expected)
    assert forbidden(modules) == []
    assert "iris_demo" not in modules  # the project's code is not imported
