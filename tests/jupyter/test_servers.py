"""Finding running servers in the runtime folder; REST errors. A real server is started in
tests/e2e/test_jupyter.py."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from proj.jupyter.servers import ServerInfo, ServerRequestError, request, running_servers
from tests.jupyter.fixtures import free_port


def write_server_file(folder: Path, pid: int, **extra: object) -> Path:
    data = {
        "base_url": "/",
        "hostname": "localhost",
        "pid": pid,
        "port": 8888,
        "root_dir": "/srv/project",
        "secure": False,
        "sock": "",
        "token": "abc",
        "url": "http://localhost:8888/",
        "version": "2.21.1",
        **extra,
    }
    path = folder / f"jpserver-{pid}.json"
    path.write_text(json.dumps(data))
    return path


def test_live_servers_are_listed_and_dead_ones_skipped(isolated_jupyter: dict[str, str]) -> None:
    runtime = Path(isolated_jupyter["JUPYTER_RUNTIME_DIR"])
    alive = write_server_file(runtime, os.getpid(), url="http://127.0.0.1:9000/base")
    dead_pid = 2**22 + 12345  # above Linux's default pid_max: never a live process
    write_server_file(runtime, dead_pid)
    write_server_file(runtime, os.getpid() + 1, sock="/tmp/jupyter.sock")
    (runtime / "jpserver-77.json").write_text("{not json")

    servers = running_servers()
    assert [s.info_file for s in servers] == [alive]
    assert servers[0].url == "http://127.0.0.1:9000/base/"
    assert servers[0].token == "abc"
    assert servers[0].root_dir == Path("/srv/project")


def test_no_runtime_folder_means_no_servers(tmp_path: Path) -> None:
    assert running_servers(tmp_path / "missing") == []


def test_unreachable_server_is_a_clear_error() -> None:
    server = ServerInfo(
        url=f"http://127.0.0.1:{free_port()}/",
        token="t",
        pid=1,
        root_dir=Path("/"),
        version="2",
        info_file=Path("x"),
    )
    with pytest.raises(ServerRequestError, match="Cannot reach the Jupyter server") as caught:
        request(server, "GET", "api/sessions", timeout=2)
    assert caught.value.status == 0
