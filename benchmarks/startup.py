"""Start-up cost of the ``proj`` command: --version, --help, completion, a whole run.

Prints one line per figure (median of several runs) next to its target:

    python benchmarks/startup.py [--runs 7] [--kedro-venv DIR --kedro-project DIR]

- CPU time (user + system of the child process, from ``os.wait4``) of ``proj --version``,
  ``proj --help`` and ``python -c "import typer"``; target: the first two <= 2x the last.
- Wall time of a completion request for ``proj run --from-nodes <TAB>`` (bash protocol)
  in a freshly scaffolded iris project with a warm completion cache; target <= 0.3 s.
- Wall time of ``proj run`` of the iris starter, and, when a Kedro virtualenv and an
  equivalent Kedro project are given, of ``kedro run`` there (target: proj <= 0.5x).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

BIN = Path(sys.executable).parent
PROJ = str(BIN / "proj")


def cpu_seconds(
    argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> float:
    """User + system CPU seconds of one run of ``argv`` (the child and nothing else)."""
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=devnull, stderr=devnull)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {process.returncode}")
    return usage.ru_utime + usage.ru_stime


def wall_seconds(
    argv: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> float:
    """Wall-clock seconds of one run of ``argv`` (which must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {done.returncode}:\n{done.stderr}")
    return elapsed


def median(measure: Callable[[], float], runs: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        measure()
    return statistics.median(measure() for _ in range(runs))


def line(label: str, value: float, target: str = "") -> None:
    print(f"{label:<58} {value:7.3f} s  {target}".rstrip())


def completion_env(base: dict[str, str], words: str) -> dict[str, str]:
    return {
        **base,
        "_PROJ_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }


def child_environment(pycache: str | None) -> dict[str, str]:
    """The environment of every measured process. With ``pycache``, bytecode is cached
    there (as after a normal install, which compiles it) even when the calling shell
    sets PYTHONDONTWRITEBYTECODE; the virtualenv and the repository stay untouched."""
    env = dict(os.environ)
    env["NO_COLOR"] = "1"
    env["KEDRO_DISABLE_TELEMETRY"] = "1"
    env["DO_NOT_TRACK"] = "1"
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (median)")
    parser.add_argument("--kedro-venv", type=Path, help="a virtualenv with kedro installed")
    parser.add_argument("--kedro-project", type=Path, help="a Kedro project equivalent to iris")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (every process compiles every module)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as pycache:
        measure(args, child_environment(None if args.no_bytecode else pycache))


def measure(args: argparse.Namespace, env: dict[str, str]) -> None:
    runs = max(args.runs, 5)
    bytecode = "PYTHONPYCACHEPREFIX" in env
    print(
        f"Bytecode cache: {'on (a fresh PYTHONPYCACHEPREFIX)' if bytecode else 'as the shell says'}"
    )

    def cpu(argv: list[str], cwd: Path | None = None) -> float:
        return median(lambda: cpu_seconds(argv, cwd, env), runs)

    def wall(
        argv: list[str], cwd: Path | None = None, extra: dict[str, str] | None = None
    ) -> float:
        return median(lambda: wall_seconds(argv, cwd, {**env, **(extra or {})}), runs)

    typer_cpu = cpu([sys.executable, "-c", "import typer"])
    version_cpu = cpu([PROJ, "--version"])
    help_cpu = cpu([PROJ, "--help"])
    print(f"CPU time, median of {runs} runs")
    line('python -c "import typer"', typer_cpu)
    line("proj --version", version_cpu, f"target <= {2 * typer_cpu:.3f} s (2x import typer)")
    line("proj --help", help_cpu, f"target <= {2 * typer_cpu:.3f} s (2x import typer)")

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [PROJ, "new", "Iris Bench", "--starter", "iris", "--yes"],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
        )
        project = Path(folder) / "iris-bench"
        request = completion_env(env, "proj run --from-nodes ")
        warm = subprocess.run(
            [PROJ], cwd=project, env=request, capture_output=True, text=True, check=False
        )
        if "train_model" not in warm.stdout.split():
            raise SystemExit(f"completion did not offer node names: {warm.stdout!r}")
        completion = wall([PROJ], project, request)
        print(f"\nWall time, median of {runs} runs")
        line("completion: proj run --from-nodes <TAB> (warm cache)", completion, "target <= 0.3 s")
        proj_run = wall([PROJ, "run", "--quiet"], project)
        line("proj run (iris starter)", proj_run)
        proj_run_cpu = cpu([PROJ, "run", "--quiet"], project)
        line("  its CPU time", proj_run_cpu)

    if args.kedro_venv and args.kedro_project:
        kedro = str(args.kedro_venv / "bin" / "kedro")
        print(f"\nKedro ({args.kedro_venv}), median of {runs} runs")
        line("kedro --version (CPU time)", cpu([kedro, "--version"]))
        kedro_run = wall([kedro, "run"], args.kedro_project)
        line("kedro run (equivalent iris project, wall time)", kedro_run)
        kedro_run_cpu = cpu([kedro, "run"], args.kedro_project)
        line("  its CPU time", kedro_run_cpu)
        print(
            f"{'proj run / kedro run, wall time':<58} {proj_run / kedro_run:7.3f}    target <= 0.5"
        )
        print(f"{'proj run / kedro run, CPU time':<58} {proj_run_cpu / kedro_run_cpu:7.3f}")
    else:
        print("\nkedro run: skipped (pass --kedro-venv and --kedro-project to compare)")


if __name__ == "__main__":
    main()
