"""The project's pipelines: ``register_pipelines()`` and the ``find_pipelines()`` helper."""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING

from proj.exceptions import ProjectError
from proj.framework.imports import import_project_module

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from proj.framework.project import ProjectMetadata
    from proj.pipeline import Pipeline

logger = logging.getLogger(__name__)

DEFAULT_PIPELINE = "__default__"


def find_pipelines(
    package_name: str | None = None, *, raise_errors: bool = True
) -> dict[str, Pipeline]:
    """Collect the modular pipelines of a package: ``<package>/pipelines/<name>/pipeline.py``.

    Each such module must define ``create_pipeline(**kwargs) -> Pipeline``; the result is
    registered under the folder's name. Folders whose name starts with ``_`` or ``.``
    are skipped.

    Args:
        package_name: The project's package; default: the package of the module that
            calls this function (so ``pipeline_registry.py`` can call it bare).
        raise_errors: Raise on a pipeline that cannot be built (the default, unlike
            Kedro's); with False, log a warning naming the file and the error, and
            leave that pipeline out.

    Returns:
        Pipeline name -> pipeline, sorted by name. ``__default__`` is not added: the
        registry decides what the default run is.

    Raises:
        ProjectError: With ``raise_errors``: a pipeline module fails to import (file and
            line named), has no ``create_pipeline``, or it does not return a Pipeline.
    """
    from importlib import import_module
    from pathlib import Path

    if package_name is None:
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        module_name = caller.f_globals.get("__name__", "") if caller is not None else ""
        package_name = module_name.split(".")[0]
        if not package_name or package_name == "__main__":
            raise ProjectError(
                "find_pipelines() could not tell which package to search.",
                hint="Call it as find_pipelines('<package_name>').",
            )
    package = import_module(package_name)
    package_file = package.__file__
    if package_file is None:
        raise ProjectError(f"Package {package_name} has no __init__.py.")
    pipelines_dir = Path(package_file).parent / "pipelines"
    source_dir = Path(package_file).parent.parent
    found: dict[str, Pipeline] = {}
    if not pipelines_dir.is_dir():
        return found
    for folder in sorted(pipelines_dir.iterdir()):
        name = folder.name
        if name.startswith(("_", ".")) or not (folder / "pipeline.py").is_file():
            continue
        try:
            found[name] = _build_pipeline(package_name, name, folder, source_dir)
        except ProjectError as exc:
            if raise_errors:
                raise
            logger.warning("Pipeline '%s' is left out: %s", name, exc.message)
    return found


def _build_pipeline(package_name: str, name: str, folder: Path, source_dir: Path) -> Pipeline:
    """Import ``pipelines/<name>/pipeline.py`` and call its ``create_pipeline()``."""
    from proj.pipeline import Pipeline

    module_name = f"{package_name}.pipelines.{name}.pipeline"
    module = import_project_module(module_name, source_dir, what=f"pipelines/{name}/pipeline.py")
    create = getattr(module, "create_pipeline", None)
    if not callable(create):
        raise ProjectError(
            f"{folder / 'pipeline.py'} has no create_pipeline() function.",
            hint="Define create_pipeline(**kwargs) returning a Pipeline.",
        )
    try:
        result = create()
    except ProjectError:
        raise
    except Exception as exc:
        raise ProjectError(
            f"create_pipeline() in {folder / 'pipeline.py'} raised {type(exc).__name__}: {exc}",
            hint="Fix the pipeline definition; --verbose shows the traceback.",
        ) from exc
    if not isinstance(result, Pipeline):
        raise ProjectError(
            f"create_pipeline() in {folder / 'pipeline.py'} returned "
            f"{type(result).__name__}, not a Pipeline."
        )
    return result


#: Module attribute of a ``pipeline.py``: False keeps it out of :func:`default_pipeline`.
JOIN_DEFAULT = "JOIN_DEFAULT"


def default_pipeline(
    pipelines: Mapping[str, Pipeline], package_name: str | None = None
) -> Pipeline:
    """What a bare ``proj run`` runs: the pipelines that join ``__default__``, summed.

    Every pipeline of :func:`find_pipelines` joins, except one whose ``pipeline.py`` sets
    ``JOIN_DEFAULT = False``: ``proj jupyter convert --to-pipeline`` writes converted
    notebooks that way, so that converting one never changes what a plain ``proj run``
    runs; set it to True (or delete the line) to add the pipeline. Names that are not
    modular pipelines of the package (added by hand to the dict) join too.

    Args:
        pipelines: Pipeline name -> pipeline (``__default__`` itself is ignored).
        package_name: The project's package; default: the caller's package.

    Returns:
        The sum of the joining pipelines (an empty Pipeline when none).
    """
    import sys

    from proj.pipeline import Pipeline

    if package_name is None:
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        module_name = caller.f_globals.get("__name__", "") if caller is not None else ""
        package_name = module_name.split(".")[0]
    total = Pipeline([])
    for name, pipeline in pipelines.items():
        if name == DEFAULT_PIPELINE:
            continue
        module = sys.modules.get(f"{package_name}.pipelines.{name}.pipeline")
        if module is not None and getattr(module, JOIN_DEFAULT, True) is False:
            logger.debug("Pipeline %r stays out of __default__ (JOIN_DEFAULT = False).", name)
            continue
        total = total + pipeline
    return total


def load_pipelines(metadata: ProjectMetadata) -> dict[str, Pipeline]:
    """Call the project's ``register_pipelines()`` in ``pipeline_registry.py``.

    Args:
        metadata: The project, already bootstrapped.

    Returns:
        Pipeline name -> pipeline; contains ``__default__`` when the registry defines it.

    Raises:
        ProjectError: The registry is missing, fails to import or run, or returns
            something other than a dict of names to pipelines.
    """
    from proj.pipeline import Pipeline

    module = import_project_module(
        f"{metadata.package_name}.pipeline_registry",
        metadata.source_dir,
        what="pipeline_registry.py",
    )
    register = getattr(module, "register_pipelines", None)
    where = metadata.package_dir / "pipeline_registry.py"
    if not callable(register):
        raise ProjectError(
            f"{where} has no register_pipelines() function.",
            hint="Define register_pipelines() returning a dict of name -> Pipeline.",
        )
    try:
        pipelines = register()
    except ProjectError:
        raise
    except Exception as exc:
        raise ProjectError(
            f"register_pipelines() in {where} raised {type(exc).__name__}: {exc}",
            hint="Fix the registry or the pipeline it builds; --verbose shows the traceback.",
        ) from exc
    if not isinstance(pipelines, dict) or not all(
        isinstance(key, str) and isinstance(value, Pipeline) for key, value in pipelines.items()
    ):
        raise ProjectError(
            f"register_pipelines() in {where} must return a dict of str -> Pipeline.",
        )
    return pipelines
