"""Scaling of proj.pipeline: build, slice and sort 10,000-node pipelines.

Prints one line per figure, the median of several runs, next to its target:

    python benchmarks/scaling_pipeline.py [--size 10000] [--runs 5]

Two shapes: a chain (each node reads the previous node's output) and a fan (one source,
size - 2 middle nodes reading the source, one sink reading every middle node). Nodes are
created once outside the timings; "build" is ``Pipeline(nodes)`` (validation, indexes
and the topological sort), "filter" includes building the resulting pipeline.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import TYPE_CHECKING, Any

from proj.pipeline import Node, Pipeline, node
from proj.pipeline._graph import toposort

if TYPE_CHECKING:
    from collections.abc import Callable


def step(x: Any) -> Any:
    return x


def gather(*parts: Any) -> Any:
    return parts


def chain_nodes(size: int) -> list[Node]:
    return [node(step, f"d{i}", f"d{i + 1}", name=f"n{i:05d}") for i in range(size)]


def fan_nodes(size: int) -> list[Node]:
    middle = [node(step, "source_out", f"m{i}", name=f"m{i:05d}") for i in range(size - 2)]
    return [
        node(step, "raw", "source_out", name="source"),
        *middle,
        node(gather, [f"m{i}" for i in range(size - 2)], "result", name="sink"),
    ]


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, target: float | None) -> None:
    goal = f"(target <= {target:g} s)" if target is not None else "(no target)"
    print(f"{label}: {seconds:.3f} s {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size, runs = args.size, max(3, args.runs)

    report(
        f"create {size} nodes with node()",
        median_seconds(lambda: chain_nodes(size), runs),
        None,
    )
    shapes = {"chain": chain_nodes(size), "fan": fan_nodes(size)}
    for shape, nodes in shapes.items():
        seconds = median_seconds(lambda n=nodes: Pipeline(n), runs)
        report(f"build {shape} {size} nodes", seconds, 0.1)
    for shape, nodes in shapes.items():
        pipe = Pipeline(nodes)
        middle = pipe.nodes[len(pipe) // 2].name
        report(
            f"filter(from_nodes=[{middle}]) on {shape}",
            median_seconds(lambda p=pipe, m=middle: p.filter(from_nodes=[m]), runs),
            0.05,
        )
        report(
            f"to_nodes({middle}) on {shape}",
            median_seconds(lambda p=pipe, m=middle: p.to_nodes(m), runs),
            0.05,
        )
        producers, consumers = dict(pipe.producers), dict(pipe.consumers)
        report(
            f"topological sort of {shape}",
            median_seconds(lambda n=nodes, p=producers, c=consumers: toposort(n, p, c), runs),
            None,
        )


if __name__ == "__main__":
    main()
