"""Removing secrets from text the visualisation shows: URL user info and secret-looking
query parameters.

Catalog paths such as ``s3://KEY:SECRET@bucket/file.csv`` or
``https://host/file.csv?token=abc`` carry credentials inside the string. Everything the
snapshot, the page, the previews and the server's log messages show goes through
:func:`redact_text` first. Credentials entries (``credentials: name`` in the catalog and
``credentials.yml``) are never read by the snapshot at all.
"""

from __future__ import annotations

import re

#: Shown instead of a removed secret.
REDACTED = "***"

# scheme://user[:password]@host  ->  scheme://host   (RFC 3986 section 3.2.1 user info)
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#@\s]*)@")

# ?token=...&password=... : the value of a query parameter whose name looks secret; also
# ``key=value`` words of a command line (``--params db.password=x,api_key=y``).
_SECRET_QUERY = re.compile(
    r"(?P<key>(?:^|[?&;,=\s])(?:[A-Za-z0-9_\-.]*?)"
    r"(?:token|secret|password|passwd|pwd|key|sig|signature|credential|auth)"
    r"[A-Za-z0-9_\-.]*=)(?P<value>[^&;#\s\"']*)",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """Remove credentials embedded in URLs (and in ``key=value`` words) inside ``text``.

    The user-info part of every URL (``user:password@``) is dropped, and the values of
    query parameters, and of ``key=value`` words such as a command line's ``--params
    db.password=x``, whose names contain ``token``, ``secret``, ``password``, ``key``,
    ``sig``, ``credential`` or ``auth`` become ``***``.

    Args:
        text: A path, URL, or message that may contain URLs.

    Returns:
        The text without those secrets; text without URLs comes back unchanged.

    Example::

        >>> redact_text("s3://AKIA:s3cr3t@bucket/raw.csv?X-Amz-Signature=abc")
        's3://bucket/raw.csv?X-Amz-Signature=***'
    """
    if "@" not in text and "=" not in text:
        return text
    without_users = _USERINFO.sub(lambda match: match.group("scheme"), text)
    return _SECRET_QUERY.sub(lambda match: match.group("key") + REDACTED, without_users)


def redact_optional(text: str | None) -> str | None:
    """:func:`redact_text` for values that may be missing.

    Args:
        text: The text, or None.

    Returns:
        The redacted text, or None.
    """
    return None if text is None else redact_text(text)
