"""`proj jupyter convert` on real notebooks: the ones projects ship in their sdists.

Downloads pinned sdists from PyPI (the JSON API, then files.pythonhosted.org) into a
cache folder (``~/.cache/proj-corpus`` or ``--cache``; never the repository), extracts
them there, and for every ``.ipynb`` in them (checkpoints skipped) reports:

* **tagged**: every code cell defining a function or class at its top level is tagged
  ``node`` and converted with :func:`proj.notebook.convert_module`: ``written`` (the
  module compiles), ``no functions`` (nothing to tag), ``not Python`` (another kernel)
  or ``refused`` with the reason;
* **pipeline**: :func:`proj.notebook.to_pipeline` on the whole notebook: ``generated`` or
  ``refused`` with the reason;
* **run / verify**, only for notebooks whose imports are all available in this
  environment (the others are marked ``deps missing``: running them needs their
  libraries): the notebook's folder is copied into a fresh project, converted with
  ``--to-pipeline`` semantics (:func:`proj.notebook.convert_to_pipeline`), then
  :func:`proj.notebook.verify.verify_pipeline` runs the notebook with nbclient in the
  project kernel (installed into throw-away Jupyter folders) and the pipeline with
  ``proj run``, and compares every persisted value: ``equal``, ``different`` (with the
  first difference), or why it did not run.

Run: ``python benchmarks/convert_corpus.py [--cache DIR] [--no-run] [--only NAME...]
[--limit N]``, with an interpreter that has the corpus's libraries to run more of it.
Summary lines at the end give the rates the issue targets.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import json
import os
import re
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Projects that ship notebooks in their sdists, pinned (name, version).
CORPUS = [
    ("statsmodels", "0.15.0"),
    ("xarray", "2026.9.0"),
    ("emcee", "3.1.6"),
    ("lmfit", "1.3.4"),
    ("shap", "0.54.1"),
    ("pvlib", "0.16.1"),
    ("hvplot", "0.12.2"),
    ("datashader", "0.19.1"),
    ("papermill", "2.7.0"),
    ("jupytext", "1.19.6"),
]


@dataclass
class Row:
    """What happened to one notebook."""

    project: str
    path: str
    tagged: str = ""
    pipeline: str = ""
    run: str = ""
    details: list[str] = field(default_factory=list)
    #: Whether a refusal is one the issue accepts, judged on the refusal's first problem
    #: in full (the table shows it cut to its first 160 characters).
    genuine: bool = False


def fetch(name: str, version: str, cache: Path) -> Path:
    """The extracted sdist folder of ``name==version`` (downloaded once)."""
    target = cache / "src" / f"{name}-{version}"
    if target.is_dir():
        return target
    index = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(index, timeout=120) as response:
        data = json.load(response)
    files = data.get("releases", {}).get(version) or (
        data["urls"] if data["info"]["version"] == version else []
    )
    sdists = [u for u in files if u["packagetype"] == "sdist"]
    if not sdists:
        raise SystemExit(f"{name}=={version}: no sdist on the index; update CORPUS.")
    url = urllib.parse.urljoin(index, sdists[0]["url"])
    archive = cache / "sdists" / url.rsplit("/", 1)[1]
    archive.parent.mkdir(parents=True, exist_ok=True)
    if not archive.exists():
        with urllib.request.urlopen(url, timeout=600) as response:
            archive.write_bytes(response.read())
    partial = target.with_suffix(".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive.read_bytes())) as tar:
        tar.extractall(partial, filter="data")
    partial.rename(target)
    return target


def notebooks(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts and not path.name.startswith(".")
    )


def tag_functions(document: dict[str, Any]) -> int:
    """Tag ``node`` every code cell defining a function or class at its top level."""
    from proj.notebook.ipython_syntax import python_source
    from proj.notebook.reading import Cell

    tagged = 0
    for number, cell in enumerate(document.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        text = python_source(Cell(number, "code", source, ())).text
        try:
            body = ast.parse(text).body
            defines = any(
                isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for s in body
            )
        except SyntaxError:
            defines = any(
                line.startswith(("def ", "class ", "async def ")) for line in text.splitlines()
            )
        if defines:
            metadata = cell.setdefault("metadata", {})
            metadata["tags"] = [*metadata.get("tags", []), "node"]
            tagged += 1
    return tagged


def imports_available(document: dict[str, Any]) -> list[str]:
    """Top-level packages the notebook imports that this environment lacks."""
    from proj.notebook.ipython_syntax import python_source
    from proj.notebook.reading import Cell

    missing: set[str] = set()
    for number, cell in enumerate(document.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        try:
            tree = ast.parse(python_source(Cell(number, "code", source, ())).text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                root = name.split(".")[0]
                if root not in sys.modules and importlib.util.find_spec(root) is None:
                    missing.add(root)
    return sorted(missing)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return " ".join(text[:2])[:160] if text else type(exc).__name__


def convert_one(row: Row, path: Path) -> dict[str, Any] | None:
    """The tagged and pipeline conversions; returns the notebook when it is Python."""
    from proj.exceptions import ProjError
    from proj.notebook import convert_module, to_pipeline

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        row.tagged = row.pipeline = f"unreadable ({first_line(exc)})"
        return None
    kernel = document.get("metadata", {}).get("kernelspec", {}) or {}
    language = (
        kernel.get("language")
        or document.get("metadata", {}).get("language_info", {}).get("name")
        or "python"
    ).lower()
    if language != "python":
        row.tagged = row.pipeline = "not Python"
        return None
    tagged_doc = json.loads(json.dumps(document))
    count = tag_functions(tagged_doc)
    if not count:
        row.tagged = "no functions"
    else:
        try:
            result = convert_module(tagged_doc, name=row.path)
            if result.source is None:
                row.tagged = "nothing to write"
            else:
                compile(result.source, row.path, "exec", dont_inherit=True)
                row.tagged = f"written ({len(result.warnings)} warnings)"
        except ProjError as exc:
            row.tagged = f"refused: {first_line(exc)}"
            row.genuine = _genuine_refusal(exc)
        except SyntaxError as exc:
            row.tagged = f"BUG: module does not compile: {exc}"
    try:
        to_pipeline(document, "corpus", notebook_name=row.path)
        row.pipeline = "generated"
    except ProjError as exc:
        row.pipeline = f"refused: {first_line(exc)}"
        row.genuine = _genuine_refusal(exc)
        if not row.genuine:
            row.details.extend(line.strip() for line in str(exc).splitlines()[1:4])
    return document


def run_one(row: Row, path: Path, document: dict[str, Any], project: Path, number: int) -> None:
    """Convert into the project, run and verify."""
    from proj.exceptions import ProjError
    from proj.notebook import convert_to_pipeline
    from proj.notebook.verify import verify_pipeline

    missing = imports_available(document)
    if missing:
        row.run = f"deps missing ({', '.join(missing[:4])})"
        return
    folder = project / "notebooks" / f"nb{number}"
    shutil.copytree(path.parent, folder, dirs_exist_ok=True)
    notebook = folder / path.name
    name = f"corpus_{number}"
    try:
        convert_to_pipeline(notebook, name, project_path=project, force=True)
    except ProjError as exc:
        # A package the notebook's imports pull in themselves (`import hvplot.xarray`
        # needs xarray) shows only when the converted code is imported.
        found = re.search(r"No module named '([\w.]+)'", str(exc))
        row.run = f"deps missing ({found[1]})" if found else f"not written: {first_line(exc)}"
        return
    try:
        report = verify_pipeline(notebook, name, project_path=project, timeout=300)
    except ProjError as exc:
        message = first_line(exc)
        row.run = (
            f"notebook fails: {message}"
            if "fails when run top to bottom" in message
            else f"pipeline fails: {message}"
        )
        return
    counts = {
        kind: sum(c.outcome == kind for c in report.comparisons)
        for kind in ("equal", "different", "not compared")
    }
    if counts["different"]:
        row.run = "ran, DIFFERENT, explained" if report.explanation else "ran, DIFFERENT"
        row.details += [
            f"{c.name}: {c.detail}" for c in report.comparisons if c.outcome == "different"
        ]
        if report.explanation:
            row.details.append(f"why: {report.explanation}")
    else:
        row.run = f"ran, verified equal ({counts['equal']} equal, {counts['not compared']} n/c)"
        row.details += [
            f"{c.name}: not compared, {c.detail}"
            for c in report.comparisons
            if c.outcome == "not compared"
        ]


def make_project(root: Path) -> Path:
    from proj.framework.project import bootstrap_project
    from proj.framework.scaffold import create_project
    from proj.jupyter.kernelspec import install_kernel

    project = create_project("Corpus", output_dir=root, starter="empty")
    for variable in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = root / "jupyter" / variable.lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[variable] = str(folder)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"
    install_kernel(bootstrap_project(project))
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "proj-corpus")
    parser.add_argument("--no-run", action="store_true", help="Skip run / verify.")
    parser.add_argument("--only", nargs="*", help="Only these projects.")
    parser.add_argument("--limit", type=int, help="At most this many notebooks a project.")
    args = parser.parse_args()
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="proj-corpus-") as tmp:
        project = None if args.no_run else make_project(Path(tmp))
        number = 0
        for name, version in CORPUS:
            if args.only and name not in args.only:
                continue
            folder = fetch(name, version, args.cache)
            for path in notebooks(folder)[: args.limit]:
                number += 1
                row = Row(f"{name}-{version}", path.relative_to(folder).as_posix())
                document = convert_one(row, path)
                if project is not None and document is not None:
                    if row.pipeline == "generated":
                        run_one(row, path, document, project, number)
                    else:
                        row.run = "-"
                rows.append(row)
                print(
                    f"{row.project:24} {row.path[:58]:58} | {row.tagged[:40]:40} | "
                    f"{row.pipeline[:40]:40} | {row.run}",
                    flush=True,
                )
                for detail in row.details:
                    print(f"{'':24}   {detail[:150]}", flush=True)
    summary(rows, time.perf_counter() - started)


def _genuine_refusal(exc: BaseException) -> bool:
    """:func:`_genuine` judged on the refusal's headline and first problem, in full."""
    return _genuine(" ".join(str(exc).splitlines()[:2]))


def _genuine(outcome: str) -> bool:
    """A refusal the issue accepts: the code does not parse, or there is nothing to do."""
    words = ("syntax error", "no code to turn into nodes", "IPython magic", "not Python")
    return any(word in outcome for word in words)


def summary(rows: list[Row], seconds: float) -> None:
    python = [r for r in rows if r.tagged != "not Python" and "unreadable" not in r.tagged]
    with_functions = [r for r in python if r.tagged != "no functions"]
    written = [r for r in with_functions if r.tagged.startswith("written")]
    syntax = [r for r in with_functions if r.tagged.startswith("refused") and r.genuine]
    generated = [r for r in python if r.pipeline == "generated"]
    genuine = [r for r in python if r.pipeline.startswith("refused") and r.genuine]
    other = [r for r in python if r.pipeline.startswith("refused") and not r.genuine]
    runnable = [r for r in generated if r.run and not r.run.startswith("deps missing")]
    broken = [r for r in runnable if r.run.startswith("notebook fails")]
    ran = [r for r in runnable if r.run.startswith("ran")]
    equal = [r for r in ran if "verified equal" in r.run]
    explained = [r for r in ran if r.run == "ran, DIFFERENT, explained"]
    compared = [r for r in equal if not r.run.startswith("ran, verified equal (0 equal")]
    projects = len({r.project for r in rows})
    print()
    print(f"notebooks: {len(rows)} ({len(python)} Python) in {projects} projects, {seconds:.0f} s")
    print(
        f"tagged: {len(written)}/{len(with_functions)} written, "
        f"{len(with_functions) - len(written)} refused ({len(syntax)} genuine syntax errors); "
        f"{len(python) - len(with_functions)} have no function cell"
    )
    print(
        f"--to-pipeline: {len(generated)}/{len(python)} generated; refused: {len(genuine)} "
        f"syntax errors, magic assignments or nothing to convert, {len(other)} other"
    )
    working = len(runnable) - len(broken)
    print(
        f"run: {len(runnable)} generated pipelines have their imports available; "
        f"{len(broken)} of those notebooks fail by themselves when run top to bottom; "
        f"{len(ran)}/{working} pipelines of the others ran, {len(equal)}/{len(ran)} verified "
        f"equal ({len(compared)} with at least one value compared), {len(explained)} differ "
        "with the reason explained; "
        f"{len(generated) - len(runnable)} not run (deps missing)"
    )


if __name__ == "__main__":
    main()
