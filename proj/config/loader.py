"""ConfigLoader: a project's ``conf/`` folder as resolved dicts, one per configuration key.

Layout (the one Kedro users know)::

    conf/
      base/            always read
        catalog.yml
        parameters.yml
        parameters/    subfolders are searched too
          model.yml
      local/           the default run environment, laid over base (may be absent)
        credentials.yml
      prod/            chosen with env="prod" or PROJ_ENV=prod

Loading one key (``loader["parameters"]``) reads that key's files in ``base`` and in
the run environment (see :mod:`proj.config.files`), merges each environment's files
(a top-level key in two files is an error), lays the environment over base
(:mod:`proj.config.merge`), resolves ``${...}`` interpolation (:mod:`proj.config.resolvers`),
drops top-level keys starting with ``_``, and, for ``parameters``, applies the runtime
parameters (:mod:`proj.config.params`). The result is cached per loader; every access
returns a fresh deep copy, so callers may modify it.

Points worth knowing:

* Runtime parameters are laid over ``parameters`` *after* interpolation (as Kedro's
  context does): ``lr_copy: ${model.lr}`` keeps the file's value when ``--params
  model.lr=0.5`` is given; write ``${runtime_params:model.lr,0.1}`` for a value that
  follows the command line. Every runtime parameter lands in ``parameters``, whether
  the files define it or not (new keys are logged at debug level).
* ``${oc.env:VAR}`` is allowed only in ``credentials``.
* Top-level keys starting with ``_`` may be repeated across the files of one
  environment (they carry YAML anchors); any other repeated top-level key is an error.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from proj.config.files import (
    line_of_key,
    list_config_files,
    list_environments,
    read_config_file,
    select_files,
)
from proj.config.merge import MERGE_STRATEGIES, is_hidden_key, merge_environments, merge_files
from proj.config.params import (
    apply_overrides,
    closest_key,
    normalize_runtime_params,
    unknown_overrides,
)
from proj.config.resolvers import SECRET_KEYS, check_custom_resolvers, resolve
from proj.exceptions import ConfigError, MissingConfigError, UnknownEnvironmentError

__all__ = ["DEFAULT_CONFIG_PATTERNS", "ENV_VAR", "ConfigLoader", "OmegaConfigLoader"]

logger = logging.getLogger(__name__)

#: The environment variable that picks the run environment when ``env`` is not given.
ENV_VAR = "PROJ_ENV"


def _patterns(name: str) -> list[str]:
    return [f"{name}*", f"{name}*/**", f"**/{name}*"]


#: Configuration key -> glob patterns of its files (relative to an environment folder).
DEFAULT_CONFIG_PATTERNS: dict[str, list[str]] = {
    key: _patterns(key) for key in ("catalog", "parameters", "credentials", "globals")
}


def _check_env_name(name: str, what: str) -> None:
    if (
        not name
        or name in (".", "..")
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or os.sep in name
    ):
        raise ConfigError(
            f"Invalid {what} {name!r}: an environment is the name of one folder in the "
            "configuration source.",
            hint="Use a plain folder name such as 'local' or 'prod'.",
        )


def _check_patterns(config_patterns: Mapping[str, Any] | None) -> dict[str, list[str]]:
    patterns = {key: list(value) for key, value in DEFAULT_CONFIG_PATTERNS.items()}
    for key, value in (config_patterns or {}).items():
        if not isinstance(key, str) or not key:
            raise ConfigError(
                f"Invalid config_patterns key {key!r}: keys are configuration names.",
                hint='Use e.g. config_patterns={"spark": ["spark*", "spark*/**"]}.',
            )
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, Sequence) or not all(isinstance(p, str) for p in items):
            raise ConfigError(
                f"Invalid config_patterns[{key!r}]: expected a list of glob patterns, "
                f"got {value!r}.",
                hint=f'Use e.g. config_patterns={{"{key}": ["{key}*", "**/{key}*"]}}.',
            )
        patterns[key] = list(items)
    return patterns


class ConfigLoader:
    """Read a configuration source (``conf/``): base overlaid by one run environment.

    The run environment is ``env`` if given, else the ``PROJ_ENV`` environment
    variable, else ``default_run_env``. An environment asked for (by argument or
    variable) must exist; the default one may be missing (nothing is laid over base).

    Each configuration key (``catalog``, ``parameters``, ``credentials``, ``globals``,
    plus any from ``config_patterns``) is loaded on first access and cached.

    Args:
        conf_source: The configuration folder, e.g. ``"conf"`` or a project's
            ``Path("conf")``.
        env: The run environment (a folder name in ``conf_source``), e.g. ``"prod"``.
        runtime_params: Parameters that override ``parameters`` and feed
            ``${runtime_params:...}``; dotted keys (``{"model.lr": 0.1}``) or nested dicts.
        base_env: The environment every run reads first.
        default_run_env: The environment used when neither ``env`` nor ``PROJ_ENV`` is
            set; None for base only.
        config_patterns: Extra or replaced keys -> glob patterns, e.g.
            ``{"spark": ["spark*", "spark*/**"]}`` (pattern rules in
            :mod:`proj.config.files`).
        merge_strategy: Key -> ``"destructive"`` (default: the environment replaces a
            top-level entry of base) or ``"soft"`` (deep merge), e.g.
            ``{"parameters": "soft"}``.
        custom_resolvers: Resolver name -> function, for ``${name:arg,...}`` in this
            loader's files, e.g. ``{"add": lambda a, b: a + b}``.

    Raises:
        MissingConfigError: ``conf_source``, its base folder, or a requested
            environment folder does not exist (the message lists those that do).
        ConfigError: An environment name is not a plain folder name, or
            ``config_patterns``, ``merge_strategy``, ``runtime_params`` or
            ``custom_resolvers`` is malformed.

    Example:
        >>> loader = ConfigLoader("conf", env="prod", runtime_params={"model.lr": 0.1})
        >>> loader["parameters"]["model"]["lr"]
        0.1
    """

    def __init__(
        self,
        conf_source: str | os.PathLike[str],
        *,
        env: str | None = None,
        runtime_params: Mapping[str, Any] | None = None,
        base_env: str = "base",
        default_run_env: str | None = "local",
        config_patterns: Mapping[str, Sequence[str]] | None = None,
        merge_strategy: Mapping[str, str] | None = None,
        custom_resolvers: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        self._conf_source = Path(conf_source)
        if not self._conf_source.is_dir():
            raise MissingConfigError(
                f"Configuration folder '{self._conf_source}' does not exist"
                + (" (it is a file)." if self._conf_source.exists() else "."),
                hint=f"Create it with a '{base_env}' subfolder, or point --conf-source at "
                "your configuration.",
            )
        _check_env_name(base_env, "base environment")
        self._base_env = base_env
        self._base_dir = self._conf_source / base_env
        if not self._base_dir.is_dir():
            raise MissingConfigError(
                f"Base environment folder '{self._base_dir}' does not exist; "
                + self._environments_listing(),
                hint=f"Create '{self._base_dir}', or pass base_env= one of those.",
            )

        from_env_var = os.environ.get(ENV_VAR) or None
        requested = env or from_env_var
        origin = "env argument" if env else f"{ENV_VAR} environment variable"
        self._env: str | None = requested or default_run_env or None
        self._env_dir: Path | None = None
        if self._env is not None:
            _check_env_name(self._env, "environment" if requested else "default_run_env")
            env_dir = self._conf_source / self._env
            if self._env == base_env:
                logger.debug("Run environment is the base environment; nothing to overlay.")
            elif env_dir.is_dir():
                self._env_dir = env_dir
            elif requested:
                raise UnknownEnvironmentError(
                    f"Environment '{self._env}' (from the {origin}) has no folder "
                    f"'{env_dir}'; " + self._environments_listing(),
                    hint=f"Create '{env_dir}', or pick one of the existing environments.",
                )
            else:
                logger.debug("Default environment folder %s does not exist; using base.", env_dir)

        self._patterns = _check_patterns(config_patterns)
        self._merge_strategy = self._check_merge_strategy(merge_strategy)
        self._runtime_params = normalize_runtime_params(runtime_params)
        self._custom_resolvers = check_custom_resolvers(custom_resolvers)
        self._cache: dict[str, dict[Any, Any]] = {}
        self._sources: dict[str, dict[Any, Path]] = {}
        self._files: dict[Path, list[str]] = {}

    # ------------------------------------------------------------------ properties

    @property
    def conf_source(self) -> Path:
        """The configuration folder, as given (not resolved)."""
        return self._conf_source

    @property
    def env(self) -> str | None:
        """The run environment's name (its folder may be absent for the default one)."""
        return self._env

    @property
    def base_env(self) -> str:
        """The base environment's name (``"base"``)."""
        return self._base_env

    @property
    def runtime_params(self) -> dict[str, Any]:
        """The runtime parameters as a nested dict (a copy)."""
        return copy.deepcopy(self._runtime_params)

    @property
    def config_patterns(self) -> dict[str, list[str]]:
        """Configuration key -> glob patterns, defaults included (a copy)."""
        return {key: list(value) for key, value in self._patterns.items()}

    # ------------------------------------------------------------------ mapping access

    def __getitem__(self, key: str) -> dict[Any, Any]:
        """Load one configuration key.

        Args:
            key: ``"catalog"``, ``"parameters"``, ``"credentials"``, ``"globals"`` or a
                key added with ``config_patterns``.

        Returns:
            The resolved configuration as plain dicts/lists (a fresh copy each time);
            ``{}`` when no file matches.

        Raises:
            MissingConfigError: The key is unknown (the message lists known keys).
            ConfigSyntaxError: A file is not valid YAML/JSON (file:line:column).
            DuplicateConfigKeyError: A key is defined twice in one environment.
            ConfigError: Interpolation failed, a file is not a mapping, or a runtime
                parameter cannot be applied.
        """
        if key not in self._patterns:
            import difflib

            close = difflib.get_close_matches(str(key), list(self._patterns), n=1)
            suggestion = f" Did you mean '{close[0]}'?" if close else ""
            raise MissingConfigError(
                f"Unknown configuration key {key!r}.{suggestion}",
                hint=f"Known keys: {', '.join(sorted(self._patterns))}; add one with "
                f'config_patterns={{"{key}": ["{key}*", "{key}*/**", "**/{key}*"]}}.',
            )
        return copy.deepcopy(self._load(key))

    def get(self, key: str, default: Any = None) -> Any:
        """Load one configuration key, or return ``default`` if the key is unknown.

        Args:
            key: A configuration key, as for ``loader[key]``.
            default: Returned when ``key`` is not a known configuration key.

        Returns:
            ``loader[key]`` (``{}`` for a known key without files), else ``default``.

        Raises:
            ConfigError: As ``loader[key]`` for broken files of a known key.
        """
        if key not in self._patterns:
            return default
        return self[key]

    def __contains__(self, key: object) -> bool:
        """Tell whether ``key`` is a known configuration key (files need not exist)."""
        return key in self._patterns

    def __iter__(self) -> Iterator[str]:
        """Iterate over the known configuration keys, sorted."""
        return iter(sorted(self._patterns))

    def __repr__(self) -> str:
        return (
            f"ConfigLoader(conf_source={str(self._conf_source)!r}, env={self._env!r}, "
            f"keys={sorted(self._patterns)!r})"
        )

    # ------------------------------------------------------------------ loading

    def _load(self, key: str) -> dict[Any, Any]:
        """Load, merge and resolve one key (cached; callers must not modify the result)."""
        if key in self._cache:
            return self._cache[key]
        merged, sources = self._load_environment(key, self._base_dir)
        if self._env_dir is not None:
            merged, sources = merge_environments(
                key,
                (merged, sources),
                self._load_environment(key, self._env_dir),
                self._merge_strategy.get(key, "destructive"),
            )
        resolved = resolve(
            merged,
            config_key=key,
            sources=sources,
            get_globals=lambda: self._load("globals"),
            runtime_params=self._runtime_params,
            custom_resolvers=self._custom_resolvers,
        )
        result = {k: v for k, v in resolved.items() if not is_hidden_key(k)}
        self._sources[key] = sources
        if key == "parameters" and self._runtime_params:
            self._warn_unknown_params(result)
            result = apply_overrides(result, self._runtime_params)
        self._cache[key] = result
        return result

    def _warn_unknown_params(self, parameters: dict[Any, Any]) -> None:
        """Warn about runtime parameters that name no parameter (often a typo), with the
        closest existing key; keys that a ``${runtime_params:...}`` reads are expected."""
        unknown = unknown_overrides(parameters, self._runtime_params)
        if not unknown:
            return
        read = self._runtime_params_read()
        for dotted in unknown:
            if dotted in read:
                continue
            close = closest_key(dotted, parameters)
            logger.warning(
                "Runtime parameter '%s' is not in the parameters, so it is added as a new one%s",
                dotted,
                f"; did you mean '{close}'?" if close else ".",
            )

    def _runtime_params_read(self) -> set[str]:
        """The keys ``${runtime_params:KEY...}`` reads in any configuration file in use."""
        import re

        pattern = re.compile(r"\$\{\s*runtime_params\s*:\s*([^,}\s]+)")
        keys: set[str] = set()
        for folder in (self._base_dir, self._env_dir):
            if folder is None or not folder.is_dir():
                continue
            for path in folder.rglob("*"):
                if path.suffix in (".yml", ".yaml", ".json") and path.is_file():
                    try:
                        keys.update(pattern.findall(path.read_text("utf-8")))
                    except (OSError, UnicodeDecodeError):
                        continue
        return keys

    def locate(self, key: str, entry: str) -> str:
        """Where a top-level entry of a configuration key is declared.

        Args:
            key: The configuration key, e.g. ``"catalog"``.
            entry: A top-level key of its files, e.g. a dataset name.

        Returns:
            ``"<file>:<line>"`` of the file that won the merge (the run environment's
            over ``base``), or ``""`` when ``key`` was not loaded or does not declare
            ``entry``.
        """
        path = self._sources.get(key, {}).get(entry)
        if path is None:
            return ""
        line = line_of_key(path, entry)
        return f"{path}:{line}" if line else str(path)

    def _load_environment(self, key: str, env_dir: Path) -> tuple[dict[Any, Any], dict[Any, Path]]:
        """Read and merge the files of one key in one environment folder."""
        if env_dir not in self._files:
            self._files[env_dir] = list_config_files(env_dir)
        selected = select_files(self._files[env_dir], self._patterns[key])
        logger.debug("Loading %s from %s: %s", key, env_dir, ", ".join(selected) or "no files")
        secret = key in SECRET_KEYS
        return merge_files(
            key,
            ((env_dir / rel, read_config_file(env_dir / rel, secret=secret)) for rel in selected),
        )

    # ------------------------------------------------------------------ validation

    def _environments_listing(self) -> str:
        existing = list_environments(self._conf_source)
        listing = ", ".join(existing) if existing else "none"
        return f"environments in {self._conf_source}: {listing}."

    def _check_merge_strategy(self, merge_strategy: Mapping[str, str] | None) -> dict[str, str]:
        strategies = dict(merge_strategy or {})
        for key, strategy in strategies.items():
            if key not in self._patterns:
                raise ConfigError(
                    f"merge_strategy names an unknown configuration key {key!r}.",
                    hint=f"Known keys: {', '.join(sorted(self._patterns))}.",
                )
            if strategy not in MERGE_STRATEGIES:
                raise ConfigError(
                    f"Unknown merge strategy {strategy!r} for '{key}'.",
                    hint=f"Use one of: {', '.join(MERGE_STRATEGIES)}.",
                )
        return strategies


#: The name Kedro projects import (``from kedro.config import OmegaConfigLoader``); the
#: same class, so ``CONFIG_LOADER_CLASS = OmegaConfigLoader`` in settings.py just works.
OmegaConfigLoader = ConfigLoader
