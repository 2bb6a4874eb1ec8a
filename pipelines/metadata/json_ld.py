"""A page's JSON-LD blocks, parsed once, and the values metadata reads from them.

News CMSs state an article's dates and authors for search engines in ``<script type="application/ld+json">``:
an object or a list of them, often an ``@graph``, with the article beside its publisher, its breadcrumb and its
videos. A block that is no valid JSON (a trailing comma, a stray ``;``, an unescaped quote) still holds its
``"key": "value"`` pairs, read by a pattern then. extruct reads the same values but parses every page again and
brings rdflib along; a substring test skips the pages without JSON-LD here.
"""

from __future__ import annotations

import json
import re
from collections import deque
from functools import lru_cache

_SCRIPT = re.compile(r"<script\b[^<>]*application/ld\+json[^<>]*>", re.I)
_END = re.compile(r"</script", re.I)
MAX_BLOCK_CHARS = 1_000_000
"""A longer block is no article's metadata (a site that inlines its whole catalogue): it is not parsed."""


@lru_cache(maxsize=4)
def blocks(html: str) -> tuple:
    """Each JSON-LD block of the page, parsed, or as its text when it does not parse (dates and authors both read
    them: parsed once per page)."""
    if "ld+json" not in html:
        return ()
    found = []
    for opening in _SCRIPT.finditer(html):
        end = _END.search(html, opening.end())
        content = html[opening.end(): end.start() if end else len(html)].strip()
        if not content or len(content) > MAX_BLOCK_CHARS:
            continue
        try:
            found.append(json.loads(content.removeprefix("<!--").removesuffix("-->").strip().rstrip(";"),
                                    strict=False))
        except (ValueError, RecursionError):  # no JSON, or nested deeper than the parser's stack
            found.append(content)
    return tuple(found)


def objects(html: str):
    """Every JSON object of the page's parsed blocks, breadth first (an article before the objects inside it)."""
    queue = deque(block for block in blocks(html) if not isinstance(block, str))
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            queue.extend(item)


def first_string(html: str, key: str) -> str | None:
    """The first string value of ``key`` in the page's JSON-LD (breadth first), or in a block that does not parse."""
    for item in objects(html):
        if isinstance(item.get(key), str):
            return item[key]
    for block in blocks(html):
        if isinstance(block, str):
            m = re.search(r'"' + re.escape(key) + r'"\s*:\s*"([^"]+)"', block)
            if m:
                return m.group(1)
    return None
