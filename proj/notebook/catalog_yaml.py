"""Adding a converted pipeline's datasets to ``catalog.yml`` without touching the rest.

The entries go into one block per pipeline, appended at the end of the file::

    # >>> proj jupyter convert: iris_report (notebooks/iris.ipynb) sha256:0f3a9c1d2e4b5a67
    # Values the notebook computed that nothing reads; the pipeline saves them here.
    "iris_report.model":
      type: pickle.PickleDataset
      filepath: data/08_reporting/iris_report/model.pkl
    # <<< proj jupyter convert: iris_report

Everything outside the block, comments included, is kept byte for byte. Converting
again replaces the block in place, unless it was edited since it was written (its text
no longer matches the hash in its first line): then the update is refused unless
``force``. An entry of the same name declared elsewhere in the file is never silently
shadowed: the update is refused, or with ``force`` that entry (the key line and the
indented lines under it) is removed and the new one written in the block.
"""

from __future__ import annotations

import json
import re

from proj.exceptions import NotebookError
from proj.notebook.source import short_hash

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*")
_NUMBER = re.compile(r"[-+]?[0-9._]+([eE][-+]?[0-9]+)?")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"})
_START = "# >>> proj jupyter convert: "
_END = "# <<< proj jupyter convert: "


def _block_pattern(pipeline: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(_START)}{re.escape(pipeline)} \((?P<notebook>.*)\) "
        rf"sha256:(?P<hash>[0-9a-f]+)\n(?P<body>(?:.*\n)*?){re.escape(_END)}{re.escape(pipeline)}\n",
        re.MULTILINE,
    )


def render_block(pipeline: str, notebook: str, entries: dict[str, dict[str, str]]) -> str:
    """The catalog block of a pipeline (see the module docstring).

    Args:
        pipeline: The pipeline's name.
        notebook: How to name the notebook it came from.
        entries: Dataset name -> entry (``type``, ``filepath``), in order.

    Returns:
        The block, ending with a newline.
    """
    body = ["# Values the notebook computed that nothing reads; the pipeline saves them here.\n"]
    for number, (name, entry) in enumerate(entries.items()):
        if number:
            body.append("\n")
        body.append(f"{_scalar(name)}:\n")
        for key, value in entry.items():
            body.append(f"  {key}: {_scalar(value)}\n")
    text = "".join(body)
    return f"{_START}{pipeline} ({notebook}) sha256:{short_hash(text)}\n{text}{_END}{pipeline}\n"


def _scalar(text: str) -> str:
    """A YAML scalar: plain when that reads back as the same string, else double-quoted."""
    plain = _PLAIN.fullmatch(text) and not _NUMBER.fullmatch(text)
    if plain and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def update_catalog(
    text: str,
    *,
    pipeline: str,
    notebook: str,
    entries: dict[str, dict[str, str]],
    force: bool = False,
    where: str = "conf/base/catalog.yml",
) -> str:
    """Put a pipeline's entries into a catalog file's text.

    Args:
        text: The current content of the file ("" when it does not exist).
        pipeline: The pipeline's name.
        notebook: How to name the notebook (written in the block's first line).
        entries: Dataset name -> entry; empty removes the block.
        force: Replace an edited block, and remove same-named entries declared
            elsewhere in the file.
        where: The file's path, for messages.

    Returns:
        The new content (equal to ``text`` when nothing changes).

    Raises:
        NotebookError: The file is not valid YAML, the block was edited by hand, or an
            entry of the same name exists outside the block (without ``force``).
    """
    import yaml

    match = _block_pattern(pipeline).search(text)
    outside = text
    if match is not None:
        if short_hash(match.group("body")) != match.group("hash") and not force:
            raise NotebookError(
                f"The catalog entries of pipeline '{pipeline}' in {where} were edited "
                "since `proj jupyter convert` wrote them.",
                hint="Use --force to replace them, or --dry-run to see the difference.",
            )
        outside = text[: match.start()] + text[match.end() :]
    try:
        declared = yaml.safe_load(outside) or {}
    except yaml.YAMLError as exc:
        raise NotebookError(
            f"{where} is not valid YAML, so new entries cannot be added safely: {exc}",
            hint="Fix the file first.",
        ) from exc
    if not isinstance(declared, dict):
        raise NotebookError(
            f"{where} must map dataset names to entries; it holds a {type(declared).__name__}.",
            hint="Fix the file first.",
        )
    clashes = [name for name in entries if name in declared]
    if clashes and not force:
        raise NotebookError(
            f"{where} already declares {', '.join(map(repr, clashes))}, which the converted "
            f"pipeline '{pipeline}' would persist.",
            hint="Rename or remove those entries, or use --force to replace them.",
        )
    block = render_block(pipeline, notebook, entries) if entries else ""
    before, after = (text[: match.start()], text[match.end() :]) if match else (text, "")
    for name in clashes:
        before, after = _remove_entry(before, name), _remove_entry(after, name)
    if match is not None:
        return before + block + after
    if not block:
        return before
    if before and not before.endswith("\n"):
        before += "\n"
    return before + ("\n" if before.strip() else "") + block


def _remove_entry(text: str, name: str) -> str:
    """Remove a top-level ``name:`` entry: the key line and the indented or blank lines
    under it."""
    lines = text.splitlines(keepends=True)
    key = re.compile(rf"^(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')\s*:")
    out: list[str] = []
    skipping = False
    for line in lines:
        if skipping:
            if not line.strip() or line[0] in " \t":
                continue
            skipping = False
        if key.match(line):
            skipping = True
            continue
        out.append(line)
    return "".join(out)
