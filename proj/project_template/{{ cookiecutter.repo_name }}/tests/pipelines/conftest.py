"""Shared fixtures of the pipeline tests: a few iris rows and the project's parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def parameters() -> dict[str, Any]:
    """The parameters of conf/base/parameters.yml."""
    with (PROJECT_ROOT / "conf" / "base" / "parameters.yml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


@pytest.fixture
def raw_iris() -> pd.DataFrame:
    """The shipped raw file, data/01_raw/iris.csv."""
    return pd.read_csv(PROJECT_ROOT / "data" / "01_raw" / "iris.csv")


@pytest.fixture
def few_rows() -> pd.DataFrame:
    """Twelve hand-picked rows: four of each species, one with a missing value."""
    return pd.DataFrame(
        {
            "sepal_length": [5.1, 4.9, 4.7, 5.0, 7.0, 6.4, 6.9, 5.5, 6.3, 5.8, 7.1, 6.5],
            "sepal_width": [3.5, 3.0, 3.2, 3.6, 3.2, 3.2, 3.1, 2.3, 3.3, 2.7, 3.0, None],
            "petal_length": [1.4, 1.4, 1.3, 1.4, 4.7, 4.5, 4.9, 4.0, 6.0, 5.1, 5.9, 5.8],
            "petal_width": [0.2, 0.2, 0.2, 0.2, 1.4, 1.5, 1.5, 1.3, 2.5, 1.9, 2.1, 2.2],
            "species": ["setosa"] * 4 + ["versicolor"] * 4 + [" virginica"] * 4,
        }
    )
