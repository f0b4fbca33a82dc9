"""Hooks: pluggy specifications and the manager that calls project and plugin hooks.

Write a hook implementation with :data:`hook_impl` and register an instance in the
project's ``settings.py`` (``HOOKS = (MyHooks(),)``) or through the ``proj.hooks``
entry-point group of an installed package.
"""

from __future__ import annotations

from proj.hooks.manager import (
    ENTRY_POINT_GROUP,
    HookRelay,
    call_hook,
    create_hook_manager,
    load_entry_point_hooks,
    register_hooks,
)
from proj.hooks.specs import hook_impl, hook_spec

__all__ = [
    "ENTRY_POINT_GROUP",
    "HookRelay",
    "call_hook",
    "create_hook_manager",
    "hook_impl",
    "hook_spec",
    "load_entry_point_hooks",
    "register_hooks",
]
