"""The same data from every runner, whatever a MemoryDataset's copy mode."""

from __future__ import annotations

from typing import Any

import pytest

from proj.exceptions import RunnerError
from proj.io import DataCatalog, MemoryDataset
from proj.pipeline import Pipeline, node
from proj.runner import AbstractRunner, ParallelRunner, SequentialRunner, ThreadRunner


def make_rows(n: int) -> list[int]:
    return list(range(n))


def append_in_place(rows: list[int]) -> int:
    """A careless node: changes its input in place, returns its length."""
    rows.append(99)
    return len(rows)


def total(rows: list[int], length: int) -> tuple[int, int]:
    return sum(rows), length


def make_frame(n: int) -> Any:
    import pandas as pd

    return pd.DataFrame({"a": range(n)})


def double_in_place(frame: Any) -> int:
    frame["a"] *= 2
    return int(frame["a"].sum())


def frame_total(frame: Any, doubled: int) -> tuple[int, int]:
    return int(frame["a"].sum()), doubled


def pipelines() -> dict[str, Pipeline]:
    return {
        "list": Pipeline(
            [
                node(make_rows, "n", "rows", name="make"),
                node(append_in_place, "rows", "length", name="mutate"),
                node(total, ["rows", "length"], "result", name="read"),
            ]
        ),
        "frame": Pipeline(
            [
                node(make_frame, "n", "rows", name="make"),
                node(double_in_place, "rows", "length", name="mutate"),
                node(frame_total, ["rows", "length"], "result", name="read"),
            ]
        ),
    }


def outcome(runner: AbstractRunner, kind: str, copy_mode: str | None) -> Any:
    catalog = DataCatalog({"rows": MemoryDataset(copy_mode=copy_mode)})  # type: ignore[arg-type]
    catalog.add_feed_dict({"n": 5})
    return runner.run(pipelines()[kind], catalog)["result"]


@pytest.mark.parametrize("kind", ["list", "frame"])
@pytest.mark.parametrize("copy_mode", [None, "deepcopy", "copy"])
def test_parallel_and_thread_runners_give_the_sequential_data(
    kind: str, copy_mode: str | None
) -> None:
    expected = outcome(SequentialRunner(), kind, copy_mode)
    assert outcome(ThreadRunner(max_workers=2), kind, copy_mode) == expected
    assert outcome(ParallelRunner(max_workers=2), kind, copy_mode) == expected


def test_parallel_runner_refuses_assign_naming_the_dataset_before_anything_runs() -> None:
    # Sequentially, "read" sees the change "mutate" made in place; a worker process
    # could not share it, so the run is refused rather than giving other data.
    assert outcome(SequentialRunner(), "list", "assign") == (sum(range(5)) + 99, 6)
    with pytest.raises(RunnerError, match=r"copy_mode: assign .*'rows' \(read by mutate, read\)"):
        outcome(ParallelRunner(max_workers=2), "list", "assign")
