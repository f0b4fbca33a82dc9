"""What ``proj run`` reads besides its flags: ``--config run.yml`` and ``--runner-params``.

A run configuration file is YAML with a ``run:`` section whose keys are the options of
``proj run``, spelled as the option (``from-nodes``), with underscores (``from_nodes``)
or with Kedro's names (``node_names``, ``pipeline_name``)::

    run:
      pipelines: data_science
      tags: [training]
      runner: thread
      params: {model.lr: 0.1}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

#: Names Kedro's run configuration uses -> the ``proj run`` parameter they set.
_ALIASES = {
    "pipelines": "pipeline",
    "pipeline_name": "pipeline",
    "pipeline_names": "pipeline",
    "node_names": "nodes",
    "node": "nodes",
    "namespace": "namespaces",
    "tag": "tags",
    "async": "is_async",
    "config": "",
    "resume": "",
    "run_id": "",
}

#: The keys ``--runner-params`` accepts -> the ``proj run`` option they stand for.
RUNNER_PARAMS = {"max_workers": "--max-workers", "is_async": "--async"}


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def read_run_config(path: Path, known: list[str]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Read the ``run:`` section of a ``--config`` file.

    Args:
        path: The YAML file.
        known: The parameter names of ``proj run``.

    Returns:
        Defaults by parameter name (lists for repeatable options), and the ``params``
        mapping when the file gives parameters as a mapping (None otherwise; a string
        is returned among the defaults, as ``--params`` takes it).

    Raises:
        typer.BadParameter: The file is missing or not YAML, has no ``run:`` mapping,
            or names an option ``proj run`` does not have (a usage error, exit 2).
    """
    import yaml

    hint = "-c/--config"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise typer.BadParameter(f"Cannot read {path}: {exc.strerror}.", param_hint=hint) from exc
    except yaml.YAMLError as exc:
        raise typer.BadParameter(f"{path} is not valid YAML: {exc}", param_hint=hint) from exc
    section = document.get("run") if isinstance(document, dict) else None
    if not isinstance(section, dict):
        raise typer.BadParameter(
            f"{path} has no 'run:' section (a mapping of proj run options).", param_hint=hint
        )
    defaults: dict[str, Any] = {}
    params: dict[str, Any] | None = None
    from proj.framework.session import RUN_FILTERS

    lists = {flag[2:].replace("-", "_") for _, flag in RUN_FILTERS.values()}
    lists |= {"pipeline", "load_versions"}
    for raw_key, value in section.items():
        key = str(raw_key).replace("-", "_")
        name = _ALIASES.get(key, key)
        if name not in known or name in ("ctx", ""):
            options = ", ".join(sorted(n for n in known if n not in ("config", "run_id")))
            raise typer.BadParameter(
                f"{path}: 'run.{raw_key}' is not an option of proj run; known: {options}.",
                param_hint=hint,
            )
        if name == "params" and isinstance(value, dict):
            params = value
        elif name == "load_versions" and isinstance(value, dict):
            defaults[name] = [f"{dataset}:{version}" for dataset, version in value.items()]
        elif name in lists:
            defaults[name] = _as_list(value)
        else:
            defaults[name] = value
    return defaults, params


def runner_arguments(
    runner_params: str | None, *, max_workers: int | None, is_async: bool, async_given: bool
) -> tuple[int | None, bool]:
    """Merge ``--runner-params max_workers=4,is_async=true`` with the runner flags.

    Args:
        runner_params: The option's value, or None.
        max_workers: ``--max-workers`` (None when not given).
        is_async: ``--async``.
        async_given: Whether ``--async`` was given (it then wins).

    Returns:
        ``(max_workers, is_async)`` for :func:`proj.runner.create_runner`.

    Raises:
        typer.BadParameter: A key other than ``max_workers`` / ``is_async``, a value
            of the wrong type, or a malformed string.
    """
    if not runner_params:
        return max_workers, is_async
    from proj.config import parse_params
    from proj.exceptions import ConfigError

    hint = "--runner-params"
    try:
        given = parse_params(runner_params)
    except ConfigError as exc:
        raise typer.BadParameter(exc.message, param_hint=hint) from exc
    unknown = [key for key in given if key not in RUNNER_PARAMS]
    if unknown:
        raise typer.BadParameter(
            f"Unknown runner parameter(s) {', '.join(unknown)}; known: {', '.join(RUNNER_PARAMS)}.",
            param_hint=hint,
        )
    workers = given.get("max_workers", max_workers)
    if "max_workers" in given and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise typer.BadParameter(
            f"max_workers must be a whole number of at least 1, got {workers!r}.",
            param_hint=hint,
        )
    concurrent = given.get("is_async", is_async)
    if not isinstance(concurrent, bool):
        raise typer.BadParameter(
            f"is_async must be true or false, got {concurrent!r}.", param_hint=hint
        )
    return (max_workers if max_workers is not None else workers), (
        is_async if async_given else concurrent
    )
