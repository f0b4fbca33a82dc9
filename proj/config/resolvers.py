"""OmegaConf interpolation of merged configuration, and proj's two resolvers.

One configuration key's merged content (all its files, base and environment) is one
OmegaConf config, so ``${a.b}`` can point anywhere inside it. On top of OmegaConf's
built-ins, two resolvers are available:

* ``${globals:key}`` / ``${globals:key,default}`` reads the (resolved) ``globals``
  configuration of the same loader, dotted keys allowed;
* ``${runtime_params:key}`` / ``${runtime_params:key,default}`` reads the runtime
  parameters the loader was given (``--params``).

A loader may bring its own resolvers (``custom_resolvers={"add": lambda a, b: a + b}``,
set through ``CONFIG_LOADER_ARGS`` in settings.py); they are seen only by that loader.

OmegaConf's resolver registry is process-global, so the resolvers are registered once
(on first use) and look up *which* loader they serve in a :class:`contextvars.ContextVar`
that :func:`resolve` sets for the duration of one resolution. Two loaders, in one thread
or in several, therefore never see each other's globals or runtime parameters, and no
per-loader registration is left behind. Using ``${globals:...}`` in an OmegaConf config
that proj did not create is an error.

``${oc.env:VAR}`` reads environment variables; like Kedro, proj allows it only in
``credentials``, so that parameters and catalogs stay reproducible from files alone.
Errors about credentials never contain a value from them, and are raised ``from None``
so that OmegaConf's message (which can quote the offending string) is not chained.
"""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from proj.config.params import MISSING, lookup
from proj.exceptions import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

__all__ = ["SECRET_KEYS", "check_custom_resolvers", "check_env_interpolations", "resolve"]

#: Configuration keys whose values are secret (and may use ``${oc.env:...}``).
SECRET_KEYS = frozenset({"credentials"})

# `${oc.env:` not preceded by the `\` that OmegaConf uses to escape an interpolation.
_ENV_RE = re.compile(r"(?<!\\)\$\{\s*oc\.env\s*:")
_ENV_NOT_FOUND_RE = re.compile(r"Environment variable '(\w+)' not found")


class _ResolverFailure(Exception):
    """Raised inside a resolver; resolve() turns it into a ConfigError with file and key."""


@dataclass
class _Scope:
    """What the resolvers need while one configuration key is being resolved."""

    config_key: str
    sources: Mapping[str, Path]
    get_globals: Callable[[], Mapping[Any, Any]]
    runtime_params: Mapping[str, Any]
    custom_resolvers: Mapping[str, Callable[..., Any]]
    #: A problem found by one of our resolvers: (message, hint).
    failure: tuple[str, str] | None = None
    #: A complete ConfigError raised while loading globals; re-raised unchanged.
    error: ConfigError | None = None


_SCOPE: ContextVar[_Scope | None] = ContextVar("proj_config_resolution", default=None)


def _current_scope(resolver: str) -> _Scope:
    scope = _SCOPE.get()
    if scope is None:
        raise ValueError(
            f"The '{resolver}' resolver only works in configuration loaded by "
            "proj.config.ConfigLoader."
        )
    return scope


def _fail(scope: _Scope, message: str, hint: str) -> _ResolverFailure:
    scope.failure = (message, hint)
    return _ResolverFailure(message)


def _globals_resolver(key: Any, default: Any = MISSING) -> Any:
    """``${globals:key,default}``: a value of the same loader's resolved globals."""
    scope = _current_scope("globals")
    key = str(key)
    if scope.config_key == "globals":
        raise _fail(
            scope,
            f"${{globals:{key}}} cannot be used inside globals itself.",
            f"Refer to another global directly with ${{{key}}}.",
        )
    try:
        known = scope.get_globals()
    except ConfigError as exc:
        scope.error = exc
        raise
    value = lookup(known, key)
    if value is not MISSING:
        return value
    if default is not MISSING:
        return default
    defined = ", ".join(sorted(str(k) for k in known)) or "nothing"
    raise _fail(
        scope,
        f"${{globals:{key}}} has no value: '{key}' is not defined in globals "
        f"(globals define: {defined}).",
        f"Define '{key}' in a globals*.yml file, or give a default: ${{globals:{key},...}}.",
    )


def _runtime_params_resolver(key: Any, default: Any = MISSING) -> Any:
    """``${runtime_params:key,default}``: a runtime parameter given to the loader."""
    scope = _current_scope("runtime_params")
    key = str(key)
    value = lookup(scope.runtime_params, key)
    if value is not MISSING:
        return value
    if default is not MISSING:
        return default
    raise _fail(
        scope,
        f"${{runtime_params:{key}}} has no value: no runtime parameter '{key}' was given.",
        f"Pass it with --params {key}=<value>, or give a default: ${{runtime_params:{key},...}}.",
    )


@functools.cache
def _register_resolvers() -> None:
    """Register proj's resolvers with OmegaConf, once per process."""
    from omegaconf import OmegaConf

    resolvers = {"globals": _globals_resolver, "runtime_params": _runtime_params_resolver}
    register = getattr(OmegaConf, "register_resolver", None)  # OmegaConf >= 2.4
    for name, function in resolvers.items():
        if register is not None:
            register(name, function, replace=True, use_cache=False, annotation_validation="off")
        else:  # pragma: no cover - OmegaConf 2.3
            OmegaConf.register_new_resolver(name, function, replace=True, use_cache=False)


#: Names proj's own resolvers use; a custom resolver may not take them.
RESERVED_RESOLVERS = frozenset({"globals", "runtime_params"})


def check_custom_resolvers(resolvers: Any) -> dict[str, Callable[..., Any]]:
    """Validate a loader's ``custom_resolvers``: resolver name -> callable.

    Args:
        resolvers: The value given to the loader, e.g. ``{"add": operator.add}``.

    Returns:
        A plain dict copy (empty for None).

    Raises:
        ConfigError: Not a mapping, a name that is not a non-empty string or is one of
            proj's own resolvers, or a value that is not callable.
    """
    from collections.abc import Mapping as MappingABC

    if resolvers is None:
        return {}
    if not isinstance(resolvers, MappingABC):
        raise ConfigError(
            f"custom_resolvers must be a dict of name -> function, got {type(resolvers).__name__}.",
            hint='Write e.g. "custom_resolvers": {"add": lambda a, b: a + b}.',
        )
    checked: dict[str, Callable[..., Any]] = {}
    for name, function in resolvers.items():
        if not isinstance(name, str) or not name:
            raise ConfigError(f"custom_resolvers has an invalid name {name!r}.")
        if name in RESERVED_RESOLVERS:
            raise ConfigError(
                f"custom_resolvers cannot replace proj's own '{name}' resolver.",
                hint="Give your resolver another name.",
            )
        if not callable(function):
            raise ConfigError(
                f"custom_resolvers['{name}'] is {type(function).__name__}, not a function."
            )
        checked[name] = function
    return checked


def _custom_resolver(name: str, *args: Any) -> Any:
    """Call the custom resolver ``name`` of the loader being resolved."""
    scope = _current_scope(name)
    function = scope.custom_resolvers.get(name)
    if function is None:
        raise _fail(
            scope,
            f"${{{name}:...}} uses a resolver this configuration loader does not have.",
            f"Add '{name}' to custom_resolvers in CONFIG_LOADER_ARGS (settings.py).",
        )
    try:
        return function(*args)
    except Exception as exc:
        raise _fail(
            scope,
            f"custom resolver '{name}' raised {type(exc).__name__}: {exc}",
            f"Fix the function registered as '{name}' in custom_resolvers.",
        ) from exc


@functools.cache
def _register_custom(name: str) -> None:
    """Register the dispatcher for one custom resolver name with OmegaConf, once."""
    from omegaconf import OmegaConf

    function = functools.partial(_custom_resolver, name)
    register = getattr(OmegaConf, "register_resolver", None)  # OmegaConf >= 2.4
    if register is not None:
        register(name, function, replace=True, use_cache=False, annotation_validation="off")
    else:  # pragma: no cover - OmegaConf 2.3
        OmegaConf.register_new_resolver(name, function, replace=True, use_cache=False)


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Yield (dotted path, leaf) for every leaf of nested dicts and lists."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")
    else:
        yield path, value


def _has_interpolation(config: Mapping[Any, Any]) -> bool:
    return any(isinstance(leaf, str) and "${" in leaf for _, leaf in _walk(dict(config), ""))


def check_env_interpolations(
    config: Mapping[Any, Any], config_key: str, sources: Mapping[str, Path]
) -> None:
    """Refuse ``${oc.env:...}`` outside the secret keys (``credentials``).

    Args:
        config: Merged, unresolved configuration of one key.
        config_key: Its name (``"parameters"``).
        sources: Top-level key (as a string) -> the file it came from.

    Raises:
        ConfigError: A value uses ``${oc.env:...}``; the message names the key path
            and the file.
    """
    if config_key in SECRET_KEYS:
        return
    for path, leaf in _walk(dict(config), ""):
        if isinstance(leaf, str) and _ENV_RE.search(leaf):
            top = re.split(r"[.\[]", path, maxsplit=1)[0]
            where = f" in {sources[top]}" if top in sources else ""
            raise ConfigError(
                f"{config_key} value '{path}'{where} uses ${{oc.env:...}}, which is only "
                "allowed in credentials.",
                hint="Move the value to a credentials*.yml file, or pass it with --params "
                "and read it with ${runtime_params:...}.",
            )


def _translate(exc: Exception, scope: _Scope) -> ConfigError:
    """Turn an OmegaConf error into a ConfigError naming the key path and the file."""
    full_key = str(getattr(exc, "full_key", None) or "")
    top = re.split(r"[.\[]", full_key, maxsplit=1)[0]
    at = f" at '{full_key}'" if full_key else ""
    where = f" in {scope.sources[top]}" if top in scope.sources else ""
    prefix = f"Could not resolve {scope.config_key}{at}{where}"
    if scope.failure is not None:
        message, hint = scope.failure
        return ConfigError(f"{prefix}: {message}", hint=hint)
    if scope.config_key in SECRET_KEYS:
        found = _ENV_NOT_FOUND_RE.search(str(exc))
        detail = (
            f"environment variable '{found.group(1)}' is not set"
            if found
            else f"{type(exc).__name__} (the value is not shown because it is secret)"
        )
        return ConfigError(
            f"{prefix}: {detail}.",
            hint="Check the ${...} expressions at that key and that the environment "
            "variables they read are set.",
        )
    detail = str(exc).split("\n")[0].strip().rstrip(".")
    return ConfigError(
        f"{prefix}: {detail}.",
        hint="Check the ${...} expression: ${a.b} refers to a key of the same "
        "configuration, ${globals:a.b} to globals, ${runtime_params:a.b} to --params; "
        "write \\${ for a literal ${.",
    )


def resolve(
    config: Mapping[Any, Any],
    *,
    config_key: str,
    sources: Mapping[Any, Path],
    get_globals: Callable[[], Mapping[Any, Any]],
    runtime_params: Mapping[str, Any],
    custom_resolvers: Mapping[str, Callable[..., Any]] | None = None,
) -> dict[Any, Any]:
    """Resolve every ``${...}`` in one configuration key's merged content.

    Args:
        config: Merged, unresolved configuration of one key (plain dicts and lists).
        config_key: Its name; ``"credentials"`` may use ``${oc.env:...}`` and gets
            value-free error messages.
        sources: Top-level key -> the file its value came from (for messages).
        get_globals: Returns the loader's resolved ``globals`` (called only when a
            ``${globals:...}`` is met).
        runtime_params: The loader's runtime parameters, as a nested dict.
        custom_resolvers: The loader's own resolvers (checked by
            :func:`check_custom_resolvers`), name -> function.

    Returns:
        Plain dicts and lists (``OmegaConf.to_container(..., resolve=True)``). When no
        string contains ``${``, the input is returned as a new dict without importing
        OmegaConf.

    Raises:
        ConfigError: An interpolation cannot be resolved (unknown key, missing global or
            runtime parameter without default, bad syntax, ``${oc.env:...}`` outside
            credentials, a value OmegaConf cannot hold). The message names the key path
            and the file.
    """
    text_sources = {str(key): path for key, path in sources.items()}
    check_env_interpolations(config, config_key, text_sources)
    if not _has_interpolation(config):
        return dict(config)

    _register_resolvers()
    for name in custom_resolvers or {}:
        _register_custom(name)
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    scope = _Scope(
        config_key, text_sources, get_globals, runtime_params, dict(custom_resolvers or {})
    )
    token = _SCOPE.set(scope)
    try:
        container = OmegaConf.to_container(OmegaConf.create(dict(config)), resolve=True)
    except OmegaConfBaseException as exc:
        if scope.error is not None:
            raise scope.error from scope.error.__cause__
        error = _translate(exc, scope)
        if config_key in SECRET_KEYS:
            raise error from None
        raise error from exc
    finally:
        _SCOPE.reset(token)
    assert isinstance(container, dict)
    return container
