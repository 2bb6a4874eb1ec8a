"""Extraction dispatcher: HTML in, raw article fields out, by the site profile's selectors or else generically.

The profile knows the portal's templates exactly; the generic extractor knows Chinese news pages in general. A page
of a profiled site whose selectors no longer match (a redesign) still gets extracted, and the result says
``extractor: generic`` so that a drifting profile shows up in the archive's quality data.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree
from lxml.etree import XPath

from pipelines.extract.dom import normalize_space, parse, text_of
from pipelines.extract.generic_head import meta_tags
from pipelines.extract.generic import extract_generic
from pipelines.extract.probe import missed_selectors
from pipelines.extract.profiled import crumbs_of, extract_profiled
from pipelines.metadata import clean_title
from pipelines.pagekind import LIST_MAX_TEXT, LOGIN_MAX_TEXT, VIDEO_MAX_TEXT, dom_kind

# Where a page of unknown layout states its section: found by what the text says, since the generic extractor drops
# the breadcrumb from the body.
_FIND_LOCATION = XPath("descendant::body/descendant::text()[contains(., '位置')]")
_BREADCRUMB_LABELS = ("当前位置", "您的位置", "您现在的位置", "當前位置")
_MAX_LINE = 120
_LOCATION_REFERENCE = re.compile(r"&#(?:0*20301|[xX]0*4[fF]4[dD]);")
"""位 written as a character reference, in decimal or in hex of either case."""


@dataclass
class Extracted:
    """Raw, unrepaired fields of one page. ``*_text`` fields are the text of their header elements as shown
    (`发布时间：2020-10-22 10:30`), parsed later by ``pipelines.metadata``; ``header_text`` is the whole header
    area between headline and body, where dates are read first; ``dropped`` counts blocks removed by selector;
    ``aside`` holds the text of blocks the generic extractor left out for what they say (`（ 责任编辑：张静怡 ）`,
    copyright lines…), whose labels still state fields; ``page_title`` is the ``<title>`` as written, where a
    mirror puts its spam keyword line; ``missed`` names the profile's key selectors that matched nothing on an
    article page (``2020:body``, see ``pipelines.extract.probe``), the evidence of template drift."""

    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    time_text: str | None = None
    source_text: str | None = None
    author_text: str | None = None
    editor_text: str | None = None
    header_text: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    extractor: str = "generic"
    page_kind: str = "article"
    reason: str | None = None
    dropped: Counter = field(default_factory=Counter)
    aside: list[str] = field(default_factory=list)
    page_title: str | None = None
    missed: list[str] = field(default_factory=list)


def _head_title(root, meta: dict, profile) -> str | None:
    suffixes = profile.title_suffixes if profile is not None else ()
    if meta.get("og:title"):
        return clean_title(meta["og:title"], suffixes, from_head=True)
    head = normalize_space(root.findtext(".//title") or "")
    return clean_title(head, suffixes, from_head=True)


def _may_say_location(html: str | bytes) -> bool:
    """Whether a page can hold a 当前位置 label at all (written out, or 位 as a character reference): most pages do
    not, and a substring test is much cheaper than searching the tree's text."""
    return not isinstance(html, str) or "位置" in html or _LOCATION_REFERENCE.search(html) is not None


def _breadcrumb(root) -> list[str]:
    """The items of the breadcrumb that starts with 当前位置, climbing from a bare label to its container."""
    for text in _FIND_LOCATION(root):
        if not normalize_space(text).startswith(_BREADCRUMB_LABELS):
            continue
        element = text.getparent()
        if text.is_tail:
            element = element.getparent()
        while element is not None and len(crumbs_of(element)) <= 1:
            parent = element.getparent()
            if parent is None or len(normalize_space(text_of(parent))) > _MAX_LINE:
                break
            element = parent
        if element is not None and len(normalize_space(text_of(element))) <= _MAX_LINE:
            return crumbs_of(element)
    return []


def _generic(root, html: str | bytes, url: str | None, keep_tree: bool) -> Extracted:
    """The generic extractor's fields, and what is read from the tree as parsed (``<title>``, the breadcrumb, the
    meta tags when the extractor failed), read before ``keep_tree=False`` lets the extractor take it apart."""
    page_title = normalize_space(root.findtext(".//title") or "") or None
    breadcrumb = _breadcrumb(root) if _may_say_location(html) else []
    generic = extract_generic(root, url, keep_tree=keep_tree)  # it reads the same meta tags from the tree first
    if not keep_tree and (generic.reason or "").startswith("error: "):
        root, _ = parse(html)  # it failed midway through taking the tree apart
    return Extracted(title=generic.title or None, paragraphs=generic.paragraphs, images=generic.images,
                     header_text=generic.header_text or None, meta=generic.meta or meta_tags(root),
                     breadcrumb=breadcrumb,
                     aside=[text for _, text in generic.removed_lines], extractor="generic", reason=generic.reason,
                     dropped=Counter(generic.dropped), page_title=page_title)


STRUCTURE_MAX_TEXT = max(VIDEO_MAX_TEXT, LOGIN_MAX_TEXT, LIST_MAX_TEXT)
"""``dom_kind`` reads a page's structure (players, login forms, link lists) only when its text is shorter."""


def _structure(html: str | bytes, result: Extracted):
    """The tree ``dom_kind`` reads after the generic extractor took the parsed one apart: the page parsed again
    when its text is short enough for ``dom_kind`` to look at it (a video, a login wall, a list: rare among the
    pages a crawl fetches), else an empty tree it will not read."""
    if len("".join("".join(result.paragraphs).split())) < STRUCTURE_MAX_TEXT:
        root, _ = parse(html)
        if root is not None:
            return root
    return etree.Element("html")


def extract(html: str | bytes, url: str | None, profile=None) -> Extracted:
    """The raw fields of a page: the profile's templates first, the generic extractor when they do not match."""
    root, reason = parse(html)
    if root is None:
        return Extracted(extractor="none", page_kind="empty", reason=reason)
    found = extract_profiled(root, url, profile) if profile is not None else None
    if found is not None:
        meta = meta_tags(root)
        result = Extracted(meta=meta, **found)
        result.title = result.title or _head_title(root, meta, profile)
        result.page_title = normalize_space(root.findtext(".//title") or "") or None
    else:  # a profile's page keeps its tree as parsed for missed_selectors
        result = _generic(root, html, url, keep_tree=profile is not None)
        if profile is None:  # the generic extractor took the tree apart
            root = _structure(html, result)
    result.page_kind, kind_reason = dom_kind(root, url, profile, "\n".join(result.paragraphs), result.meta)
    result.reason = kind_reason or result.reason
    if profile is not None and result.page_kind == "article":
        result.missed = missed_selectors(root, url, profile, result.extractor)
    return result
