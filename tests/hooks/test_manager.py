"""Hook registration from settings and from installed packages' entry points."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import HookError
from proj.hooks import create_hook_manager, hook_impl, load_entry_point_hooks, register_hooks


class CatalogWatcher:
    def __init__(self) -> None:
        self.seen: list[str] = []

    @hook_impl
    def after_context_created(self, context: Any) -> None:
        self.seen.append(context)


def test_registered_instances_are_called() -> None:
    manager = create_hook_manager()
    watcher = CatalogWatcher()
    register_hooks(manager, [watcher])
    manager.hook.after_context_created(context="ctx")
    assert watcher.seen == ["ctx"]


def test_registering_twice_calls_once() -> None:
    manager = create_hook_manager()
    watcher = CatalogWatcher()
    register_hooks(manager, [watcher, watcher])
    manager.hook.after_context_created(context="ctx")
    assert watcher.seen == ["ctx"]


def test_a_class_instead_of_an_instance_is_explained() -> None:
    with pytest.raises(HookError, match=r"HOOKS = \(CatalogWatcher\(\),\)"):
        register_hooks(create_hook_manager(), [CatalogWatcher])


def test_an_argument_the_spec_lacks_is_refused() -> None:
    class Wrong:
        @hook_impl
        def before_node_run(self, node: Any, colour: str) -> None:
            raise AssertionError("never called")

    with pytest.raises(HookError, match=r"HOOKS entry 1 in settings.py \(.*Wrong.*\) is invalid"):
        register_hooks(create_hook_manager(), [Wrong()])


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ("my_project.hooks.Hooks", "'my_project.hooks.Hooks', str"),
        (None, "None, NoneType"),
        (object(), "object"),
        (42, "42, int"),
    ],
)
def test_an_entry_that_is_not_a_hook_object_is_named(entry: object, shown: str) -> None:
    manager = create_hook_manager()
    with pytest.raises(HookError) as info:
        register_hooks(manager, [CatalogWatcher(), entry])
    message = info.value.message
    assert message.startswith("HOOKS entry 2 in settings.py (")
    assert shown in message
    assert "is not a hook object" in message
    assert "hook_impl" in (info.value.hint or "")
    assert len(manager.get_plugins()) == 1  # only the CatalogWatcher


@pytest.fixture
def installed_plugin(tmp_path: Path) -> Any:
    """A real distribution on sys.path exposing hooks in the proj.hooks group."""
    (tmp_path / "counting_plugin.py").write_text(
        "from proj.hooks import hook_impl\n"
        "calls = []\n"
        "class Hooks:\n"
        "    @hook_impl\n"
        "    def after_context_created(self, context):\n"
        "        calls.append(context)\n"
        "hooks = Hooks()\n"
    )
    dist = tmp_path / "counting_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: counting-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[proj.hooks]\ncounter = counting_plugin:hooks\n")
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("counting_plugin", None)


def test_entry_point_hooks_are_loaded(installed_plugin: Path) -> None:
    manager = create_hook_manager()
    assert load_entry_point_hooks(manager) == ["counting-plugin"]
    manager.hook.after_context_created(context="ctx")
    import counting_plugin  # type: ignore[import-not-found]

    assert counting_plugin.calls == ["ctx"]


def test_disabled_plugins_are_skipped(installed_plugin: Path) -> None:
    manager = create_hook_manager()
    assert load_entry_point_hooks(manager, disabled=["counting-plugin"]) == []


def test_a_broken_plugin_names_the_package(installed_plugin: Path) -> None:
    (installed_plugin / "counting_plugin.py").write_text("raise ImportError('half installed')\n")
    with pytest.raises(HookError, match="counting-plugin") as caught:
        load_entry_point_hooks(create_hook_manager())
    assert "DISABLE_HOOKS_FOR_PLUGINS" in (caught.value.hint or "")
