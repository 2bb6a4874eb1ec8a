"""Canonical URLs and stable article ids.

One article reached through share links, campaign tags or an upper-case host must land on one archive row, so the
id is derived from a canonical form of the URL rather than from the URL as fetched.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say how a reader arrived, never which page they read.
_TRACKING = re.compile(
    r"^(?:utm_\w*|spm|from|share\w*|isappinstalled|scene|clicktime|enterid|"
    r"wxshare_count|tt_from|tt_medium|timestamp|fbclid|gclid|yclid|mc_cid|mc_eid|_hsenc|_hsmi|ref|"
    r"from_source|wfr|nsukey)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL with a lower-case scheme and host, no default port, no fragment and no tracking parameters.

    Remaining query parameters are sorted so that their order does not split one page into two ids.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def article_id(url: str) -> str:
    """The stable id of the article at this URL: the first 16 hex digits of sha1(canonical URL)."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def url_path(url: str | None) -> str:
    """The path of a URL ("" for none), which is what site profiles match."""
    return urlsplit(url).path if url else ""
