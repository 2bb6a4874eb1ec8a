"""Extraction with a site profile's selectors: exact fields for the portal's own templates.

The template is chosen by the URL's generation (``profile.article_match``), else by whichever template's ``detect``
selector matches, so a page fetched under an unexpected URL still gets its template. When no template's body
selector matches (a redesign), this returns None and the dispatcher falls back to the generic extractor.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin

from pipelines.extract.dom import iter_lines, normalize_space
from pipelines.extract.generic_head import header_text as _header_area
from pipelines.profile import select
from pipelines.urls import url_path

_CRUMB_SEPARATORS = re.compile(r"\s*(?:->|>|＞|›|»|→|/)\s*")
_IMAGE_ATTRIBUTES = ("src", "data-src", "data-original")
_UNCOUNTED = {"script", "style"}  # markup, not text a reader would miss: not counted as boilerplate


def _text(root, css: str | None) -> str | None:
    found = select(root, css)
    if not found:
        return None
    return " ".join(iter_lines(found[:1])) or None


def _template(root, url: str | None, profile) -> tuple[str, dict] | None:
    match = profile.article_match(url_path(url))
    if match and match[0] in profile.templates:
        generation = match[0]
        template = profile.templates[generation]
        if select(root, template.get("body")):
            return generation, template
    for generation, template in profile.templates.items():
        if select(root, template.get("detect")) and select(root, template.get("body")):
            return generation, template
    return None


def crumbs_of(element) -> list[str]:
    """Breadcrumb items, whether separated by `>` text or only by their links."""
    items = []
    for piece in element.itertext():
        items.extend(p for p in (normalize_space(x) for x in _CRUMB_SEPARATORS.split(piece)) if p)
    return items


def body_images(body, url: str | None, skip) -> list[str]:
    """Absolute URLs of the images inside the body, in order, each once."""
    images = []
    for img in body.iter("img"):
        if any(a is img or a in skip for a in img.iterancestors()) or img in skip:
            continue
        src = next((img.get(a) for a in _IMAGE_ATTRIBUTES if img.get(a)), None)
        if src and not src.startswith("data:"):
            absolute = urljoin(url or "", src.strip())
            if absolute not in images:
                images.append(absolute)
    return images


def extract_profiled(root, url: str | None, profile) -> dict | None:
    """The raw fields of an article page by the profile's selectors, or None when its templates do not match."""
    chosen = _template(root, url, profile)
    if chosen is None:
        return None
    generation, template = chosen
    body = select(root, template["body"])[0]
    dropped: Counter = Counter()
    skip = set()
    for css in template.get("drop", ()):
        for element in select(body, css):
            skip.add(element)
            if css not in _UNCOUNTED:
                dropped[css] += 1
    # Header fields inside the body container are read from their own selectors, not again as body text.
    for key in ("title", "meta", "breadcrumb", "editor", "author"):
        skip.update(e for e in select(body, template.get(key)) if e is not body)
    crumb = select(root, template.get("breadcrumb"))
    titles = select(root, template.get("title"))
    header = _text(root, template.get("meta"))
    if header is None and not select(root, template.get("time")):
        # The header selectors drifted while the body's still matches: read the header area as the generic
        # extractor does, between the headline (when found) and the body.
        page = root.find("body")
        header = _header_area(root if page is None else page, titles[0] if titles else None, body) or None
    return {
        "title": _text(root, template.get("title")),
        "paragraphs": list(iter_lines([body], skip=frozenset(skip))),
        "header_text": header,
        "time_text": _text(root, template.get("time")),
        "source_text": _text(root, template.get("source")),
        "author_text": _text(root, template.get("author")),
        "editor_text": _text(root, template.get("editor")),
        "breadcrumb": crumbs_of(crumb[0]) if crumb else [],
        "images": body_images(body, url, skip),
        "extractor": f"profile:{generation}",
        "dropped": dropped,
    }
