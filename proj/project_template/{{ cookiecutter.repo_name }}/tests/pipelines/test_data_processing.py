"""Tests of the data_processing node functions, called directly on small tables."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.pipelines.data_processing.nodes import clean_iris, split_data


def test_clean_iris_drops_incomplete_rows_and_strips_labels(few_rows, parameters):
    clean = clean_iris(few_rows, parameters["columns"])

    assert len(clean) == 11  # the row without a sepal width is gone
    assert list(clean.index) == list(range(11))
    assert set(clean["species"]) == {"setosa", "versicolor", "virginica"}
    assert list(clean.columns) == [*parameters["columns"]["features"], "species"]


def test_clean_iris_names_a_missing_column(few_rows, parameters):
    with pytest.raises(ValueError, match="petal_width"):
        clean_iris(few_rows.drop(columns=["petal_width"]), parameters["columns"])


def test_split_is_stratified_and_repeatable(raw_iris, parameters):
    clean = clean_iris(raw_iris, parameters["columns"])
    options = {"test_fraction": 0.2, "random_state": 3, "stratify": True}

    X_train, X_test, y_train, y_test = split_data(clean, "species", options)
    again = split_data(clean, "species", options)

    assert (len(X_train), len(X_test), len(y_train)) == (120, 30, 120)
    assert y_test.value_counts().to_dict() == {"setosa": 10, "versicolor": 10, "virginica": 10}
    assert "species" not in X_train.columns
    assert set(X_train.index).isdisjoint(X_test.index)
    assert list(X_test.index) == list(again[1].index)


def test_another_seed_gives_another_split(raw_iris, parameters):
    clean = clean_iris(raw_iris, parameters["columns"])
    first = split_data(clean, "species", {"test_fraction": 0.2, "random_state": 1})
    second = split_data(clean, "species", {"test_fraction": 0.2, "random_state": 2})

    assert list(first[1].index) != list(second[1].index)


@pytest.mark.parametrize("fraction", [0.0, 1.0, 1.5])
def test_split_rejects_a_fraction_outside_0_1(few_rows, fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        split_data(few_rows.dropna(), "species", {"test_fraction": fraction, "random_state": 0})


def test_split_keeps_rows_and_labels_together(few_rows):
    data = few_rows.dropna()
    X_train, X_test, y_train, y_test = split_data(
        data, "species", {"test_fraction": 0.25, "random_state": 0, "stratify": False}
    )

    rebuilt = pd.concat([X_train.assign(species=y_train), X_test.assign(species=y_test)])
    pd.testing.assert_frame_equal(rebuilt.sort_index(), data)
