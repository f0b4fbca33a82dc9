"""plotly.PlotlyDataset and plotly.JSONDataset: plotly figures as JSON files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from proj.exceptions import DatasetError
from proj.io.filesystem import FileDataset


class JSONDataset(FileDataset):
    """A plotly figure in a JSON file (catalog type ``plotly.JSONDataset``).

    Saving writes the figure with ``plotly.io.to_json(figure, **save_args)`` (a
    ``plotly.graph_objects.Figure`` or a figure dict with ``data`` and ``layout``);
    loading returns a ``plotly.graph_objects.Figure`` through
    ``plotly.io.from_json(text, **load_args)``. The file opens in any plotly client
    (``plotly.io.read_json``) and in Kedro-Viz.

    Args:
        filepath: Where the file is. See :class:`~proj.io.filesystem.FileDataset`.
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata``.

    Raises:
        MissingDependencyError: plotly is not installed (``pip install "proj[plot]"``).
    """

    _TYPE = "plotly.JSONDataset"

    def __init__(self, filepath: str, **kwargs: Any) -> None:
        from proj.io.optional import require

        require("plotly", "plot", self._TYPE)
        super().__init__(filepath, **kwargs)

    def _read(self, file: IO[bytes]) -> Any:
        import plotly.io as pio

        return pio.from_json(file.read().decode("utf-8"), **self._load_args)

    def _figure(self, data: Any) -> Any:
        """``data`` as a plotly Figure (refusing anything else)."""
        import plotly.graph_objects as go

        if isinstance(data, go.Figure):
            return data
        if isinstance(data, Mapping) and "data" in data:
            return go.Figure(data)
        raise DatasetError(
            f"{self._label()} saves a plotly Figure, got {type(data).__name__}.",
            hint="Return the figure (e.g. plotly.express.bar(...)) from the node.",
        )

    def _check_data(self, data: Any) -> None:
        self._figure(data)

    def _write(self, file: IO[bytes], data: Any) -> None:
        import plotly.io as pio

        file.write(pio.to_json(self._figure(data), **self._save_args).encode("utf-8"))

    def preview(self, rows: int = 10) -> dict[str, Any]:
        """The figure's JSON (traces and layout), for ``proj viz``.

        Returns:
            A ``"json"`` text preview.

        Raises:
            DatasetError: Loading failed.
        """
        import json

        from proj.io.preview import text

        figure = self.load()
        return text(json.dumps(json.loads(figure.to_json()), indent=2), "json")


class PlotlyDataset(JSONDataset):
    """A DataFrame drawn by plotly express, saved as a figure JSON (``plotly.PlotlyDataset``).

    Saving a pandas DataFrame calls ``plotly.express.<type>(data, **fig)`` and then
    ``figure.update_layout(**layout)``, with ``plotly_args: {type: bar, fig: {x: ...,
    y: ...}, layout: {title: ...}}``; a plotly Figure is saved as it is. Loading returns
    the ``plotly.graph_objects.Figure``, as :class:`JSONDataset` does.

    Args:
        filepath: Where the file is. See :class:`~proj.io.filesystem.FileDataset`.
        plotly_args: ``type`` (a plotly express function: ``bar``, ``scatter``,
            ``line``...), ``fig`` (its keyword arguments) and ``layout``.
        **kwargs: ``load_args``, ``save_args``, ``fs_args``, ``credentials``,
            ``version``, ``metadata``.

    Raises:
        MissingDependencyError: plotly is not installed (``pip install "proj[plot]"``).
        DatasetError: ``plotly_args`` has no ``type``, or plotly express has no such
            function.
    """

    _TYPE = "plotly.PlotlyDataset"

    def __init__(self, filepath: str, *, plotly_args: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(filepath, **kwargs)
        if not isinstance(plotly_args, Mapping) or not isinstance(plotly_args.get("type"), str):
            raise DatasetError(
                f"{self._label()}: plotly_args needs a 'type', the plotly express function "
                "to call (e.g. bar, scatter, line).",
            )
        extra = sorted(set(plotly_args) - {"type", "fig", "layout"})
        if extra:
            raise DatasetError(
                f"{self._label()}: plotly_args takes 'type', 'fig' and 'layout', got {extra}."
            )
        self._plotly_args = {
            "type": plotly_args["type"],
            "fig": dict(plotly_args.get("fig") or {}),
            "layout": dict(plotly_args.get("layout") or {}),
        }

    def _figure(self, data: Any) -> Any:
        import pandas as pd

        if not isinstance(data, pd.DataFrame):
            return super()._figure(data)
        import plotly.express as px

        draw = getattr(px, self._plotly_args["type"], None)
        if not callable(draw):
            raise DatasetError(
                f"{self._label()}: plotly express has no function "
                f"'{self._plotly_args['type']}' (plotly_args.type).",
                hint="Use one of plotly.express's functions, e.g. bar, scatter, line, histogram.",
            )
        figure = draw(data, **self._plotly_args["fig"])
        figure.update_layout(**self._plotly_args["layout"])
        return figure

    def _describe(self) -> dict[str, Any]:
        return {**super()._describe(), "plotly_args": dict(self._plotly_args)}
