"""Secrets never reach what proj shows or stores: the rules of :mod:`proj.redaction`.

The property tests build text around generated secrets in every shape the module
covers and check that no part of the secret survives, and that text without secrets
comes back unchanged. Each secret starts with ``Zq9`` and ends with ``9qZ``; the text
around it is built from lower-case letters and punctuation only, so finding either
sentinel in the output means (part of) the secret leaked.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proj.exceptions import DatasetError, ProjError
from proj.redaction import (
    REDACTED,
    RedactingFilter,
    is_secret_key,
    redact_mapping,
    redact_optional,
    redact_text,
    redact_value,
)

# ------------------------------------------------------------------ examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3://AKIA:s3cr3t@bucket/raw.csv", "s3://***@bucket/raw.csv"),
        ("https://user@example.com/a.csv", "https://***@example.com/a.csv"),
        ("postgresql://app:pa55@db:5432/shop", "postgresql://***@db:5432/shop"),
        ("admin:pw@host/db", "***@host/db"),
        ("s3://AKIA:wJalr/K7MDENG+bPx@bucket/x", "s3://***@bucket/x"),  # '/' in AWS keys
        ("s3://AKIA:/K7MD@bucket/x", "s3://***@bucket/x"),
        ("connect to admin:p@ss@db.local:5432/shop", "connect to ***@db.local:5432/shop"),
        ("https://h/a.csv?token=abc&format=csv", "https://h/a.csv?token=***&format=csv"),
        (
            "https://h/a?X-Amz-Signature=f00&X-Amz-Credential=c",
            "https://h/a?X-Amz-Signature=***&X-Amz-Credential=***",
        ),
        ("https://h/a?api_key=k1;password=p2", "https://h/a?api_key=***;password=***"),
        ("https://acct.blob/c/x?sv=2024&sig=AbC%2B", "https://acct.blob/c/x?sv=2024&sig=***"),
        (
            "https://h/x?access_key=AK&aws_secret_access_key=SK",
            "https://h/x?access_key=***&aws_secret_access_key=***",
        ),
        (
            "Failed to load s3://k:s@b/x.csv and s3://k2:s2@b/y.csv",
            "Failed to load s3://***@b/x.csv and s3://***@b/y.csv",
        ),
        (  # a recorded command line
            "proj run --params db.password=hunter2 --tags x",
            "proj run --params db.password=*** --tags x",
        ),
        ("proj run --params=api_key=k1", "proj run --params=api_key=***"),
        (
            "proj run --params 'db={password: hunter2, user: u}'",
            "proj run --params 'db={password: ***, user: u}'",
        ),
        ("proj viz --token abc123 --port 1", "proj viz --token *** --port 1"),
        ("{'password': 'hunter2', 'rows': 3}", "{'password': ***, 'rows': 3}"),
        ('{"Token": "t0k", "rows": 3}', '{"Token": ***, "rows": 3}'),
        ("Authorization: Bearer eyJhbGciOi.x", "Authorization: ***"),
        ("header Bearer eyJhbGciOi.x sent", "header Bearer *** sent"),
    ],
)
def test_secrets_in_text_are_replaced(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "data/01_raw/iris.csv",
        "user@example.com wrote this",  # an e-mail address is not a URL
        "https://example.com/a.csv?format=csv&page=2",
        "s3://bucket/01_raw/companies.csv",
        "params:model_options",
        "params:x@pandas",
        "companies@spark",
        "proj run --params rows=3,ratio=0.2 --tags training",
        "Node 'split_data' failed: TypeError: unsupported operand",
        "db.local:5432/shop",
        "https://host:8080/users/a@b.png",
        "https://medium.com/@someone",
        "http://localhost:4141/?pipeline=__default__",
        "",
    ],
)
def test_text_without_secrets_is_unchanged(text: str) -> None:
    assert redact_text(text) == text


def test_missing_values_stay_missing() -> None:
    assert redact_optional(None) is None
    assert redact_optional("s3://a:b@c/d") == "s3://***@c/d"


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "DB_PASSWORD",
        "api_key",
        "aws_secret_access_key",
        "apiKey",
        "token",
        "X-Amz-Signature",
        "sig",
        "credentials",
        "con",
        "pwd",
        "Authorization",
        "--token",
    ],
)
def test_names_that_look_secret(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name", ["filepath", "rows", "model_options", "connection_timeout", "constant", "host", 3]
)
def test_names_that_do_not(name: object) -> None:
    assert not is_secret_key(name)


def test_mappings_hide_secret_keys_at_any_depth() -> None:
    entry = {
        "type": "pandas.SQLTableDataset",
        "table_name": "shuttles",
        "con": "postgresql://scott:tiger@db/prod",
        "load_args": {"params": {"aws_secret_access_key": "SK", "region": "eu"}},
        "filepath": "s3://AK:SK@bucket/x.csv",
        "layers": [{"token": "t"}, "admin:pw@h/db"],
        "empty_password": None,
        "rows": 3,
    }
    assert redact_mapping(entry) == {
        "type": "pandas.SQLTableDataset",
        "table_name": "shuttles",
        "con": REDACTED,
        "load_args": {"params": {"aws_secret_access_key": REDACTED, "region": "eu"}},
        "filepath": "s3://***@bucket/x.csv",
        "layers": [{"token": REDACTED}, "***@h/db"],
        "empty_password": None,
        "rows": 3,
    }


def test_a_value_under_a_secret_path_is_hidden_whole() -> None:
    assert redact_value("params:db.password", "hunter2") == REDACTED
    assert redact_value("params:db", {"password": "x", "host": "h"}) == {
        "password": REDACTED,
        "host": "h",
    }
    assert redact_value("params:model", {"lr": 0.1}) == {"lr": 0.1}


def test_errors_carry_no_secret() -> None:
    error = DatasetError(
        "Failed to load s3://AK:SK@bucket/x.csv", hint="Check admin:pw@db.local/shop"
    )
    assert "SK" not in str(error)
    assert "pw" not in str(error)
    assert error.message == "Failed to load s3://***@bucket/x.csv"


def test_log_records_carry_no_secret() -> None:
    record = logging.LogRecord(
        "proj.io",
        logging.ERROR,
        __file__,
        1,
        "Loading %s with %r",
        ("s3://AK:SK@b/x", {"token": "T0K"}),
        None,
    )
    try:
        raise ValueError("bad password=hunter2")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "SK" not in text
    assert "T0K" not in text
    assert "hunter2" not in text
    assert "ValueError" in text  # the traceback is kept, as text


# ------------------------------------------------------------------ properties

# Characters a secret may hold in each shape (what a URL, a query or a word allows).
_USERINFO_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&()*+,;=:/@"
_VALUE_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%+/"
_USER_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%+"
_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
_HOST = st.lists(_WORD, min_size=1, max_size=3).map(".".join)
_PATH = st.lists(_WORD, min_size=0, max_size=3).map(lambda parts: "".join(f"/{p}" for p in parts))
_SCHEME = st.sampled_from(
    ["s3", "gcs", "abfs", "https", "http", "postgresql", "mysql+pymysql", "redis"]
)
_SECRET_NAMES = st.sampled_from(
    [
        "password",
        "passwd",
        "token",
        "secret",
        "api_key",
        "access_key",
        "aws_secret_access_key",
        "sig",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "credentials",
        "auth_token",
        "apiKey",
        "client_secret",
        "private_key",
        "pwd",
        "con",
        "PASSWORD",
        "Token",
        "sessionToken",
    ]
)
_PLAIN_NAMES = _WORD.filter(lambda name: not is_secret_key(name))
_PROSE = st.sampled_from(["", "Failed to load ", "Error: ", "saving to ", "(", "'", "see "])
_TAIL = st.sampled_from(["", " failed.", "'", ")", " and more", "\n", ", retrying"])


def _secret(chars: str) -> st.SearchStrategy[str]:
    return st.text(chars, min_size=0, max_size=20).map(lambda middle: f"Zq9{middle}9qZ")


def _leaks(secret: str, text: str) -> bool:
    return secret in text or "Zq9" in text or "9qZ" in text


@settings(max_examples=300, deadline=None)
@given(
    scheme=_SCHEME,
    user=st.one_of(st.just(""), _secret(_USER_CHARS)),
    password=_secret(_USERINFO_CHARS),
    host=_HOST,
    port=st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")),
    path=_PATH,
    with_scheme=st.booleans(),
    prose=_PROSE,
    tail=_TAIL,
)
def test_url_credentials_never_survive(
    scheme: str,
    user: str,
    password: str,
    host: str,
    port: str,
    path: str,
    with_scheme: bool,
    prose: str,
    tail: str,
) -> None:
    userinfo = f"{user or 'admin'}:{password}"
    url = (
        f"{scheme}://{userinfo}@{host}{port}{path}"
        if with_scheme
        else f"{userinfo}@{host}{port}{path}"
    )
    out = redact_text(f"{prose}{url}{tail}")
    assert not _leaks(password, out), out
    assert not _leaks(user or password, out), out
    assert host in out  # where it points is still shown


@settings(max_examples=300, deadline=None)
@given(
    name=_SECRET_NAMES,
    value=_secret(_VALUE_CHARS),
    shape=st.sampled_from(["query", "assign", "option", "repr", "json", "yaml-flow", "yaml-block"]),
    before=_PLAIN_NAMES,
    prose=_PROSE,
    tail=_TAIL,
)
def test_secret_named_values_never_survive(
    name: str, value: str, shape: str, before: str, prose: str, tail: str
) -> None:
    text = {
        "query": f"https://h.example/data.csv?{before}=1&{name}={value}&page=2",
        "assign": f"proj run --params {before}=1,db.{name}={value} --tags t",
        "option": f"proj viz --{before} 1 --{name} {value} --port 4141",
        "repr": f"{{'{before}': 1, '{name}': '{value}'}}",
        "json": f'{{"{before}": 1, "{name}": "{value}"}}',
        "yaml-flow": f"db={{{before}: 1, {name}: {value}}}",
        "yaml-block": f"{before}: 1\n{name}: {value}\n",
    }[shape]
    out = redact_text(f"{prose}{text}{tail}")
    assert not _leaks(value, out), out
    assert before in out


@settings(max_examples=200, deadline=None)
@given(
    data=st.recursive(
        st.one_of(_WORD, st.integers(), st.none()),
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(st.one_of(_PLAIN_NAMES, _SECRET_NAMES), children, max_size=3),
        ),
        max_leaves=10,
    ),
    name=_SECRET_NAMES,
    value=_secret(_VALUE_CHARS),
)
def test_secret_keys_are_hidden_in_any_nesting(data: object, name: str, value: str) -> None:
    nested = {"outer": [data, {name: value}], name: {"inner": value}}
    assert not _leaks(value, repr(redact_mapping(nested)))


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.one_of(
            _WORD,
            _HOST,
            st.tuples(_PLAIN_NAMES, _WORD).map("=".join),
            st.tuples(_HOST, _PATH).map(lambda hp: f"s3://{hp[0]}{hp[1]}.csv"),
            st.tuples(_WORD, _HOST).map("@".join),  # e-mail addresses
            st.tuples(_HOST, st.integers(1, 65535), _PATH).map(lambda t: f"{t[0]}:{t[1]}{t[2]}"),
            st.tuples(_PLAIN_NAMES, _WORD).map(lambda kv: f"'{kv[0]}': '{kv[1]}'"),
        ),
        max_size=6,
    ),
    separator=st.sampled_from([" ", ", ", "\n", "; "]),
)
def test_text_without_secrets_is_never_changed(words: list[str], separator: str) -> None:
    text = separator.join(words)
    assert redact_text(text) == text


@settings(max_examples=100, deadline=None)
@given(password=_secret(_VALUE_CHARS), host=_HOST)
def test_project_errors_never_carry_the_secret(password: str, host: str) -> None:
    error = ProjError(
        f"Cannot reach postgresql://app:{password}@{host}/db", hint=f"password={password}"
    )
    assert not _leaks(password, str(error))
