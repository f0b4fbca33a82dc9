"""Speed of ``proj viz`` on a 5,000-node pipeline in headless Chromium.

Generates a synthetic project (5,000 nodes in 50 namespaces of 100 nodes; every node
writes one dataset, so the graph has about 10,000 vertices), builds its snapshot with
proj, serves it with proj's own server in-process, and drives Debian's Chromium
through Playwright:

* snapshot: building the snapshot in Python (registry, catalog, run store);
* first paint: navigation start -> the graph is drawn (target: 3 s). A large graph
  opens with its namespaces collapsed; nodes that sit directly in one namespace (or in
  none) in numbers too large to draw at once are shown in collapsed groups;
* tick a tag, untick it: click -> the filtered-out vertices are hidden (a quick
  repaint), and -> the graph is laid out (dagre, in a Web Worker) and drawn again;
* expand all: every namespace and group expanded, the whole graph laid out and drawn
  (target 5 s). For each step, the longest frame of the page's main thread meanwhile
  (how responsive the page stays while the layout works);
* live status: a failed run of all 5,000 nodes is written to the project's run store
  (as ``proj run`` in another process would); the time from its commit to the open
  page repainting the badges (target 2 s), five times;
* ``%run_viz`` output: the size of the notebook cell's HTML (target 300 KB);
* ``--flat``: the same nodes without namespaces (one chain of 50 parts), as well.

    python benchmarks/viz.py [--nodes 5000] [--namespaces 50] [--flat]

Needs Debian's chromium (``make system-deps``) and the dev dependencies (playwright).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

REGISTRY = '''\
"""A synthetic pipeline for benchmarks/viz.py."""

from proj.pipeline import Pipeline, node, pipeline

WIDTH, LAYERS, PARTS, FLAT = {width}, {layers}, {parts}, {flat}


def step(*inputs):
    return inputs[0] if inputs else 0


def _part(prefix, source):
    # LAYERS x WIDTH nodes; each reads two datasets of the layer above.
    def name(layer, i):
        return f"{{prefix}}d_{{layer}}_{{i}}"

    nodes = []
    for layer in range(LAYERS):
        for i in range(WIDTH):
            if layer == 0:
                inputs = [source] + (["params:factor"] if i == 0 else [])
            else:
                inputs = [name(layer - 1, i), name(layer - 1, (i + 1) % WIDTH)]
            nodes.append(
                node(step, inputs, name(layer, i), name=f"{{prefix}}n_{{layer}}_{{i}}",
                     tags=[f"layer_{{layer % 2}}", f"lane_{{i % 5}}"])
            )
    return Pipeline(nodes)


def register_pipelines():
    parts = []
    for k in range(PARTS):
        upstream = "source" if k == 0 else f"part_{{k - 1:02d}}_out"
        last = f"d_{{LAYERS - 1}}_0"
        if FLAT:
            prefix = f"p{{k:02d}}_"
            part = _part(prefix, upstream)
            parts.append(pipeline(part, outputs={{prefix + last: f"part_{{k:02d}}_out"}},
                                  inputs={{upstream}}, parameters={{"factor"}}))
        else:
            parts.append(pipeline(_part("", "part_in"), namespace=f"part_{{k:02d}}",
                                  inputs={{"part_in": upstream}},
                                  outputs={{last: f"part_{{k:02d}}_out"}},
                                  parameters={{"factor"}}))
    return {{"__default__": sum(parts, Pipeline([]))}}
'''


def make_project(root: Path, nodes: int, namespaces: int, flat: bool) -> Path:
    """Write the synthetic project; returns its folder."""
    width = 10
    per_part = nodes // namespaces
    layers = max(per_part // width, 1)
    project = root / "bench"
    files = {
        "pyproject.toml": '[tool.proj]\npackage_name = "vizbench"\nproject_name = "Viz bench"\n'
        'source_dir = "src"\n',
        "src/vizbench/__init__.py": "",
        "src/vizbench/pipeline_registry.py": REGISTRY.format(
            parts=namespaces, width=width, layers=layers, flat=flat
        ),
        "conf/base/catalog.yml": "source:\n  type: pandas.CSVDataset\n  filepath: data/s.csv\n",
        "conf/base/parameters.yml": "factor: 2\n",
    }
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return project


#: Clicks ``selector`` inside the page and resolves when the graph is drawn again (phase
#: "layout") or a "too large" notice replaces it, with how long that took, when the quick
#: repaint that hides filtered-out vertices came, and the longest main-thread frame meanwhile.
_TRANSITION = """(selector) => new Promise((resolve) => {
    const root = document.querySelector('.proj-viz');
    const seen = {};
    let last = performance.now(), worst = 0, done = false;
    const frame = (now) => {
        worst = Math.max(worst, now - last); last = now;
        if (!done) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const t0 = performance.now();
    root.addEventListener('proj-viz:paint', function listen(e) {
        seen[e.detail.phase] = e.detail.at - t0;
        if (e.detail.phase !== 'layout' && e.detail.phase !== 'notice') return;
        done = true;
        root.removeEventListener('proj-viz:paint', listen);
        resolve({phase: e.detail.phase, ms: e.detail.at - t0, hideMs: seen.filter ?? null,
                 layoutMs: e.detail.layoutMs, vertices: e.detail.vertices,
                 where: e.detail.where, worstFrame: worst});
    });
    root.querySelector(selector).click();
})"""


def measure(project: Path, *, timeout_s: float) -> dict[str, Any]:
    """Serve ``project`` with proj's server and time the page in headless Chromium."""
    from playwright.sync_api import sync_playwright

    from proj.viz.page import notebook_html
    from proj.viz.server import VizServer
    from proj.viz.snapshot import build_snapshot, load_session

    figures: dict[str, Any] = {}
    started = time.perf_counter()
    snapshot = build_snapshot(load_session(project))
    figures["snapshot_s"] = time.perf_counter() - started
    figures["nodes"] = len(snapshot["nodes"])
    figures["datasets"] = len(snapshot["datasets"])

    server = VizServer(project, port=0)
    url = server.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(timeout_s * 1000)
            page.goto(url)
            page.wait_for_function(
                "() => { const r = document.querySelector('.proj-viz');"
                " return r && r.projViz && r.projViz.metrics.paints.length > 0; }"
            )
            metrics = page.evaluate("document.querySelector('.proj-viz').projViz.metrics")
            first = metrics["paints"][0]
            # performance.now() counts from the navigation start.
            figures["first_phase"] = first["phase"]  # "layout", or "notice": too big to draw
            figures["first_paint_s"] = first["at"] / 1000
            figures["first_paint_vertices"] = first["vertices"]
            figures["first_layout_ms"] = first["layoutMs"]
            figures["first_groups"] = page.evaluate(
                "document.querySelector('.proj-viz').projViz.view.vertices.size - "
                "Array.from(document.querySelector('.proj-viz').projViz.view.vertices.values())"
                ".filter(v => v.kind !== 'group').length"
            )

            tag = snapshot["tags"][0]
            selector = f'input[data-tag="{tag}"]'
            figures["filter_tag"] = tag
            figures["filter"] = page.evaluate(_TRANSITION, selector)
            figures["unfilter"] = page.evaluate(_TRANSITION, selector)
            figures["expand_all"] = page.evaluate(_TRANSITION, '[data-role="expand-all"]')
            figures["status_s"] = _status_latency(page, project, snapshot)
            browser.close()
    finally:
        server.stop()
    figures["notebook_bytes"] = len(notebook_html(snapshot).encode("utf-8"))
    return figures


def _status_latency(page: Any, project: Path, snapshot: dict[str, Any]) -> list[float]:
    """Seconds from a run's last commit to the open page showing it, five runs."""
    import uuid

    from proj.framework.store import RunStore

    store = RunStore(project / ".proj" / "runs.db")
    names = [node["name"] for node in snapshot["nodes"]]
    latencies = []
    for _ in range(5):
        run_id = uuid.uuid4().hex
        page.evaluate(
            """(id) => { window.__seen = new Promise((resolve) => {
                const root = document.querySelector('.proj-viz');
                root.addEventListener('proj-viz:status', function listen(e) {
                    if (e.detail.run && e.detail.run.run_id === id
                        && e.detail.run.status === 'failed') {
                        root.removeEventListener('proj-viz:status', listen);
                        resolve(Date.now());
                    }
                });
            }); }""",
            run_id,
        )
        store.start_run(
            run_id=run_id,
            session_id=None,
            request={"pipeline_names": ["__default__"], "runner": "SequentialRunner"},
            env="local",
            params={},
            node_names=names,
            command="proj run",
            project_path=project,
        )
        store.node_started(run_id, names[0])
        store.node_finished(run_id, names[0], "failed", "ValueError: benchmark")
        store.finish_run(run_id, "failed", "ValueError: benchmark")
        committed = time.time()
        seen = page.evaluate("window.__seen") / 1000
        latencies.append(seen - committed)
    store.close()
    return latencies


def _report(label: str, figures: dict[str, Any]) -> None:
    groups = figures["first_groups"]
    shown = (
        f"{figures['first_paint_vertices']} vertices, {groups} of them collapsed groups"
        if groups
        else f"{figures['first_paint_vertices']} vertices, nothing collapsed"
    )
    if figures["first_phase"] == "notice":
        shown = "a 'too large to lay out' notice instead of the graph"
    verdict = "ok" if figures["first_paint_s"] <= 3 else "OVER TARGET"
    print(f"{label}: {figures['nodes']} nodes, {figures['datasets']} datasets")
    print(f"  snapshot built in Python   {figures['snapshot_s']:7.2f} s")
    print(
        f"  first paint                {figures['first_paint_s']:7.2f} s   (target 3 s: {verdict};"
        f" {shown}; layout {figures['first_layout_ms']} ms)"
    )
    for name, what in (
        ("filter", f"tick tag '{figures['filter_tag']}'"),
        ("unfilter", "untick it"),
        ("expand_all", "expand all"),
    ):
        step = figures[name]
        hide = f"hidden in {step['hideMs']:.0f} ms, " if step["hideMs"] is not None else ""
        drawn = "drawn" if step["phase"] == "layout" else "'too large' notice"
        dagre = (
            f"layout {step['layoutMs'] / 1000:.2f} s in a {step['where']}; "
            if step["layoutMs"] is not None
            else ""
        )
        target = ""
        if name == "expand_all":
            target = f"target 5 s: {'ok' if step['ms'] <= 5000 else 'OVER TARGET'}; "
        print(
            f"  {what:<25}  {step['ms'] / 1000:7.2f} s   ({target}{hide}{step['vertices']} "
            f"vertices {drawn}; {dagre}longest main-thread frame {step['worstFrame']:.0f} ms)"
        )
    latencies = sorted(figures["status_s"])
    verdict = "ok" if latencies[-1] <= 2 else "OVER TARGET"
    print(
        f"  run status reaches the page {latencies[len(latencies) // 2]:7.2f} s   (median of "
        f"{len(latencies)}, worst {latencies[-1]:.2f} s; target 2 s: {verdict})"
    )
    size = figures["notebook_bytes"]
    verdict = "ok" if size <= 300_000 else "OVER TARGET"
    print(f"  %run_viz output size        {size / 1000:7.0f} KB  (target 300 KB: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--flat", action="store_true", help="Also measure without namespaces.")
    parser.add_argument("--timeout", type=float, default=180, help="Seconds per wait.")
    args = parser.parse_args()
    if not Path("/usr/bin/chromium").exists():
        sys.exit("benchmarks/viz.py needs Debian's chromium: make system-deps")

    shapes = [(f"in {args.namespaces} namespaces", False)]
    if args.flat:
        shapes.append(("flat (no namespaces)", True))
    for label, flat in shapes:
        with tempfile.TemporaryDirectory() as tmp:
            project = make_project(Path(tmp), args.nodes, args.namespaces, flat=flat)
            _report(f"viz, {label}", measure(project, timeout_s=args.timeout))


if __name__ == "__main__":
    main()
