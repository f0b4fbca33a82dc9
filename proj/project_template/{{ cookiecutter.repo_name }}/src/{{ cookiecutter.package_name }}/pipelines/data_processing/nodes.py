"""Node functions of data_processing: clean the raw iris table and split it.

Plain functions of pandas objects: they know nothing about files or the catalog, so
they can be called and tested directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def clean_iris(iris: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """Keep the model's columns, with clean types and no incomplete rows.

    Args:
        iris: The raw table, one row per flower (data/01_raw/iris.csv).
        columns: ``{"features": [<column>, ...], "target": <column>}`` from
            parameters.yml; feature columns are measurements in centimetres.

    Returns:
        The feature columns as floats followed by the target column as stripped
        strings, without rows that miss a value, indexed 0..n-1.

    Raises:
        ValueError: A column named in ``columns`` is not in the table, or a feature
            column holds something that is not a number.
    """
    features = list(columns["features"])
    target = columns["target"]
    wanted = [*features, target]
    missing = [name for name in wanted if name not in iris.columns]
    if missing:
        raise ValueError(
            f"Columns {missing} are not in the iris table; it has {list(iris.columns)}. "
            "Fix `columns` in conf/base/parameters.yml."
        )
    table = iris[wanted].dropna().reset_index(drop=True)
    try:
        table[features] = table[features].astype(float)
    except ValueError as exc:
        raise ValueError(f"A feature column of the iris table is not numeric: {exc}") from exc
    table[target] = table[target].astype(str).str.strip()
    return table


def split_data(
    data: pd.DataFrame, target: str, options: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Split rows at random into a training set and a held-out test set.

    The shuffle uses ``numpy.random.default_rng(random_state)``, so one seed always
    gives the same split. With ``stratify`` each class is split on its own, so both
    sets keep the class proportions of the whole table; each class then puts
    ``round(test_fraction * class size)`` rows in the test set.

    Args:
        data: The clean table: feature columns and the target column.
        target: The name of the target column (``params:columns.target``).
        options: ``test_fraction`` (float, strictly between 0 and 1),
            ``random_state`` (int seed) and ``stratify`` (bool, default true).

    Returns:
        ``(X_train, X_test, y_train, y_test)``: the feature columns and the target of
        the training and test rows, each in the original row order and keeping the
        original row labels.

    Raises:
        ValueError: ``test_fraction`` is not strictly between 0 and 1, or the split
            would leave the training or the test set empty.
    """
    test_fraction = float(options["test_fraction"])
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be strictly between 0 and 1, got {test_fraction}.")
    rng = np.random.default_rng(options["random_state"])
    labels = data[target].to_numpy()
    if options.get("stratify", True):
        groups = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    else:
        groups = [np.arange(len(data))]
    test_positions: list[np.ndarray] = []
    for group in groups:
        shuffled = rng.permutation(group)
        test_positions.append(shuffled[: round(test_fraction * len(group))])
    is_test = np.zeros(len(data), dtype=bool)
    is_test[np.concatenate(test_positions)] = True
    if is_test.all() or not is_test.any():
        raise ValueError(
            f"test_fraction={test_fraction} leaves an empty training or test set "
            f"for {len(data)} rows; choose a value closer to 0.2."
        )
    features = data.drop(columns=[target])
    return (
        features[~is_test],
        features[is_test],
        data.loc[~is_test, target],
        data.loc[is_test, target],
    )
