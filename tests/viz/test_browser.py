"""The page in headless Chromium against an in-process server: namespaces, search,
picking nodes, parameters, previews, shareable URLs, and nothing fetched elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from proj.viz.server import VizServer
from tests.viz.conftest import AUDIT_PATCH

pytestmark = pytest.mark.browser


@pytest.fixture
def shop_url(shop: Path) -> Iterator[str]:
    with VizServer(shop, port=0) as server:
        yield server.url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A page that records console errors and every host it sends a request to."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.errors = []
    page.hosts = set()
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).netloc or urlsplit(r.url).scheme))
    yield page
    context.close()


def open_graph(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".proj-viz[data-painted]")


def repaint(page: Any, action: Any) -> None:
    """Run ``action`` and wait until the page has laid out and drawn the graph again."""
    count = "document.querySelector('.proj-viz').projViz.metrics.paints"
    count += ".filter(p => p.phase === 'layout').length"
    before = page.evaluate(count)
    action()
    page.wait_for_function(f"(n) => {count} > n", arg=before)


def vertices(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".pv-vertex:not(.pv-gone)", "els => els.map(e => e.getAttribute('data-id'))"
    )


def test_namespaces_collapse_expand_and_live_in_the_url(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    assert "node:region.us.clean" in vertices(page)
    repaint(page, lambda: page.click('[data-collapse="region.us"]'))
    shown = vertices(page)
    assert "ns:region.us" in shown
    assert "node:region.us.clean" not in shown
    assert "node:region.eu.clean" in shown
    assert page.text_content('[data-id="ns:region.us"] text') == "\u229e us (2)"
    assert "ns=region%2Cregion.eu" not in page.url  # the list is comma-separated
    assert "ns=region,region.eu" in page.url
    shared = page.url
    other = page.context.new_page()
    open_graph(other, shared)  # a shared link opens on the same view
    assert "ns:region.us" in vertices(other)
    other.close()
    repaint(page, lambda: page.click('[data-id="ns:region.us"]'))
    assert "node:region.us.clean" in vertices(page)
    repaint(page, lambda: page.click('[data-role="collapse-all"]'))
    assert sorted(v for v in vertices(page) if v.startswith("ns:")) == ["ns:region"]
    assert page.errors == []


def test_search_highlights_and_enter_selects(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    page.fill('[data-role="search"]', "summar")
    matches = page.eval_on_selector_all(
        ".pv-match", "els => els.map(e => e.getAttribute('data-id')).sort()"
    )
    assert matches == [
        "dataset:eu_summary",
        "dataset:us_summary",
        "node:region.eu.summarise",
        "node:region.us.summarise",
    ]
    page.press('[data-role="search"]', "Enter")
    assert page.inner_text('[data-role="details-name"]') == "region.eu.summarise"
    assert "q=summar" in page.url


def test_two_picked_nodes_give_the_run_command(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    page.click('[data-id="node:ingest"]', modifiers=["Shift"])
    assert page.inner_text('[data-role="command"]') == "proj run --from-nodes ingest"
    page.click('[data-id="node:region.eu.summarise"]', modifiers=["Shift"])
    assert (
        page.inner_text('[data-role="command"]')
        == "proj run --from-nodes ingest --to-nodes region.eu.summarise"
    )
    page.select_option('[data-role="pipeline"]', "regions")
    page.wait_for_function("() => !document.querySelector('[data-id=\"node:ingest\"]')")
    # "ingest" is not in the pipeline "regions": the command leaves it out.
    assert (
        page.inner_text('[data-role="command"]')
        == "proj run --pipeline regions --to-nodes region.eu.summarise"
    )
    page.click('[data-id="node:report"]')
    page.click('[data-role="pick-to"]')
    assert page.inner_text('[data-role="command"]').endswith("--to-nodes report")


def test_picked_nodes_run_in_order_and_unrelated_ones_are_flagged(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    page.click('[data-id="node:region.eu.summarise"]', modifiers=["Shift"])
    page.click('[data-id="node:ingest"]', modifiers=["Shift"])  # picked downstream first
    assert (
        page.inner_text('[data-role="command"]')
        == "proj run --from-nodes ingest --to-nodes region.eu.summarise"
    )
    assert page.inner_text('[data-role="command-note"]') == ""
    assert "from=region.eu.summarise&to=ingest" in page.url
    page.click('[data-id="node:region.eu.clean"]', modifiers=["Shift"])
    page.click('[data-id="node:region.us.summarise"]', modifiers=["Shift"])
    assert "no nodes" in page.inner_text('[data-role="command-note"]')


def shape(page: Any, vertex_id: str) -> tuple[str, str, str]:
    """(class, corner radius, fill) of a vertex's box."""
    return page.eval_on_selector(
        f'[data-id="{vertex_id}"]',
        "g => { const r = g.querySelector('rect.pv-box');"
        " return [g.getAttribute('class'), r.getAttribute('rx'), getComputedStyle(r).fill]; }",
    )


def test_parameters_can_be_hidden_and_the_pipeline_chosen(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    assert "dataset:params:ingest" in vertices(page)
    node, dataset, parameter = (
        shape(page, v) for v in ("node:ingest", "dataset:orders", "dataset:params:ingest")
    )
    assert (node[0], dataset[0]) == ("pv-vertex pv-node", "pv-vertex pv-dataset")
    assert parameter[0] == "pv-vertex pv-dataset pv-param"
    assert node[1] != dataset[1]  # boxes for nodes, rounded ends for datasets...
    assert len({node[2], dataset[2], parameter[2]}) == 3  # ...and three fills
    repaint(page, lambda: page.uncheck('[data-role="params"]'))
    assert "dataset:params:ingest" not in vertices(page)
    assert "params=0" in page.url
    repaint(page, lambda: page.select_option('[data-role="pipeline"]', "ingestion"))
    assert sorted(v for v in vertices(page) if v.startswith("node:")) == ["node:ingest"]


def test_selecting_highlights_upstream_and_downstream(page: Any, shop_url: str) -> None:
    open_graph(page, shop_url)
    page.click('[data-id="dataset:orders"]')
    up = page.eval_on_selector_all(".pv-up", "els => els.map(e => e.getAttribute('data-id'))")
    down = page.eval_on_selector_all(".pv-down", "els => els.map(e => e.getAttribute('data-id'))")
    assert "node:ingest" in up
    assert "dataset:orders_raw" in up
    assert "node:report" in down
    assert "dataset:final_report" in down
    assert "node:ingest" not in down
    assert page.inner_text('[data-field="layer"]') == "intermediate"


def test_a_dataset_preview_is_fetched_on_demand(page: Any, ran_iris: Path) -> None:
    with VizServer(ran_iris, port=0) as server:
        open_graph(page, server.url)
        page.click('[data-id="dataset:iris"]')
        assert page.inner_text('[data-field="path"]') == "data/01_raw/iris.csv"
        page.click('[data-role="load-preview"]')
        page.wait_for_selector('[data-role="preview"] table')
        header = page.inner_text('[data-role="preview"] thead')
        assert "sepal_length" in header
        assert page.locator('[data-role="preview"] tbody tr').count() == 10
        # Only the server itself, and the blob: URL the layout worker is made from.
        assert page.hosts == {urlsplit(server.url).netloc, "blob"}
    assert page.errors == []


def test_with_autoreload_the_open_page_redraws_after_an_edit(page: Any, shop: Path) -> None:
    registry = shop / "src" / "shop" / "pipeline_registry.py"
    with VizServer(shop, port=0, autoreload=True) as server:
        open_graph(page, server.url)
        page.click('[data-id="node:report"]')
        assert "node:audit" not in vertices(page)
        registry.write_text(registry.read_text() + AUDIT_PATCH)
        page.wait_for_selector('[data-id="node:audit"]', timeout=120_000)
        assert page.inner_text('[data-role="details-name"]') == "report"  # the view is kept


CHAIN_REGISTRY = """\
from proj.pipeline import Pipeline, node


def step(x):
    return x


def register_pipelines():
    return {"__default__": Pipeline([
        node(step, f"d{i}", f"d{i + 1}", name=f"n{i}", tags=["head"] if i < 60 else [])
        for i in range(1300)
    ])}
"""


def test_a_large_flat_pipeline_opens_in_groups_that_expand(page: Any, tmp_path: Path) -> None:
    """1,300 nodes and 1,301 datasets outside any namespace: too many to draw at once, so
    the page shows groups of 50 nodes in run order, each expanding like a namespace."""
    project = tmp_path / "chain"
    (project / "src" / "chain").mkdir(parents=True)
    (project / "conf" / "base").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.proj]\npackage_name = "chain"\nproject_name = "Chain"\nsource_dir = "src"\n'
    )
    (project / "src" / "chain" / "__init__.py").write_text("")
    (project / "src" / "chain" / "pipeline_registry.py").write_text(CHAIN_REGISTRY)
    with VizServer(project, port=0) as server:
        open_graph(page, server.url)
        shown = vertices(page)
        assert len(shown) == 26
        assert all(v.startswith("ns:~") for v in shown)
        assert page.text_content('[data-id="ns:~1"] text') == "\u229e nodes 1\u201350"
        assert page.text_content('[data-id="ns:~26"] text') == "\u229e nodes 1251\u20131300"
        repaint(page, lambda: page.click('[data-id="ns:~2"]'))
        shown = vertices(page)
        assert {f"node:n{i}" for i in range(50, 100)} <= set(shown)
        assert "node:n49" not in shown and "ns:~1" in shown
        assert "dataset:d75" in shown  # a dataset goes with the node that writes it
        assert "ns=~2" in page.url
        assert page.text_content('[data-collapse="~2"]') == "\u229f nodes 51\u2013100"
        # Filtered down to few enough, the nodes are drawn without groups.
        repaint(page, lambda: page.check('input[data-tag="head"]'))
        shown = vertices(page)
        assert sorted(v for v in shown if v.startswith("node:")) == sorted(
            f"node:n{i}" for i in range(60)
        )
        assert not [v for v in shown if v.startswith("ns:")]
    assert page.errors == []
