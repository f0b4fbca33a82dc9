"""Fixtures shared by the IPython and Jupyter tests: an iris project and isolated
Jupyter folders (imported by the conftest of tests/ipython and tests/jupyter)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: Variables that point Jupyter and IPython at their folders.
JUPYTER_DIRS = ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")


def jupyter_dirs(root: Path) -> dict[str, str]:
    """Fresh Jupyter/IPython folders under ``root``, as environment variables."""
    env = {}
    for name in JUPYTER_DIRS:
        folder = root / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    return env


def free_port() -> int:
    """A TCP port nobody listens on right now (on the loopback interface)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_iris(root: Path) -> Path:
    """Scaffold the iris starter under ``root`` with the library call ``proj new`` uses."""
    from proj.framework.scaffold import create_project

    return create_project("Iris Demo", output_dir=root, starter="iris")


@pytest.fixture(scope="session")
def iris_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The iris starter, scaffolded once (copy it before changing it)."""
    return make_iris(tmp_path_factory.mktemp("iris-template"))


@pytest.fixture
def project(iris_template: Path, tmp_path: Path) -> Path:
    """A private copy of the iris starter project."""
    target = tmp_path / "iris-demo"
    shutil.copytree(iris_template, target)
    return target


@pytest.fixture(autouse=True)
def isolated_jupyter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point Jupyter and IPython at folders of this test; forget proj's variables."""
    env = jupyter_dirs(tmp_path / "jupyter")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROJ_PROJECT_PATH", raising=False)
    monkeypatch.delenv("PROJ_ENV", raising=False)
    return env


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}")


def sleeper_with_args(*args: str) -> subprocess.Popen[bytes]:
    """A real process that sleeps with ``args`` on its command line (a stand-in kernel).

    Returns once the process has exec'd, so that its command line already shows ``args``
    (right after fork, /proc/<pid>/cmdline still holds the parent's).
    """
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; time.sleep(60)", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cmdline = Path("/proc") / str(process.pid) / "cmdline"
    expected = args[-1].encode() if args else b"time.sleep"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if expected in cmdline.read_bytes():
                break
        except OSError:
            pass
        time.sleep(0.01)
    return process


def write_spec(data_dir: Path, name: str, spec: dict) -> Path:
    """Write a kernel spec folder by hand, as another tool would."""
    folder = data_dir / "kernels" / name
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder
