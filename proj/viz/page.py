"""The HTML of the visualisation: the served page, the static site, the notebook output.

Every form carries everything it needs inline (styles, scripts, the vendored dagre
bundle as the layout worker's source), so nothing is fetched from another host: the
page works offline, from ``file://``, and inside a hosted notebook behind a proxy. The
served page fetches only the snapshot and previews from its own server; the static
site and the notebook output embed the snapshot as a JSON block.

Served and static pages carry a Content-Security-Policy that allows exactly their own
inline script (by hash), workers made from ``blob:`` URLs, and requests to their own
origin (https://www.w3.org/TR/CSP3/).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import re
import uuid
from importlib import resources
from pathlib import Path
from typing import Any

from proj.exceptions import VizError
from proj.viz.files import write_output, written_by_proj
from proj.viz.snapshot import SCHEMA

#: The folder of the page's own files inside the package.
_STATIC = "static"

_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@functools.cache
def asset(name: str) -> str:
    """The text of one of the page's own files under ``proj/viz/static``.

    Args:
        name: A path relative to the static folder, e.g. ``"viz.js"``.

    Returns:
        The file's UTF-8 text.

    Raises:
        VizError: The file is not part of the installed package.
    """
    try:
        return (resources.files("proj.viz") / _STATIC / name).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise VizError(
            f"The visualisation asset '{name}' is missing from the installed proj package.",
            hint="Reinstall proj; the static files ship inside the wheel.",
        ) from exc


def _script_text(text: str) -> str:
    """Make ``text`` safe inside a ``<script>`` element: it cannot end the element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def layout_source() -> str:
    """The source the layout worker runs: dagre's license and bundle, then layout.js."""
    license_text = asset("vendor/LICENSE").strip().replace("*/", "* /")
    bundle = _SOURCE_MAP.sub("", asset("vendor/dagre.min.js")).strip()
    header = "/* @dagrejs/dagre 3.1.3 (bundles @dagrejs/graphlib 4.0.6), MIT License:\n"
    return f"{header}{license_text}\n*/\n{bundle}\n;\n{asset('layout.js')}"


def app_script() -> str:
    """The page's own script: viz.js (state, URL, layout requests), view.js (the visible
    graph), draw.js (the SVG graph) and panels.js (sidebar and details), in that order."""
    return "\n".join(asset(name) for name in ("viz.js", "view.js", "draw.js", "panels.js"))


def snapshot_json(snapshot: dict[str, Any]) -> str:
    """The snapshot as compact JSON that can sit inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u003c``-style escapes, which JSON parsers
    read back unchanged, so no dataset name or source line can close the element.
    """
    text = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def compressed_snapshot(snapshot: dict[str, Any]) -> str:
    """The snapshot as gzip-compressed JSON in base64 (RFC 1952, RFC 4648).

    Notebook outputs carry it this way: a 5,000-node snapshot is about 7 MB of JSON and
    about 1/40 of that compressed; the page decompresses it with the browser's
    ``DecompressionStream("gzip")``. Base64 has no ``<``, so it cannot end the element.
    """
    return _packed(json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")))


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "worker-src blob:; "
        "style-src 'unsafe-inline'; "
        "connect-src 'self'; "
        "img-src 'self' data:; "
        "base-uri 'none'; "
        "form-action 'none'"
    )


def _escape_html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _parts(
    snapshot: dict[str, Any] | None,
    options: dict[str, Any],
    root_id: str,
    css_class: str,
) -> tuple[str, str]:
    """``(root element HTML, mounting script text)`` shared by all forms."""
    if snapshot is None:
        data = ""
    else:
        data = (
            '<script type="application/json" class="proj-viz-data">'
            f"{snapshot_json(snapshot)}</script>"
        )
    layout = _script_text(layout_source())
    root = (
        f'<div id="{root_id}" class="proj-viz {css_class}" tabindex="-1">'
        '<div class="pv-fallback">The pipeline graph is drawn by JavaScript. In a notebook, '
        "run the cell again to see it (Jupyter runs scripts only in trusted outputs).</div>"
        f'<script type="text/plain" class="proj-viz-layout">{layout}</script>'
        f"{data}</div>"
    )
    mount = (
        f"{app_script()}\n"
        "(function () {\n"
        f"  var root = document.getElementById({json.dumps(root_id)});\n"
        "  var fallback = root.querySelector('.pv-fallback');\n"
        "  if (fallback) fallback.remove();\n"
        f"  window.projViz.mount(root, {json.dumps(options)});\n"
        "})();\n"
    )
    return root, _script_text(mount)


def render_page(
    snapshot: dict[str, Any] | None = None,
    *,
    title: str = "proj viz",
    poll_ms: int = 0,
    status_ms: int = 0,
) -> tuple[str, str]:
    """A full HTML page.

    Args:
        snapshot: Embed this snapshot (the static site); None makes a page that fetches
            ``api/snapshot`` and ``api/preview`` from the server that serves it.
        title: The page title.
        poll_ms: For a served page, how often to ask the server whether the snapshot
            changed (``--autoreload``); 0 never asks.
        status_ms: For a served page, how often to ask ``api/status`` whether the run
            status changed; 0 never asks.

    Returns:
        ``(html, content_security_policy)``; the policy is also in a ``<meta>`` element.
    """
    if snapshot is None:
        options: dict[str, Any] = {
            "mode": "server",
            "snapshotUrl": "api/snapshot",
            "previewUrl": "api/preview",
            "statusUrl": "api/status",
            "poll": poll_ms,
            "statusPoll": status_ms,
        }
    else:
        options = {"mode": "static"}
    root, mount = _parts(snapshot, options, "proj-viz-page", "proj-viz--page")
    policy = _csp(mount)
    html = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="proj viz ({SCHEMA})">\n'
        f"<title>{_escape_html(title)}</title>\n"
        f"<style>{asset('viz.css')}</style>\n</head>\n<body>\n"
        f"{root}\n<script>{mount}</script>\n</body>\n</html>\n"
    )
    return html, policy


def _packed(text: str) -> str:
    """UTF-8 text gzip-compressed, in base64 (safe inside any element: no ``<``)."""
    return base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)).decode(
        "ascii"
    )


#: The notebook output's only plain script: it unpacks the layout source and the page's
#: script (both gzip + base64, decompressed by the browser's DecompressionStream), runs
#: the latter, and mounts the graph.
_NOTEBOOK_BOOT = """(function () {
  var root = document.getElementById(%(root)s);
  function inflate(text) {
    var binary = atob(text.replace(/\\s+/g, ""));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }
  var layout = root.querySelector("script.proj-viz-layout");
  var app = root.querySelector("script.proj-viz-app");
  Promise.all([inflate(layout.textContent), inflate(app.textContent)]).then(function (texts) {
    layout.textContent = texts[0];
    layout.removeAttribute("data-encoding");
    (new Function(texts[1]))();
    var fallback = root.querySelector(".pv-fallback");
    if (fallback) fallback.remove();
    window.projViz.mount(root, %(options)s);
  }).catch(function (error) {
    var fallback = root.querySelector(".pv-fallback");
    if (fallback) fallback.textContent = "Cannot draw the pipeline here: " + error;
  });
})();
"""


def notebook_html(snapshot: dict[str, Any], *, height: int = 640) -> str:
    """The visualisation as one HTML fragment for a notebook cell's output.

    Everything is inline and nothing is fetched, so it needs no server and works
    behind a hosted-Jupyter proxy. The snapshot, the layout source and the page's
    script are gzip-compressed in base64 (:func:`compressed_snapshot`) and unpacked by
    the browser (``DecompressionStream``, in every current browser), which keeps a
    5,000-node pipeline's output under 300 KB. Jupyter runs the inline script only for
    outputs of cells run in the session (trusted outputs); a notebook opened later shows
    a note asking to run the cell again.

    Args:
        snapshot: The snapshot to draw.
        height: Height of the output in CSS pixels.

    Returns:
        The HTML fragment (a style element, the root element with its packed data, and
        one small script).
    """
    root_id = f"proj-viz-{uuid.uuid4().hex[:12]}"
    root = (
        f'<div id="{root_id}" class="proj-viz proj-viz--notebook" tabindex="-1" '
        f'style="height:{int(height)}px">'
        '<div class="pv-fallback">The pipeline graph is drawn by JavaScript. In a notebook, '
        "run the cell again to see it (Jupyter runs scripts only in trusted outputs).</div>"
        '<script type="text/plain" class="proj-viz-layout" data-encoding="gzip+base64">'
        f"{_packed(layout_source())}</script>"
        '<script type="application/octet-stream" class="proj-viz-app" '
        f'data-encoding="gzip+base64">{_packed(app_script())}</script>'
        '<script type="application/octet-stream" class="proj-viz-data" '
        f'data-encoding="gzip+base64">{compressed_snapshot(snapshot)}</script></div>'
    )
    boot = _NOTEBOOK_BOOT % {
        "root": json.dumps(root_id),
        "options": json.dumps({"mode": "notebook"}),
    }
    return f"<style>{asset('viz.css')}</style>\n{root}\n<script>{_script_text(boot)}</script>\n"


def build_site(snapshot: dict[str, Any], output: str | Path, *, force: bool = False) -> Path:
    """Write the static site: a page that works opened from disk (``file://``).

    Both files are written atomically. A rebuild replaces the files an earlier build
    wrote; a file of the same name that proj did not write is kept unless ``force``
    (:func:`proj.viz.files.write_output`). Other files in the folder are left alone.

    Args:
        snapshot: The snapshot to show.
        output: The folder to write; created if missing.
        force: Replace ``index.html`` and ``snapshot.json`` even if proj did not write them.

    Returns:
        The path of ``index.html``. The folder also gets ``snapshot.json`` (the same
        data, for other tools).

    Raises:
        VizError: The folder cannot be written, or holds an ``index.html`` or
            ``snapshot.json`` that proj did not write (without ``force``).
    """
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise VizError(
            f"Cannot write the static site to {folder}: it is a file, not a folder.",
            hint="Choose another folder with --output.",
        )
    index = folder / "index.html"
    data = folder / "snapshot.json"
    if not force:
        for path in (index, data):
            if path.is_file() and not written_by_proj(path):
                raise VizError(
                    f"Refusing to overwrite {path}: proj viz did not write it.",
                    hint="Pass --force to replace it, or choose another folder with --output.",
                )
    title = f"{snapshot.get('project', {}).get('name') or 'proj'} · proj viz"
    html, _ = render_page(snapshot, title=title)
    text = json.dumps(snapshot, indent=2, ensure_ascii=False) + "\n"
    write_output(data, text, force=True)
    write_output(index, html, force=True)
    return index
