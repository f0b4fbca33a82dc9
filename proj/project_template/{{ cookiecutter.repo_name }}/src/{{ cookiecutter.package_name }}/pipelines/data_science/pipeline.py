"""The data_science pipeline: train/test split -> model -> predictions -> metrics."""

from __future__ import annotations

from proj.pipeline import Pipeline, node

from .nodes import predict, report_accuracy, train_model


def create_pipeline(**kwargs: object) -> Pipeline:
    """Build the data_science pipeline.

    Args:
        **kwargs: Unused; accepted so that every pipeline module has one signature.

    Returns:
        ``train_model`` (tag ``training``: ``X_train``, ``y_train`` -> ``model``),
        ``predict`` and ``report_accuracy`` (tag ``evaluation``: -> ``y_pred`` ->
        ``metrics``, the report saved to data/08_reporting/metrics.json).
    """
    return Pipeline(
        [
            node(
                train_model,
                inputs=["X_train", "y_train", "params:model_options"],
                outputs="model",
                name="train_model",
                tags=["training"],
            ),
            node(
                predict,
                inputs=["model", "X_test"],
                outputs="y_pred",
                name="predict",
                tags=["evaluation"],
            ),
            node(
                report_accuracy,
                inputs=["model", "y_test", "y_pred"],
                outputs="metrics",
                name="report_accuracy",
                tags=["evaluation"],
            ),
        ]
    )
