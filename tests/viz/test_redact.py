"""Secrets inside URLs never reach what the visualisation shows."""

from __future__ import annotations

import pytest

from proj.viz.redact import redact_optional, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3://AKIA:s3cr3t@bucket/raw.csv", "s3://bucket/raw.csv"),
        ("https://user@example.com/a.csv", "https://example.com/a.csv"),
        ("postgresql://app:pa55@db:5432/shop", "postgresql://db:5432/shop"),
        ("https://h/a.csv?token=abc&format=csv", "https://h/a.csv?token=***&format=csv"),
        (
            "https://h/a?X-Amz-Signature=f00&X-Amz-Credential=c",
            "https://h/a?X-Amz-Signature=***&X-Amz-Credential=***",
        ),
        ("https://h/a?api_key=k1;password=p2", "https://h/a?api_key=***;password=***"),
        (
            "Failed to load s3://k:s@b/x.csv and s3://k2:s2@b/y.csv",
            "Failed to load s3://b/x.csv and s3://b/y.csv",
        ),
        (  # a recorded command line
            "proj run --params db.password=hunter2 --tags x",
            "proj run --params db.password=*** --tags x",
        ),
        ("proj run --params=api_key=k1", "proj run --params=api_key=***"),
    ],
)
def test_credentials_in_urls_are_removed(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "data/01_raw/iris.csv",
        "user@example.com wrote this",  # an e-mail address is not a URL
        "https://example.com/a.csv?format=csv&page=2",
        "params:model_options",
        "proj run --params rows=3,ratio=0.2",
    ],
)
def test_text_without_secrets_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


def test_missing_values_stay_missing() -> None:
    assert redact_optional(None) is None
    assert redact_optional("s3://a:b@c/d") == "s3://c/d"
