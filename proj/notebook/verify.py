"""``--verify``: does the converted pipeline compute what the notebook computes?

:func:`verify_pipeline` takes a notebook already converted into the pipeline ``NAME``
and:

1. executes the notebook top to bottom with nbclient in the project's kernel
   (``proj_<package>_<hash>``, :mod:`proj.jupyter.kernelspec`; its folder is the working
   folder), with one cell appended that writes the final value of each name to compare
   into a temporary file;
2. runs the pipeline with ``proj run --pipeline NAME`` in a fresh interpreter, then loads
   every dataset it persisted through the project's catalog, in another;
3. compares each value: DataFrames and Series with pandas' testing functions (an
   index's ``freq`` left out: Parquet does not keep it), numpy arrays by dtype and
   content (NaN equal to NaN), containers element by element, anything else with
   ``==`` and the same type.

The values compared are those the pipeline persists (the notebook's variables that
nothing reads) and those the notebook saves with ``catalog.save("name", variable)``.
Both sides turn values into plain data before pickling them (objects of the
notebook's own classes become dicts of their attributes, since the classes live in
different modules on each side); figures (matplotlib, plotly), objects of other
libraries' classes that have no equality of their own (``==`` would only compare
identities: a fitted model) and values that cannot be pickled are *not compared*, with
the reason.

When values differ, :func:`unseeded_randomness` looks for the usual cause: the notebook
draws random numbers from a global generator (numpy's, the standard library's, a scipy
distribution's ``rvs`` without ``random_state``) with no seed set before the first draw,
so the notebook and the pipeline (and two runs of the notebook) draw different numbers.
Failing that, :func:`callbacks_changing` looks for a function that changes a differing
variable in place and that the notebook hands to other code instead of calling it (a
callback, run in the notebook when a value is displayed). The report carries the
explanation; the values still count as different.
"""

from __future__ import annotations

import ast
import json
import math
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from proj.exceptions import NotebookError

#: Seconds a notebook or a pipeline run may take.
VERIFY_TIMEOUT = 1800.0

Outcome = Literal["equal", "different", "not compared"]

#: Defined on both sides: a value as plain, picklable data (see the module docstring).
PLAIN_SOURCE = r"""
def _proj_plain(value, _depth=0):
    import pickle
    kind = type(value)
    module = getattr(kind, "__module__", "") or ""
    if module.split(".")[0] in ("matplotlib", "plotly", "bokeh", "altair", "seaborn"):
        return {"__proj_not_compared__": f"a figure ({module}.{kind.__qualname__})"}
    if _depth > 20:
        return {"__proj_not_compared__": "nested too deeply"}
    if value is None or isinstance(value, (str, bytes, int, float, complex, bool)):
        return value
    if isinstance(value, dict):
        return {k: _proj_plain(v, _depth + 1) for k, v in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_proj_plain(v, _depth + 1) for v in value)
    if isinstance(value, list):
        return [_proj_plain(v, _depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return value if all(isinstance(v, (str, int, float, bool)) for v in value) else [
            _proj_plain(v, _depth + 1) for v in value
        ]
    if module.split(".")[0] in ("numpy", "pandas"):
        try:
            pickle.dumps(value)
            return value
        except Exception as exc:
            return {"__proj_not_compared__": f"cannot be pickled ({type(exc).__name__})"}
    if module in ("__main__", "builtins") or ".pipelines." in module or module.endswith(".nodes"):
        if hasattr(value, "__dict__"):
            attributes = {k: _proj_plain(v, _depth + 1) for k, v in vars(value).items()}
            return {"__proj_class__": kind.__qualname__, **attributes}
    try:
        pickle.dumps(value)
    except Exception as exc:
        return {"__proj_not_compared__": f"cannot be pickled ({type(exc).__name__}: {exc})"}
    if getattr(kind, "__eq__", None) is object.__eq__:
        return {"__proj_not_compared__": f"{module}.{kind.__qualname__} has no equality of its own"}
    return value
"""

_DUMP_CELL = r"""
import pickle as _proj_pickle
_proj_values = {{}}
for _proj_name in {names!r}:
    if _proj_name not in globals():
        _proj_values[_proj_name] = {{"__proj_not_compared__": "the notebook does not define it"}}
        continue
    try:
        _proj_values[_proj_name] = _proj_pickle.dumps(_proj_plain(globals()[_proj_name]))
    except Exception as _proj_exc:
        _proj_values[_proj_name] = {{"__proj_not_compared__": f"cannot be pickled ({{_proj_exc}})"}}
with open({path!r}, "wb") as _proj_file:
    _proj_pickle.dump(_proj_values, _proj_file)
"""

_LOAD_SCRIPT = (
    PLAIN_SOURCE
    + r"""
import json, os, pickle, sys
from proj.framework import Session

session = Session.create(sys.argv[1], record_runs=False)
catalog = session.load_context().catalog
values = {}
for name, dataset in json.loads(sys.argv[2]).items():
    try:
        values[name] = pickle.dumps(_proj_plain(catalog.load(dataset)))
    except Exception as exc:
        values[name] = {"__proj_not_compared__": f"cannot load {dataset}: {exc}"}
with open(sys.argv[3] + ".part", "wb") as file:
    pickle.dump(values, file)
os.replace(sys.argv[3] + ".part", sys.argv[3])
sys.stdout.flush()
sys.stderr.flush()
# Done: skip the interpreter's teardown, where pyarrow's thread pool can abort the
# process ("terminate called without an active exception", apache/arrow#34314).
os._exit(0)
"""
)


@dataclass(frozen=True)
class Comparison:
    """One value compared.

    Attributes:
        name: The notebook variable.
        dataset: The dataset the pipeline wrote it to.
        outcome: ``equal``, ``different`` or ``not compared``.
        detail: The first difference, or why it was not compared.
    """

    name: str
    dataset: str
    outcome: Outcome
    detail: str = ""


@dataclass
class VerifyReport:
    """What ``--verify`` found.

    Attributes:
        pipeline: The pipeline's name.
        comparisons: One per value, in pipeline order.
    """

    pipeline: str
    comparisons: list[Comparison] = field(default_factory=list)
    #: Why values may differ when they do (:func:`unseeded_randomness`), or None.
    explanation: str | None = None

    @property
    def ok(self) -> bool:
        """No value differs."""
        return all(c.outcome != "different" for c in self.comparisons)


def values_to_compare(notebook: Path, name: str, root: Path) -> dict[str, str]:
    """Notebook variable -> dataset, for what the converted pipeline persists or saves.

    Args:
        notebook: The notebook file.
        name: The pipeline's name.
        root: The project root (for notebook-relative paths).

    Returns:
        The persisted variables (``NAME.<variable>``), then the variables the notebook
        saves with ``catalog.save("dataset", variable)``.
    """
    from proj.notebook.reading import read_notebook
    from proj.notebook.statements import analyze_cell
    from proj.notebook.topipeline import to_pipeline

    result = to_pipeline(notebook, name, paths=(notebook.resolve().parent, root))
    wanted = dict(result.persisted)
    for cell in read_notebook(notebook).code_cells:
        if "skip" in cell.tags:
            continue
        analysis = analyze_cell(cell)
        for statement in analysis.statements:
            for use in statement.kernel:
                if use.kind != "save" or use.value is None:
                    continue
                from proj.notebook.source import span_text

                text = span_text(analysis.lines, use.value).strip()
                if text.isidentifier():
                    wanted.setdefault(text, use.dataset)
    return wanted


def verify_pipeline(
    notebook: Path,
    name: str,
    *,
    project_path: Path | None = None,
    kernel_name: str | None = None,
    timeout: float = VERIFY_TIMEOUT,
) -> VerifyReport:
    """Run the notebook and its converted pipeline, and compare their values.

    Args:
        notebook: The notebook file.
        name: The pipeline converted from it (``proj jupyter convert --to-pipeline``).
        project_path: A folder inside the project; default: the working folder.
        kernel_name: The Jupyter kernel to run the notebook in; default the project's
            (:func:`proj.framework.project.default_kernel_name`).
        timeout: Seconds the notebook, and the pipeline, may each take.

    Returns:
        The comparisons, one per value.

    Raises:
        ProjectNotFoundError: No project around ``project_path``.
        MissingDependencyError: nbclient is not installed.
        NotebookError: The kernel is not installed, the notebook fails (cell named), or
            the pipeline run fails.
    """
    from proj.framework.project import bootstrap_project, default_kernel_name

    metadata = bootstrap_project(project_path)
    root = metadata.project_path
    wanted = values_to_compare(notebook, name, root)
    kernel = kernel_name or default_kernel_name(metadata.package_name, root)
    report = VerifyReport(name)
    with tempfile.TemporaryDirectory(prefix="proj-verify-") as folder:
        expected = _execute(notebook, list(wanted), Path(folder) / "notebook.pkl", kernel, timeout)
        _run_pipeline(root, name, timeout)
        actual = _load(root, wanted, Path(folder) / "pipeline.pkl", timeout)
    for variable, dataset in wanted.items():
        report.comparisons.append(
            _compare_one(variable, dataset, expected.get(variable), actual.get(variable))
        )
    if not report.ok:
        differing = {c.name for c in report.comparisons if c.outcome == "different"}
        report.explanation = unseeded_randomness(notebook) or callbacks_changing(
            notebook, differing
        )
    return report


#: Modules whose functions draw from a global random generator, and their seed call.
_GLOBAL_GENERATORS = {"numpy.random": "np.random.seed(0)", "random": "random.seed(0)"}
#: Functions of those modules that set up rather than draw.
_NOT_DRAWS = frozenset(
    {
        "seed",
        "default_rng",
        "RandomState",
        "Generator",
        "SeedSequence",
        "get_state",
        "set_state",
        "getstate",
        "setstate",
        "PCG64",
        "MT19937",
        "Random",
        "SystemRandom",
    }
)


def unseeded_randomness(notebook: Path) -> str | None:
    """Why a notebook's values may differ from run to run: an unseeded random draw.

    Reads the code cells (IPython syntax blanked, cells tagged ``skip`` left out) in
    order and finds the first call that draws from a global generator: a function of
    ``numpy.random`` or of the standard library's ``random`` (however imported), a
    scipy distribution's ``.rvs(...)`` without ``random_state=``, ``default_rng()`` or
    ``RandomState()`` without a seed. Calls inside function bodies count (they run
    when the function is called). A ``seed(...)`` of that module with an argument
    earlier in the notebook makes its draws reproducible.

    Args:
        notebook: The notebook file.

    Returns:
        One sentence naming the cell, line and call, and the seed that would fix it;
        None when every draw is seeded or there is none (or the notebook cannot be read).
    """
    from proj.notebook.ipython_syntax import python_source
    from proj.notebook.reading import read_notebook

    try:
        cells = read_notebook(notebook).code_cells
    except Exception:  # explanation only: a notebook we cannot read explains nothing
        return None
    aliases: dict[str, str] = {}  # local name -> module ("np" -> "numpy")
    seeded: set[str] = set()  # modules whose global generator has been seeded
    for cell in cells:
        if "skip" in cell.tags:
            continue
        try:
            tree = ast.parse(python_source(cell).text)
        except SyntaxError:
            continue
        _collect_imports(tree, aliases)
        calls = sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.Call)),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for call in calls:
            fix = _unseeded_draw(call, aliases, seeded)
            if fix is not None:
                return (
                    "the notebook draws random numbers without a fixed seed (cell "
                    f"{cell.number}, line {call.lineno}: {ast.unparse(call.func)}(...)), so "
                    f"every run draws different ones; set a seed ({fix}) before the first "
                    "draw to compare."
                )
    return None


def callbacks_changing(notebook: Path, names: set[str]) -> str | None:
    """Why a value may differ: a function changing it is handed on, never called.

    A function whose body changes a notebook variable in place (``df["y"] = ...``) and
    that the notebook passes to other code (``pn.rx(plot)(slider)``,
    ``widget.observe(plot)``) instead of ever calling it runs whenever that code
    decides: in the notebook, often when the cell's value is displayed, which a pipeline
    never does. The notebook and the pipeline can then end with different values of the
    variable.

    Args:
        notebook: The notebook file.
        names: The notebook variables whose values differ.

    Returns:
        One sentence naming the variable, the function (cell, line) and where it is
        handed on; None when no such function changes any of ``names``.
    """
    from proj.notebook.reading import read_notebook
    from proj.notebook.statements import analyze_cell

    try:
        cells = [c for c in read_notebook(notebook).code_cells if "skip" not in c.tags]
    except Exception:  # explanation only: a notebook we cannot read explains nothing
        return None
    analyses = [analyze_cell(cell) for cell in cells]
    changers: dict[str, tuple[str, int, int]] = {}  # function -> (variable, cell, line)
    called: set[str] = set()
    handed: dict[str, tuple[int, int]] = {}  # function -> first (cell, line) passed on
    for analysis in analyses:
        for statement in analysis.statements:
            node = statement.node
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                changed = sorted(set(statement.deferred_changes) & names)
                if changed:
                    where = (analysis.cell.number, node.lineno)
                    changers[node.name] = (changed[0], *where)
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name):
                    called.add(inner.func.id)
                elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
                    handed.setdefault(inner.id, (analysis.cell.number, inner.lineno))
    for function, (variable, cell, line) in changers.items():
        if function in called or function not in handed:
            continue
        at_cell, at_line = handed[function]
        return (
            f"'{variable}' is changed in place by {function}() (cell {cell}, line {line}), "
            f"which the notebook never calls itself: it hands {function} to other code "
            f"(cell {at_cell}, line {at_line}), which calls it when it chooses (in a "
            "notebook, often when a cell's value is displayed; a pipeline displays "
            f"nothing); call {function}(...) in the notebook, or return the new value "
            "from it, to compare."
        )
    return None


def _collect_imports(tree: ast.AST, aliases: dict[str, str]) -> None:
    """Record what each imported name refers to (``np`` -> ``numpy``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                aliases[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def _unseeded_draw(call: ast.Call, aliases: dict[str, str], seeded: set[str]) -> str | None:
    """The seed that would fix ``call`` when it draws unseeded; records seeds it sets."""
    dotted = _dotted(call.func, aliases)
    module, _, function = (dotted or "").rpartition(".")
    with_arguments = bool(call.args or call.keywords)
    fix: str | None = None
    if module in _GLOBAL_GENERATORS:
        if function == "seed" and with_arguments:
            seeded.add(module)
        elif function in ("default_rng", "RandomState") and not with_arguments:
            fix = f"{function}(0)"
        elif function not in _NOT_DRAWS and module not in seeded:
            fix = _GLOBAL_GENERATORS[module]
    elif (
        function == "rvs"
        and module.startswith("scipy.stats")
        and not any(k.arg == "random_state" for k in call.keywords)
        and "numpy.random" not in seeded
    ):
        fix = "np.random.seed(0), or pass random_state=0"
    return fix


def _dotted(func: ast.expr, aliases: dict[str, str]) -> str | None:
    """``np.random.normal`` -> ``numpy.random.normal`` through the notebook's imports."""
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in aliases:
        return None
    parts.append(aliases[func.id])
    return ".".join(reversed(parts))


def _unpack(raw: object) -> tuple[bool, Any]:
    """``(True, value)``, or ``(False, reason)`` for a value not compared."""
    if isinstance(raw, dict) and "__proj_not_compared__" in raw:
        return False, raw["__proj_not_compared__"]
    if not isinstance(raw, bytes):
        return False, "no value"
    try:
        value = pickle.loads(raw)  # noqa: S301 - written by our own processes just now
    except Exception as exc:  # any unpickling failure means "not compared"
        return False, f"cannot be read back ({type(exc).__name__}: {exc})"
    if isinstance(value, dict) and "__proj_not_compared__" in value:
        return False, value["__proj_not_compared__"]
    return True, value


def _compare_one(variable: str, dataset: str, expected: object, actual: object) -> Comparison:
    ok_expected, left = _unpack(expected)
    ok_actual, right = _unpack(actual)
    if not ok_expected:
        return Comparison(variable, dataset, "not compared", f"notebook: {left}")
    if not ok_actual:
        return Comparison(variable, dataset, "not compared", f"pipeline: {right}")
    difference = first_difference(left, right)
    if difference is None:
        return Comparison(variable, dataset, "equal")
    return Comparison(variable, dataset, "different", difference)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def first_difference(expected: Any, actual: Any, where: str = "") -> str | None:
    """The first difference between the notebook's value and the pipeline's, or None.

    Args:
        expected: The notebook's value (plain data, see the module docstring).
        actual: The pipeline's value.
        where: Path of the values inside the containers compared (for messages).

    Returns:
        A one-line description of the first difference, or None when equal.
    """
    at = f" at {where}" if where else ""
    module = type(expected).__module__.split(".")[0]
    if module == "pandas" and type(expected).__name__ in ("DataFrame", "Series"):
        return _frame_difference(expected, actual, at)
    if module == "numpy" and type(expected).__name__ == "ndarray":
        return _array_difference(expected, actual, at)
    if isinstance(expected, (dict, list, tuple)):
        return _container_difference(expected, actual, where)
    return _scalar_difference(expected, actual, at)


def _scalar_difference(expected: Any, actual: Any, at: str) -> str | None:
    if type(expected) is not type(actual):
        kinds = f"{type(expected).__name__} {_short(expected)}"
        return f"{kinds} vs {type(actual).__name__} {_short(actual)}{at}"
    if isinstance(expected, float) and math.isnan(expected) and math.isnan(actual):
        return None
    try:
        same = bool(expected == actual)
    except Exception as exc:  # a value whose == fails is reported, not raised
        return f"cannot compare ({type(exc).__name__}: {exc}){at}"
    return None if same else f"{_short(expected)} vs {_short(actual)}{at}"


def _first_lines(exc: AssertionError, count: int) -> str:
    return " ".join([line.strip() for line in str(exc).splitlines() if line.strip()][:count])


def _frame_difference(expected: Any, actual: Any, at: str) -> str | None:
    import pandas as pd

    if type(actual) is not type(expected):
        return f"{type(expected).__name__} vs {type(actual).__name__}{at}"
    # An index's `freq` is not data: Parquet does not store it, so a DatetimeIndex
    # read back from the pipeline's file has none where the notebook's has "D".
    try:
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(expected, actual, check_freq=False)
        else:
            pd.testing.assert_series_equal(expected, actual, check_freq=False)
    except AssertionError as exc:
        text = _first_lines(exc, 4).replace("[left]", "[notebook]")
        return f"{text.replace('[right]', '[pipeline]')}{at}"
    return None


def _array_difference(expected: Any, actual: Any, at: str) -> str | None:
    import numpy as np

    if not isinstance(actual, np.ndarray):
        return f"ndarray vs {type(actual).__name__}{at}"
    if actual.dtype != expected.dtype or actual.shape != expected.shape:
        before = f"{expected.dtype}{list(expected.shape)}"
        return f"{before} vs {actual.dtype}{list(actual.shape)}{at}"
    try:
        np.testing.assert_array_equal(actual, expected)
    except AssertionError as exc:
        return f"{_first_lines(exc, 3)}{at}"
    return None


def _container_difference(expected: Any, actual: Any, where: str) -> str | None:
    if isinstance(expected, dict):
        return _dict_difference(expected, actual, where)
    return _sequence_difference(expected, actual, where)


def _dict_difference(expected: dict[Any, Any], actual: Any, where: str) -> str | None:
    at = f" at {where}" if where else ""
    if not isinstance(actual, dict):
        return f"dict vs {type(actual).__name__}{at}"
    if list(expected) != list(actual):
        missing = [k for k in expected if k not in actual]
        extra = [k for k in actual if k not in expected]
        if missing or extra:
            return f"keys differ{at}: missing {missing[:5]}, extra {extra[:5]}"
        return f"keys in another order{at}"
    for key, value in expected.items():
        found = first_difference(value, actual[key], f"{where}[{key!r}]")
        if found is not None:
            return found
    return None


def _sequence_difference(
    expected: list[Any] | tuple[Any, ...], actual: Any, where: str
) -> str | None:
    at = f" at {where}" if where else ""
    if type(actual) is not type(expected):
        return f"{type(expected).__name__} vs {type(actual).__name__}{at}"
    if len(expected) != len(actual):
        return f"length {len(expected)} vs {len(actual)}{at}"
    for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
        found = first_difference(left, right, f"{where}[{index}]")
        if found is not None:
            return found
    return None


def _execute(
    notebook: Path, names: list[str], dump: Path, kernel: str, timeout: float
) -> dict[str, Any]:
    import importlib.util

    from proj.exceptions import MissingDependencyError

    for package in ("nbclient", "nbformat"):
        if importlib.util.find_spec(package) is None:
            raise MissingDependencyError(package, "jupyter", "proj jupyter convert --verify")
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    read: Any = nbformat.read  # untyped in nbformat
    new_cell: Any = nbformat.v4.new_code_cell
    document = read(str(notebook), as_version=4)
    document.cells.append(new_cell(PLAIN_SOURCE + _DUMP_CELL.format(names=names, path=str(dump))))
    client = NotebookClient(
        document,
        timeout=int(timeout),
        kernel_name=kernel,
        resources={"metadata": {"path": str(notebook.resolve().parent)}},
    )
    try:
        spec = client.create_kernel_manager().kernel_spec
        if spec is not None and any("ipykernel" in part for part in spec.argv):
            # ipykernel warns on stderr that a kernel on 127.0.0.1 talks TCP in clear
            # text; this kernel lives for one run here, so keep the output to errors.
            client.extra_arguments = [*client.extra_arguments, "--IPKernelApp.log_level=ERROR"]
        client.execute()
    except NoSuchKernel as exc:
        raise NotebookError(
            f"The Jupyter kernel '{kernel}' is not installed, so {notebook.name} cannot run.",
            hint="Install the project's kernel with `proj kernel install`.",
        ) from exc
    except (CellExecutionError, CellTimeoutError) as exc:
        import re

        number = _failed_cell(document)
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()
        last = text.splitlines()[-1] if text else type(exc).__name__
        raise NotebookError(
            f"{notebook.name} fails when run top to bottom"
            + (f" (cell {number})" if number else "")
            + f": {last}",
            hint="Make the notebook run from a fresh kernel first; --verify compares its "
            "final values with the pipeline's.",
        ) from exc
    with dump.open("rb") as file:
        values: dict[str, Any] = pickle.load(file)  # noqa: S301 - our own file
    return values


def _failed_cell(document: Any) -> int | None:
    for number, cell in enumerate(document.cells, start=1):
        for output in cell.get("outputs", ()):
            if output.get("output_type") == "error":
                return number
    return None


def _run_pipeline(root: Path, name: str, timeout: float) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "proj", "run", "--pipeline", name],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        output = f"{done.stdout}\n{done.stderr}".splitlines()
        errors = [line.strip() for line in output if line.startswith("Error:")]
        tail = errors[-1][len("Error:") :].strip() if errors else "\n".join(output[-8:])
        raise NotebookError(
            f"The pipeline '{name}' fails: {tail}",
            hint=f"Run `proj run --pipeline {name} --verbose` to see where.",
        )


def _load(root: Path, wanted: dict[str, str], dump: Path, timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, str(root), json.dumps(wanted), str(dump)],
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise NotebookError(
            f"Cannot load what the pipeline wrote: {done.stderr.strip()[-500:]}",
            hint="Check the catalog entries the conversion added.",
        )
    with dump.open("rb") as file:
        values: dict[str, Any] = pickle.load(file)  # noqa: S301 - our own file
    return values
