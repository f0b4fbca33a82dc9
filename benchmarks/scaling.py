"""Scaling of the core: runs of 1,000- and 10,000-node pipelines, parallel speed-up, imports.

Prints one line per figure (median of several runs) next to its target, the speed-up of
the 8-node CPU test on ParallelRunner, a raw process pool, Dask and ipyparallel (each
distributed runner with its own new cluster and on one already running), then the
pipeline build/slice figures of ``scaling_pipeline.py`` and the fingerprint overhead and
``--only-stale`` planning time of ``stale.py``:

    python benchmarks/scaling.py [--runs 3] [--speed-up-only]

Runs use memory datasets and no log handlers, so they measure the scheduling core and
not the terminal. Kedro 1.7.0 on the same 2-core machine (issue #3): 249 s for the
10,000-node chain, 60 s for the 5,000-node fan.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling_pipeline import chain_nodes, fan_nodes, gather, report

from proj.io import DataCatalog
from proj.pipeline import Pipeline, node
from proj.runner import ParallelRunner, SequentialRunner


def identity(x: Any) -> Any:
    return x


def burn(seconds: float) -> float:
    """Spin the CPU for about ``seconds`` of process time."""
    end = time.process_time() + seconds
    total = 0.0
    while time.process_time() < end:
        total += 1.0
    return total


def time_run(pipe: Pipeline, feed: dict[str, Any], runs: int, runner: Any = None) -> float:
    times = []
    for _ in range(runs):
        catalog = DataCatalog()
        catalog.add_feed_dict(feed)
        start = time.perf_counter()
        (runner or SequentialRunner()).run(pipe, catalog)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_pool_time(runs: int) -> float:
    """The 8 burn calls on a bare ProcessPoolExecutor (spawn), pool start included: the
    floor any process-based runner pays, without catalog, hooks or scheduling."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
            list(pool.map(burn, [0.5] * 8))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def distributed_speed_ups(
    burners: Pipeline, feed: dict[str, Any], sequential: float, runs: int
) -> None:
    """The 8-node CPU test on a raw process pool, Dask and ipyparallel, next to ParallelRunner.

    Dask and ipyparallel are measured twice: a run that starts its own local cluster
    (what ``proj run --runner dask|ipyparallel`` does without an address), and runs on a
    cluster already up (``--runner-params`` pointing at it), which is how they are used.
    """
    import tempfile

    workers = os.cpu_count() or 1
    rows = [("raw ProcessPoolExecutor (spawn, start included)", raw_pool_time(runs))]
    try:
        from proj.runner.dask import DaskRunner

        rows.append(("DaskRunner, own LocalCluster", time_run(burners, feed, 1, DaskRunner())))
        from distributed import LocalCluster

        with LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            address = cluster.scheduler_address
            rows.append(
                (
                    "DaskRunner, running cluster",
                    time_run(burners, feed, runs, DaskRunner(address=address)),
                )
            )
    except ImportError:
        print("dask not installed: pip install 'proj[dask]'")
    try:
        import ipyparallel as ipp

        from proj.runner.ipyparallel import IPyParallelRunner

        with tempfile.TemporaryDirectory(prefix="proj-bench-ipython-") as ipython_dir:
            os.environ["IPYTHONDIR"] = ipython_dir
            own = time_run(burners, feed, 1, IPyParallelRunner(max_workers=workers))
            rows.append(("IPyParallelRunner, own local cluster", own))
            cluster = ipp.Cluster(n=workers, cluster_id="bench", engine_timeout=300)
            cluster.start_and_connect_sync().close()
            try:
                running = time_run(
                    burners, feed, runs, IPyParallelRunner(profile="default", cluster_id="bench")
                )
            finally:
                cluster.stop_cluster_sync()
            rows.append(("IPyParallelRunner, running cluster", running))
    except ImportError:
        print("ipyparallel not installed: pip install 'proj[ipyparallel]'")
    for label, seconds in rows:
        print(
            f"8 x 0.5 s CPU nodes, {label}: {seconds:.2f} s, "
            f"{sequential / seconds:.2f}x faster than sequential"
        )


def chain(size: int) -> Pipeline:
    return Pipeline(chain_nodes(size))


def imports_of(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--speed-up-only", action="store_true", help="Only the 8-node CPU test, every runner."
    )
    args = parser.parse_args()
    logging.getLogger("proj").handlers.clear()
    logging.getLogger("proj").setLevel(logging.WARNING)
    if not args.speed_up_only:
        sizes(args.runs)
    speed_ups(args.runs)
    if args.speed_up_only:
        return

    heavy = {"pandas", "omegaconf", "rich", "IPython"}
    for module in ("proj.pipeline", "proj.runner"):
        loaded = sorted(heavy & imports_of(module))
        shown = ", ".join(loaded) or "none of " + ", ".join(sorted(heavy))
        print(f"import {module} loads: {shown}")

    import scaling_pipeline

    sys.argv = [sys.argv[0], "--runs", str(max(args.runs, 3))]
    scaling_pipeline.main()

    # Issue 15: the same 10,000-node chain with and without node fingerprints, and the
    # time --only-stale takes to find that nothing is to do.
    import stale

    sys.argv = [sys.argv[0], "--size", "10000", "--runs", str(args.runs)]
    stale.main()


def sizes(runs: int) -> None:
    """Runs of 1,000- and 10,000-node chains and a 5,000-node fan."""
    small = time_run(chain(1_000), {"d0": 0}, runs)
    large = time_run(chain(10_000), {"d0": 0}, runs)
    report("run chain 10000 nodes (SequentialRunner)", large, 1.0)
    report("run chain 1000 nodes (SequentialRunner)", small, None)
    ratio = (large / 10_000) / (small / 1_000)
    print(f"per-node cost at 10000 / at 1000: {ratio:.2f}x (target <= 1.5x)")
    fan = Pipeline(fan_nodes(5_000))
    report("run fan 5000 nodes (SequentialRunner)", time_run(fan, {"raw": 0}, runs), 0.5)


def speed_ups(runs: int) -> None:
    """The 8-node CPU test: sequential, ParallelRunner, then the distributed runners."""
    # Eight independent CPU-bound nodes of ~0.5 s each, on every core of the machine.
    burners = Pipeline(
        [node(burn, "params:seconds", f"burned_{i}", name=f"burn_{i}") for i in range(8)]
        + [node(gather, [f"burned_{i}" for i in range(8)], "all_burned", name="join")]
    )
    feed = {"params:seconds": 0.5}
    sequential = time_run(burners, feed, 1)
    parallel = time_run(burners, feed, runs, ParallelRunner(max_workers=os.cpu_count()))
    print(
        f"8 x 0.5 s CPU nodes: sequential {sequential:.2f} s, parallel {parallel:.2f} s on "
        f"{os.cpu_count()} cores: {sequential / parallel:.2f}x faster (target >= 1.7x)"
    )
    distributed_speed_ups(burners, feed, sequential, runs)


if __name__ == "__main__":
    main()
