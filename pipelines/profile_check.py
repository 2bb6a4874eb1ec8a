"""What a site profile makes of one page, and a starting profile from two pages: the operator's tools for a redesign.

``check_page`` answers, for a list page, how many elements each list selector matched and which article links
were found by the selectors and which by the URL schemes alone (what the spider falls back to); for an article
page, which template its URL names and which one matched, what every selector of every template returned, and
the record ``clean`` would store. ``new_profile`` writes a starting profile from one list page and one article
page: URL schemes generalised from the list's links, title and body selectors where the generic extractor found
them. Both work on bytes, so they run offline on saved pages; fetching is the caller's business.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict
from urllib.parse import urljoin, urlsplit

from pipelines.clean import clean_page
from pipelines.decode import decode
from pipelines.extract.dom import parse
from pipelines.extract.generic import extract_generic
from pipelines.extract.probe import expected_template, missed_selectors, selector_report
from pipelines.profile import select
from pipelines.urls import canonical_url

RECORD_FIELDS = ("title", "published_at", "source", "author", "editor", "section", "body", "extractor")
MIN_SCHEME_LINKS = 3  # a URL shape seen fewer times on a list page is a one-off link, not a scheme


def _root(data: bytes, content_type: str | None):
    text = decode(data, content_type).text
    root, reason = parse(text)
    if root is None:
        raise ValueError(f"not a readable HTML page ({reason})")
    return root


def _links(root, url: str, css: str, profile) -> list[str]:
    """Absolute canonical URLs of the links under ``css`` on the profile's hosts (or the page's own origin)."""
    origin = urlsplit(url)[:2]
    out = []
    for element in select(root, css):
        href = (element.get("href") or "").strip()
        if not href:
            continue
        try:
            link = canonical_url(urljoin(url, href))
            parts = urlsplit(link)
            host = parts.hostname
        except ValueError:
            continue
        if parts[:2] == origin or (parts.scheme in ("http", "https") and profile.allows_host(host)):
            if link not in out:
                out.append(link)
    return out


def page_kind(data: bytes, url: str, content_type: str | None, profile) -> str:
    """``list`` or ``article``: by the URL schemes when they know the path, else by what the page holds."""
    path = urlsplit(url).path
    if profile.is_list(path):
        return "list"
    if profile.article_match(path):
        return "article"
    root = _root(data, content_type)
    articles = [u for u in _links(root, url, "a[href]", profile) if profile.article_match(urlsplit(u).path)]
    return "list" if len(articles) >= 5 else "article"


def check_list(data: bytes, url: str, content_type: str | None, profile) -> dict:
    root = _root(data, content_type)
    spec = profile.list
    item, link, nxt = spec.get("item"), spec.get("link"), spec.get("next")
    selectors = {
        "item": {"css": item, "matches": len(select(root, item))},
        "link": {"css": f"{item} {link}", "matches": len(select(root, f"{item} {link}")) if item and link else 0},
        "next": {"css": nxt, "matches": len(select(root, nxt))},
    }
    by_selectors = [u for u in _links(root, url, f"{item} {link}", profile) if profile.article_match(urlsplit(u).path)]
    every = _links(root, url, "a[href]", profile)
    key = profile.list_key(urlsplit(url).path)
    return {
        "kind": "list",
        "selectors": selectors,
        "articles_by_selectors": by_selectors,
        "articles_by_url_scheme": [u for u in every if profile.article_match(urlsplit(u).path)],
        "next_by_selectors": [u for u in _links(root, url, nxt, profile) if profile.is_list(urlsplit(u).path)],
        "next_by_url_scheme": [u for u in every if key is not None and profile.list_key(urlsplit(u).path) == key
                               and u != canonical_url(url)],
        "lists_by_url_scheme": [u for u in every if profile.is_list(urlsplit(u).path)],
        "crawl_reads_it_by": "selectors" if by_selectors else "url_scheme",
    }


def check_article(data: bytes, url: str, content_type: str | None, profile) -> dict:
    root = _root(data, content_type)
    outcome = clean_page(data, url=url, content_type=content_type, profile=profile)
    report = {"kind": "article", "template_by_url": expected_template(url, profile),
              "selectors": selector_report(root, profile), "outcome": outcome.kind}
    if outcome.kind == "article":
        record = asdict(outcome.article)
        report["extractor"] = record["extractor"]
        report["missed"] = missed_selectors(root, url, profile, record["extractor"])
        report["record"] = {k: record[k] for k in RECORD_FIELDS}
    else:
        report["reason"] = outcome.reason
    return report


def check_page(data: bytes, url: str, content_type: str | None, profile, kind: str = "auto") -> dict:
    """The report for one page (see the module docstring); ``kind`` is ``list``, ``article`` or ``auto``."""
    kind = page_kind(data, url, content_type, profile) if kind == "auto" else kind
    report = (check_list if kind == "list" else check_article)(data, url, content_type, profile)
    return {"url": url, **report}


# -- a starting profile ------------------------------------------------------------------------------------------
_HEX = re.compile(r"[0-9a-f]{16,}")
_DIGITS = re.compile(r"\d+")


def path_scheme(path: str) -> str:
    """A regex for paths shaped like this one: digit runs become ``\\d+``, long hex runs ``[0-9a-f]{n}``."""
    out, pos = [], 0
    for m in re.finditer(r"[0-9a-f]{16,}|\d+", path):
        out.append(re.escape(path[pos:m.start()]))
        token = m.group()
        out.append(f"[0-9a-f]{{{len(token)}}}" if _HEX.fullmatch(token) and not token.isdigit() else r"\d+")
        pos = m.end()
    out.append(re.escape(path[pos:]))
    return "^" + "".join(out) + "$"


def _own_links(root, url: str) -> list[str]:
    origin = urlsplit(url)[:2]
    out = []
    for element in select(root, "a[href]"):
        try:
            link = urljoin(url, (element.get("href") or "").strip())
            if urlsplit(link)[:2] == origin and link not in out:
                out.append(link)
        except ValueError:
            continue
    return out


def likely_article(data: bytes, url: str, content_type: str | None = None) -> str | None:
    """The first link of the commonest numbered URL shape on a list page: most likely one of its articles."""
    links = [u for u in _own_links(_root(data, content_type), url) if _DIGITS.search(urlsplit(u).path)]
    own = path_scheme(urlsplit(url).path)
    shapes = Counter(path_scheme(urlsplit(u).path) for u in links)
    for shape, count in shapes.most_common():
        if shape != own and count >= MIN_SCHEME_LINKS:
            return next(u for u in links if path_scheme(urlsplit(u).path) == shape)
    return None


def new_profile(name: str, list_page: tuple[bytes, str, str | None], article_page: tuple[bytes, str, str | None],
                site_url: str | None = None) -> dict:
    """A starting profile from ``(data, url, content_type)`` of one list page and one article page.

    Article schemes are the shapes of the list page's own-site links seen at least ``MIN_SCHEME_LINKS`` times that
    have a number in them (the article page's own shape first); the list scheme is the list page's shape. The
    template's title and body selectors are those the generic extractor chose on the article page; the others
    are left for the operator, with the generic extractor and the header area covering them meanwhile.
    """
    list_data, list_url, list_type = list_page
    art_data, art_url, art_type = article_page
    root = _root(list_data, list_type)
    list_path = urlsplit(list_url).path
    list_scheme = path_scheme(list_path)
    shapes = Counter(path_scheme(urlsplit(u).path) for u in _own_links(root, list_url))
    article_scheme = path_scheme(urlsplit(art_url).path)
    schemes = [article_scheme] + [s for s, n in shapes.most_common()
                                  if n >= MIN_SCHEME_LINKS and s not in (article_scheme, list_scheme) and r"\d" in s]
    generic = extract_generic(decode(art_data, art_type).text, art_url)
    base = (site_url or "{0}://{1}".format(*urlsplit(art_url)[:2])).rstrip("/")
    host = urlsplit(base).hostname or ""
    template = {"detect": generic.body_css or None, "title": generic.title_css or None, "meta": None,
                "time": None, "source": None, "breadcrumb": None, "body": generic.body_css or None,
                "editor": None, "author": None, "drop": ["script", "style"]}
    return {
        "name": name,
        "display_name": generic.meta.get("og:site_name") or name,
        "site": host.removeprefix("www."),
        "base_url": base,
        "timezone": "+08:00",
        "script": "simplified",
        "hosts": sorted({host, host.removeprefix("www.")} - {""}),
        "host_suffixes": [],
        "start_paths": [list_path],
        "sections": {},
        "list_patterns": [list_scheme],
        "article_patterns": [{"generation": f"g{i}", "regex": s} for i, s in enumerate(schemes, 1)],
        "list": {"item": None, "link": "a[href]", "time": None, "next": None},
        "templates": {"g1": template},
        "non_article": {"video": [], "min_body_chars": 40},
        "boilerplate": {"line_patterns": [], "tail_markers": [], "last_line_promos": [], "signatures": []},
        "title_suffixes": [],
    }
