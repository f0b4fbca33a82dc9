"""How many of Kedro's own tests for nodes, pipelines, namespaces and runners pass on proj.

Kedro's tests are public behaviour that Kedro users rely on. This script fetches them for
a pinned Kedro version into a cache folder, rewrites their ``kedro`` imports to proj, runs
them with pytest against the installed proj, and prints passed/total per file twice:
strictly, and with message wording ignored (a ``pytest.raises(..., match=...)`` whose
exception type is right but whose message differs counts as a pass, since proj words
its errors itself).

Where the tests come from: Kedro's sdists on PyPI do not ship its ``tests/`` folder (checked
for 0.18.12 to 1.7.0), so the script first downloads the pinned sdist with pip (used if a
future one ships tests) and otherwise the source archive of the same release tag from
GitHub; ``--tests-dir`` points it at a Kedro checkout instead (offline). Nothing is
copied into the repository: the files live in the cache and in a temporary folder.

Imports are rewritten per name (with the standard library's ``ast``): ``from kedro.x
import A`` becomes a lookup of ``A`` in ``proj.x``, then in proj's public packages and
``proj.exceptions``; a name proj lacks becomes a stand-in that fails the tests using it,
so one missing name does not hide the results of a whole file.

Usage::

    .venv/bin/python benchmarks/kedro_compat.py [--kedro-version 1.0.0]
        [--tests-dir PATH/TO/kedro] [--cache ~/.cache/proj-bench] [--keep]
"""

from __future__ import annotations

import argparse
import ast
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

KEDRO_VERSION = "1.0.0"
ARCHIVE = "https://codeload.github.com/kedro-org/kedro/tar.gz/refs/tags/{version}"

#: Kedro test files about nodes, pipelines, namespaces and runners (those that exist in
#: the fetched version are run), plus the conftest files they need.
TEST_FILES = (
    "tests/pipeline/test_node.py",
    "tests/pipeline/test_node_run.py",
    "tests/pipeline/test_pipeline.py",
    "tests/pipeline/test_modular_pipeline.py",
    "tests/pipeline/test_pipeline_namespaces.py",
    "tests/pipeline/test_pipeline_namespacing.py",
    "tests/pipeline/test_pipeline_with_transcoding.py",
    "tests/pipeline/test_pipeline_from_missing.py",
    "tests/runner/test_sequential_runner.py",
    "tests/runner/test_thread_runner.py",
    "tests/runner/test_parallel_runner.py",
    "tests/runner/test_run_node.py",
)
CONFTESTS = ("tests/conftest.py", "tests/pipeline/conftest.py", "tests/runner/conftest.py")

# Looked up for every imported name, in this order, after the module it was imported from.
FALLBACK_MODULES = (
    "proj.pipeline",
    "proj.pipeline.transcoding",
    "proj.io",
    "proj.runner",
    "proj.framework",
    "proj.hooks",
    "proj.exceptions",
)

RESOLVER = '''\
"""Resolve names Kedro's tests import from kedro.* to proj's (written by kedro_compat.py)."""
import importlib

FALLBACKS = {fallbacks!r}
RENAMES = {{
    "ModularPipelineError": "PipelineError",
    "_strip_transcoding": "strip_transcoding",
    "_transcode_split": "transcode_split",
    "_create_hook_manager": "create_hook_manager",
    "DatasetError": "DatasetError",
    "DatasetNotFoundError": "DatasetNotFoundError",
}}


class Missing:
    """Stands for a name proj does not have; any use fails the test that uses it."""

    def __init__(self, where):
        self._where = where

    def __getattr__(self, item):
        raise ImportError(f"proj has no {{self._where}}")

    def __call__(self, *args, **kwargs):
        raise ImportError(f"proj has no {{self._where}}")

    def __mro_entries__(self, bases):
        raise ImportError(f"proj has no {{self._where}}")


def module(name):
    target = "proj" + name[len("kedro"):]
    try:
        return importlib.import_module(target)
    except ImportError:
        return Missing(name)


def resolve(source, name):
    target = "proj" + source[len("kedro"):]
    wanted = RENAMES.get(name, name)
    for candidate in (target, *FALLBACKS):
        try:
            found = importlib.import_module(candidate)
        except ImportError:
            continue
        if hasattr(found, wanted):
            return getattr(found, wanted)
        try:
            return importlib.import_module(f"{{candidate}}.{{wanted}}")
        except ImportError:
            pass
    return Missing(f"{{source}}.{{name}}")
'''

# A pytest plugin: in lenient mode, pytest.raises(..., match=...) checks the exception
# type only, so message wording is ignored.
LENIENT_PLUGIN = """\
import os

import pytest

if os.environ.get("KEDRO_COMPAT_LENIENT") == "1":
    _raises = pytest.raises

    def raises(*args, **kwargs):
        kwargs.pop("match", None)
        return _raises(*args, **kwargs)

    pytest.raises = raises
"""


class _Rewriter(ast.NodeTransformer):
    """Turn ``kedro`` imports into lookups through the resolver module."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | list[ast.stmt]:
        module = node.module or ""
        if node.level or not (module == "kedro" or module.startswith("kedro.")):
            return node
        statements: list[ast.stmt] = []
        for alias in node.names:
            statements.append(
                ast.Assign(
                    targets=[ast.Name(alias.asname or alias.name, ctx=ast.Store())],
                    value=ast.Call(
                        func=ast.Attribute(
                            ast.Name("_kedro_compat", ctx=ast.Load()), "resolve", ast.Load()
                        ),
                        args=[ast.Constant(module), ast.Constant(alias.name)],
                        keywords=[],
                    ),
                    lineno=node.lineno,
                )
            )
        return statements

    def visit_Import(self, node: ast.Import) -> ast.AST | list[ast.stmt]:
        if not any(a.name == "kedro" or a.name.startswith("kedro.") for a in node.names):
            return node
        statements: list[ast.stmt] = []
        for alias in node.names:
            call = ast.Call(
                func=ast.Attribute(ast.Name("_kedro_compat", ctx=ast.Load()), "module", ast.Load()),
                args=[ast.Constant(alias.name)],
                keywords=[],
            )
            target = alias.asname or alias.name.split(".")[0]
            statements.append(
                ast.Assign(targets=[ast.Name(target, ctx=ast.Store())], value=call, lineno=1)
            )
        return statements


def rewrite(source: str) -> str:
    """A Kedro test module with its kedro imports resolved against proj."""
    tree = ast.parse(source)
    tree = _Rewriter().visit(tree)
    # After the docstring and any ``from __future__`` import, which must come first.
    position = 0
    for statement in tree.body:
        is_docstring = (
            position == 0
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        is_future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        if not (is_docstring or is_future):
            break
        position += 1
    tree.body.insert(position, ast.Import(names=[ast.alias("_kedro_compat")]))
    ast.fix_missing_locations(tree)
    return ast.unparse(tree) + "\n"


def _has_tests(root: Path) -> bool:
    return any((root / name).is_file() for name in TEST_FILES)


def fetch(version: str, cache: Path) -> Path:
    """A folder holding Kedro's sources for ``version`` with its tests, from the cache."""
    target = cache / f"kedro-{version}"
    if _has_tests(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    sdists = cache / "sdist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(sdists),
            f"kedro=={version}",
        ],
        check=False,
    )
    for archive in sorted(sdists.glob(f"kedro-{version}.tar.gz")):
        _unpack(archive.read_bytes(), target)
        if _has_tests(target):
            return target
    print(f"kedro {version}'s sdist has no tests/ folder; fetching the release tag archive")
    with urllib.request.urlopen(ARCHIVE.format(version=version), timeout=120) as response:
        _unpack(response.read(), target)
    if not _has_tests(target):
        raise SystemExit(f"No Kedro test files found for {version} in {target}")
    return target


def _unpack(data: bytes, target: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            parts = Path(member.name).parts[1:]  # drop the top folder
            if not parts or not member.isfile():
                continue
            if parts[0] not in {"tests", "kedro"} or ".." in parts:
                continue
            dest = target.joinpath(*parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            extracted = archive.extractfile(member)
            if extracted is not None:
                dest.write_bytes(extracted.read())


def prepare(source: Path, work: Path) -> list[Path]:
    """Copy and rewrite the selected test files into ``work``; return the test files."""
    (work / "_kedro_compat.py").write_text(RESOLVER.format(fallbacks=FALLBACK_MODULES))
    (work / "conftest.py").write_text(LENIENT_PLUGIN)
    chosen: list[Path] = []
    for name in (*CONFTESTS, *TEST_FILES):
        path = source / name
        if not path.is_file():
            continue
        dest = work / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        for folder in (dest.parent, dest.parent.parent):
            if folder != work:
                (folder / "__init__.py").touch()
        text = rewrite(path.read_text())
        if name == "tests/conftest.py":
            text = LENIENT_PLUGIN + text
        dest.write_text(text)
        if name in TEST_FILES:
            chosen.append(dest)
    return chosen


def run(work: Path, files: list[Path], *, lenient: bool) -> dict[str, tuple[int, int]]:
    """Run the files with pytest; return file -> (passed, total)."""
    report = work / ("lenient.xml" if lenient else "strict.xml")
    env = {**_environ(), "KEDRO_COMPAT_LENIENT": "1" if lenient else "0"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "-W",
            "ignore",
            # One file that fails to import must not hide the results of the others.
            "--continue-on-collection-errors",
            f"--rootdir={work}",
            f"--junitxml={report}",
            *(str(f.relative_to(work)) for f in files),
        ],
        cwd=work,
        env=env,
        check=False,
        capture_output=True,
    )
    counts: dict[str, list[int]] = {str(f.relative_to(work)): [0, 0] for f in files}
    if not report.exists():
        return dict.fromkeys(counts, (0, 0))
    for case in ET.parse(report).iter("testcase"):
        # A file that fails to import is one failing case named after the module.
        module = case.get("classname", "") or case.get("name", "")
        name = next((n for n in counts if _in_module(module, n)), None)
        if name is None:
            continue
        outcome = {child.tag for child in case}
        if "skipped" in outcome:
            continue
        counts[name][1] += 1
        if not outcome & {"failure", "error"}:
            counts[name][0] += 1
    return {name: (passed, total) for name, (passed, total) in counts.items()}


def _in_module(classname: str, path: str) -> bool:
    base = path[:-3].replace("/", ".")
    return classname == base or classname.startswith(base + ".")


def _environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kedro-version", default=KEDRO_VERSION)
    parser.add_argument("--tests-dir", type=Path, help="a Kedro checkout to take tests from")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "proj-bench")
    parser.add_argument("--keep", action="store_true", help="keep the rewritten tests")
    args = parser.parse_args()
    source = args.tests_dir or fetch(args.kedro_version, args.cache)
    work = Path(tempfile.mkdtemp(prefix="kedro-compat-"))
    try:
        files = prepare(source, work)
        strict = run(work, files, lenient=False)
        lenient = run(work, files, lenient=True)
        origin = f"Kedro {args.kedro_version}" if args.tests_dir is None else "Kedro"
        print(f"{origin} tests on proj (source: {source})")
        print(f"{'file':<52} {'strict':>10} {'wording ignored':>16}")
        totals = [0, 0, 0]
        for name in strict:
            s_pass, total = strict[name]
            l_pass, _ = lenient[name]
            totals[0] += s_pass
            totals[1] += l_pass
            totals[2] += total
            print(f"{name:<52} {f'{s_pass}/{total}':>10} {f'{l_pass}/{total}':>16}")
        print(f"{'total':<52} {f'{totals[0]}/{totals[2]}':>10} {f'{totals[1]}/{totals[2]}':>16}")
        if args.keep:
            print(f"rewritten tests kept in {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
