"""The page in its three forms (served, static, notebook): self-contained, safe to embed."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html.parser
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import VizError
from proj.viz.page import (
    app_script,
    asset,
    build_site,
    layout_source,
    notebook_html,
    render_page,
)

HOSTILE = "</script><script>alert(1)</script><!--"


class Scripts(html.parser.HTMLParser):
    """Collects the <script> elements of a page: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.urls: list[str] = []
        self._current: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.urls.append(value)
        if tag == "script":
            self._current = dict(attrs)
            self.scripts.append((self._current, ""))

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._current = None


def parse(page: str) -> Scripts:
    parser = Scripts()
    parser.feed(page)
    return parser


def tiny_snapshot(name: str = "iris") -> dict[str, Any]:
    return {
        "schema": "proj-viz/1",
        "project": {"name": "Demo", "package": "demo", "env": "local"},
        "default_pipeline": "__default__",
        "pipelines": [{"name": "__default__", "nodes": ["n"]}],
        "nodes": [],
        "datasets": [{"id": f"dataset:{name}", "name": name}],
        "edges": [],
        "namespaces": [],
        "tags": [],
        "layers": [],
        "code": {"f.py:1": "def f():\n    return '</script>'\n"},
        "run": None,
    }


def test_the_vendored_layout_library_is_unchanged() -> None:
    folder = resources.files("proj.viz") / "static" / "vendor"
    readme = (folder / "README.md").read_text()
    digest = hashlib.sha256((folder / "dagre.min.js").read_bytes()).hexdigest()
    assert f"sha256 of `dagre.min.js`: `{digest}`" in readme
    assert (
        "MIT" in (folder / "LICENSE").read_text()
        or "Permission is hereby granted" in (folder / "LICENSE").read_text()
    )


def test_no_static_file_refers_to_another_host() -> None:
    """No CDN, font or script from elsewhere: the only absolute URL in the page's own
    files and the vendored bundle is the SVG namespace name (never fetched)."""
    folder = resources.files("proj.viz") / "static"
    files = [f for f in folder.iterdir() if f.is_file()]
    files += [f for f in (folder / "vendor").iterdir() if f.name.endswith(".js")]
    assert {f.name for f in files} >= {"viz.js", "draw.js", "panels.js", "layout.js", "viz.css"}
    for file in files:
        urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.\w+[^\s\"')]*", file.read_text()))
        urls = {u for u in urls if not u.startswith("//#")}
        assert urls <= {"http://www.w3.org/2000/svg"}, file.name


def test_the_layout_source_carries_the_license_and_no_source_map() -> None:
    source = layout_source()
    assert source.startswith("/* @dagrejs/dagre 3.1.3")
    assert "Permission is hereby granted" in source
    assert "sourceMappingURL" not in source
    assert "function projVizLayout(" in source


def test_the_served_page_fetches_only_its_own_api_and_has_a_strict_policy() -> None:
    page, policy = render_page(None, title="Shop · proj viz", poll_ms=1500)
    parsed = parse(page)
    assert parsed.urls == []  # nothing loaded by src= or href=
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", app_script())
    executable = [text for attrs, text in parsed.scripts if "type" not in attrs]
    assert len(executable) == 1
    digest = base64.b64encode(hashlib.sha256(executable[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert "worker-src blob:" in policy
    assert f'content="{policy}"' in page
    assert '"snapshotUrl": "api/snapshot"' in executable[0]
    assert '"poll": 1500' in executable[0]
    assert "<title>Shop · proj viz</title>" in page
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == ["text/plain", None]


def test_names_and_code_cannot_break_out_of_the_page() -> None:
    snapshot = tiny_snapshot(HOSTILE)
    page, _ = render_page(snapshot)
    parsed = parse(page)
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == [
        "text/plain",
        "application/json",
        None,
    ]
    data = next(text for attrs, text in parsed.scripts if attrs.get("type") == "application/json")
    assert json.loads(data) == snapshot
    assert HOSTILE not in page


def test_the_notebook_output_is_one_self_contained_fragment() -> None:
    first = notebook_html(tiny_snapshot(), height=500)
    second = notebook_html(tiny_snapshot())
    ids = [re.search(r'id="(proj-viz-[0-9a-f]+)"', text).group(1) for text in (first, second)]
    assert ids[0] != ids[1]  # two outputs in one notebook do not clash
    assert 'style="height:500px"' in first
    assert first.startswith("<style>")
    parsed = parse(first)
    assert parsed.urls == []
    assert [attrs.get("type") for attrs, _ in parsed.scripts] == [
        "text/plain",
        "application/octet-stream",
        "application/octet-stream",
        None,
    ]
    # the layout source, the page's script and the snapshot travel gzip-compressed
    unpacked = [gzip.decompress(base64.b64decode(text)) for _, text in parsed.scripts[:3]]
    assert all(attrs.get("data-encoding") == "gzip+base64" for attrs, _ in parsed.scripts[:3])
    assert unpacked[0].decode() == layout_source()
    assert b"window.projViz" in unpacked[1]
    assert json.loads(unpacked[2]) == tiny_snapshot()
    assert '"mode": "notebook"' in parsed.scripts[-1][1]
    assert "Content-Security-Policy" not in first  # it would apply to the whole notebook


def test_build_site_writes_a_page_with_the_snapshot_inline(tmp_path: Path) -> None:
    index = build_site(tiny_snapshot(), tmp_path / "site" / "viz")
    assert index == tmp_path / "site" / "viz" / "index.html"
    page = index.read_text()
    assert "proj-viz-data" in page
    assert "<title>Demo · proj viz</title>" in page
    assert json.loads((index.parent / "snapshot.json").read_text()) == tiny_snapshot()


def test_build_site_replaces_its_own_files_only(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    build_site(tiny_snapshot("first"), folder)
    assert (
        '<meta name="generator" content="proj viz (proj-viz/1)">'
        in (folder / "index.html").read_text()
    )
    build_site(tiny_snapshot("second"), folder)  # a rebuild replaces both files
    assert "second" in (folder / "index.html").read_text()
    assert json.loads((folder / "snapshot.json").read_text()) == tiny_snapshot("second")
    (folder / "snapshot.json").write_text('{"mine": true}\n')
    with pytest.raises(VizError, match=r"Refusing to overwrite .*snapshot\.json") as caught:
        build_site(tiny_snapshot("third"), folder)
    assert "--force" in (caught.value.hint or "")
    assert "second" in (folder / "index.html").read_text()  # nothing half-written
    build_site(tiny_snapshot("third"), folder, force=True)
    assert json.loads((folder / "snapshot.json").read_text()) == tiny_snapshot("third")
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "snapshot.json"]


def test_build_site_reports_a_folder_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    with pytest.raises(VizError, match="Cannot write the static site") as caught:
        build_site(tiny_snapshot(), blocker)
    assert caught.value.hint == "Choose another folder with --output."


def test_a_missing_asset_is_a_clear_error() -> None:
    with pytest.raises(VizError, match=r"'nope\.js' is missing"):
        asset("nope.js")
