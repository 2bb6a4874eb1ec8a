"""What surrounds a page's body: meta tags, the headline and the header area between headline and body.

The generic extractor reads these before choosing the body (the headline's position helps to choose it); the
metadata module reads dates from the header area first, never from "the first date anywhere".
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin

from pipelines.extract.dom import normalize_space, text_of
from pipelines.extract.generic_rules import Rules, class_tokens

_META_KEYS = re.compile(r"^(og:|article:|twitter:)|date|time|author|source|keywords|description|title|site|section")


def meta_tags(root) -> dict[str, str]:
    """``<meta>`` contents by lower-cased name/property/itemprop, for the keys metadata needs (og:*, article:*,
    dates, author, source, description…); the first value of a key wins."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = element.get("content")
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


TITLE_MIN_OVERLAP = 0.8


def find_title(body, page_title: str, meta: dict, r: Rules):
    """(title, the element it came from or None).

    An element (h1-h3, or class/id "title") wins when ``<title>`` or og:title confirms it: it is part of one of
    them, or at least 80% of its characters are (sites shorten or reword the ``<title>``). Among confirmed
    elements the one covering most characters wins. Otherwise og:title, unless it is only the site's name, and
    then ``<title>`` less its site suffix.
    """
    references = [Counter(re.sub(r"\s+", "", t)) for t in (page_title, meta.get("og:title", "")) if t]
    squeezed = [re.sub(r"\s+", "", t) for t in (page_title, meta.get("og:title", "")) if t]
    best, best_element, best_cover = "", None, 0.0
    for element in _title_elements(body):
        text = normalize_space(text_of(element))
        plain = re.sub(r"\s+", "", text)
        if not 2 <= len(plain) <= 120:
            continue
        if any(plain in s for s in squeezed):
            cover = float(len(plain))
        elif len(plain) >= 6 and references:
            chars = Counter(plain)
            shared = max(sum((chars & ref).values()) for ref in references)
            cover = shared if shared >= TITLE_MIN_OVERLAP * len(plain) else 0.0
        else:
            cover = 0.0
        if cover > best_cover:
            best, best_element, best_cover = text, element, cover
    if best_element is not None:
        return best, best_element
    head = strip_site(page_title, r) if page_title else ""
    og = strip_site(meta["og:title"], r) if meta.get("og:title") else ""
    if og and not (head and og in head and len(og) < len(head) / 2):
        return og, None
    if head:
        return head, None
    h1 = body.find(".//h1")
    if h1 is not None:
        text = normalize_space(text_of(h1))
        if text:
            return text, h1
    return "", None


def _title_elements(body):
    for element in body.iter("h1", "h2", "h3"):
        yield element
    for element in body.iter():
        if isinstance(element.tag, str) and element.tag not in ("h1", "h2", "h3"):
            lower, tokens = class_tokens(element)
            if "title" in tokens or "headline" in tokens or "biaoti" in tokens:
                yield element


_HYPHEN_TAIL = re.compile(r"\s*[-－]\s*[^-－\s]{2,12}$")


def strip_site(title: str, r: Rules) -> str:
    """A ``<title>`` less its site suffix: the longest part between separators (the headline outweighs site names),
    then short ``-频道-网站`` tails, which a bare hyphen cannot split off safely (``EC-225直升机``)."""
    parts = [p.strip() for p in r.title_separators.split(title) if p.strip()]
    head = max(parts, key=len) if parts else title.strip()
    for _ in range(2):
        shorter = _HYPHEN_TAIL.sub("", head)
        if len(shorter) < 4 or len(shorter) < len(head) - len(shorter):
            break
        head = shorter
    return head


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
