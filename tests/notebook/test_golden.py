"""Golden files: every notebook in tests/data/notebooks converts to its expected output,
byte for byte.

* ``<name>.ipynb`` + ``<name>.py``: ``to_module`` output, and ``<name>.warnings.txt``
  the warnings of ``convert_module`` when there are any (the module is written anyway).
* ``<name>.ipynb`` + ``<name>.error.txt``: the NotebookError ``to_module`` raises.
* ``<name>.ipynb`` + ``<name>/nodes.py``, ``pipeline.py``, ``catalog.yml``: ``to_pipeline``
  output (pipeline named ``<name>``) and the catalog block for an empty catalog, and
  ``<name>/warnings.txt`` its warnings when there are any.
* ``<name>.ipynb`` + ``<name>/error.txt``: the NotebookError ``to_pipeline`` raises.

Set PROJ_UPDATE_GOLDEN=1 to rewrite the expected files after an intended change, then
review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proj.exceptions import NotebookError
from proj.notebook import convert_module, to_module, to_pipeline
from proj.notebook.catalog_yaml import update_catalog

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "notebooks"
UPDATE = os.environ.get("PROJ_UPDATE_GOLDEN") == "1"

MODULES = [
    "annotations",
    "computed_global",
    "constants_any_case",
    "data_global",
    "helpers",
    "imports",
    "magics",
    "missing_package",
    "nbformat_v3",
    "non_ascii",
    "redefinitions",
    "shell_escapes",
    "star_import",
]
MODULE_ERRORS = ["r_kernel", "syntax_error"]
PIPELINES = ["pipeline_basic", "pipeline_conditional", "pipeline_optional_imports"]
PIPELINE_ERRORS = ["pipeline_unconvertible"]
NO_OUTPUT = ["untagged", "no_definitions"]


#: Every type the converter may pick (the figure types come with the issue-12 datasets),
#: so that golden files do not depend on which are installed.
EVERY_TYPE = {
    "pickle.PickleDataset",
    "text.TextDataset",
    "pandas.ParquetDataset",
    "json.JSONDataset",
    "matplotlib.MatplotlibDataset",
    "plotly.JSONDataset",
}


def _check(actual: str, expected: Path) -> None:
    if UPDATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_bytes(actual.encode("utf-8"))
    assert expected.exists(), f"missing golden file {expected}"
    assert actual.encode("utf-8") == expected.read_bytes()


def test_every_golden_notebook_has_an_expectation() -> None:
    listed = {*MODULES, *MODULE_ERRORS, *PIPELINES, *PIPELINE_ERRORS, *NO_OUTPUT}
    assert {path.stem for path in GOLDEN.glob("*.ipynb")} == listed


@pytest.mark.parametrize("name", MODULES)
def test_module_matches_golden(name: str) -> None:
    result = convert_module(GOLDEN / f"{name}.ipynb", name=f"{name}.ipynb")
    assert result.source is not None
    _check(result.source, GOLDEN / f"{name}.py")
    warnings = GOLDEN / f"{name}.warnings.txt"
    if result.warnings or warnings.exists():
        _check("\n".join(result.warnings) + "\n", warnings)


@pytest.mark.parametrize("name", MODULES)
def test_module_compiles(name: str) -> None:
    """Whatever the warnings, the module written is valid Python."""
    source = to_module(GOLDEN / f"{name}.ipynb", name=f"{name}.ipynb")
    compile(source, f"{name}.py", "exec", dont_inherit=True)


@pytest.mark.parametrize("name", MODULES)
def test_module_converts_to_identical_bytes_twice(name: str) -> None:
    path = GOLDEN / f"{name}.ipynb"
    assert to_module(path, name=path.name) == to_module(path, name=path.name)


@pytest.mark.parametrize("name", MODULE_ERRORS)
def test_module_error_matches_golden(name: str) -> None:
    with pytest.raises(NotebookError) as caught:
        to_module(GOLDEN / f"{name}.ipynb", name=f"{name}.ipynb")
    _check(str(caught.value) + "\n", GOLDEN / f"{name}.error.txt")


@pytest.mark.parametrize("name", PIPELINES)
def test_pipeline_matches_golden(name: str) -> None:
    result = to_pipeline(
        GOLDEN / f"{name}.ipynb",
        name,
        notebook_name=f"{name}.ipynb",
        parquet=True,
        dataset_types=EVERY_TYPE,
    )
    _check(result.nodes_source, GOLDEN / name / "nodes.py")
    _check(result.pipeline_source, GOLDEN / name / "pipeline.py")
    catalog = update_catalog(
        "", pipeline=name, notebook=f"{name}.ipynb", entries=result.catalog_entries
    )
    _check(catalog, GOLDEN / name / "catalog.yml")
    warnings = GOLDEN / name / "warnings.txt"
    if result.warnings or warnings.exists():
        _check("\n".join(result.warnings) + "\n", warnings)


_CONVERT_ALL = """
import hashlib, sys
from pathlib import Path
from proj.notebook import to_module, to_pipeline
out = []
for path in map(Path, sys.argv[1:]):
    if path.parent.name == "roundtrip" or path.stem.startswith("pipeline_"):
        result = to_pipeline(path, "again", notebook_name=path.name, parquet=True)
        text = result.nodes_source + result.pipeline_source + repr(result.catalog_entries)
    else:
        text = to_module(path, name=path.name)
    out.append(path.stem + " " + hashlib.sha256(text.encode("utf-8")).hexdigest())
print("\\n".join(out))
"""


def test_every_conversion_gives_identical_bytes_in_another_process() -> None:
    """Same bytes whatever the string-hash seed (set and dict order cannot leak out)."""
    paths = [GOLDEN / f"{name}.ipynb" for name in [*MODULES, *PIPELINES]]
    paths += sorted((GOLDEN / "roundtrip").glob("*.ipynb"))
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", _CONVERT_ALL, *map(str, paths)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert len(outputs[0].splitlines()) == len(paths)
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("name", PIPELINE_ERRORS)
def test_pipeline_error_matches_golden(name: str) -> None:
    with pytest.raises(NotebookError) as caught:
        to_pipeline(GOLDEN / f"{name}.ipynb", name, notebook_name=f"{name}.ipynb")
    _check(str(caught.value) + "\n", GOLDEN / name / "error.txt")


def test_untagged_notebook_gives_a_warning_and_no_module() -> None:
    result = convert_module(GOLDEN / "untagged.ipynb", name="untagged.ipynb")
    assert result.source is None
    assert result.warnings == ["untagged.ipynb: no code cell is tagged 'node'."]
    with pytest.raises(NotebookError, match="no code cell tagged 'node'"):
        to_module(GOLDEN / "untagged.ipynb")


def test_tagged_cells_without_definitions_give_a_warning_and_no_module() -> None:
    result = convert_module(GOLDEN / "no_definitions.ipynb", name="no_definitions.ipynb")
    assert result.source is None
    assert result.warnings == [
        "cell 1, line 2: left out of the module (only imports, functions, classes and "
        "constants are converted).",
        "no_definitions.ipynb: the cells tagged 'node' define no function, class or constant; "
        "nothing to write.",
    ]


def _load(source: str, name: str) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": name}
    exec(compile(source, f"{name}.py", "exec"), namespace)
    return namespace


def test_golden_helpers_module_behaves_like_the_notebook() -> None:
    module = _load((GOLDEN / "helpers.py").read_text(encoding="utf-8"), "helpers")
    tokenize = module["tokenize"]
    assert callable(tokenize)
    full_width = "\uff41 \uff34\uff2f\uff39"  # full-width letters: NFKC makes them "a TOY"
    assert tokenize(f"The Cat's  toys, {full_width}") == ["cat's", "toys", "toy"]
    vocabulary_class = module["Vocabulary"]
    assert callable(vocabulary_class)
    vocabulary = vocabulary_class(["the cat", "a dog and the cat"])
    assert vocabulary.encode("dog cat bird") == [1, 0]  # type: ignore[attr-defined]


def test_golden_modules_keep_last_definitions_and_strings() -> None:
    redefinitions = _load((GOLDEN / "redefinitions.py").read_text(encoding="utf-8"), "r")
    assert redefinitions["shout"]("  a   b ") == "A B!!"  # type: ignore[operator]
    assert redefinitions["whisper"]("  A   B ") == "a b..."  # type: ignore[operator]
    magics = _load((GOLDEN / "magics.py").read_text(encoding="utf-8"), "m")
    assert magics["render"]("Zoë") == "\nZoë scored\n!important\n"  # type: ignore[operator]
    assert magics["area"]() == pytest.approx(12.566370614359172)  # type: ignore[operator]


def test_golden_non_ascii_module_runs() -> None:
    module = _load((GOLDEN / "non_ascii.py").read_text(encoding="utf-8"), "n")
    assert module["moyenne_température"]([20.0, None, 40.0]) == 30.0  # type: ignore[operator]
    assert module["étiquette"](35.0) == "🔥"  # type: ignore[operator]
    assert (module["NOM"], module["PAYS"]) == ("Zoë", "España")


def test_golden_pipeline_builds_the_declared_nodes(tmp_path: Path) -> None:
    package = tmp_path / "golden_pipeline_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    for filename in ("nodes.py", "pipeline.py"):
        (package / filename).write_bytes((GOLDEN / "pipeline_basic" / filename).read_bytes())
    sys.path.insert(0, str(tmp_path))
    try:
        from golden_pipeline_pkg.pipeline import create_pipeline  # type: ignore[import-not-found]

        built = create_pipeline()
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m.startswith("golden_pipeline_pkg")]:
            del sys.modules[module]
    assert [node.name for node in built.nodes] == [
        "pipeline_basic.customer_churn_a_first_look",
        "pipeline_basic.clean",
        "pipeline_basic.segment",
        "pipeline_basic.report_node",
    ]
    assert built.inputs() == {"customers", "params:segments.big_spender"}
    assert built.outputs() == {
        "churn_report",
        "pipeline_basic.big_flags",
        "pipeline_basic.summary",
    }


def test_golden_constants_of_any_case_work_like_the_notebook() -> None:
    module = _load((GOLDEN / "constants_any_case.py").read_text(encoding="utf-8"), "c")
    assert module["normalise"]("  a \t b  ") == "a b"  # type: ignore[operator]
    assert module["content_words"]("The  cat a dog") == ["cat", "dog"]  # type: ignore[operator]
    assert module["matches"]("ab 12") == [["12"], ["ab"]]  # type: ignore[operator]
    assert str(module["raw"]("x.csv")) == str(Path("data") / "raw" / "x.csv")  # type: ignore[operator]


def test_golden_annotations_decorators_defaults_and_bases_keep_their_imports() -> None:
    import types

    pandas = pytest.importorskip("pandas")
    loaded = types.ModuleType("golden_annotations")
    sys.modules[loaded.__name__] = loaded  # dataclasses look their module up there
    try:
        source = (GOLDEN / "annotations.py").read_text(encoding="utf-8")
        exec(compile(source, "annotations.py", "exec"), loaded.__dict__)
    finally:
        del sys.modules[loaded.__name__]
    module = loaded.__dict__
    frame = pandas.DataFrame({"amount": [1.5, 2.0]})
    assert module["total"](frame) == 3.5  # type: ignore[operator]
    assert module["square"](4) == 16  # type: ignore[operator]
    assert module["first"]([]) == 0  # type: ignore[operator]
    assert list(module["Registry"](b=1, a=2)) == ["b", "a"]  # type: ignore[operator]
    assert module["Point"](1.0, 2.0).y == 2.0  # type: ignore[operator,attr-defined]


def test_golden_star_import_is_kept_when_a_name_may_come_from_it() -> None:
    module = _load((GOLDEN / "star_import.py").read_text(encoding="utf-8"), "s")
    assert module["circle"](1.0) == pytest.approx(3.141592653589793)  # type: ignore[operator]
