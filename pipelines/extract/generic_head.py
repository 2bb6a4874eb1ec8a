"""What surrounds a page's body: meta tags and the header area between headline and body (the headline itself is
``pipelines.extract.title``'s).

The generic extractor reads these before choosing the body (the headline's position helps to choose it); the
metadata module reads dates from the header area first, never from "the first date anywhere".
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from pipelines.extract.dom import normalize_space, text_of

_META_KEYS = re.compile(r"^(og:|article:|twitter:)|date|time|author|source|keywords|description|title|site|section|"
                        r"application-name|created|issued|modified")


def meta_tags(root) -> dict[str, str]:
    """``<meta>`` contents by lower-cased name/property/itemprop, for the keys metadata needs (og:*, article:*,
    dates, author, source, description…); the first value of a key wins."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = element.get("content") or element.get("datetime")  # <meta itemprop=dateCreated datetime=…>
        if key and content and key not in meta and _META_KEYS.search(key):
            meta[key] = normalize_space(content)
    return meta


def base_url(root, url: str | None) -> str | None:
    base = root.find(".//base")
    href = base.get("href") if base is not None else None
    if href:
        return urljoin(url or "", href.strip())
    return url


def same_text(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


LIST_TAGS = frozenset({"ul", "ol", "dl"})
LINK_LIST_MIN_ITEMS = 3
NEAR_BODY_CHARS = 200
"""Without a headline element, only this much text right above the body counts as its header: further up are the
site's navigation and teasers, whose dates are not this article's."""


def _link_list(element) -> bool:
    """A list whose items are links (teasers with their dates, a menu): never an article's header, whatever dates
    it shows. A header written as a list (`<li>来源：<a>新华网</a></li><li>2020-10-22</li>`) has one link at most."""
    if element.tag not in LIST_TAGS:
        return False
    linked = sum(1 for item in element if item.tag in ("li", "dd", "dt") and next(item.iter("a"), None) is not None)
    return linked >= LINK_LIST_MIN_ITEMS


def header_text(body, title_element, first_node, limit: int = 600) -> str:
    """Text from the end of the headline element to the start of the body, leaving out link lists; without a
    headline element, the text just before the body."""
    before: list[str] = []
    started = title_element is None
    stack: list = [(body, False)]
    while stack:
        element, closing = stack.pop()
        if element is first_node:
            break
        if closing:
            if element is title_element:
                started, before = True, []
            if started and element.tail:
                before.append(element.tail)
            continue
        if element is not title_element and _link_list(element):
            stack.append((element, True))
            continue
        if started and element.text and isinstance(element.tag, str):
            before.append(element.text)
        stack.append((element, True))
        if element is not title_element:
            stack.extend((child, False) for child in reversed(element) if isinstance(child.tag, str))
    text = normalize_space(" ".join(before))
    return text[:limit] if title_element is not None else text[-NEAR_BODY_CHARS:]
