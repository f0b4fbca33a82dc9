"""The project's pipelines: one subpackage each, found by `find_pipelines()`.

To add one, create ``pipelines/<name>/pipeline.py`` with a function
``create_pipeline(**kwargs)`` that returns a ``proj.pipeline.Pipeline``.
"""
