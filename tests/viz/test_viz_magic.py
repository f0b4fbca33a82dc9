"""``%run_viz`` in a real in-process IPython shell: one inline, self-contained output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import ProjectNotFoundError, UnknownNameError, VizError
from proj.framework import Session
from proj.ipython.viz_magic import run_viz


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """IPython's test shell, with no project variables and IPython's files in tmp_path."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    from IPython.testing.globalipapp import get_ipython, start_ipython

    ip = start_ipython() or get_ipython()  # the shell is made once per process
    saved = ip.user_ns.pop("session", None)
    yield ip
    ip.user_ns.pop("session", None)
    if saved is not None:
        ip.user_ns["session"] = saved


def shown(call: Any) -> list[dict[str, Any]]:
    """The rich outputs ``call()`` displays."""
    from IPython.utils.capture import capture_output

    with capture_output() as captured:
        call()
    return [output.data for output in captured.outputs]


def embedded_snapshot(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" class="proj-viz-data">(.*?)</script>', html)
    assert match is not None
    return json.loads(match.group(1))


def test_the_graph_is_displayed_inline(
    shell: Any, ran_iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ran_iris / "notebooks")
    outputs = shown(lambda: run_viz(""))
    assert len(outputs) == 1
    html = outputs[0]["text/html"]
    assert "window.projViz.mount" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    snapshot = embedded_snapshot(html)
    assert snapshot["default_pipeline"] == "__default__"
    assert snapshot["nodes"][0]["last_run"]["status"] == "success"
    assert outputs[0]["text/plain"].startswith("<proj viz: Iris Demo, 5 nodes, 13 datasets")


def test_options_pick_the_pipeline_and_height(
    shell: Any, iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(iris)
    html = shown(lambda: run_viz("--pipeline data_science --height 480"))[0]["text/html"]
    assert embedded_snapshot(html)["default_pipeline"] == "data_science"
    assert 'style="height:480px"' in html


def test_the_extension_session_is_used(
    shell: Any, iris: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    shell.user_ns["session"] = Session.create(iris, record_runs=False)
    html = shown(lambda: run_viz(""))[0]["text/html"]
    assert embedded_snapshot(html)["project"]["name"] == "Iris Demo"


def test_the_magic_is_registered_by_the_extension(
    shell: Any, iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(iris)
    shell.run_line_magic("load_ext", "proj.ipython")
    try:
        outputs = shown(lambda: shell.run_line_magic("run_viz", "-p data_processing"))
    finally:
        shell.extension_manager.loaded.discard("proj.ipython")
        for name in ("catalog", "context", "pipelines"):
            shell.user_ns.pop(name, None)
    assert embedded_snapshot(outputs[-1]["text/html"])["default_pipeline"] == "data_processing"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--colour red", "unrecognized arguments: --colour red"),
        ("--height 50", "--height must be at least 200"),
        ("--pipeline 'open", "cannot parse"),
    ],
)
def test_bad_arguments_show_the_usage(shell: Any, line: str, message: str) -> None:
    with pytest.raises(VizError, match=message) as caught:
        run_viz(line)
    assert caught.value.hint == "Usage: %run_viz [--pipeline NAME] [--env ENV] [--height PIXELS]"


def test_an_unknown_pipeline_is_named(
    shell: Any, iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(iris)
    with pytest.raises(UnknownNameError, match="did you mean 'data_science'"):
        run_viz("--pipeline data_sciense")


def test_outside_a_project_the_error_says_so(
    shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectNotFoundError, match="No proj project found"):
        run_viz("")
