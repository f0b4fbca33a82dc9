"""plotly.PlotlyDataset and plotly.JSONDataset: figures as JSON files."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import pytest

from proj.exceptions import DatasetError, MissingDependencyError
from proj.io import DataCatalog, Version
from proj.io.datasets.plotly import JSONDataset, PlotlyDataset
from tests.io.datasets.conftest import killed_save, visible_files

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"engine": ["A", "B", "C"], "count": [3, 5, 1]})


def test_json_dataset_round_trips_a_figure(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "fig.json"
    fig = px.bar(frame, x="engine", y="count", title="Engines")
    dataset = JSONDataset(str(path))
    dataset.save(fig)
    assert json.loads(path.read_text())["layout"]["title"]["text"] == "Engines"
    loaded = dataset.load()
    assert isinstance(loaded, go.Figure)
    assert list(loaded.data[0].x) == ["A", "B", "C"]
    assert loaded.layout.title.text == "Engines"


def test_json_dataset_accepts_a_figure_dict_and_refuses_other_data(tmp_path: Path) -> None:
    dataset = JSONDataset(str(tmp_path / "d.json"))
    dataset.save({"data": [{"type": "scatter", "y": [1, 2]}], "layout": {}})
    assert list(dataset.load().data[0].y) == [1, 2]
    with pytest.raises(DatasetError, match="saves a plotly Figure, got list"):
        dataset.save([1, 2])


def test_plotly_dataset_draws_a_dataframe_with_plotly_args(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    catalog = DataCatalog.from_config(
        {
            "engines_plot": {
                "type": "plotly.PlotlyDataset",
                "filepath": str(tmp_path / "engines.json"),
                "plotly_args": {
                    "type": "bar",
                    "fig": {"x": "engine", "y": "count", "orientation": "v"},
                    "layout": {"xaxis_title": "Engine", "title": "Count per engine"},
                },
                "versioned": True,
            }
        },
        save_version="2024-02-02T02.02.02.002Z",
    )
    catalog.save("engines_plot", frame)
    saved = tmp_path / "engines.json" / "2024-02-02T02.02.02.002Z" / "engines.json"
    assert saved.is_file()
    loaded = catalog.load("engines_plot")
    assert loaded.data[0].type == "bar"
    expected = px.bar(frame, x="engine", y="count", orientation="v")
    expected.update_layout(xaxis_title="Engine", title="Count per engine")
    assert json.loads(loaded.to_json()) == json.loads(expected.to_json())
    assert loaded.layout.xaxis.title.text == "Engine"
    assert catalog.describe("engines_plot")["plotly_args"]["type"] == "bar"


def test_versions_of_a_figure(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "f.json"
    JSONDataset(str(path), version=Version(None, "v1")).save(px.bar(frame, x="engine", y="count"))
    JSONDataset(str(path), version=Version(None, "v2")).save(px.line(frame, x="engine", y="count"))
    assert JSONDataset(str(path), version=Version(None, None)).load().data[0].type == "scatter"
    assert JSONDataset(str(path), version=Version("v1", None)).load().data[0].type == "bar"


def test_plotly_args_are_checked(tmp_path: Path, frame: pd.DataFrame) -> None:
    with pytest.raises(DatasetError, match="plotly_args needs a 'type'"):
        PlotlyDataset(str(tmp_path / "x.json"), plotly_args={"fig": {}})
    dataset = PlotlyDataset(str(tmp_path / "x.json"), plotly_args={"type": "no_such_chart"})
    with pytest.raises(DatasetError, match="plotly express has no function 'no_such_chart'"):
        dataset.save(frame)


def test_preview_is_the_figure_json(tmp_path: Path, frame: pd.DataFrame) -> None:
    dataset = JSONDataset(str(tmp_path / "p.json"))
    dataset.save(px.bar(frame, x="engine", y="count"))
    preview = dataset.preview()
    assert preview["kind"] == "json"
    assert json.loads(preview["text"])["data"][0]["type"] == "bar"


def test_missing_plotly_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "plotly", None)
    with pytest.raises(MissingDependencyError, match=r"plotly.PlotlyDataset needs 'plotly'"):
        PlotlyDataset(str(tmp_path / "x.json"), plotly_args={"type": "bar"})


def test_killed_save_leaves_the_old_figure(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "big.json"
    JSONDataset(str(path)).save(px.bar(frame, x="engine", y="count"))
    before = visible_files(tmp_path)
    killed_save(
        f"""
        import numpy as np
        import plotly.graph_objects as go
        from proj.io.datasets.plotly import JSONDataset
        dataset = JSONDataset({str(path)!r})
        data = go.Figure(go.Scatter(y=np.random.default_rng(0).random(4_000_000)))
        """,
        tmp_path,
    )
    assert visible_files(tmp_path) == before
    assert JSONDataset(str(path)).load().data[0].type == "bar"
