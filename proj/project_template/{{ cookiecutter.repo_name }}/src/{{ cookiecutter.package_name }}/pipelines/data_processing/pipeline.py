"""The data_processing pipeline: raw iris file -> clean table -> train/test split."""

from __future__ import annotations

from proj.pipeline import Pipeline, node

from .nodes import clean_iris, split_data


def create_pipeline(**kwargs: object) -> Pipeline:
    """Build the data_processing pipeline.

    Args:
        **kwargs: Unused; accepted so that every pipeline module has one signature.

    Returns:
        Two nodes tagged ``preprocessing``: ``clean_iris`` (``iris`` ->
        ``iris_clean``) and ``split_data`` (``iris_clean`` -> ``X_train``, ``X_test``,
        ``y_train``, ``y_test``).
    """
    return Pipeline(
        [
            node(
                clean_iris,
                inputs=["iris", "params:columns"],
                outputs="iris_clean",
                name="clean_iris",
                tags=["preprocessing"],
            ),
            node(
                split_data,
                inputs=["iris_clean", "params:columns.target", "params:split_options"],
                outputs=["X_train", "X_test", "y_train", "y_test"],
                name="split_data",
                tags=["preprocessing"],
            ),
        ]
    )
