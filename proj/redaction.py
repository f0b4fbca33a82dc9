"""Removing secrets from everything proj shows or stores: one set of rules for all outputs.

Secrets reach text in four shapes, and each output path of proj (the CLI's error lines
and log records, ``proj catalog list``, the run store, the visualisation's page, API and
previews, exports, and the IPython extension's cell output) sends its text through
:func:`redact_text` and its structured data through :func:`redact_mapping`:

* URL credentials, with or without a scheme: ``s3://KEY:secret@bucket/x.csv`` and
  ``admin:pw@host:5432/db`` both become ``***@...`` (RFC 3986 section 3.2.1 user info;
  with a scheme any user info counts, without one only ``user:password@host``, so an
  e-mail address stays as it is).
* ``name=value`` words whose name looks secret: query parameters (``?token=...``,
  ``X-Amz-Signature=...``, ``sig=...``) and command lines (``--params db.password=x``).
* Quoted keys in reprs and JSON (``{'password': 'x'}``, ``"api_key": "x"``), flow or
  block YAML keys (``{password: x}``), ``--token VALUE`` options and ``Bearer`` tokens.
* In mappings, the value of any key whose name looks secret (:func:`is_secret_key`),
  at any depth: the whole value becomes ``***``.

A name looks secret when it contains, in any case, ``password``, ``passwd``,
``secret``, ``token``, ``credential``, ``key`` or ``signature`` (so ``api_key``,
``aws_secret_access_key``, ``X-Amz-Credential``), or when one of its parts is ``pwd``,
``sig``, ``auth``, ``authorization``, ``con``, ``conn`` or ``dsn`` (``con`` is the
connection string of SQL datasets). Erring towards hiding is deliberate: a parameter
called ``monkey`` shows as ``***``; a leaked password cannot be taken back.

This module imports nothing from proj, so every layer can use it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

__all__ = [
    "REDACTED",
    "RedactingFilter",
    "is_secret_key",
    "redact_mapping",
    "redact_optional",
    "redact_text",
    "redact_value",
]

#: Shown instead of a removed secret.
REDACTED = "***"

_SECRET_PARTS = ("password", "passwd", "secret", "token", "credential", "key", "signature")
_SECRET_WORDS = frozenset({"pwd", "sig", "auth", "authorization", "con", "conn", "dsn"})
_NOT_SECRET_ENDINGS = ("error", "exception", "warning")  # KeyError, TokenError, ...
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")

# scheme://userinfo@host: everything up to the last '@' before the path is user info; a
# password may hold '/' (AWS secret keys do) unless it looks like a port ('host:8080/').
_SCHEME_USERINFO = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)"
    r"(?:[^/?#\s\"'<>:@]*:(?!\d+(?:/|$))[^?#\s\"'<>]*|[^/?#\s\"'<>]*)@"
)
# user:password@host without a scheme ('admin:pw@db/x'); the password may hold '@' and '/'.
_BARE_USERINFO = re.compile(
    r"(?<![\w.%+~\-:/@*])(?!params:)[\w.%+~\-]*:(?!//)(?!\d+(?:/|$))[^\s?#\"'<>]*@(?=[\w\[])",
)
# name=value: query parameters, --params items, key=value words.
_ASSIGNMENT = re.compile(
    r"(?<![\w.\-])(?P<name>[A-Za-z_][\w.\-]*)(?P<eq>=)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^&;#\s,\"'<>(){}\[\]]*)"
)
# 'name': value / "name": value (Python reprs, JSON: right after '{' or ',').
_QUOTED_KEY = re.compile(
    r"(?<=[{,])\s*(?P<q>[\"'])(?P<name>[^\"'\s]{1,200})(?P=q)(?P<sep>\s*:\s*)"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^,}\]\s]+)"
)
# name: value in YAML, block (line start) or flow ({a: 1, password: x}).
_YAML_KEY = re.compile(
    r"(?:^|(?<=[{,]))(?P<lead>[ \t]*)(?P<name>[A-Za-z_][\w.\-]*)(?P<sep>:[ \t]+)"
    r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^,}\]\n]+)",
    re.MULTILINE,
)
# --token VALUE, --password VALUE (an option whose value is the next word).
_OPTION = re.compile(r"(?<!\S)(?P<name>--?[A-Za-z][\w\-]*)(?P<sep>\s+)(?P<value>[^\s-][^\s]*)")
# Authorization headers.
_BEARER = re.compile(r"\b(?P<name>Bearer|Basic)(?P<sep>\s+)(?P<value>[A-Za-z0-9._~+/=\-]+)")


def is_secret_key(name: object) -> bool:
    """Whether a key or parameter name looks like it holds a secret.

    Args:
        name: A mapping key, query parameter or option name (``"api_key"``,
            ``"db.password"``, ``"--token"``, ``"X-Amz-Signature"``); non-strings are
            never secret.

    Returns:
        True when the name contains ``password``, ``passwd``, ``secret``, ``token``,
        ``credential``, ``key`` or ``signature`` (any case), or one of its parts
        (split on anything but letters and digits) is ``pwd``, ``sig``, ``auth``,
        ``authorization``, ``con``, ``conn`` or ``dsn``; except names of exceptions
        (ending in ``Error``, ``Exception`` or ``Warning``, such as ``KeyError``).
    """
    if not isinstance(name, str):
        return False
    lowered = name.lower()
    if lowered.endswith(_NOT_SECRET_ENDINGS):
        return False
    if any(part in lowered for part in _SECRET_PARTS):
        return True
    return any(word in _SECRET_WORDS for word in _WORD_SPLIT.split(lowered))


def _hide_named(match: re.Match[str]) -> str:
    if not is_secret_key(match.group("name")) or not match.group("value"):
        return match.group(0)
    start, end = match.span("value")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + REDACTED + whole[end - offset :]


def redact_text(text: str) -> str:
    """Remove credentials from free text: a path, URL, message, log line or command line.

    Args:
        text: Any text.

    Returns:
        The text with URL user info replaced by ``***`` (``s3://***@bucket/x``,
        ``***@host/db``) and the values of secret-looking names (``token=***``,
        ``'password': ***``, ``--token ***``, ``Bearer ***``) replaced by ``***``;
        everything else unchanged. Values end at whitespace and at ``& ; # ,`` unless
        quoted.

    Example::

        >>> redact_text("s3://AKIA:s3cr3t@bucket/raw.csv?X-Amz-Signature=abc")
        's3://***@bucket/raw.csv?X-Amz-Signature=***'
        >>> redact_text("connect admin:pw@db.local/shop")
        'connect ***@db.local/shop'
    """
    if not text:
        return text
    if "@" in text:
        text = _SCHEME_USERINFO.sub(lambda m: f"{m.group('scheme')}{REDACTED}@", text)
        text = _BARE_USERINFO.sub(f"{REDACTED}@", text)
    if "=" in text:
        text = _ASSIGNMENT.sub(_hide_named, text)
    if ":" in text:
        text = _QUOTED_KEY.sub(_hide_named, text)
        text = _YAML_KEY.sub(_hide_named, text)
    if "-" in text:
        text = _OPTION.sub(_hide_named, text)
    if "Bearer" in text or "Basic" in text:
        text = _BEARER.sub(lambda m: f"{m.group('name')}{m.group('sep')}{REDACTED}", text)
    return text


def redact_optional(text: str | None) -> str | None:
    """:func:`redact_text` for values that may be missing.

    Args:
        text: The text, or None.

    Returns:
        The redacted text, or None.
    """
    return None if text is None else redact_text(text)


def redact_mapping(value: Any) -> Any:
    """A copy of nested data with every secret removed, for showing or storing it.

    Args:
        value: Mappings, lists, tuples, strings and scalars nested in any way, e.g. a
            catalog entry, the parameters, a dataset's ``describe()``.

    Returns:
        The same shape (mappings become dicts, tuples stay tuples): the value of every
        key for which :func:`is_secret_key` holds is ``***`` (unless it is None or
        empty, which hides nothing), every string is passed through
        :func:`redact_text`, other scalars are kept.
    """
    if isinstance(value, Mapping):
        return {key: redact_value(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_mapping(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_mapping(item) for item in value)
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_value(name: object, value: Any) -> Any:
    """The value of one named entry, redacted: ``***`` when the name looks secret.

    Args:
        name: The key, or a dotted path such as ``"params:db.password"`` (secret when
            any part is).
        value: Its value, of any nesting.

    Returns:
        ``***`` for a secret name with a non-empty value, else :func:`redact_mapping`
        of the value.
    """
    empty = value is None or (isinstance(value, str | Mapping | list | tuple) and not value)
    if isinstance(name, str) and not empty:
        parts = re.split(r"[.:]", name)
        if any(is_secret_key(part) for part in parts if part != "params"):
            return REDACTED
    return redact_mapping(value)


class RedactingFilter(logging.Filter):
    """A logging filter that removes secrets from every record a handler emits.

    Attach it to a handler (``handler.addFilter(RedactingFilter())``): the record's
    message (with its arguments merged in) goes through :func:`redact_text`, and an
    attached exception is rendered to text and redacted too, since the handler would
    otherwise print the exception's message as it is.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place without secrets; never drops a record.

        Args:
            record: The log record.

        Returns:
            Always True.
        """
        message = redact_text(record.getMessage())
        if record.exc_info and record.exc_info[0] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            message = f"{message}\n{redact_text(formatted)}"
            record.exc_info = None
            record.exc_text = None
        record.msg = message
        record.args = None
        return True
