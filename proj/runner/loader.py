"""Choosing a runner by name (``--runner sequential|thread|parallel|dask|ipyparallel``, or a
dotted path)."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from proj.exceptions import RunnerError
from proj.runner.core import AbstractRunner

#: Short names accepted by ``proj run --runner`` -> class path.
RUNNER_ALIASES = {
    "sequential": "proj.runner.sequential.SequentialRunner",
    "thread": "proj.runner.thread.ThreadRunner",
    "parallel": "proj.runner.parallel.ParallelRunner",
    "dask": "proj.runner.dask.DaskRunner",
    "ipyparallel": "proj.runner.ipyparallel.IPyParallelRunner",
}


def create_runner(
    name: str, *, max_workers: int | None = None, is_async: bool = False
) -> AbstractRunner:
    """Build a runner from a short name or the dotted path of a runner class.

    Args:
        name: ``sequential``, ``thread``, ``parallel``, ``dask``, ``ipyparallel`` (any
            case), the class name itself (``ThreadRunner``), or
            ``package.module.ClassName`` of a subclass of :class:`AbstractRunner`.
        max_workers: Passed to runners that take it; refused by those that do not.
        is_async: Load and save node data concurrently.

    Returns:
        A runner instance.

    Raises:
        RunnerError: Unknown name, a path that does not import, a class that is not a
            runner, or ``max_workers`` given to a runner that has no workers.
    """
    key = name.strip()
    by_class = {path.rsplit(".", 1)[1].lower(): path for path in RUNNER_ALIASES.values()}
    path = RUNNER_ALIASES.get(key.lower()) or by_class.get(key.lower())
    if path is None:
        if "." not in key:
            raise RunnerError(
                f"Unknown runner '{name}'.",
                hint=f"Use one of {', '.join(RUNNER_ALIASES)}, or the dotted path of a "
                "runner class such as my_package.runners.MyRunner.",
            )
        path = key
    module_name, _, class_name = path.rpartition(".")
    try:
        runner_class = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise RunnerError(
            f"Cannot import runner '{path}': {exc}.",
            hint="Check the module path, and that the module is importable from the project.",
        ) from exc
    if not (inspect.isclass(runner_class) and issubclass(runner_class, AbstractRunner)):
        raise RunnerError(
            f"'{path}' is not a runner: it must be a subclass of proj.runner.AbstractRunner."
        )
    kwargs: dict[str, Any] = {"is_async": is_async}
    if max_workers is not None:
        if "max_workers" not in inspect.signature(runner_class).parameters:
            raise RunnerError(
                f"{runner_class.__name__} does not take --max-workers.",
                hint="Drop --max-workers, or use --runner thread or --runner parallel.",
            )
        kwargs["max_workers"] = max_workers
    runner: AbstractRunner = runner_class(**kwargs)
    return runner
