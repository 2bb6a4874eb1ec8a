"""Headlines and sections: a title without its site suffix, the section path of a breadcrumb, a first line that
reads as a headline."""

from __future__ import annotations

import re

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|｜]\s+|_|｜|\|")
_CRUMB_SPLIT = re.compile(r"\s*(?:->|>|＞|›|»|→)\s*")
_CRUMB_LABEL = re.compile(r"^(?:[当當]前位置|您的位置|你的位置|您现在的位置|[现現]在位置)")
_CRUMB_SKIP = {"首页", "首頁", "主页", "网站首页", "正文", "正文内容", "内容", "详情", "文章"}


def clean_title(title: str | None, suffixes: tuple[str, ...] | list[str] = (), *, from_head: bool = False) -> str | None:
    """A headline without the site's suffix; a `<title>` (``from_head``) also loses `_频道_网站` parts."""
    if not title:
        return None
    title = " ".join(title.split())
    for suffix in suffixes:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    if from_head:
        parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
        if parts and len(parts[0]) >= 4:
            return parts[0]
    return title or None


def section_from_crumbs(crumbs: list[str] | str | None) -> str | None:
    """The section path of a breadcrumb, between 首页 and 正文: `首页 > 新闻 > 重庆新闻 > 正文` -> `新闻 › 重庆新闻`."""
    if not crumbs:
        return None
    items = _CRUMB_SPLIT.split(crumbs) if isinstance(crumbs, str) else [
        part for crumb in crumbs for part in _CRUMB_SPLIT.split(crumb)
    ]
    items = [i.strip(" \u3000:：") for i in items]
    labels = [n for n, item in enumerate(items) if _CRUMB_LABEL.match(item)]
    if labels:  # whatever precedes 当前位置 (a site label) is no part of the path
        items = items[labels[0] + 1:]
    kept = [i for i in items if i and i not in _CRUMB_SKIP]
    return " › ".join(kept) or None


_HEADLINE_END = re.compile(r"[。！？!?；;：:…]$")


def headline(paragraphs: list[str]) -> str | None:
    """The first line of extracted text when it reads as a headline: short, no sentence end, text after it."""
    if len(paragraphs) < 2:
        return None
    first = paragraphs[0].strip()
    if 4 <= len(first) <= 64 and not _HEADLINE_END.search(first) and "。" not in first:
        return first
    return None
