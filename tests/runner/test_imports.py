"""``import proj.runner`` stays light (issue #3): no pandas, omegaconf, rich or IPython."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["proj.runner", "proj.pipeline", "proj.hooks"])
def test_core_imports_load_no_heavy_library(module: str) -> None:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert {"pandas", "omegaconf", "rich", "IPython", "numpy", "yaml"} & loaded == set()
