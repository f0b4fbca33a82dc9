"""Rewriting a Kedro project's Python files through libcst's concrete syntax tree.

Imports from ``kedro.*`` (and ``kedro_datasets.*``) become imports from the proj module
that really exports the name, checked by importing that module: nothing is renamed on
faith. A name proj does not have stays imported from Kedro and is reported with its
line. Names proj spells differently (``KedroSession`` -> ``Session``) are renamed where
the module uses them, and ``Session.create(extra_params=...)`` becomes
``runtime_params=``. Comments, blank lines and formatting are kept: libcst edits the
tree that holds them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from proj.exceptions import MissingDependencyError

#: Kedro module (or a prefix of one) -> proj modules where its names may live, in order.
MODULES: dict[str, tuple[str, ...]] = {
    "kedro.pipeline": ("proj.pipeline",),
    "kedro.io": ("proj.io", "proj.exceptions"),
    "kedro.runner": ("proj.runner",),
    "kedro.framework.session": ("proj.framework",),
    "kedro.framework.context": ("proj.framework",),
    "kedro.framework.project": ("proj.framework",),
    "kedro.framework.startup": ("proj.framework",),
    "kedro.framework.hooks": ("proj.hooks",),
    "kedro.config": ("proj.config", "proj.exceptions"),
}

#: Kedro names proj spells differently.
RENAMES: dict[str, str] = {
    "KedroSession": "Session",
    "KedroContext": "Context",
    "AbstractConfigLoader": "ConfigLoader",
    "MissingConfigException": "MissingConfigError",
    "DataSetError": "DatasetError",
    "DatasetAlreadyExistsError": "DatasetError",
}

#: Kedro modules with no proj counterpart -> what to do instead.
NO_COUNTERPART: dict[str, str] = {
    "kedro.framework.cli": "proj's command line replaces Kedro's: remove this code, or call "
    "`proj run` (proj.cli.main.run_project runs a project from its package).",
    "kedro.framework.project": "proj reads settings and pipelines through "
    "proj.framework.Session: use Session.create() and session.pipelines.",
    "kedro.ipython": "load the IPython extension with `%load_ext proj.ipython`.",
}


def _require_libcst() -> Any:
    try:
        import libcst
    except ImportError as exc:  # pragma: no cover - the extra is installed in tests
        raise MissingDependencyError("libcst", "migrate", "proj migrate") from exc
    return libcst


def builtin_dataset_module(kedro_module: str, name: str) -> str | None:
    """The proj module of a built-in dataset that ``kedro_datasets.<x>.<name>`` maps to.

    Args:
        kedro_module: ``kedro_datasets.pandas`` (or a submodule of it).
        name: The class name, e.g. ``CSVDataset``.

    Returns:
        ``"proj.io.datasets.pandas"``, or None when proj has no built-in of that name.
        Read from proj's dataset registry at run time, so types added later count.
    """
    from proj.io.registry import BUILTIN_TYPES

    parts = kedro_module.split(".")
    if len(parts) < 2:
        return None
    target = BUILTIN_TYPES.get(f"{parts[1]}.{name}")
    return target.partition(":")[0] if target else None


@dataclass
class Resolution:
    """Where one imported Kedro name goes: ``module`` (None: unresolved) and ``name``."""

    module: str | None
    name: str
    todo: str = ""


def resolve_name(kedro_module: str, name: str) -> Resolution:
    """Find the proj module that exports Kedro's ``kedro_module.name``.

    Args:
        kedro_module: The module imported from, e.g. ``kedro.framework.session``.
        name: The imported name, e.g. ``KedroSession``.

    Returns:
        The proj module and name (checked by importing it), or a resolution with
        ``module=None`` and what to do instead.
    """
    if kedro_module.split(".", maxsplit=1)[0] == "kedro_datasets":
        found = builtin_dataset_module(kedro_module, name)
        if found is not None:
            return Resolution(found, name)
        return Resolution(
            None,
            name,
            f"proj has no built-in {name}: use a built-in dataset or write an "
            "AbstractDataset subclass (or keep kedro-datasets with proj[kedro-datasets]).",
        )
    candidates: tuple[str, ...] = ()
    for prefix, modules in MODULES.items():
        if kedro_module == prefix or kedro_module.startswith(prefix + "."):
            candidates = modules
            break
    wanted = RENAMES.get(name, name)
    if name.endswith("DataSet"):
        wanted = name[: -len("DataSet")] + "Dataset"
    for module_name in candidates:
        module = importlib.import_module(module_name)
        if hasattr(module, wanted):
            return Resolution(module_name, wanted)
    for prefix, todo in NO_COUNTERPART.items():
        if kedro_module == prefix or kedro_module.startswith(prefix + "."):
            return Resolution(None, name, todo)
    shown = ", ".join(candidates) or "proj"
    return Resolution(
        None, name, f"{shown} has no '{wanted}': rewrite this use by hand (see the README)."
    )


@dataclass
class PythonResult:
    """The rewritten source and what happened, with line numbers."""

    code: str
    notes: list[str] = field(default_factory=list)
    unported: list[tuple[int, str, str]] = field(default_factory=list)


def _dotted(node: Any) -> str:
    libcst = _require_libcst()
    from libcst.helpers import get_full_name_for_node

    if node is None:
        return ""
    assert isinstance(node, libcst.CSTNode)
    return get_full_name_for_node(node) or ""


def _is_kedro(module: str) -> bool:
    return module.split(".", maxsplit=1)[0] in ("kedro", "kedro_datasets")


def rewrite_python(source: str) -> PythonResult:
    """Rewrite one module's Kedro imports and names (see the module docstring).

    Args:
        source: The module's text.

    Returns:
        The new text (unchanged when nothing is Kedro's), notes and unported uses.

    Raises:
        MissingDependencyError: libcst is not installed (``proj[migrate]``).
        SyntaxError: The module does not parse (the caller reports the file).
    """
    libcst = _require_libcst()
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        tree = libcst.parse_module(source)
    except libcst.ParserSyntaxError as exc:
        raise SyntaxError(f"line {exc.raw_line}: {exc.message}") from exc
    if "kedro" not in source:
        return PythonResult(source)
    result = PythonResult(source)
    wrapper = MetadataWrapper(tree)
    positions = wrapper.resolve(PositionProvider)
    renamed: dict[str, str] = {}

    def line_of(node: Any) -> int:
        return int(positions[node].start.line) if node in positions else 0

    class Rewriter(libcst.CSTTransformer):  # type: ignore[misc,name-defined]
        def leave_SimpleStatementLine(self, original: Any, updated: Any) -> Any:
            if len(updated.body) != 1 or not isinstance(updated.body[0], libcst.ImportFrom):
                return updated
            statement = updated.body[0]
            if statement.relative:
                return updated
            module = _dotted(statement.module)
            if not _is_kedro(module):
                return updated
            line = line_of(original)
            if isinstance(statement.names, libcst.ImportStar):
                result.unported.append(
                    (line, f"from {module} import *", "import the names you use by name.")
                )
                return updated
            groups: dict[str, list[Any]] = {}
            for alias in statement.names:
                name = _dotted(alias.name)
                found = resolve_name(module, name)
                if found.module is None:
                    groups.setdefault(module, []).append(alias)
                    result.unported.append((line, f"{module}.{name}", found.todo))
                    continue
                new_alias = alias.with_changes(name=libcst.Name(found.name))
                if found.name != name:
                    if alias.asname is None:
                        renamed[name] = found.name
                    note = f"line {line}: {module}.{name} -> {found.module}.{found.name}"
                else:
                    note = f"line {line}: {name} from {module} -> {found.module}"
                result.notes.append(note)
                groups.setdefault(found.module, []).append(new_alias)
            lines: list[Any] = []
            last = statement.names[-1]
            for target, aliases in groups.items():
                # Keep each name's comma (and so the layout); a group's last name keeps
                # one only when it was the statement's last name.
                cleaned = list(aliases)
                if _dotted(cleaned[-1].name) != _dotted(last.name) or len(groups) > 1:
                    cleaned[-1] = cleaned[-1].with_changes(comma=libcst.MaybeSentinel.DEFAULT)
                one = len(groups) > 1
                lines.append(
                    updated.with_changes(
                        body=[
                            statement.with_changes(
                                module=libcst.parse_expression(target),
                                names=cleaned,
                                lpar=None if one else statement.lpar,
                                rpar=None if one else statement.rpar,
                            )
                        ],
                        leading_lines=updated.leading_lines if not lines else [],
                    )
                )
            return libcst.FlattenSentinel(lines) if len(lines) > 1 else lines[0]

        def leave_Import(self, original: Any, updated: Any) -> Any:
            names = []
            for alias in updated.names:
                module = _dotted(alias.name)
                target = next(
                    (
                        mods[0]
                        for prefix, mods in MODULES.items()
                        if module == prefix or module.startswith(prefix + ".")
                    ),
                    None,
                )
                if _is_kedro(module) and (target is None or alias.asname is None):
                    result.unported.append(
                        (
                            line_of(original),
                            f"import {module}",
                            "import the names you use from proj's modules "
                            "(e.g. from proj.pipeline import Pipeline).",
                        )
                    )
                elif target is not None:
                    names.append(alias.with_changes(name=libcst.parse_expression(target)))
                    result.notes.append(f"line {line_of(original)}: import {module} -> {target}")
                    continue
                names.append(alias)
            return updated.with_changes(names=names)

        def _logger_names(self, original: Any, updated: Any) -> Any:
            """``getLogger("kedro...")`` and ``logger="kedro..."`` (``caplog.set_level``,
            ``caplog.at_level``) name proj's logger: proj logs under ``proj``, and its
            module names differ from Kedro's, so every Kedro logger name becomes
            ``"proj"``, the parent of all of them."""
            func = updated.func
            name = (
                func.attr.value
                if isinstance(func, libcst.Attribute)
                else (func.value if isinstance(func, libcst.Name) else "")
            )
            args = list(updated.args)
            changed = False
            for index, arg in enumerate(args):
                by_position = name == "getLogger" and index == 0 and arg.keyword is None
                by_keyword = arg.keyword is not None and arg.keyword.value in ("logger", "name")
                value = arg.value
                if not (by_position or by_keyword) or not isinstance(value, libcst.SimpleString):
                    continue
                text = value.evaluated_value
                if isinstance(text, str) and (text == "kedro" or text.startswith("kedro.")):
                    quote = value.value[-1]
                    args[index] = arg.with_changes(value=libcst.SimpleString(f"{quote}proj{quote}"))
                    result.notes.append(f"line {line_of(original)}: logger {text!r} -> 'proj'")
                    changed = True
            return updated.with_changes(args=args) if changed else updated

        def leave_Name(self, original: Any, updated: Any) -> Any:
            if updated.value in renamed:
                return updated.with_changes(value=renamed[updated.value])
            return updated

        def leave_Call(self, original: Any, updated: Any) -> Any:
            updated = self._logger_names(original, updated)
            func = updated.func
            if not (
                isinstance(func, libcst.Attribute)
                and func.attr.value == "create"
                and isinstance(func.value, libcst.Name)
                and func.value.value in ("Session", *renamed.values())
                and "Session" in renamed.values()
            ):
                return updated
            args = []
            for arg in updated.args:
                if arg.keyword is not None and arg.keyword.value == "extra_params":
                    args.append(arg.with_changes(keyword=libcst.Name("runtime_params")))
                    result.notes.append(
                        f"line {line_of(original)}: Session.create(extra_params=) -> "
                        "runtime_params="
                    )
                    continue
                if arg.keyword is not None and arg.keyword.value == "package_name":
                    result.unported.append(
                        (
                            line_of(original),
                            "Session.create(package_name=...)",
                            "remove the argument: proj reads the package from pyproject.toml.",
                        )
                    )
                args.append(arg)
            return updated.with_changes(args=args)

    new_tree = wrapper.module.visit(Rewriter())
    result.code = new_tree.code
    for old, new in renamed.items():
        result.notes.append(f"{old} -> {new} where the module uses it")
    return result
