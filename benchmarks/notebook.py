"""How fast a notebook kernel has the project: proj's kernel against Kedro's extension.

Measured on the iris starter (``proj new --starter iris``), median of ``RUNS`` runs each:

* **kernel start -> catalog**: from ``KernelManager.start_kernel()`` until an
  ``execute`` of ``catalog`` answers in the kernel (the extension loads while the kernel
  starts, before it answers); the kernel runs from the project's ``notebooks/`` folder.
  The client first waits with jupyter_client's ``wait_for_ready()``, as notebook tools
  do; that call ends only after 0.2 s without IOPub messages and may ask twice, so it
  adds a few tenths of a second of client-side waiting to both tools alike.
* **direct**: the same span measured without that wait, in separate kernel starts: the
  ``execute`` of ``catalog`` is sent right after ``start_kernel()`` (ZeroMQ holds it
  until the kernel listens) and the clock stops at its ``execute_reply``; for a plain
  kernel the cell is ``None``. This is the kernel's own start-up plus the extension.
* **... -> pipelines**: the same, until ``pipelines["__default__"]`` has answered too
  (Kedro reads its pipelines lazily, on first use).
* **reload**: ``%reload_project`` (proj) / ``%reload_kedro`` (Kedro) in a running
  kernel, timed inside the kernel.
* **plain ipykernel**: the same interpreter's kernel without any extension: the floor
  under both, so the script also prints what each extension adds to it.
* **%load_ext**: in that plain kernel, once it is ready, the cell
  ``%load_ext proj.ipython`` (proj) / ``%load_ext kedro.ipython`` (Kedro) run from the
  project's ``notebooks/`` folder, timed inside the kernel until it returns with
  ``catalog`` defined: what a user waits for when loading the extension by hand, without
  the kernel start both share.

Kedro is compared only when a Python with Kedro is found: ``$KEDRO_PYTHON``, else
``/tmp/kedro-venv/bin/python``. Make one outside the repository (nothing Kedro is part
of proj) with::

    uv venv /tmp/kedro-venv --python 3.11
    uv pip install --python /tmp/kedro-venv/bin/python "kedro==1.7.0" \\
        "kedro-datasets[pandas-csvdataset]" ipykernel pandas numpy

The equivalent Kedro project comes from ``kedro new --tools none --example n`` with the
starter's catalog.yml, parameters.yml, data file and node functions copied in (the
functions are plain pandas/numpy; only the ``pipeline.py`` import line changes), so both
kernels load the same datasets and build the same five nodes. Telemetry is off.

Both run with their bytecode cached in a private folder (``PYTHONPYCACHEPREFIX``) after
one warm-up start, as on a machine where the packages have been imported before.
Jupyter's folders are private too. Run: ``python benchmarks/notebook.py [RUNS]``.

**Live dataflow overhead** (``python benchmarks/notebook.py --dataflow [RUNS]`` for this
part alone; it also follows the start-up table): the wall time, seen by a
jupyter_client, of three cells -- a trivial one (``a = 1``), a 10,000-iteration and a
1,000,000-iteration Python loop -- in two kernels of one interpreter, one without and one
with the extension, run alternately (so that a busy machine weighs on both alike): proj's
(``%load_ext proj.ipython`` in the iris project: the dataflow is on) and IPyflow's
(``%load_ext ipyflow``, which traces execution). Median of RUNS executions (the
1,000,000 loop under IPyflow: one run, since IPyflow versions that trace each iteration
take minutes on it). Also the time proj's analysis of one typical cell takes, measured
in this process. IPyflow is installed from PyPI into
a scratch virtualenv under a cache folder, never into proj's environment:
``$PROJ_BENCH_CACHE`` (default ``~/.cache/proj-bench``)``/ipyflow-venv``, made on the
first run with ``uv venv`` + ``uv pip install ipyflow ipykernel`` (or ``python -m venv``
+ pip when uv is missing); ``$IPYFLOW_PYTHON`` points at another one.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

_NUMBERS = [arg for arg in sys.argv[1:] if arg.isdigit()]
RUNS = int(_NUMBERS[0]) if _NUMBERS else 5
KEDRO_PYTHON = Path(os.environ.get("KEDRO_PYTHON", "/tmp/kedro-venv/bin/python"))
TARGET = 0.5  # proj's time as a share of Kedro's


def isolate(root: Path) -> None:
    """Private Jupyter/IPython folders and bytecode cache for this process and kernels."""
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        folder = root / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(folder)
    os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.pop("PROJ_PROJECT_PATH", None)
    os.environ.pop("PROJ_ENV", None)
    os.environ["KEDRO_DISABLE_TELEMETRY"] = "true"
    os.environ["DO_NOT_TRACK"] = "1"


def write_spec(name: str, python: str, extension: str | None) -> None:
    """A kernel spec in the private data folder."""
    argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    if extension:
        argv += ["--ext", extension]
    folder = Path(os.environ["JUPYTER_DATA_DIR"]) / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": argv, "display_name": name, "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))


def run_cell(client: Any, code: str) -> list[str]:
    """Execute ``code``; returns its printed lines and result (raises if it failed)."""
    outputs: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "execute_result":
            outputs.append(msg["content"]["data"]["text/plain"])
        elif msg["msg_type"] == "stream":
            outputs.extend(msg["content"]["text"].splitlines())
        elif msg["msg_type"] == "error":
            outputs.append("ERROR " + msg["content"]["evalue"])

    reply = client.execute_interactive(code, output_hook=hook, timeout=300)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed in the kernel: {outputs}")
    return outputs


def timed_magic(client: Any, magic: str, line: str) -> float:
    """Seconds a line magic takes, measured inside the kernel."""
    code = (
        "import time as _t\n_a = _t.perf_counter()\n"
        f"get_ipython().run_line_magic({magic!r}, {line!r})\n"
        "print('SECONDS', _t.perf_counter() - _a)"
    )
    # Kedro colours results through Rich, so the figure comes back as printed text.
    printed = [text for text in run_cell(client, code) if text.startswith("SECONDS")]
    return float(printed[-1].split()[1])


def start_times(
    kernel: str, cwd: Path, check: str | None, reload: str | None, load_ext: str | None = None
) -> dict[str, float]:
    """One kernel start: seconds to ready, to ``catalog``, to pipelines, of a reload, and
    (in a plain kernel) of ``%load_ext load_ext``."""
    from jupyter_client.manager import KernelManager

    began = time.perf_counter()
    manager = KernelManager(kernel_name=kernel)
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=300)
        times = {"ready": time.perf_counter() - began}
        if load_ext is not None:
            times["load_ext"] = timed_magic(client, "load_ext", load_ext)
            run_cell(client, "type(catalog).__name__")  # it did define the catalog
        if check is None:
            return times
        run_cell(client, "type(catalog).__name__")
        times["catalog"] = time.perf_counter() - began
        run_cell(client, check)
        times["pipelines"] = time.perf_counter() - began
        if reload:
            times["reload"] = timed_magic(client, reload, "")
        return times
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def direct_time(kernel: str, cwd: Path, code: str) -> float:
    """Seconds from ``start_kernel()`` to the reply of ``code`` sent at once (no
    ``wait_for_ready()``)."""
    from jupyter_client.manager import KernelManager

    began = time.perf_counter()
    manager = KernelManager(kernel_name=kernel)
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    try:
        msg_id = client.execute(code, store_history=False)
        while True:
            reply = client.get_shell_msg(timeout=300)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        seconds = time.perf_counter() - began
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r} failed in the kernel: {reply['content']}")
        return seconds
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def measure(
    kernel: str, cwd: Path, check: str | None, reload: str | None, load_ext: str | None = None
) -> dict[str, float]:
    """Medians over RUNS starts of each kind, after one warm-up start."""
    direct_code = "None" if check is None else "type(catalog).__name__"
    start_times(kernel, cwd, check, reload, load_ext)
    runs = []
    for _ in range(RUNS):  # alternate the two kinds, so that noise hits both alike
        times = start_times(kernel, cwd, check, reload, load_ext)
        times["direct"] = direct_time(kernel, cwd, direct_code)
        runs.append(times)
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def make_kedro_project(root: Path, iris: Path) -> Path | None:
    """The Kedro twin of the iris starter, or None without a Kedro Python."""
    if not KEDRO_PYTHON.is_file():
        return None
    kedro = KEDRO_PYTHON.parent / "kedro"
    subprocess.run(
        [str(kedro), "new", "--name", "Iris Kedro", "--tools", "none", "--example", "n",
         "--telemetry", "no"],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip
    project = root / "iris-kedro"
    package = project / "src" / "iris_kedro"
    for name in ("catalog.yml", "parameters.yml"):
        shutil.copy(iris / "conf/base" / name, project / "conf/base" / name)
    shutil.copytree(iris / "data", project / "data", dirs_exist_ok=True)
    for source in sorted((iris / "src/iris_demo/pipelines").iterdir()):
        if not (source / "pipeline.py").is_file():
            continue
        target = package / "pipelines" / source.name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / "nodes.py", target / "nodes.py")
        (target / "__init__.py").write_text("from .pipeline import create_pipeline\n")
        text = (source / "pipeline.py").read_text()
        (target / "pipeline.py").write_text(
            text.replace("from proj.pipeline import", "from kedro.pipeline import")
        )
    return project


DATAFLOW_CELLS = {
    "trivial cell": "a = 1",
    "10,000-iteration loop": "total = 0\nfor i in range(10_000):\n    total += i",
    "1,000,000-iteration loop": "total = 0\nfor i in range(1_000_000):\n    total += i",
}
CACHE = Path(os.environ.get("PROJ_BENCH_CACHE", Path.home() / ".cache" / "proj-bench"))


def ipyflow_python() -> Path | None:
    """The Python of the scratch IPyflow virtualenv, made on first use (see docstring)."""
    given = os.environ.get("IPYFLOW_PYTHON")
    if given:
        return Path(given)
    venv = CACHE / "ipyflow-venv"
    python = venv / "bin" / "python"
    if python.is_file():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    try:
        if Path(uv).is_file():
            subprocess.run([uv, "venv", str(venv), "--python", sys.executable], check=True)
            install = [uv, "pip", "install", "--python", str(python)]
        else:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            install = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run([*install, "ipyflow", "ipykernel"], check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"Could not make the IPyflow virtualenv in {venv}: {error}")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return python


def cell_seconds(client: Any, code: str) -> float:
    """Wall seconds from sending ``code`` to its ``execute_reply`` (hooks included)."""
    began = time.perf_counter()
    reply = client.execute_interactive(code, output_hook=lambda msg: None, timeout=1800)
    seconds = time.perf_counter() - began
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return seconds


def dataflow_times(
    kernel: str, cwd: Path, load: str, runs: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median seconds of each cell of DATAFLOW_CELLS in two kernels of one interpreter,
    one bare and one after ``load``, run alternately so that the load of a shared machine
    weighs on both alike. Returns (bare, with the extension)."""
    from jupyter_client.manager import KernelManager

    started = []
    try:
        for _ in range(2):
            manager = KernelManager(kernel_name=kernel)
            manager.start_kernel(cwd=str(cwd))
            client = manager.client()
            client.start_channels()
            started.append((manager, client))
            client.wait_for_ready(timeout=300)
        bare, loaded = started[0][1], started[1][1]
        run_cell(loaded, load)
        for client in (bare, loaded):
            cell_seconds(client, "a = 0")  # warm-up
        times: tuple[dict[str, float], dict[str, float]] = ({}, {})
        for label, code in DATAFLOW_CELLS.items():
            slow = load == "%load_ext ipyflow" and "1,000,000" in label
            samples: tuple[list[float], list[float]] = ([], [])
            for _ in range(1 if slow else runs):
                samples[0].append(cell_seconds(bare, code))
                samples[1].append(cell_seconds(loaded, code))
            for index in (0, 1):
                times[index][label] = statistics.median(samples[index])
        return times
    finally:
        for manager, client in started:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


def analysis_milliseconds() -> float:
    """Median milliseconds proj's live analysis takes to record one typical cell."""
    from proj.ipython.flow import Dataflow

    code = "\n".join(
        [
            "import pandas as pd",
            "df = catalog.load('iris')",
            "df['ratio'] = df.sepal_length / df.sepal_width",
            "summary = df.groupby('species').agg({'ratio': ['mean', 'std']})",
            "for column in df.columns:",
            "    if df[column].dtype == float:",
            "        print(column, df[column].mean())",
            "def describe(frame):",
            "    return frame.describe(include='all').T",
            "report = describe(df)",
            "report",
        ]
    )
    samples = []
    for _ in range(200):
        began = time.perf_counter()
        Dataflow().record(code, label=1)
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def dataflow_main(runs: int) -> None:
    """Print the overhead of proj's live dataflow and of IPyflow (see the docstring)."""
    from proj.framework.scaffold import create_project

    print(f"proj live analysis of one typical cell: {analysis_milliseconds():.2f} ms (target < 5)")
    with tempfile.TemporaryDirectory(prefix="proj-bench-dataflow-") as tmp:
        root = Path(tmp)
        isolate(root / "env")
        iris = create_project("Iris Demo", output_dir=root, starter="iris")
        write_spec("plain", sys.executable, None)
        rows: dict[str, dict[str, float]] = {}
        bare, loaded = dataflow_times("plain", iris, "%load_ext proj.ipython", runs)
        rows["proj's Python, no extension"] = bare
        rows["proj (%load_ext proj.ipython)"] = loaded
        python = ipyflow_python()
        if python is not None:
            write_spec("ipyflow_plain", str(python), None)
            bare, loaded = dataflow_times("ipyflow_plain", iris, "%load_ext ipyflow", runs)
            rows["IPyflow's Python, no extension"] = bare
            rows["IPyflow (%load_ext ipyflow)"] = loaded
    print(f"Cell wall time in a kernel, median of {runs} (seconds)")
    print(f"{'':34}" + "".join(f" {label:>26}" for label in DATAFLOW_CELLS))
    for name, times in rows.items():
        print(f"{name:34}" + "".join(f" {times[label]:>26.4f}" for label in DATAFLOW_CELLS))
    pairs = [("proj", "proj's Python, no extension", "proj (%load_ext proj.ipython)")]
    if python is not None:
        pairs.append(("IPyflow", "IPyflow's Python, no extension", "IPyflow (%load_ext ipyflow)"))
    for tool, bare, loaded in pairs:
        ratios = ", ".join(
            f"{label} {rows[loaded][label] / rows[bare][label]:.1f}x" for label in DATAFLOW_CELLS
        )
        print(f"{tool}: with / without the extension: {ratios}")


def main() -> None:
    """Print the figures as a table and the ratio to the target."""
    if "--dataflow" in sys.argv:
        dataflow_main(RUNS)
        return
    from proj.framework import find_project
    from proj.framework.scaffold import create_project
    from proj.jupyter.kernelspec import install_kernel

    with tempfile.TemporaryDirectory(prefix="proj-bench-notebook-") as tmp:
        root = Path(tmp)
        isolate(root / "env")
        iris = create_project("Iris Demo", output_dir=root, starter="iris")
        kernel = install_kernel(find_project(iris)).name
        write_spec("plain", sys.executable, None)
        check = 'len(pipelines["__default__"].nodes)'
        results = {
            "plain ipykernel (proj's Python)": measure(
                "plain", iris / "notebooks", None, None, "proj.ipython"
            ),
            "proj (%load_ext proj.ipython)": measure(
                kernel, iris / "notebooks", check, "reload_project"
            ),
        }
        kedro_project = make_kedro_project(root, iris)
        if kedro_project is not None:
            write_spec("kedro_plain", str(KEDRO_PYTHON), None)
            write_spec("kedro_iris", str(KEDRO_PYTHON), "kedro.ipython")
            results["plain ipykernel (Kedro's Python)"] = measure(
                "kedro_plain", kedro_project / "notebooks", None, None, "kedro.ipython"
            )
            results["Kedro 1.7.0 (%load_ext kedro.ipython)"] = measure(
                "kedro_iris", kedro_project / "notebooks", check, "reload_kedro"
            )

    print(f"Notebook kernel start-up on the iris project, median of {RUNS} runs (seconds)")
    columns = ("ready", "catalog", "direct", "pipelines", "reload", "load_ext")
    print(f"{'':42}" + "".join(f" {column:>9}" for column in columns))
    for name, times in results.items():
        cells = [times.get(key) for key in columns]
        shown = [f"{value:.2f}" if value is not None else "-" for value in cells]
        print(f"{name:42}" + "".join(f" {cell:>9}" for cell in shown))
    ours = results["proj (%load_ext proj.ipython)"]
    theirs = results.get("Kedro 1.7.0 (%load_ext kedro.ipython)")
    if theirs is None:
        print(f"Kedro not found at {KEDRO_PYTHON}: set KEDRO_PYTHON to compare (see docstring).")
        dataflow_main(RUNS)
        return
    plain = results["plain ipykernel (proj's Python)"]
    kedro_plain = results["plain ipykernel (Kedro's Python)"]
    pairs = (
        ("kernel start -> catalog", ours["catalog"], theirs["catalog"]),
        ("kernel start -> catalog, direct", ours["direct"], theirs["direct"]),
        ("%load_ext in a running kernel", plain["load_ext"], kedro_plain["load_ext"]),
        ("reload", ours["reload"], theirs["reload"]),
    )
    for label, mine, kedro in pairs:
        ratio = mine / kedro
        verdict = "meets" if ratio <= TARGET else "misses"
        print(f"{label}: proj / Kedro = {ratio:.2f} ({verdict} the <= {TARGET} target)")
    dataflow_main(RUNS)
    # What each extension adds to a bare kernel of its own interpreter (direct figures).
    floor, kedro_floor = plain["direct"], kedro_plain["direct"]
    added, kedro_added = ours["direct"] - floor, theirs["direct"] - kedro_floor
    print(
        f"added to a bare kernel before catalog (direct): proj {added:+.2f} s, Kedro "
        f"{kedro_added:+.2f} s (bare kernels: {floor:.2f} s and {kedro_floor:.2f} s)"
    )


if __name__ == "__main__":
    main()
