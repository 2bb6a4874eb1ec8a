"""Extraction dispatcher: HTML in, raw article fields out, by the site profile's selectors or else generically.

The profile knows the portal's templates exactly; the generic extractor knows Chinese news pages in general. A page
of a profiled site whose selectors no longer match (a redesign) still gets extracted, and the result says
``extractor: generic`` so that a drifting profile shows up in the archive's quality data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml.etree import XPath

from pipelines.extract.dom import normalize_space, parse
from pipelines.extract.generic_head import meta_tags
from pipelines.extract.generic import extract_generic
from pipelines.extract.profiled import crumbs_of, extract_profiled
from pipelines.metadata import clean_title, parse_labels
from pipelines.pagekind import dom_kind

# Where a page of unknown layout states its section and its editor: found by what the text says, since the
# generic extractor drops such blocks from the body.
_FIND_BREADCRUMB = XPath(
    "//body//text()[starts-with(normalize-space(.), '当前位置') or starts-with(normalize-space(.), '您的位置')"
    " or starts-with(normalize-space(.), '您现在的位置') or starts-with(normalize-space(.), '當前位置')]"
)
_FIND_EDITOR = XPath("//body//*[contains(text(), '编辑') or contains(text(), '責任編輯') or contains(text(), '责编')]")
_MAX_LINE = 120


@dataclass
class Extracted:
    """Raw, unrepaired fields of one page. ``*_text`` fields are the text of their header elements as shown
    (`发布时间：2020-10-22 10:30`), parsed later by ``pipelines.metadata``; ``header_text`` is the whole header
    area between headline and body, where dates are read first; ``dropped`` counts blocks removed by selector."""

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


def _head_title(root, meta: dict, profile) -> str | None:
    suffixes = profile.title_suffixes if profile is not None else ()
    if meta.get("og:title"):
        return clean_title(meta["og:title"], suffixes, from_head=True)
    head = normalize_space(root.findtext(".//title") or "")
    return clean_title(head, suffixes, from_head=True)


def _breadcrumb(root) -> list[str]:
    """The items of the breadcrumb that starts with 当前位置, climbing from a bare label to its container."""
    for text in _FIND_BREADCRUMB(root):
        element = text.getparent()
        if text.is_tail:
            element = element.getparent()
        while element is not None and len(crumbs_of(element)) <= 1:
            parent = element.getparent()
            if parent is None or len(normalize_space(parent.text_content())) > _MAX_LINE:
                break
            element = parent
        if element is not None and len(normalize_space(element.text_content())) <= _MAX_LINE:
            return crumbs_of(element)
    return []


def _editor_line(root) -> str | None:
    """A short block that is only an editor label (`（责任编辑：张静怡）`), wherever the page put it."""
    for element in _FIND_EDITOR(root):
        text = normalize_space(element.text_content())
        labels = parse_labels(text, max_len=_MAX_LINE) if len(text) <= _MAX_LINE else None
        if labels and any(label.field == "editor" for label in labels):
            return text
    return None


def extract(html: str | bytes, url: str | None, profile=None) -> Extracted:
    """The raw fields of a page: the profile's templates first, the generic extractor when they do not match."""
    root, reason = parse(html)
    if root is None:
        return Extracted(extractor="none", page_kind="empty", reason=reason)
    meta = meta_tags(root)
    found = extract_profiled(root, url, profile) if profile is not None else None
    if found is not None:
        result = Extracted(meta=meta, **found)
        result.title = result.title or _head_title(root, meta, profile)
    else:
        generic = extract_generic(root, url)
        result = Extracted(title=generic.title or None, paragraphs=generic.paragraphs, images=generic.images,
                           header_text=generic.header_text or None, meta=generic.meta or meta,
                           breadcrumb=_breadcrumb(root), editor_text=_editor_line(root),
                           extractor="generic", reason=generic.reason,
                           dropped=Counter(generic.diagnostics.get("removed", {})))
    result.page_kind, kind_reason = dom_kind(root, url, profile, "\n".join(result.paragraphs), result.meta)
    result.reason = kind_reason or result.reason
    return result
