"""Runs that stop in the middle of a save: Ctrl-C, SIGTERM, kill -9, then --resume.

Each test interrupts the real ``proj run`` process while the dataset ``total`` is half
written (the fixture dataset waits on gate files), changes the input data, and checks
that ``proj run --resume`` recomputes ``total`` from the new data instead of trusting
the old file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import PROJ, node_statuses, run_proj
from tests.e2e.faulty_project import write_faulty_project

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The fault project after one complete run on ``1 + 2`` (report: total=3)."""
    root = write_faulty_project(tmp_path / "faulty")
    first = run_proj("run", cwd=root)
    assert first.returncode == 0, first.output
    assert (root / "data" / "report.txt").read_text() == "total=3"
    return root


def start_blocked_run(project: Path, gate: Path) -> subprocess.Popen[str]:
    """Start ``proj run`` on new numbers (10 + 20) and return once it is mid-save."""
    gate.mkdir(exist_ok=True)
    (gate / "block").touch()
    (project / "data" / "numbers.txt").write_text("10\n20\n")
    running = subprocess.Popen(
        [PROJ, "run"],
        cwd=project,
        env={**os.environ, "NO_COLOR": "1", "FAULT_GATE": str(gate)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (gate / "saving").exists():
        if running.poll() is not None or time.monotonic() > deadline:
            running.kill()
            pytest.fail(f"the run never reached the save: {running.communicate()[0]}")
        time.sleep(0.02)
    return running


def temporaries(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "data").iterdir() if p.name.endswith(".tmp"))


def resume_on_new_numbers(project: Path, gate: Path) -> None:
    """Release the gate, change the input to 100 + 200, resume: the report must be 300."""
    (gate / "block").unlink()
    (project / "data" / "numbers.txt").write_text("100\n200\n")
    resumed = run_proj("run", "--resume", cwd=project, env={"FAULT_GATE": str(gate)})
    assert resumed.returncode == 0, resumed.output
    assert (project / "data" / "total.txt").read_text() == "300"
    assert (project / "data" / "report.txt").read_text() == "total=300"
    assert node_statuses(project) == {"add_up": "success", "report": "success"}


def stopped_run_status(project: Path) -> str:
    listed = run_proj("runs", "list", "--json", cwd=project)
    assert listed.returncode == 0, listed.output
    return str(json.loads(listed.stdout)[0]["status"])


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"]
)
def test_a_run_stopped_during_a_save_resumes_from_the_new_data(
    project: Path, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    gate = tmp_path / "gate"
    running = start_blocked_run(project, gate)
    running.send_signal(sig)
    output = running.communicate(timeout=60)[0]

    assert running.returncode == code, output
    assert "Traceback" not in output
    assert "proj run --resume" in output
    assert stopped_run_status(project) == "interrupted"
    # The node whose save was cut short is not recorded as done.
    assert node_statuses(project) == {"add_up": "interrupted", "report": "interrupted"}
    assert temporaries(project) == []
    assert (project / "data" / "total.txt").read_text() == "3"  # the old file is whole

    resume_on_new_numbers(project, gate)


def test_a_killed_run_reads_as_interrupted_and_resume_cleans_its_temporary_file(
    project: Path, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    running = start_blocked_run(project, gate)
    running.kill()
    running.communicate(timeout=60)

    with sqlite3.connect(project / ".proj" / "runs.db") as db:
        run_id, raw_status = db.execute(
            "SELECT run_id, status FROM runs ORDER BY started_at DESC LIMIT 1"
        ).fetchone()
    assert raw_status == "running"  # nobody could write anything else
    assert stopped_run_status(project) == "interrupted"
    shown = run_proj("runs", "show", run_id, "--json", cwd=project)
    assert json.loads(shown.stdout)["status"] == "interrupted"
    assert [n["status"] for n in json.loads(shown.stdout)["nodes"]] == [
        "interrupted",
        "interrupted",
    ]
    assert len(temporaries(project)) == 1  # the half-written save

    resume_on_new_numbers(project, gate)
    assert temporaries(project) == []
    with sqlite3.connect(project / ".proj" / "runs.db") as db:
        resumed_from = db.execute(
            "SELECT resumed_from FROM runs ORDER BY started_at DESC LIMIT 1"
        ).fetchone()[0]
    assert resumed_from == run_id
