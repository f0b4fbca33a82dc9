"""Rewriting a Kedro project's configuration: catalog and logging YAML, pyproject.toml,
requirements files.

YAML is edited through PyYAML's node tree: the positions of the scalars that hold a
dataset ``type`` (or a logging handler ``class``) are found by composing the document,
and only those characters are replaced, so comments, anchors and layout survive.
``pyproject.toml`` is edited line by line on its table headers and keys only, and the
result is checked with the TOML parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Prefixes of Kedro's dataset type paths, dropped before looking the name up.
_TYPE_PREFIXES = ("kedro_datasets.", "kedro.extras.datasets.", "kedro.io.")
_MEMORY_TYPES = frozenset(
    {"kedro.io.MemoryDataset", "kedro.io.memory_dataset.MemoryDataset", "io.MemoryDataset"}
)

#: Logging handler classes of Kedro -> the class to use instead.
LOGGING_CLASSES = {"kedro.logging.RichHandler": "rich.logging.RichHandler"}

#: Keys of ``[tool.kedro]`` that proj reads; the others are dropped with a note.
KEPT_METADATA = ("package_name", "project_name", "source_dir")

#: Distributions of Kedro's family -> what to tell the person.
RELATED_PACKAGES = {
    "kedro-datasets": "proj has built-in datasets; keep kedro-datasets only for the types "
    "`proj migrate` reported as having no built-in (through proj[kedro-datasets]).",
    "kedro-viz": "`proj viz` shows the pipeline; remove kedro-viz unless you still use it.",
    "kedro-telemetry": "remove it: proj sends no telemetry.",
}


@dataclass
class TextResult:
    """A file's new text, with notes and unported findings (line, what, todo)."""

    text: str
    notes: list[str] = field(default_factory=list)
    unported: list[tuple[int, str, str]] = field(default_factory=list)


def proj_type(kedro_type: str) -> tuple[str | None, bool]:
    """The proj catalog type for a Kedro ``type:`` value.

    Args:
        kedro_type: E.g. ``kedro_datasets.pandas.CSVDataset`` or ``pandas.ExcelDataset``.

    Returns:
        ``(name, known)``: the proj name (None when it stays as it is) and whether proj
        can build it (a built-in, or a dotted path that is not Kedro's). Read from proj's
        registry at run time.
    """
    from proj.io.registry import BUILTIN_TYPES

    if kedro_type in _MEMORY_TYPES:
        return "MemoryDataset", True
    short = kedro_type
    for prefix in _TYPE_PREFIXES:
        if short.startswith(prefix):
            short = short[len(prefix) :]
            break
    if short.endswith("DataSet"):  # Kedro 0.18's spelling
        short = short[: -len("DataSet")] + "Dataset"
    if short in BUILTIN_TYPES:
        return (short if short != kedro_type else None), True
    kedros = kedro_type.startswith(("kedro.", "kedro_datasets.")) or kedro_type.count(".") == 1
    return None, not kedros


def _compose(text: str) -> Any:
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _mapping_items(node: Any) -> list[tuple[Any, Any]]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return list(node.value)
    return []


def _scalar(node: Any) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def _replace_scalars(text: str, edits: list[tuple[Any, str]]) -> str:
    """Replace scalar nodes' characters with new values (quotes kept), last first."""
    for node, value in sorted(edits, key=lambda item: item[0].start_mark.index, reverse=True):
        start, end = node.start_mark.index, node.end_mark.index
        quote = node.style if node.style in ("'", '"') else ""
        text = text[:start] + f"{quote}{value}{quote}" + text[end:]
    return text


def rewrite_catalog(text: str) -> TextResult:
    """Map the dataset types of a catalog YAML file to proj's names.

    Looks at each entry's ``type`` and at the ``dataset`` of entries that wrap another
    dataset (partitions), nothing else: ``plotly_args: {type: bar}`` stays.

    Args:
        text: The file's text.

    Returns:
        The new text, a note per type changed, and the types proj cannot build.
    """
    result = TextResult(text)
    root = _compose(text)
    edits: list[tuple[Any, str]] = []

    def visit(entry: Any, where: str) -> None:
        for key, value in _mapping_items(entry):
            name = _scalar(key)
            if name == "type" and _scalar(value) is not None:
                check(value, where)
            elif name == "dataset":
                if _scalar(value) is not None:
                    check(value, where)
                else:
                    visit(value, where)

    def check(node: Any, where: str) -> None:
        current = str(node.value)
        new, known = proj_type(current)
        line = node.start_mark.line + 1
        if new is not None:
            edits.append((node, new))
            result.notes.append(f"line {line}: {where}: type {current} -> {new}")
        elif not known:
            result.unported.append(
                (
                    line,
                    f"dataset type {current} ({where})",
                    "proj has no built-in of that type: declare a built-in type or your own "
                    "AbstractDataset subclass by dotted path; with proj's kedro-datasets "
                    "adapter (proj[kedro-datasets]) the Kedro type loads as it is.",
                )
            )

    for key, entry in _mapping_items(root):
        visit(entry, str(_scalar(key)))
    result.text = _replace_scalars(text, edits)
    return result


def rewrite_logging(text: str) -> TextResult:
    """Replace Kedro's logging handler classes (``kedro.logging.RichHandler``)."""
    result = TextResult(text)
    edits: list[tuple[Any, str]] = []
    for key, handlers in _mapping_items(_compose(text)):
        if _scalar(key) != "handlers":
            continue
        for handler_key, handler in _mapping_items(handlers):
            for item_key, value in _mapping_items(handler):
                current = _scalar(value)
                if _scalar(item_key) != "class" or current is None:
                    continue
                line = value.start_mark.line + 1
                if current in LOGGING_CLASSES:
                    edits.append((value, LOGGING_CLASSES[current]))
                    result.notes.append(
                        f"line {line}: handler {_scalar(handler_key)}: {current} -> "
                        f"{LOGGING_CLASSES[current]}"
                    )
                elif current.startswith("kedro."):
                    result.unported.append(
                        (line, f"logging class {current}", "use a logging or rich handler.")
                    )
    result.text = _replace_scalars(text, edits)
    return result


_REQUIREMENT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?P<extras>\[[^\]]*\])?")


def _proj_requirement(requirement: str) -> str | None:
    """``proj`` (with the jupyter extra when Kedro's had it) for a ``kedro`` requirement;
    None for any other requirement."""
    match = _REQUIREMENT.match(requirement.strip())
    if match is None or match["name"].lower().replace("_", "-") != "kedro":
        return None
    extras = match["extras"] or ""
    return "proj[jupyter]" if "jupyter" in extras else "proj"


def _related(requirement: str) -> str | None:
    match = _REQUIREMENT.match(requirement.strip())
    if match is None:
        return None
    name = match["name"].lower().replace("_", "-")
    return name if name in RELATED_PACKAGES else None


def rewrite_requirements(text: str) -> TextResult:
    """``kedro...`` -> ``proj`` in a requirements file; Kedro's plugins are reported."""
    result = TextResult(text)
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        body = line.split("#", 1)[0].strip()
        replacement = _proj_requirement(body) if body else None
        if replacement is not None:
            lines[number - 1] = line.replace(body, replacement, 1)
            result.notes.append(f"line {number}: {body} -> {replacement}")
        elif body and (related := _related(body)):
            result.unported.append((number, f"requirement {body}", RELATED_PACKAGES[related]))
    result.text = "".join(lines)
    return result


_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-\"']+)\s*=")
_STRING = re.compile(r"(?P<quote>[\"'])(?P<value>[^\"']*)(?P=quote)")


def _header(line: str) -> str | None:
    match = _HEADER.match(line)
    return match["name"].replace(" ", "") if match else None


def rewrite_pyproject(text: str) -> TextResult:  # noqa: PLR0912 - one pass over the lines
    """``[tool.kedro]`` -> ``[tool.proj]`` (proj's keys kept, Kedro's own dropped with a
    note), the ``kedro.hooks`` entry-point group -> ``proj.hooks``, and ``kedro`` in
    dependency arrays -> ``proj``.

    Raises:
        ValueError: The result would not be valid TOML (nothing is written then).
    """
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    result = TextResult(text)
    lines = text.splitlines(keepends=True)
    table = ""
    depth = 0  # brackets open in a dependency array
    drop: list[int] = []
    has_proj = "tool" in (parsed := tomllib.loads(text)) and "proj" in parsed["tool"]
    for index, line in enumerate(lines):
        number = index + 1
        name = _header(line) if depth == 0 else None
        if name is not None:
            table = name
            if name == "tool.kedro":
                if has_proj:
                    result.unported.append(
                        (number, "[tool.kedro] next to [tool.proj]", "merge them by hand.")
                    )
                else:
                    lines[index] = line.replace("tool.kedro", "tool.proj", 1)
                    result.notes.append(f"line {number}: [tool.kedro] -> [tool.proj]")
                    table = "tool.proj-migrated"
            elif name == 'project.entry-points."kedro.hooks"':
                lines[index] = line.replace('"kedro.hooks"', '"proj.hooks"', 1)
                result.notes.append(f"line {number}: entry-point group kedro.hooks -> proj.hooks")
            continue
        key_match = _KEY.match(line) if depth == 0 else None
        if table == "tool.proj-migrated" and key_match:
            key = key_match["key"].strip("\"'")
            if key not in KEPT_METADATA:
                drop.append(index)
                result.notes.append(
                    f"line {number}: dropped [tool.kedro] key {key} (proj does not use it)"
                )
            continue
        in_dependencies = table in ("project", "project.optional-dependencies") and (
            depth > 0 or (key_match is not None and "[" in _bare(line.split("=", 1)[1]))
        )
        if in_dependencies:
            value_part = line if depth > 0 else line.split("=", 1)[1]
            depth += _bare(value_part).count("[") - _bare(value_part).count("]")
            lines[index] = _STRING.sub(
                lambda m, at=number: _dependency(m, at, result),  # type: ignore[misc]
                line,
            )
    for index in reversed(drop):
        del lines[index]
    result.text = "".join(lines)
    try:
        tomllib.loads(result.text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the rewritten pyproject.toml would not parse ({exc})") from exc
    return result


def _bare(text: str) -> str:
    """A TOML line's text without strings and comment (for counting brackets)."""
    return _STRING.sub('""', text).split("#", 1)[0]


def _dependency(match: re.Match[str], number: int, result: TextResult) -> str:
    value = match["value"]
    replacement = _proj_requirement(value)
    if replacement is not None:
        result.notes.append(f"line {number}: dependency {value} -> {replacement}")
        return f"{match['quote']}{replacement}{match['quote']}"
    related = _related(value)
    if related is not None:
        result.unported.append((number, f"dependency {value}", RELATED_PACKAGES[related]))
    return match.group(0)
