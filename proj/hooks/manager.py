"""Creating the hook manager and registering hook implementations into it."""

from __future__ import annotations

import logging
import types
from typing import TYPE_CHECKING, Any

from proj.exceptions import HookError
from proj.hooks.specs import ALL_SPECS, PROJECT_NAME
from proj.tracebacks import first_line, raised_at

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pluggy

logger = logging.getLogger(__name__)

#: The entry-point group plugins use to register hooks (``[project.entry-points."proj.hooks"]``).
ENTRY_POINT_GROUP = "proj.hooks"


def create_hook_manager() -> pluggy.PluginManager:
    """Return a plugin manager that knows every proj hook specification.

    Returns:
        A ``pluggy.PluginManager`` for the ``proj`` project, with no implementations.
    """
    import pluggy

    manager = pluggy.PluginManager(PROJECT_NAME)
    for spec in ALL_SPECS:
        manager.add_hookspecs(spec)
    return manager


def register_hooks(manager: pluggy.PluginManager, hooks: Iterable[Any]) -> None:
    """Register hook implementations (instances or modules) from a project's settings.

    Args:
        manager: The manager from :func:`create_hook_manager`.
        hooks: Objects whose methods are decorated with ``proj.hooks.hook_impl``.

    Raises:
        HookError: An entry is a class rather than an instance, is not a hook object at
            all (no method decorated with ``hook_impl``: a string, None, a plain
            object), or implements a hook with arguments the specification does not
            have. The message names the entry and its position in HOOKS.
    """
    import pluggy

    for position, hook in enumerate(hooks, start=1):
        shown = _shown(hook)
        if isinstance(hook, type):
            raise HookError(
                f"HOOKS entry {position} in settings.py is the class {hook.__qualname__}, "
                "not an instance.",
                hint=f"Write HOOKS = ({hook.__qualname__}(),).",
            )
        if not _has_hook_impls(manager, hook):
            raise HookError(
                f"HOOKS entry {position} in settings.py ({shown}) is not a hook object: it "
                "has no method decorated with @hook_impl.",
                hint="List instances of classes whose methods are decorated with "
                "@proj.hooks.hook_impl, e.g. HOOKS = (MyHooks(),).",
            )
        if manager.is_registered(hook):
            continue
        try:
            manager.register(hook)
        except pluggy.PluginValidationError as exc:
            raise HookError(
                f"HOOKS entry {position} in settings.py ({shown}) is invalid: {exc}",
                hint="Check the method names and arguments against proj.hooks.specs.",
            ) from exc


def _has_hook_impls(manager: pluggy.PluginManager, hook: object) -> bool:
    """Whether any attribute of ``hook`` is marked with ``hook_impl``."""
    for name in dir(hook):
        try:
            if manager.parse_hookimpl_opts(hook, name) is not None:
                return True
        except Exception:  # noqa: S112 - an attribute that cannot be read is no hook
            continue
    return False


def _shown(hook: object) -> str:
    """A short description of a HOOKS entry: its repr (cut) and its type."""
    text = repr(hook)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text}, {type(hook).__name__}"


def load_entry_point_hooks(
    manager: pluggy.PluginManager, disabled: Iterable[str] = ()
) -> list[str]:
    """Register hooks that installed packages expose in the ``proj.hooks`` group.

    Args:
        manager: The manager from :func:`create_hook_manager`.
        disabled: Distribution names whose hooks must not be registered.

    Returns:
        The names of the distributions whose hooks were registered, sorted.

    Raises:
        HookError: An entry point cannot be imported.
    """
    from importlib.metadata import entry_points

    skip = set(disabled)
    loaded: set[str] = set()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist.name if entry_point.dist is not None else entry_point.name
        if dist in skip:
            logger.debug("Hooks of %s are disabled in settings", dist)
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise HookError(
                f"Cannot load hooks '{entry_point.value}' of the installed package {dist}: "
                f"{type(exc).__name__}: {exc}",
                hint=f"Fix or uninstall {dist}, or list it in DISABLE_HOOKS_FOR_PLUGINS.",
            ) from exc
        if not manager.is_registered(plugin):
            manager.register(plugin, name=f"{dist}:{entry_point.name}")
        loaded.add(dist)
    return sorted(loaded)


def _implementation(manager: pluggy.PluginManager, name: str, error: BaseException) -> str:
    """The ``Class.hook`` label of the implementation that raised, found by its code."""
    codes = {}
    for impl in getattr(manager.hook, name).get_hookimpls():
        code = getattr(impl.function, "__code__", None)
        if code is not None:
            owner = impl.plugin
            label = owner.__name__ if isinstance(owner, types.ModuleType) else type(owner).__name__
            codes[code] = f"{label}.{name}"
    tb = error.__traceback__
    found = name
    while tb is not None:
        found = codes.get(tb.tb_frame.f_code, found)
        tb = tb.tb_next
    return found


def hook_failure(manager: pluggy.PluginManager, name: str, error: Exception) -> HookError:
    """A :class:`HookError` naming the hook implementation that raised and its line.

    Args:
        manager: The manager the hook was called through.
        name: The hook specification's name, e.g. ``"after_context_created"``.
        error: What the implementation raised (chained as the cause by the caller).

    Returns:
        ``Hook <Class>.<name> failed: <Type>: <message> (<file>:<line>)``.
    """
    if isinstance(error, HookError) and error.hook_name is not None:
        return error
    where = raised_at(error)
    label = _implementation(manager, name, error)
    suffix = f" ({where})" if where else ""
    failure = HookError(
        f"Hook {label} failed: {first_line(error)}{suffix}",
        hook_name=name,
        where=where,
    )
    failure.__cause__ = error
    return failure


def call_hook(manager: pluggy.PluginManager | None, name: str, **kwargs: Any) -> list[Any]:
    """Call every implementation of hook ``name``; a failure becomes a :class:`HookError`.

    Args:
        manager: The hook manager, or None (nothing is called).
        name: The hook specification's name.
        **kwargs: The hook's arguments.

    Returns:
        The implementations' results (pluggy's list).

    Raises:
        HookError: An implementation raised; it names the hook, the implementation's
            class and the ``file:line`` that raised, and chains the original error.
    """
    if manager is None:
        return []
    try:
        result: list[Any] = getattr(manager.hook, name)(**kwargs)
    except Exception as exc:
        raise hook_failure(manager, name, exc) from exc
    return result


class HookRelay:
    """``relay.<hook>(**kwargs)`` calls the hook through :func:`call_hook`.

    Args:
        manager: The hook manager, or None for a relay that calls nothing.
    """

    def __init__(self, manager: pluggy.PluginManager | None) -> None:
        self.manager = manager

    def __getattr__(self, name: str) -> Any:
        def call(**kwargs: Any) -> list[Any]:
            return call_hook(self.manager, name, **kwargs)

        return call
