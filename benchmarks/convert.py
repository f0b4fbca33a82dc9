"""How long `proj jupyter convert` takes on a 1,000-cell notebook (target: <= 1 s).

Builds a synthetic notebook of 1,000 cells (Markdown headings every 10 cells, imports,
helper functions and constants, cells tagged ``node``, and data cells that read,
change in place and rebind values of earlier cells), writes it to a temporary file and
times, best of five runs:

* ``to_module``: reading the file and converting the tagged cells into a module;
* ``to_pipeline``: reading the file and converting it into a pipeline (grouping,
  dataflow, nodes.py, pipeline.py, catalog entries).

Neither includes the import check (a fresh Python process) that the command runs
before writing; the target is for these. For comparison, the script then times the
whole installed command in a fresh iris starter project (best of three, output files
removed before each run so that every run writes and import-checks them):

* ``proj jupyter convert``: start-up, conversion, import check, atomic writes;
* ``proj jupyter convert --to-pipeline``: the same plus the catalog update; its import
  check also builds the project's other pipelines (to warn about clashes), so it pays
  for importing whatever they import (pandas, for the iris starter).

Run: ``python benchmarks/convert.py [CELLS]``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def build(cells: int) -> dict[str, object]:
    """A notebook of ``cells`` cells exercising every part of the conversion."""
    out: list[dict[str, object]] = []
    for number in range(cells):
        kind = number % 10
        if kind == 0:
            out.append({"cell_type": "markdown", "metadata": {}, "source": f"## Step {number}"})
            continue
        tags: list[str] = []
        if kind == 1:
            source = f"import math\nfrom collections import Counter\nLIMIT_{number} = {number}"
        elif kind == 2:
            source = (
                f"def helper_{number}(values):\n"
                f'    """Scale values by LIMIT_{number - 1}."""\n'
                f"    return [math.sqrt(v) * LIMIT_{number - 1} for v in values]"
            )
        elif kind == 3:
            tags = ["node"]
            source = (
                f"def node_{number}(values):\n"
                f"    counts = Counter(values)\n"
                f"    return helper_{number - 1}(sorted(counts))"
            )
        elif kind == 4:
            source = f"data_{number} = list(range({number % 97 + 3}))\n%time len(data_{number})"
        elif kind == 5:
            source = f"data_{number - 1}.append({number})\ntotal = sum(data_{number - 1})"
        elif kind == 6:
            source = (
                f"total += len(data_{number - 2})\n"
                f"result_{number} = node_{number - 3}(data_{number - 2})"
            )
        elif kind == 7:
            source = (
                f'frame_{number} = {{"n": len(result_{number - 1}), "total": total}}\n'
                f"frame_{number}"
            )
        elif kind == 8:
            source = f'frame_{number - 1}["extra"] = total * 2\nprint(frame_{number - 1})'
        else:
            source = f'summary_{number} = f"{{total}} after step {number}"'
        out.append(
            {
                "cell_type": "code",
                "metadata": {"tags": tags},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
        )
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": out,
    }


def best_of(runs: int, action: object) -> float:
    """The fastest of ``runs`` calls, in seconds."""
    assert callable(action)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    from proj.notebook import to_module, to_pipeline

    cells = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.ipynb"
        path.write_text(json.dumps(build(cells)), encoding="utf-8")
        module = to_module(path)
        result = to_pipeline(path, "big", parquet=False)
        module_time = best_of(5, lambda: to_module(path))
        pipeline_time = best_of(5, lambda: to_pipeline(path, "big", parquet=False))
    print(f"notebook: {cells} cells")
    print(f"to_module:   {module_time * 1000:8.1f} ms  ({len(module.splitlines())} lines)")
    print(
        f"to_pipeline: {pipeline_time * 1000:8.1f} ms  ({len(result.node_names)} nodes, "
        f"{len(result.nodes_source.splitlines())} lines of nodes.py)"
    )
    worst = max(module_time, pipeline_time)
    print(f"target <= 1000 ms: {'met' if worst <= 1.0 else 'MISSED'} ({worst * 1000:.1f} ms)")
    command_module, command_pipeline = time_command(cells)
    print("whole command, with the import check (best of 3):")
    print(f"proj jupyter convert:               {command_module * 1000:8.1f} ms")
    print(f"proj jupyter convert --to-pipeline: {command_pipeline * 1000:8.1f} ms")


def time_command(cells: int) -> tuple[float, float]:
    """Best-of-three wall times of the installed command (module, pipeline), in seconds."""
    from proj.framework.scaffold import create_project

    proj_command = shutil.which("proj") or str(Path(sys.executable).with_name("proj"))
    with tempfile.TemporaryDirectory() as folder:
        root = create_project("Bench", output_dir=Path(folder), starter="iris")
        (root / "notebooks" / "big.ipynb").write_text(json.dumps(build(cells)), "utf-8")
        catalog = root / "conf" / "base" / "catalog.yml"
        original = catalog.read_text(encoding="utf-8")
        package = root / "src" / "bench"

        def run(*extra: str) -> None:
            shutil.rmtree(package / "nodes", ignore_errors=True)
            shutil.rmtree(package / "pipelines" / "big", ignore_errors=True)
            catalog.write_text(original, encoding="utf-8")
            done = subprocess.run(
                [proj_command, "jupyter", "convert", "notebooks/big.ipynb", *extra],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"proj jupyter convert failed:\n{done.stderr}")

        return best_of(3, run), best_of(3, lambda: run("--to-pipeline", "big"))


if __name__ == "__main__":
    main()
