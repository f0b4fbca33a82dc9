"""Comparing the notebook's values with the pipeline's (the core of ``--verify``)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from proj.notebook.verify import (
    PLAIN_SOURCE,
    _compare_one,
    callbacks_changing,
    first_difference,
    unseeded_randomness,
)


def test_equal_values_of_every_kind_have_no_difference() -> None:
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", "y"]})
    values = [
        frame,
        frame["a"],
        np.array([1.0, np.nan]),
        {"k": [1, (2, "3")], "n": None},
        float("nan"),
        "text",
        {1, 2},
    ]
    for value in values:
        assert first_difference(value, pickle.loads(pickle.dumps(value))) is None


def test_the_first_difference_is_described_with_where_it_is() -> None:
    pd = pytest.importorskip("pandas")
    np = pytest.importorskip("numpy")
    assert first_difference({"a": [1, 2]}, {"a": [1, 3]}) == "2 vs 3 at ['a'][1]"
    assert first_difference([1, 2], (1, 2)) == "list vs tuple"
    assert first_difference({"a": 1}, {"b": 1}) == "keys differ: missing ['a'], extra ['b']"
    assert first_difference(1, 1.0) == "int 1 vs float 1.0"
    assert first_difference(np.zeros(2), np.zeros(3)) == "float64[2] vs float64[3]"
    left = pd.DataFrame({"a": [1, 2]})
    found = first_difference(left, pd.DataFrame({"a": [1, 5]}))
    assert found is not None
    assert 'DataFrame.iloc[:, 0] (column name="a") are different' in found
    shapes = first_difference(left, pd.DataFrame({"a": [1, 2, 3]}))
    assert shapes is not None
    assert "[notebook]:  (2, 1) [pipeline]: (3, 1)" in shapes  # which side is which


def test_an_index_frequency_lost_on_the_way_through_parquet_is_no_difference() -> None:
    pd = pytest.importorskip("pandas")
    daily = pd.DataFrame({"a": [1.0, 2.0]}, index=pd.date_range("2024-01-01", periods=2))
    assert daily.index.freq is not None
    read_back = daily.copy()
    read_back.index = pd.DatetimeIndex(list(daily.index))  # as from a file: no freq
    assert read_back.index.freq is None
    assert first_difference(daily, read_back) is None
    assert first_difference(daily["a"], read_back["a"]) is None
    later = read_back.set_axis(read_back.index + pd.Timedelta(days=1))
    assert first_difference(daily, later) is not None  # the dates themselves still count


def test_figures_and_unpicklable_values_are_not_compared() -> None:
    namespace: dict[str, object] = {}
    exec(PLAIN_SOURCE, namespace)
    plain = namespace["_proj_plain"]
    generator = plain(x for x in range(2))  # type: ignore[operator]
    assert generator["__proj_not_compared__"].startswith("cannot be pickled (TypeError")
    compared = _compare_one("g", "p.g", pickle.dumps(generator), pickle.dumps([1]))
    assert compared.outcome == "not compared"
    assert compared.detail.startswith("notebook: cannot be pickled")
    assert _compare_one("x", "p.x", pickle.dumps(3), pickle.dumps(3)).outcome == "equal"
    different = _compare_one("x", "p.x", pickle.dumps(3), pickle.dumps(4))
    assert (different.outcome, different.detail) == ("different", "3 vs 4")


def test_objects_without_equality_of_their_own_are_not_compared() -> None:
    import fractions
    import random

    namespace: dict[str, object] = {}
    exec(PLAIN_SOURCE, namespace)
    plain = namespace["_proj_plain"]
    opaque = plain(random.Random(1))  # type: ignore[operator]
    assert opaque == {"__proj_not_compared__": "random.Random has no equality of its own"}
    assert plain(fractions.Fraction(1, 3)) == fractions.Fraction(1, 3)  # type: ignore[operator]


def _notebook(tmp_path: Path, *sources: str, skip: int | None = None) -> Path:
    """A notebook file of code cells (the cell at index ``skip`` tagged ``skip``)."""
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["skip"]} if index == skip else {},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }
        for index, source in enumerate(sources)
    ]
    document = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "cells": cells,
    }
    path = tmp_path / "draws.ipynb"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("sources", "where", "fix"),
    [
        (
            ["import numpy as np", "x = np.random.normal(size=3)"],
            "cell 2, line 1: np.random.normal",
            "np.random.seed(0)",
        ),
        (
            ["from numpy.random import normal\nx = normal()"],
            "cell 1, line 2: normal",
            "np.random.seed(0)",
        ),
        (
            ["from numpy import random\n\n\nx = random.rand(2)"],
            "cell 1, line 4: random.rand",
            "np.random.seed(0)",
        ),
        (["import random\nx = random.random()"], "cell 1, line 2: random.random", "random.seed(0)"),
        (
            ["from scipy.stats import norm\nx = norm.rvs(size=2)"],
            "cell 1, line 2: norm.rvs",
            "np.random.seed(0), or pass random_state=0",
        ),
        (
            ["import numpy as np\nrng = np.random.default_rng()"],
            "cell 1, line 2: np.random.default_rng",
            "default_rng(0)",
        ),
        # A draw inside a function runs when the function is called.
        (
            ["import numpy as np\n\ndef noise():\n    return np.random.rand()"],
            "cell 1, line 4: np.random.rand",
            "np.random.seed(0)",
        ),
        # Seeding after the first draw is too late.
        (
            ["import numpy as np\nx = np.random.rand()\nnp.random.seed(1)"],
            "cell 1, line 2: np.random.rand",
            "np.random.seed(0)",
        ),
    ],
)
def test_unseeded_draws_are_named_with_their_cell_line_and_fix(
    tmp_path: Path, sources: list[str], where: str, fix: str
) -> None:
    explanation = unseeded_randomness(_notebook(tmp_path, *sources))
    assert explanation is not None
    assert f"({where}(...))" in explanation
    assert f"set a seed ({fix}" in explanation


@pytest.mark.parametrize(
    "sources",
    [
        ["import numpy as np\nnp.random.seed(42)", "x = np.random.normal(size=3)"],
        ["import random\nrandom.seed('a')\nx = random.choice([1, 2])"],
        ["import numpy as np\nrng = np.random.default_rng(7)\nx = rng.normal()"],
        ["from scipy.stats import norm\nx = norm.rvs(size=2, random_state=3)"],
        ["import numpy as np\nx = np.arange(3)\nstate = np.random.get_state()"],
        ["import os\nx = os.getpid()"],  # differs, but not from randomness
        ["x = 1\n!echo {x}\n%time y = x + 1"],  # IPython syntax is blanked, not parsed
    ],
)
def test_seeded_or_absent_draws_explain_nothing(tmp_path: Path, sources: list[str]) -> None:
    assert unseeded_randomness(_notebook(tmp_path, *sources)) is None


def test_cells_tagged_skip_are_not_read(tmp_path: Path) -> None:
    path = _notebook(tmp_path, "import random", "random.random()", "x = 1", skip=1)
    assert unseeded_randomness(path) is None


CALLBACK = (
    "import pandas as pd\nimport panel as pn\n\ndf = pd.DataFrame({'x': [1, 2]})",
    "def plot(k):\n    df['y'] = df['x'] * k\n    return k\n\npn.rx(plot)(3)",
)


def test_a_function_changing_a_value_and_handed_on_explains_it(tmp_path: Path) -> None:
    explanation = callbacks_changing(_notebook(tmp_path, *CALLBACK), {"df", "other"})
    assert explanation is not None
    assert explanation.startswith(
        "'df' is changed in place by plot() (cell 2, line 1), which the notebook never "
        "calls itself: it hands plot to other code (cell 2, line 5)"
    )
    assert "call plot(...) in the notebook" in explanation


@pytest.mark.parametrize(
    ("sources", "names"),
    [
        (CALLBACK, {"other"}),  # the function changes something else
        ((*CALLBACK, "plot(1)"), {"df"}),  # the notebook calls it itself
        ((CALLBACK[0], "def plot(k):\n    df['y'] = 1"), {"df"}),  # defined, never used
    ],
)
def test_called_or_unrelated_functions_explain_nothing(
    tmp_path: Path, sources: tuple[str, ...], names: set[str]
) -> None:
    assert callbacks_changing(_notebook(tmp_path, *sources), names) is None
