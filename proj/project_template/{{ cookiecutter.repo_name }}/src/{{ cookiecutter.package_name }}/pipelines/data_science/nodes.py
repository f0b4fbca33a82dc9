"""Node functions of data_science: softmax regression in numpy, prediction, report.

The model is multinomial logistic regression: one linear score per class, turned into
class probabilities by the softmax function, fitted by full-batch gradient descent on
the mean cross-entropy plus an L2 penalty. Features are standardised with the training
set's mean and standard deviation first. Training starts from all-zero weights, so it
is deterministic: the same data and options give the same model.

The model is a plain dict of numpy arrays and lists, so it pickles without this
module and is easy to look at in a notebook.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an (n, k) array of scores, shifted for numerical safety."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def _standardise(model: dict[str, Any], X: pd.DataFrame) -> np.ndarray:
    """The model's feature columns of ``X``, centred and scaled as in training."""
    missing = [name for name in model["features"] if name not in X.columns]
    if missing:
        raise ValueError(f"The model needs columns {missing}, which are not in the table.")
    values = X[model["features"]].to_numpy(dtype=float)
    return (values - model["mean"]) / model["scale"]


def train_model(
    X_train: pd.DataFrame, y_train: pd.Series, options: dict[str, Any]
) -> dict[str, Any]:
    """Fit a multinomial logistic regression by gradient descent.

    Args:
        X_train: Training features, one numeric column per feature.
        y_train: Training labels, one per row of ``X_train``.
        options: ``learning_rate`` (step size, default 0.5), ``max_iterations``
            (number of full-batch steps, default 1000) and ``l2_penalty`` (weight of
            the ridge term on the weights, default 0).

    Returns:
        The model: ``features`` (column names, in order), ``classes`` (sorted labels),
        ``mean`` and ``scale`` (per-feature standardisation, arrays of shape (d,)),
        ``weights`` (shape (d, k)), ``bias`` (shape (k,)), ``n_train`` (rows seen)
        and ``training_loss`` (final mean cross-entropy, in nats).

    Raises:
        ValueError: The training set is empty or has a single class, or the sizes of
            ``X_train`` and ``y_train`` differ.
    """
    if len(X_train) != len(y_train):
        raise ValueError(f"X_train has {len(X_train)} rows but y_train has {len(y_train)}.")
    classes = sorted(pd.unique(y_train).tolist())
    if len(classes) < 2:
        raise ValueError(f"Training needs at least two classes, got {classes}.")
    learning_rate = float(options.get("learning_rate", 0.5))
    max_iterations = int(options.get("max_iterations", 1000))
    l2_penalty = float(options.get("l2_penalty", 0.0))

    values = X_train.to_numpy(dtype=float)
    mean = values.mean(axis=0)
    scale = values.std(axis=0)
    scale[scale == 0] = 1.0  # a constant column stays constant (zero) after centring
    x = (values - mean) / scale
    class_index = {label: i for i, label in enumerate(classes)}
    one_hot = np.eye(len(classes))[[class_index[label] for label in y_train]]

    n_rows = len(x)
    weights = np.zeros((x.shape[1], len(classes)))
    bias = np.zeros(len(classes))
    for _ in range(max_iterations):
        error = (_softmax(x @ weights + bias) - one_hot) / n_rows
        weights -= learning_rate * (x.T @ error + l2_penalty * weights)
        bias -= learning_rate * error.sum(axis=0)

    probabilities = _softmax(x @ weights + bias)
    loss = -np.mean(np.log(probabilities[one_hot.astype(bool)] + 1e-12))
    return {
        "features": list(X_train.columns),
        "classes": classes,
        "mean": mean,
        "scale": scale,
        "weights": weights,
        "bias": bias,
        "n_train": n_rows,
        "training_loss": float(loss),
    }


def predict(model: dict[str, Any], X_test: pd.DataFrame) -> pd.Series:
    """Predict the most probable class of each row.

    Args:
        model: A model from :func:`train_model`.
        X_test: Features with (at least) the model's feature columns.

    Returns:
        The predicted labels, indexed like ``X_test``.

    Raises:
        ValueError: ``X_test`` lacks one of the model's feature columns.
    """
    scores = _standardise(model, X_test) @ model["weights"] + model["bias"]
    labels = np.asarray(model["classes"], dtype=object)[scores.argmax(axis=1)]
    return pd.Series(labels, index=X_test.index, name="prediction")


def report_accuracy(model: dict[str, Any], y_test: pd.Series, y_pred: pd.Series) -> dict[str, Any]:
    """Measure the predictions against the true labels of the held-out rows.

    Args:
        model: The model that made the predictions (for the class list and ``n_train``).
        y_test: True labels of the test rows.
        y_pred: Predicted labels, one per row of ``y_test`` and in the same order.

    Returns:
        A JSON-ready dict: ``accuracy`` (share of rows predicted right, 0 to 1),
        ``n_test``, ``n_train``, ``classes``, ``per_class_accuracy`` (class ->
        share of that class's test rows predicted right, i.e. its recall) and
        ``confusion_matrix`` (true class -> predicted class -> number of rows).

    Raises:
        ValueError: ``y_test`` and ``y_pred`` differ in length or the test set is empty.
    """
    truth = np.asarray(y_test, dtype=object)
    guess = np.asarray(y_pred, dtype=object)
    if len(truth) != len(guess) or len(truth) == 0:
        raise ValueError(f"Cannot score {len(guess)} predictions against {len(truth)} true labels.")
    classes = sorted(set(model["classes"]) | set(truth.tolist()) | set(guess.tolist()))
    confusion = {
        actual: {
            predicted: int(np.sum((truth == actual) & (guess == predicted)))
            for predicted in classes
        }
        for actual in classes
    }
    per_class = {}
    for label in classes:
        count = int(np.sum(truth == label))
        if count:  # a class absent from the test set has no accuracy of its own
            per_class[label] = confusion[label][label] / count
    return {
        "accuracy": float(np.mean(truth == guess)),
        "n_test": len(truth),
        "n_train": int(model["n_train"]),
        "classes": classes,
        "per_class_accuracy": per_class,
        "confusion_matrix": confusion,
    }
