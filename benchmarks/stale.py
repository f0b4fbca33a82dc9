"""Cost of node fingerprints and of ``--only-stale`` planning on a 10,000-node chain.

    python benchmarks/stale.py [--size 10000] [--runs 3]

Prints (median of several runs):

* the chain run with a hook manager and no fingerprinting, then with the fingerprint
  hooks (fingerprints taken per node and written to a real SQLite run store at the end),
  run in turn so that the store's growth weighs on both, and the overhead between the
  two (target: at most 10%);
* ``plan_stale`` on the chain with nothing to do (every node up to date), reading the
  previous fingerprints from the run store: the time ``--only-stale`` adds before a run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling_pipeline import chain_nodes

from proj.framework.recording import FingerprintHooks, RunStoreHooks
from proj.framework.staleness import plan_stale
from proj.framework.store import RunStore
from proj.hooks import create_hook_manager
from proj.io import DataCatalog
from proj.pipeline import Pipeline
from proj.runner import SequentialRunner


def _catalog() -> DataCatalog:
    catalog = DataCatalog()
    catalog.add_feed_dict({"d0": 0})
    return catalog


def _alternate(
    pipe: Pipeline, without: list[Any], with_: list[Any], runs: int
) -> tuple[float, float]:
    """Median seconds of runs without and with the fingerprint hooks, taken in turn, so
    that a run store growing run by run (and a busy machine) weighs on both alike."""
    first: list[float] = []
    second: list[float] = []
    for _ in range(runs):
        first.append(_time_run(pipe, without, 1))
        second.append(_time_run(pipe, with_, 1))
    return statistics.median(first), statistics.median(second)


def _time_run(pipe: Pipeline, plugins: list[Any], runs: int) -> float:
    """Median seconds of a run as a session makes it: pipeline hooks around the runner."""
    times = []
    for _ in range(runs):
        manager = create_hook_manager()
        for plugin in plugins:
            manager.register(plugin)
        run_id = f"r{time.perf_counter_ns()}"
        run_params = {"run_id": run_id}
        catalog = _catalog()
        recorders = [plugin for plugin in plugins if isinstance(plugin, RunStoreHooks)]
        start = time.perf_counter()
        for recorder in recorders:  # the session records the run itself
            recorder.start(run_params, pipe)
        manager.hook.before_pipeline_run(run_params=run_params, pipeline=pipe, catalog=catalog)
        SequentialRunner().run(pipe, catalog, manager, run_id=run_id)
        manager.hook.after_pipeline_run(
            run_params=run_params, run_result={}, pipeline=pipe, catalog=catalog
        )
        for recorder in recorders:
            recorder.finish(run_id)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _overhead(label: str, without: float, with_: float) -> None:
    print(
        f"{label}: {without:.3f} s without fingerprints, {with_:.3f} s with: "
        f"+{100 * (with_ / without - 1):.1f}% (target <= 10%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("proj").handlers.clear()
    logging.getLogger("proj").setLevel(logging.WARNING)

    pipe = Pipeline(chain_nodes(args.size))
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(Path(folder) / "runs.db")
        recorded = RunStoreHooks(store, command=None, project_path=folder)
        _overhead(
            f"run chain {args.size} nodes, bare runner",
            *_alternate(pipe, [], [FingerprintHooks(store)], args.runs),
        )
        _overhead(
            f"run chain {args.size} nodes, recorded in the run store (as proj run does)",
            *_alternate(pipe, [recorded], [recorded, FingerprintHooks(store)], args.runs),
        )
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            plan = plan_stale(pipe, _catalog(), store.last_successful_fingerprints())
            times.append(time.perf_counter() - start)
        assert not plan.to_run, [(n, plan.reasons[n]) for n in plan.to_run[:3]]
        print(
            f"--only-stale plan, {args.size}-node chain, nothing to do "
            f"(store read included): {statistics.median(times):.3f} s"
        )


if __name__ == "__main__":
    main()
