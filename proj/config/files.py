"""Finding configuration files in an environment folder and reading them with good errors.

An environment folder (``conf/base``, ``conf/local``, ...) is searched recursively for
files ending in ``.yml``, ``.yaml`` or ``.json``; hidden files and anything inside a
hidden folder (a name starting with ``.``) are skipped. A configuration key selects its
files with glob patterns matched against the path relative to the environment folder,
written with ``/``:

* ``*``, ``?`` and ``[...]`` match within one path segment (as :mod:`fnmatch` does);
* ``**`` as a whole segment matches any number of segments, including none; at the
  end of a pattern it matches one or more (the files under a folder).

So ``catalog*`` matches ``catalog.yml`` and ``catalog_raw.yml`` at the top of the folder,
``catalog*/**`` everything under a ``catalog/`` (or ``catalog_x/``) folder, and
``**/catalog*`` a ``catalog*.yml`` in any subfolder. Files are returned in sorted path
order, so loading is deterministic.

Reading turns every parse problem into a :class:`~proj.exceptions.ConfigError` that names
the file and, for YAML and JSON syntax errors, the 1-based line and column.
"""

from __future__ import annotations

import fnmatch
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proj.config._yaml import DuplicateYamlKey, load_yaml
from proj.exceptions import ConfigError, ConfigSyntaxError, DuplicateConfigKeyError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = [
    "CONFIG_EXTENSIONS",
    "list_config_files",
    "list_environments",
    "match_pattern",
    "read_config_file",
    "select_files",
]

#: File name endings that are configuration; anything else in conf/ is ignored.
CONFIG_EXTENSIONS = (".yml", ".yaml", ".json")


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def list_environments(conf_source: Path) -> list[str]:
    """List the environment folders of a configuration source.

    Args:
        conf_source: The configuration folder, e.g. ``conf``.

    Returns:
        Sorted names of its non-hidden subfolders (``["base", "local", "prod"]``); an
        empty list when ``conf_source`` is not a readable folder.
    """
    try:
        entries = list(os.scandir(conf_source))
    except OSError:
        return []
    return sorted(e.name for e in entries if e.is_dir() and not _is_hidden(e.name))


def list_config_files(env_dir: Path) -> list[str]:
    """List every configuration file below an environment folder.

    Args:
        env_dir: The environment folder, e.g. ``conf/base``.

    Returns:
        Sorted paths relative to ``env_dir``, with ``/`` separators
        (``["catalog.yml", "pipelines/ingest/parameters.yml"]``). Hidden files and
        hidden folders are skipped; only ``.yml``, ``.yaml`` and ``.json`` files count.
    """
    found: list[str] = []
    for root, dirs, files in os.walk(env_dir):
        dirs[:] = [d for d in dirs if not _is_hidden(d)]
        rel_root = Path(root).relative_to(env_dir)
        for name in files:
            if _is_hidden(name) or not name.lower().endswith(CONFIG_EXTENSIONS):
                continue
            found.append((rel_root / name).as_posix())
    return sorted(found)


@functools.lru_cache(maxsize=512)
def _split_pattern(pattern: str) -> tuple[str, ...]:
    return tuple(part for part in pattern.strip("/").split("/") if part)


def _match_parts(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Match path segments against pattern segments; ``**`` spans zero or more segments."""
    # Iterative matching over (pattern index, path index) states; patterns are short.
    states = {(0, 0)}
    while states:
        next_states: set[tuple[int, int]] = set()
        for p, s in states:
            if p == len(pattern):
                if s == len(parts):
                    return True
                continue
            if pattern[p] == "**":
                if s < len(parts):
                    next_states.add((p, s + 1))  # absorb this segment and maybe more
                    next_states.add((p + 1, s + 1))  # absorb this segment only
                if p + 1 < len(pattern):
                    next_states.add((p + 1, s))  # zero segments (a trailing ** needs one)
            elif s < len(parts) and fnmatch.fnmatchcase(parts[s], pattern[p]):
                next_states.add((p + 1, s + 1))
        states = next_states
    return False


def match_pattern(pattern: str, relative_path: str) -> bool:
    """Tell whether a relative file path matches a configuration glob pattern.

    Args:
        pattern: A glob such as ``"catalog*"``, ``"catalog*/**"`` or ``"**/catalog*"``
            (segment rules in the module docstring).
        relative_path: A path relative to the environment folder, ``/``-separated.

    Returns:
        True when the whole path matches (not only its last segment).
    """
    return _match_parts(_split_pattern(pattern), tuple(relative_path.split("/")))


def select_files(relative_paths: Sequence[str], patterns: Sequence[str]) -> list[str]:
    """Keep the paths that match at least one pattern, in the order given.

    Args:
        relative_paths: Paths from :func:`list_config_files`.
        patterns: Glob patterns of one configuration key.

    Returns:
        The matching paths (each once).
    """
    return [p for p in relative_paths if any(match_pattern(pat, p) for pat in patterns)]


def line_of_key(path: Path, key: str) -> int | None:
    """The line (from 1) where a top-level key of a YAML or JSON file is declared.

    A textual search: the first line that starts, unindented in YAML or at any
    indentation in JSON, with ``key`` (bare or quoted) followed by ``:``.

    Returns:
        The line number, or None when the file cannot be read or the key is not found.
    """
    import re

    quoted = rf"(['\"]?){re.escape(key)}\1\s*:"
    pattern = re.compile(rf"^\s*{quoted}" if path.suffix == ".json" else rf"^{quoted}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return None


def read_config_file(path: Path, *, secret: bool = False) -> dict[Any, Any]:
    """Read one YAML or JSON configuration file into a dict.

    Args:
        path: The file; ``.json`` files are read as JSON, everything else as YAML with
            the strict loader of :mod:`proj.config._yaml`.
        secret: The file holds credentials: errors are raised ``from None`` so that no
            chained parser message (which may quote a line of the file) is shown.

    Returns:
        The top-level mapping; an empty file (or one with only comments) gives ``{}``.

    Raises:
        ConfigSyntaxError: The file is not valid YAML/JSON (message: ``file:line:column``
            and the parser's problem) or is not UTF-8.
        DuplicateConfigKeyError: A mapping in the file holds one key twice (both lines).
        ConfigError: The file cannot be read, or its top level is not a mapping.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigSyntaxError(
            f"{path} is not UTF-8 text (byte {exc.start}).",
            hint="Save the file with UTF-8 encoding.",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Could not read {path}: {exc.strerror or exc}.",
            hint="Check that the file exists and is readable.",
        ) from exc

    if path.suffix.lower() == ".json":
        data = _parse_json(text, path, secret=secret)
    else:
        data = _parse_yaml(text, path, secret=secret)

    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise ConfigError(
            f"{path}: the top level must be a mapping of keys to values, "
            f"but it is {'an' if kind[:1] in 'aeiou' else 'a'} {kind}.",
            hint="Put the entries under keys, e.g. 'my_key: ...' instead of a bare list or value.",
        )
    return data


def _parse_yaml(text: str, path: Path, *, secret: bool) -> Any:
    """Parse YAML, turning PyYAML's errors into ConfigErrors that name file:line:column."""
    import yaml

    try:
        return load_yaml(text)
    except DuplicateYamlKey as exc:
        raise DuplicateConfigKeyError(
            f"{path}:{exc.line}:{exc.column}: duplicate key '{exc.key}' "
            f"(first defined on line {exc.first_line}).",
            hint="Remove or rename one of them; YAML keeps only one value per key.",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            started = exc.context_mark
            context = f" ({exc.context}" + (
                f" started on line {started.line + 1})" if started is not None else ")"
            )
        error = ConfigSyntaxError(
            f"{where}: invalid YAML: {problem}{context}.",
            hint="Check indentation, ':' after keys, and quotes around values that "
            "contain ': ' or start with a special character.",
        )
        if secret:
            raise error from None
        raise error from exc
    except yaml.YAMLError as exc:
        error = ConfigSyntaxError(f"{path}: invalid YAML: {type(exc).__name__}.")
        if secret:
            raise error from None
        raise error from exc


def _reject_duplicate_json_keys(path: Path) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise DuplicateConfigKeyError(
                    f"{path}: duplicate key '{key}' in one JSON object.",
                    hint="Remove or rename one of them; JSON keeps only one value per key.",
                )
            result[key] = value
        return result

    return hook


def _parse_json(text: str, path: Path, *, secret: bool) -> Any:
    """Parse JSON, turning decode errors into ConfigErrors that name file:line:column."""
    import json

    if not text.strip():
        return None
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicate_json_keys(path))
    except json.JSONDecodeError as exc:
        error = ConfigSyntaxError(
            f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}.",
            hint="Check for missing commas, trailing commas and unquoted keys.",
        )
        if secret:
            raise error from None
        raise error from exc
