"""Speed of ``proj viz`` on a 5,000-node pipeline in headless Chromium.

Generates a synthetic project (5,000 nodes in 50 namespaces of 100 nodes; every node
writes one dataset, so the graph has about 10,000 vertices), builds its snapshot with
proj, serves it with proj's own server in-process, and drives Debian's Chromium
through Playwright:

* snapshot: building the snapshot in Python (registry, catalog, run store);
* first paint: navigation start -> the graph is drawn (the page opens with the
  namespaces collapsed when the graph is large; target: 3 s);
* filter: ticking a tag -> the hidden nodes disappear (quick repaint), and -> the
  graph is laid out and drawn again;
* expand all: every namespace expanded, the whole 10,000-vertex graph laid out (in a
  Web Worker) and drawn, and the longest frame the page's main thread showed meanwhile
  (how responsive the page stays while dagre works);
* flat (``--flat``): the same nodes without namespaces, one dagre layout of the whole
  graph; shown for honesty, it is the slow case.

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


def measure(project: Path, *, expand: bool, timeout_s: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

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
            figures["first_phase"] = first["phase"]  # "layout", or "notice": too big to draw
            figures["first_paint_s"] = first["at"] / 1000
            figures["first_paint_vertices"] = first["vertices"]
            figures["first_layout_ms"] = first["layoutMs"]
            figures["first_timing"] = first["timing"]

            tag = snapshot["tags"][0]
            filtered = page.evaluate(
                """(tag) => new Promise((resolve) => {
                    const root = document.querySelector('.proj-viz');
                    const seen = {};
                    const t0 = performance.now();
                    root.addEventListener('proj-viz:paint', (e) => {
                        seen[e.detail.phase] = e.detail.at - t0;
                        if (e.detail.phase === 'layout') resolve(seen);
                    });
                    root.querySelector(`input[data-tag="${tag}"]`).click();
                })""",
                tag,
            )
            figures["filter_tag"] = tag
            figures["filter_hide_ms"] = filtered.get("filter")
            figures["filter_relayout_ms"] = filtered["layout"]
            figures["filter_vertices"] = page.evaluate(
                "document.querySelector('.proj-viz').projViz.view.vertices.size"
            )
            page.evaluate(
                """(tag) => new Promise((resolve) => {
                    const root = document.querySelector('.proj-viz');
                    root.addEventListener('proj-viz:paint', (e) => {
                        if (e.detail.phase === 'layout') resolve();
                    });
                    root.querySelector(`input[data-tag="${tag}"]`).click();
                })""",
                tag,
            )
            if expand and snapshot["namespaces"]:
                expanded = page.evaluate(
                    """() => new Promise((resolve) => {
                        const root = document.querySelector('.proj-viz');
                        let last = performance.now(), worst = 0, done = false;
                        const frame = (now) => {
                            worst = Math.max(worst, now - last); last = now;
                            if (!done) requestAnimationFrame(frame);
                        };
                        requestAnimationFrame(frame);
                        const t0 = performance.now();
                        root.addEventListener('proj-viz:paint', (e) => {
                            if (e.detail.phase !== 'layout') return;
                            done = true;
                            resolve({ms: e.detail.at - t0, layoutMs: e.detail.layoutMs,
                                     timing: e.detail.timing,
                                     vertices: e.detail.vertices, worstFrame: worst,
                                     where: e.detail.where});
                        });
                        root.querySelector('[data-role="expand-all"]').click();
                    })"""
                )
                figures["expand_all"] = expanded
            browser.close()
    finally:
        server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--namespaces", type=int, default=50)
    parser.add_argument("--flat", action="store_true", help="Also measure without namespaces.")
    parser.add_argument("--timeout", type=float, default=180, help="Seconds per wait.")
    args = parser.parse_args()
    if not Path("/usr/bin/chromium").exists():
        sys.exit("benchmarks/viz.py needs Debian's chromium: make system-deps")

    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), args.nodes, args.namespaces, flat=False)
        figures = measure(project, expand=True, timeout_s=args.timeout)
        print(
            f"viz: {figures['nodes']} nodes, {figures['datasets']} datasets in "
            f"{args.namespaces} namespaces"
        )
        print(f"  snapshot built in Python      {figures['snapshot_s']:7.2f} s")
        verdict = "ok" if figures["first_paint_s"] <= 3 else "OVER TARGET"
        print(
            f"  first paint                   {figures['first_paint_s']:7.2f} s   "
            f"(target 3 s: {verdict}; {figures['first_paint_vertices']} vertices drawn, "
            f"namespaces collapsed; layout {figures['first_layout_ms']} ms)"
        )
        hide = figures["filter_hide_ms"]
        hidden = f"{hide:.0f} ms" if hide is not None else "n/a"
        print(
            f"  tag filter '{figures['filter_tag']}': hidden in {hidden}, laid out and drawn in "
            f"{figures['filter_relayout_ms']:.0f} ms"
        )
        expanded = figures.get("expand_all")
        if expanded:
            print(
                f"  expand all namespaces         {expanded['ms'] / 1000:7.2f} s   "
                f"({expanded['vertices']} vertices; dagre {expanded['layoutMs'] / 1000:.2f} s "
                f"in a {expanded['where']}; longest main-thread frame meanwhile "
                f"{expanded['worstFrame']:.0f} ms)"
            )
    if args.flat:
        with tempfile.TemporaryDirectory() as tmp:
            project = make_project(Path(tmp), args.nodes, args.namespaces, flat=True)
            flat = measure(project, expand=False, timeout_s=args.timeout)
            if flat["first_phase"] == "notice":
                print(
                    f"  flat (no namespaces)          {flat['first_paint_s']:7.2f} s   "
                    f"to show 'too large to lay out at once' for "
                    f"{flat['first_paint_vertices']} vertices (no freeze)"
                )
            else:
                print(
                    f"  flat (no namespaces)          {flat['first_paint_s']:7.2f} s   "
                    f"first paint of {flat['first_paint_vertices']} vertices"
                )
            print(
                f"  flat, tag '{flat['filter_tag']}' ticked     "
                f"{flat['filter_relayout_ms'] / 1000:7.2f} s   to lay out and draw "
                f"{flat['filter_vertices']} vertices"
            )


if __name__ == "__main__":
    main()
