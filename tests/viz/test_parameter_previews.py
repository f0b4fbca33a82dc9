"""Parameter previews over HTTP show no secret, even on 127.0.0.1 (issue 10, item 4)."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

from proj.viz.datasets import preview_dataset
from proj.viz.server import VizServer
from proj.viz.snapshot import load_session

PARAMETERS = """\
ingest:
  days: 7
  db:
    host: db.local
    password: pwSECRET
    url: postgresql://app:urlSECRET@db.local/shop
    options: {api_key: keySECRET, timeout: 30}
"""
SECRETS = ("pwSECRET", "urlSECRET", "keySECRET")


def preview(server: VizServer, name: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request("GET", f"/api/preview?dataset={name}")
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_parameter_previews_hide_secrets(shop: Path) -> None:
    (shop / "conf" / "base" / "parameters.yml").write_text(PARAMETERS)
    with VizServer(shop, port=0) as server:
        status, body = preview(server, "params:ingest")
    assert status == 200, body
    for secret in SECRETS:
        assert secret.encode() not in body
    assert json.loads(json.loads(body)["text"]) == {
        "days": 7,
        "db": {
            "host": "db.local",
            "password": "***",
            "url": "postgresql://***@db.local/shop",
            "options": {"api_key": "***", "timeout": 30},
        },
    }


def test_parameter_previews_hide_secret_values(shop: Path) -> None:
    (shop / "conf" / "base" / "parameters.yml").write_text(
        "db:\n  password: pwSECRET\n  host: h\nmodel: {lr: 0.1}\n"
    )
    session = load_session(shop)
    assert json.loads(preview_dataset(session, "params:db.password")["text"]) == "***"
    assert json.loads(preview_dataset(session, "params:db")["text"]) == {
        "password": "***",
        "host": "h",
    }
    assert "pwSECRET" not in preview_dataset(session, "parameters")["text"]
    assert json.loads(preview_dataset(session, "params:model")["text"]) == {"lr": 0.1}
