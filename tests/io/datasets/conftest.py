"""Helpers for the dataset tests: a save killed with SIGKILL in the middle.

``killed_save`` runs a script in a fresh interpreter that builds a dataset and saves a
big object; as soon as the save's temporary file appears next to the destination, the
process is killed with SIGKILL (no clean-up code can run). The caller then checks that
the file that was there before is byte-identical and that no partial file is visible.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

#: How long to wait for the child to reach its save (a loaded CI box imports slowly).
DEADLINE = 120.0


def _temp_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return [path for path in folder.rglob(".*.tmp") if path.is_file()]


def visible_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` whose path has no hidden part, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    }


def killed_save(script: str, watch: Path) -> None:
    """Run ``script`` (which must define ``dataset`` and ``data``), kill it mid-save.

    The script's ``dataset.save(data)`` is called by the harness after it prints that it
    is ready; the process gets SIGKILL as soon as a temporary file (``.*.tmp``) shows up
    under ``watch``.

    Raises:
        AssertionError: The save finished before it could be killed (make the data
            bigger), or the child failed.
    """
    code = textwrap.dedent(script) + textwrap.dedent(
        """
        import sys
        sys.stdout.write("ready\\n")
        sys.stdout.flush()
        dataset.save(data)
        sys.stdout.write("saved\\n")
        sys.stdout.flush()
        """
    )
    before = set(_temp_files(watch))
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(watch if watch.is_dir() else watch.parent),
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line == "ready\n", f"child did not get ready: {line!r} {child.stderr.read()!r}"  # type: ignore[union-attr]
        deadline = time.monotonic() + DEADLINE
        while not (set(_temp_files(watch)) - before):
            if child.poll() is not None:
                pytest.fail(
                    "the save finished before a temporary file was seen; "
                    f"stdout={child.stdout.read()!r} stderr={child.stderr.read()!r}"  # type: ignore[union-attr]
                )
            if time.monotonic() > deadline:
                pytest.fail("no temporary file appeared within the deadline")
            time.sleep(0.001)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=DEADLINE)
        rest = child.stdout.read()
        assert child.returncode == -signal.SIGKILL
        assert "saved" not in rest, "the save completed before the kill"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
