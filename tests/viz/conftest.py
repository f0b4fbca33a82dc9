"""Fixtures of the visualisation tests: the iris starter, and a project with namespaces,
a factory pattern, layers and credentials ("shop")."""

from __future__ import annotations

import shutil
import socket
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.framework import Session
from proj.framework.scaffold import create_project
from proj.viz.snapshot import build_snapshot, load_session

#: Secrets planted in the shop project; none may appear in anything the viz shows.
SECRETS = ("AKIAEXAMPLEKEY", "s3cr3tpass", "TOPSECRETVALUE", "tok3nSECRET")

SHOP_CATALOG = """\
orders_raw:
  type: pandas.CSVDataset
  filepath: data/01_raw/orders.csv
  metadata:
    layer: raw

remote_orders:
  type: pandas.CSVDataset
  filepath: s3://AKIAEXAMPLEKEY:s3cr3tpass@shop-bucket/orders.csv
  credentials: shop_s3
  metadata:
    layer: raw

prices:
  type: pandas.CSVDataset
  filepath: https://example.invalid/prices.csv?token=tok3nSECRET&format=csv
  metadata:
    layer: raw

orders:
  type: pickle.PickleDataset
  filepath: data/02_intermediate/orders.pkl
  metadata:
    layer: intermediate

"{region}_summary":
  type: json.JSONDataset
  filepath: data/08_reporting/{region}_summary.json
  metadata:
    layer: reporting
"""

SHOP_NODES = '''\
"""Nodes of the shop project."""


def ingest(raw, remote, prices, options):
    """Join the order files."""
    return raw


def clean(orders):
    """Drop bad rows."""
    return orders


def summarise(clean_orders, prices):
    """Total per day."""
    return {"rows": len(clean_orders)}


def report(eu, us):
    """Combine the regions."""
    return {"eu": eu, "us": us}
'''

SHOP_REGISTRY = '''\
"""Pipelines of the shop project."""

from proj.pipeline import Pipeline, node, pipeline

from shop.nodes import clean, ingest, report, summarise


def _region(name):
    base = Pipeline(
        [
            node(clean, "orders", "clean_orders", name="clean", tags=["clean"]),
            node(summarise, ["clean_orders", "prices"], "summary", name="summarise",
                 tags=["report"]),
        ]
    )
    return pipeline(base, namespace=f"region.{name}", inputs={"orders", "prices"},
                    outputs={"summary": f"{name}_summary"})


def register_pipelines():
    ingestion = Pipeline(
        [node(ingest, ["orders_raw", "remote_orders", "prices", "params:ingest"], "orders",
              name="ingest", tags=["raw"])]
    )
    regions = _region("eu") + _region("us")
    reporting = Pipeline(
        [node(report, ["eu_summary", "us_summary"], "final_report", name="report",
              tags=["report"])]
    )
    return {
        "__default__": ingestion + regions + reporting,
        "ingestion": ingestion,
        "regions": regions + reporting,
    }
'''


#: Appended to the shop's pipeline_registry.py: adds the node "audit" to __default__.
AUDIT_PATCH = """

_registered = register_pipelines


def register_pipelines():
    pipes = _registered()
    audit = Pipeline([node(clean, "final_report", "audited", name="audit")])
    pipes["__default__"] = pipes["__default__"] + audit
    return pipes
"""


def write_shop(root: Path) -> Path:
    """Write the shop project under ``root`` and return its folder."""
    project = root / "shop"
    files = {
        "pyproject.toml": '[tool.proj]\npackage_name = "shop"\nproject_name = "Shop"\n'
        'source_dir = "src"\n',
        "src/shop/__init__.py": "",
        "src/shop/nodes.py": SHOP_NODES,
        "src/shop/pipeline_registry.py": SHOP_REGISTRY,
        "conf/base/catalog.yml": SHOP_CATALOG,
        "conf/base/parameters.yml": "ingest:\n  days: 7\n",
        "conf/local/credentials.yml": "shop_s3:\n  key: AKIAEXAMPLEKEY\n  secret: TOPSECRETVALUE\n",
        "data/01_raw/orders.csv": "day,amount\n1,10\n2,20\n3,30\n",
    }
    for name, text in files.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return project


@pytest.fixture(scope="session")
def iris_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The iris starter, scaffolded once (copy it before changing it)."""
    return create_project("Iris Demo", output_dir=tmp_path_factory.mktemp("iris"), starter="iris")


@pytest.fixture
def iris(iris_template: Path, tmp_path: Path) -> Path:
    """A private copy of the iris starter, never run."""
    target = tmp_path / "iris-demo"
    shutil.copytree(iris_template, target)
    return target


@pytest.fixture
def ran_iris(iris: Path) -> Path:
    """The iris starter after one full sequential run."""
    Session.create(iris).run()
    return iris


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The shop project: namespaces region.eu / region.us, layers, a factory pattern, and
    credentials in conf/local/credentials.yml and inside two dataset URLs."""
    return write_shop(tmp_path)


@pytest.fixture
def snapshot_of() -> Callable[..., dict[str, Any]]:
    """Build the snapshot of a project folder."""

    def build(project: Path, **kwargs: Any) -> dict[str, Any]:
        return build_snapshot(load_session(project), **kwargs)

    return build


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``condition()`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}")


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright (never a downloaded browser)."""
    from playwright import sync_api

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian's chromium is not installed: run `make system-deps`.")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            browser.close()
