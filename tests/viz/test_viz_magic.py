"""``%run_viz`` in a real in-process IPython shell: one inline, self-contained output."""

from __future__ import annotations

import base64
import gzip
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
    """The snapshot a notebook output carries (gzip-compressed, in base64)."""
    match = re.search(
        r'<script type="application/octet-stream" class="proj-viz-data" '
        r'data-encoding="gzip\+base64">(.*?)</script>',
        html,
    )
    assert match is not None
    return json.loads(gzip.decompress(base64.b64decode(match.group(1))))


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


def test_a_pipeline_displayed_in_a_cell_is_the_inline_graph(
    shell: Any, ran_iris: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ran_iris)
    # a Jupyter kernel's shell formats every type; the terminal test shell only text
    monkeypatch.setattr(
        shell.display_formatter, "active_types", ["text/plain", "text/html"], raising=False
    )
    shell.run_line_magic("load_ext", "proj.ipython")
    try:
        shell.run_line_magic("reload_project", str(ran_iris))  # earlier tests' is remembered
        pipeline = shell.user_ns["pipelines"]["data_science"]
        data, _ = shell.display_formatter.format(pipeline)
    finally:
        shell.extension_manager.loaded.discard("proj.ipython")
        for name in ("catalog", "context", "pipelines", "session"):
            shell.user_ns.pop(name, None)
    snapshot = embedded_snapshot(data["text/html"])
    assert sorted(node["name"] for node in snapshot["nodes"]) == [
        "predict",
        "report_accuracy",
        "train_model",
    ]
    # the loaded project's catalog and run store are used
    assert snapshot["project"]["name"] == "Iris Demo"
    statuses = {node["name"]: node["last_run"]["status"] for node in snapshot["nodes"]}
    assert set(statuses.values()) == {"success"}
    assert "text/plain" in data  # other front ends still get the repr


def test_a_5000_node_notebook_output_stays_under_300_kb() -> None:
    from proj.pipeline import Pipeline, node, pipeline
    from proj.viz.page import notebook_html
    from proj.viz.snapshot import pipeline_snapshot

    def step(*inputs: Any) -> Any:
        return inputs[0]

    parts = []
    for k in range(50):
        nodes = [
            node(step, ["part_in" if i == 0 else f"d{i - 1}"], f"d{i}", name=f"n{i}")
            for i in range(100)
        ]
        upstream = "source" if k == 0 else f"out_{k - 1}"
        parts.append(
            pipeline(
                Pipeline(nodes),
                namespace=f"part_{k:02d}",
                inputs={"part_in": upstream},
                outputs={"d99": f"out_{k}"},
            )
        )
    snapshot = pipeline_snapshot(sum(parts, Pipeline([])))
    assert len(snapshot["nodes"]) == 5000
    html = notebook_html(snapshot)
    assert len(html.encode("utf-8")) < 300_000
    assert embedded_snapshot(html) == json.loads(json.dumps(snapshot))
