"""partitions.IncrementalDataset: only new partitions, and a checkpoint moved by confirms=."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from proj.exceptions import DatasetError, NodeFailedError
from proj.io import DataCatalog
from proj.io.datasets.partitions import IncrementalDataset
from proj.pipeline import Node, Pipeline, node
from proj.runner import SequentialRunner

if TYPE_CHECKING:
    from pathlib import Path


def confirming_node(func: Any, inputs: str, outputs: str, confirms: str) -> Node:
    """A node with ``confirms=`` (the keyword once Node has it; a subclass until then)."""
    try:
        return node(func, inputs, outputs, confirms=confirms)  # type: ignore[call-arg]
    except TypeError:

        class ConfirmingNode(Node):
            __slots__ = ()

        ConfirmingNode.confirms = (confirms,)  # type: ignore[attr-defined]
        return ConfirmingNode(func, inputs, outputs)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "events"
    path.mkdir()
    for day in ("2024-01-01", "2024-01-02"):
        (path / f"{day}.txt").write_text(f"events of {day}")
    return path


def test_load_returns_new_partitions_and_confirm_moves_the_checkpoint(folder: Path) -> None:
    dataset = IncrementalDataset(str(folder), "text.TextDataset", filename_suffix=".txt")
    assert dataset.load() == {
        "2024-01-01": "events of 2024-01-01",
        "2024-01-02": "events of 2024-01-02",
    }
    assert not (folder / "CHECKPOINT").exists()  # loading alone moves nothing
    assert list(dataset.load()) == ["2024-01-01", "2024-01-02"]
    dataset.confirm()
    assert (folder / "CHECKPOINT").read_text() == "2024-01-02"
    (folder / "2024-01-03.txt").write_text("events of 2024-01-03")
    fresh = IncrementalDataset(str(folder), "text.TextDataset", filename_suffix=".txt")
    assert fresh.load() == {"2024-01-03": "events of 2024-01-03"}
    fresh.confirm()
    assert fresh.load() == {}
    fresh.confirm()  # nothing new: the checkpoint stays
    assert (folder / "CHECKPOINT").read_text() == "2024-01-03"


def test_checkpoint_options(folder: Path, tmp_path: Path) -> None:
    checkpoint = tmp_path / "state" / "events.checkpoint"
    dataset = IncrementalDataset(
        str(folder),
        "text.TextDataset",
        checkpoint={"filepath": str(checkpoint), "force_checkpoint": "2024-01-01.txt"},
    )
    assert list(dataset.load()) == ["2024-01-02.txt"]
    dataset.confirm()
    assert checkpoint.read_text() == "2024-01-02.txt"
    reversed_order = IncrementalDataset(
        str(folder),
        "text.TextDataset",
        filename_suffix=".txt",
        checkpoint={"force_checkpoint": "2024-01-02", "comparison_func": "operator.lt"},
    )
    assert list(reversed_order.load()) == ["2024-01-01"]
    assert reversed_order.describe()["comparison_func"] == "operator.lt"


def test_checkpoint_without_suffix_is_not_a_partition(folder: Path) -> None:
    dataset = IncrementalDataset(str(folder), "text.TextDataset")
    dataset.load()
    dataset.confirm()
    (folder / "2024-01-09.txt").write_text("late")
    assert IncrementalDataset(str(folder), "text.TextDataset").load() == {"2024-01-09.txt": "late"}


def test_the_runner_confirms_after_the_node_saved_its_outputs(folder: Path, tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "events": {
                "type": "partitions.IncrementalDataset",
                "path": str(folder),
                "dataset": "text.TextDataset",
                "filename_suffix": ".txt",
            },
            "summary": {"type": "json.JSONDataset", "filepath": str(tmp_path / "summary.json")},
        }
    )

    def summarise(events: dict[str, str]) -> dict[str, int]:
        return {"new": len(events)}

    pipe = Pipeline([confirming_node(summarise, "events", "summary", confirms="events")])
    SequentialRunner().run(pipe, catalog)
    assert catalog.load("summary") == {"new": 2}
    assert (folder / "CHECKPOINT").read_text() == "2024-01-02"
    SequentialRunner().run(pipe, catalog)
    assert catalog.load("summary") == {"new": 0}


def test_a_failed_node_does_not_move_the_checkpoint(folder: Path) -> None:
    catalog = DataCatalog.from_config(
        {
            "events": {
                "type": "partitions.IncrementalDataset",
                "path": str(folder),
                "dataset": "text.TextDataset",
            }
        }
    )

    def broken(events: dict[str, str]) -> int:
        raise RuntimeError("bad batch")

    pipe = Pipeline([confirming_node(broken, "events", "out", confirms="events")])
    with pytest.raises(NodeFailedError):
        SequentialRunner().run(pipe, catalog)
    assert not (folder / "CHECKPOINT").exists()


def test_confirming_a_dataset_without_checkpoint_is_an_error(tmp_path: Path) -> None:
    catalog = DataCatalog.from_config(
        {"x": {"type": "text.TextDataset", "filepath": str(tmp_path / "x")}}
    )
    with pytest.raises(DatasetError, match=r"Dataset 'x' \(text.TextDataset\) cannot be confirmed"):
        catalog.confirm("x")
