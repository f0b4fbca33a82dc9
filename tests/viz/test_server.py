"""The local server: its four routes, nothing else, no secrets, and autoreload."""

from __future__ import annotations

import http.client
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from proj.exceptions import VizError
from proj.framework import Session
from proj.viz.server import VizServer
from tests.viz.conftest import AUDIT_PATCH, SECRETS, wait_for


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)


def get(server: VizServer, path: str, headers: dict[str, str] | None = None) -> Response:
    """GET ``path`` exactly as written (no client-side normalisation of ``..``)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        sent = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
        for key, value in sent.items():
            connection.putheader(key, value)
        connection.endheaders()
        answer = connection.getresponse()
        return Response(
            answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        )
    finally:
        connection.close()


@pytest.fixture
def log_records() -> Iterator[list[logging.LogRecord]]:
    """Every record proj logs at DEBUG and above while the test runs."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    logger = logging.getLogger("proj")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def shop_server(shop: Path) -> Iterator[VizServer]:
    with VizServer(shop, port=0) as server:
        yield server


@pytest.fixture
def iris_server(ran_iris: Path) -> Iterator[VizServer]:
    with VizServer(ran_iris, port=0) as server:
        yield server


def test_the_page_and_the_snapshot_are_served(iris_server: VizServer) -> None:
    assert iris_server.url == f"http://127.0.0.1:{iris_server.port}/"
    page = get(iris_server, "/")
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert b"Iris Demo" in page.body
    assert get(iris_server, "/index.html").body == page.body
    snapshot = get(iris_server, "/api/snapshot")
    assert snapshot.status == 200
    data = snapshot.json()
    assert [n["name"] for n in data["nodes"]][:2] == ["clean_iris", "split_data"]
    assert data["nodes"][0]["last_run"]["status"] == "success"
    again = get(iris_server, "/api/snapshot", {"If-None-Match": snapshot.headers["etag"]})
    assert again.status == 304
    assert again.body == b""
    assert get(iris_server, "/favicon.ico").status == 204


def test_previews_look_datasets_up_by_name(iris_server: VizServer) -> None:
    preview = get(iris_server, "/api/preview?dataset=iris&rows=2")
    assert preview.status == 200
    assert preview.json()["rows"] == [
        [5.1, 3.5, 1.4, 0.2, "setosa"],
        [4.9, 3.0, 1.4, 0.2, "setosa"],
    ]
    assert get(iris_server, "/api/preview?dataset=X_test").json()["total_rows"] == 30
    missing = get(iris_server, "/api/preview?dataset=nope")
    assert missing.status == 404
    assert missing.json() == {"error": "'nope' is not a dataset of this project."}
    assert get(iris_server, "/api/preview").status == 400
    assert get(iris_server, "/api/preview?dataset=iris&dataset=metrics").status == 400


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/static/../../conf/local/credentials.yml",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fconf%2flocal%2fcredentials.yml",
        "/api/../conf/local/credentials.yml",
        "//etc/passwd",
        "/conf/local/credentials.yml",
        "/src/shop/nodes.py",
        "/index.html/../../pyproject.toml",
        "/api/snapshot/../../../etc/passwd",
        "/api/preview/../../conf/local/credentials.yml",
    ],
)
def test_paths_outside_the_routes_are_not_found(shop_server: VizServer, path: str) -> None:
    answer = get(shop_server, path)
    assert answer.status == 404
    assert answer.json() == {"error": "Not found."}


@pytest.mark.parametrize(
    "name",
    ["../conf/local/credentials.yml", "/etc/passwd", "conf/local/credentials.yml", "orders.csv"],
)
def test_preview_names_never_reach_the_file_system(shop_server: VizServer, name: str) -> None:
    from urllib.parse import quote

    answer = get(shop_server, f"/api/preview?dataset={quote(name, safe='')}")
    assert answer.status == 404
    assert "not a dataset of this project" in answer.json()["error"]


def test_other_hosts_are_refused(shop_server: VizServer) -> None:
    refused = get(shop_server, "/api/snapshot", {"Host": "attacker.example"})
    assert refused.status == 403
    local = get(shop_server, "/api/snapshot", {"Host": f"localhost:{shop_server.port}"})
    assert local.status == 200


def test_credentials_never_reach_the_page_the_api_or_the_logs(
    shop: Path, log_records: list[logging.LogRecord]
) -> None:
    with VizServer(shop, port=0) as server:
        answers = [
            get(server, "/"),
            get(server, "/api/snapshot"),
            get(server, "/api/preview?dataset=remote_orders"),
            get(server, "/api/preview?dataset=prices"),
            get(server, "/api/preview?dataset=orders_raw"),
        ]
    assert [a.status for a in answers] == [200, 200, 500, 500, 200]
    assert "s3://***@shop-bucket/orders.csv" in answers[2].json()["error"]
    logged = "\n".join(record.getMessage() for record in log_records)
    assert "/api/preview?dataset=remote_orders" in logged  # requests are logged...
    for secret in SECRETS:  # ...but never a secret
        for answer in answers:
            assert secret.encode() not in answer.body
        assert secret not in logged


def test_a_taken_port_is_a_clear_error(shop: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(VizError, match=f"Port {port} on 127.0.0.1 is already in use"):
            VizServer(shop, port=port).start()


def test_autoreload_rebuilds_the_snapshot_when_code_changes(
    shop: Path, log_records: list[logging.LogRecord]
) -> None:
    registry = shop / "src" / "shop" / "pipeline_registry.py"
    original = registry.read_text()
    with VizServer(shop, port=0, autoreload=True) as server:
        names = [n["name"] for n in get(server, "/api/snapshot").json()["nodes"]]
        assert "audit" not in names
        broken = original + "\ndef broken(:\n"
        registry.write_text(broken)
        wait_for(
            lambda: any("was not rebuilt" in r.getMessage() for r in log_records),
            120,
            "the failed rebuild to be logged",
        )
        assert "audit" not in [n["name"] for n in get(server, "/api/snapshot").json()["nodes"]]
        registry.write_text(original + AUDIT_PATCH)
        wait_for(
            lambda: "audit" in [n["name"] for n in get(server, "/api/snapshot").json()["nodes"]],
            120,
            "the snapshot to show the new node",
        )
        catalog = shop / "conf" / "base" / "catalog.yml"
        catalog.write_text(catalog.read_text().replace("layer: intermediate", "layer: primary"))

        def orders_layer() -> Any:
            datasets = get(server, "/api/snapshot").json()["datasets"]
            return next(d["layer"] for d in datasets if d["name"] == "orders") == "primary"

        wait_for(orders_layer, 120, "the snapshot to follow a change under conf/")


def test_an_ipv6_loopback_host_is_served(shop: Path) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with VizServer(shop, host="::1", port=0) as server:
        assert server.url == f"http://[::1]:{server.port}/"
        connection = http.client.HTTPConnection("::1", server.port, timeout=30)
        try:
            connection.request("GET", "/api/snapshot")  # Host: [::1]:<port>
            answer = connection.getresponse()
            assert answer.status == 200
            assert json.loads(answer.read())["project"]["name"] == "Shop"
        finally:
            connection.close()


def get_as(server: VizServer, path: str, host: str, headers: dict[str, str] | None = None) -> Any:
    """GET ``path`` from the server's port with ``Host: host`` (what a remote browser sends)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": host, **(headers or {})})
        answer = connection.getresponse()
        return Response(
            answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        )
    finally:
        connection.close()


PROTECTED = (
    "/",
    "/index.html",
    "/api/snapshot",
    "/api/status",
    "/api/preview?dataset=orders_raw",
    "/favicon.ico",
)


def test_off_loopback_every_request_needs_the_token(shop: Path) -> None:
    with VizServer(shop, host="0.0.0.0", port=0) as server:
        token = server.token
        assert token is not None and len(token) >= 24
        host = f"192.0.2.7:{server.port}"  # any name: the token guards, not the Host check
        for path in PROTECTED:
            answer = get_as(server, path, host)
            assert answer.status == 403, path
            assert b"token" in answer.body
            assert b"Shop" not in answer.body
            wrong = get_as(server, path + ("&" if "?" in path else "?") + "token=nope", host)
            assert wrong.status == 403, path
        page = get_as(server, f"/?token={token}", host)
        assert page.status == 200
        cookie = page.headers["set-cookie"]
        assert cookie.startswith(f"{server.cookie_name}={token};")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        # the page's own requests carry the cookie; scripts may send a bearer header
        by_cookie = {"Cookie": f"{server.cookie_name}={token}"}
        for path in PROTECTED[2:5]:
            assert get_as(server, path, host, by_cookie).status == 200, path
        bearer = {"Authorization": f"Bearer {token}"}
        assert get_as(server, "/api/snapshot", host, bearer).status == 200
        # the printed URL is the machine's address (not loopback), with the token
        url = server.url
        assert f":{server.port}/?token={token}" in url
        assert "127.0.0.1" not in url and "0.0.0.0" not in url


def test_a_token_given_on_loopback_is_required_and_the_host_check_stays(shop: Path) -> None:
    with VizServer(shop, port=0, token="s3cret-token") as server:
        assert server.url == f"http://127.0.0.1:{server.port}/?token=s3cret-token"
        assert get(server, "/api/snapshot").status == 403
        assert get(server, "/api/snapshot?token=s3cret-token").status == 200
        evil = get(server, "/api/snapshot?token=s3cret-token", {"Host": "evil.example:80"})
        assert evil.status == 403
    with VizServer(shop, port=0) as server:
        assert server.token is None  # loopback without --token: the Host check alone
        assert get(server, "/api/status").status == 200


def test_an_empty_token_is_refused(shop: Path) -> None:
    with pytest.raises(VizError, match="token is empty"):
        VizServer(shop, port=0, token=" ")


def test_api_status_follows_the_run_store(ran_iris: Path) -> None:
    with VizServer(ran_iris, port=0) as server:
        first = get(server, "/api/status")
        assert first.status == 200
        document = first.json()
        assert document["run"]["status"] == "success"
        assert {entry["status"] for entry in document["nodes"].values()} == {"success"}
        assert document["datasets"]["X_train"]["rows"] == 120
        etag = first.headers["etag"]
        assert get(server, "/api/status", {"If-None-Match": etag}).status == 304
        from proj.runner import ThreadRunner

        # a partial run with another runner, as a notebook or another process would
        Session.create(ran_iris).run(node_names="split_data", runner=ThreadRunner())
        second = get(server, "/api/status", {"If-None-Match": etag})
        assert second.status == 200
        runs = second.json()["runs"]
        assert len(runs) == 2
        assert runs[0]["partial"] is True
        assert runs[0]["filters"] == {"node_names": ["split_data"]}
        assert runs[0]["runner"] == "ThreadRunner"
        assert second.json()["nodes"]["split_data"]["run_id"] == runs[0]["run_id"]
        one = get(server, f"/api/status?run={runs[1]['run_id']}").json()
        assert one["overlay"] == runs[1]["run_id"]
        assert len(one["nodes"]) == len(document["nodes"])
        assert get(server, "/api/status?run=nosuchrun").status == 404


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("my-laptop", False),
    ],
)
def test_which_hosts_are_loopback(host: str, loopback: bool) -> None:
    from proj.viz.server import is_loopback

    assert is_loopback(host) is loopback


def test_the_address_printed_for_all_interfaces_is_not_loopback() -> None:
    from proj.viz.server import is_loopback, network_address

    address = network_address("0.0.0.0")
    assert address and not is_loopback(address) and address != "0.0.0.0"
    assert network_address("192.0.2.5") == "192.0.2.5"
