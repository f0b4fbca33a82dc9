"""Tests of the data_science node functions: training, prediction and the report."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.pipelines.data_processing.nodes import clean_iris, split_data
from {{ cookiecutter.package_name }}.pipelines.data_science.nodes import (
    predict,
    report_accuracy,
    train_model,
)


def test_model_learns_a_few_rows(few_rows, parameters):
    clean = clean_iris(few_rows, parameters["columns"])
    X, y = clean.drop(columns=["species"]), clean["species"]

    model = train_model(X, y, parameters["model_options"])

    assert model["classes"] == ["setosa", "versicolor", "virginica"]
    assert list(predict(model, X)) == list(y)


def test_training_is_deterministic(few_rows, parameters):
    clean = clean_iris(few_rows, parameters["columns"])
    X, y = clean.drop(columns=["species"]), clean["species"]

    first = train_model(X, y, parameters["model_options"])
    second = train_model(X, y, parameters["model_options"])

    assert (first["weights"] == second["weights"]).all()


def test_default_parameters_reach_90_percent_on_the_held_out_rows(raw_iris, parameters):
    clean = clean_iris(raw_iris, parameters["columns"])
    X_train, X_test, y_train, y_test = split_data(
        clean, parameters["columns"]["target"], parameters["split_options"]
    )
    model = train_model(X_train, y_train, parameters["model_options"])

    metrics = report_accuracy(model, y_test, predict(model, X_test))

    assert metrics["accuracy"] >= 0.9
    assert (metrics["n_train"], metrics["n_test"]) == (120, 30)


def test_report_counts_every_prediction():
    model = {"classes": ["a", "b"], "n_train": 8}
    truth = pd.Series(["a", "a", "b", "b"])
    guess = pd.Series(["a", "b", "b", "b"])

    metrics = report_accuracy(model, truth, guess)

    assert metrics["accuracy"] == 0.75
    assert metrics["confusion_matrix"] == {"a": {"a": 1, "b": 1}, "b": {"a": 0, "b": 2}}
    assert metrics["per_class_accuracy"] == {"a": 0.5, "b": 1.0}


def test_predict_names_a_missing_feature(few_rows, parameters):
    clean = clean_iris(few_rows, parameters["columns"])
    model = train_model(clean.drop(columns=["species"]), clean["species"], {})

    with pytest.raises(ValueError, match="petal_length"):
        predict(model, clean.drop(columns=["species", "petal_length"]))
