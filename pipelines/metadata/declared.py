"""The authors a page declares for machines (JSON-LD ``author``, then the author meta tags), and a WeChat
article's account.

English and other foreign news pages rarely show a Chinese-style byline (记者 张三), but nearly all of them state
their authors for search engines: ``"author": [{"@type": "Person", "name": "Jeremy Herb"}, …]`` in the article's
JSON-LD, or ``<meta name="author">``. They are read only when the page's own text named nobody: Chinese portals
fill the same tags with the site (`网易`, `chinanews`, `正北方网`), a CMS account number or another editor, so a
declared name must look like a person's, and a meta tag's is checked harder than a JSON-LD ``Person``'s.
"""

from __future__ import annotations

import re

from pipelines.metadata import json_ld
from pipelines.metadata.people import HAN, OUTLET_END, clean_name

AUTHOR_META = ("author", "article:author", "dc.creator", "dc:creator", "dcterms.creator", "parsely-author",
               "sailthru.author", "byl", "article_author", "citation_author", "og:article:author")
"""Meta tags that name authors, most specific last only where they rarely hold a site (``article:author`` is often
a Facebook page URL, refused as no name)."""
_ORGANIZATIONS = re.compile(r"Organi[sz]ation|Corporation|NewsMedia|Publisher|WebSite|Brand", re.I)
_ARTICLES = re.compile(r"Article|Posting|Report|WebPage|CreativeWork|NewsArticle|VideoObject", re.I)
_BY = re.compile(r"^\s*(?:by|von|par|por|di|door)[:\s]+", re.I)
_SPLIT = re.compile(r"\s*(?:,|;|\||\band\b|&|、|，)\s*(?:and\s+)?", re.I)
_DESCRIPTION = re.compile(r"[_：:。！!？?]|.{81}")
"""A meta value that is the site's description (`财讯网_提供股票、基金、期货…`), not a list of names."""
_LATIN_WORD = re.compile(r"[^\W\d_]")
_TITLE_PARTS = re.compile(r"\s+[|｜–—-]\s+|\s*[_|｜]\s*")


def declared_sites(meta: dict, page_title: str | None, html: str | None = None) -> tuple[str, ...]:
    """What the page's strings call its site: og:site_name, application-name, the parts of its ``<title>`` after
    the headline (`…_新闻中心_网易新闻`, `… | cleveland.com`), a WeChat article's account (which WeChat also puts in
    ``og:article:author``). Read after extraction, from what it kept; ``pipelines.extract.title.site_names``, which
    the generic extractor uses for headlines, needs the page's tree (links to the home page)."""
    parts = _TITLE_PARTS.split(page_title or "")[1:]
    return tuple(n for n in (meta.get("og:site_name"), meta.get("application-name"), *parts, wechat_account(html))
                 if n)


def declared_authors(html: str | None, meta: dict, sites: tuple[str, ...] = ()) -> list[str]:
    """Names of the authors the page's JSON-LD declares, else its author meta tags, in their order; none that
    is the site itself (``sites``, see ``declared_sites``)."""
    names = _json_ld_authors(html) if html else []
    strict = not names
    if not names:
        for key in AUTHOR_META:
            value = (meta or {}).get(key)
            if value and not _DESCRIPTION.search(value):
                names = _split(_BY.sub("", value))
                if names:
                    break
    kept = []
    for name in names:
        name = _person(name, strict)
        if name and name not in kept and not _is_site(name, sites):
            kept.append(name)
    return kept


def _json_ld_authors(html: str) -> list[str]:
    """The ``author`` of the first article-like object that has one (its ``Person`` entries and plain names)."""
    for item in json_ld.objects(html):
        kind = item.get("@type")
        kind = " ".join(kind) if isinstance(kind, list) else str(kind or "")
        if "author" not in item or (kind and not _ARTICLES.search(kind)):
            continue
        found = []
        for author in item["author"] if isinstance(item["author"], list) else [item["author"]]:
            if isinstance(author, str):
                found.extend(_split(author))
            elif isinstance(author, dict) and not _ORGANIZATIONS.search(str(author.get("@type") or "")):
                name = author.get("name")
                if isinstance(name, str):
                    found.append(name)
        if found:
            return found
    return []


def _split(value: str) -> list[str]:
    return [part.strip() for part in _SPLIT.split(value) if part and part.strip()]


def _person(name: str, strict: bool) -> str | None:
    """A declared name as stored, or None when it is no person's: a URL, a handle, a number, a site; from a meta
    tag (``strict``) also a single Latin word (`chinanews`, a site's brand)."""
    name = _BY.sub("", " ".join(name.replace("\xa0", " ").split()))
    if not name or name.startswith("@") or "://" in name or "/" in name:
        return None
    if HAN.search(name):
        return None if strict and OUTLET_END.search(name) else clean_name(name)
    if not _LATIN_WORD.search(name) or any(c.isdigit() for c in name) or len(name) > 60:
        return None
    if strict and len(name.split()) < 2:
        return None
    return name


def _is_site(name: str, sites: tuple[str, ...]) -> bool:
    folded = name.casefold()
    return any(folded in site.casefold() or site.casefold() in folded for site in sites)


_WECHAT_ACCOUNT = re.compile(r"""var\s+nickname\s*=\s*(?:htmlDecode\()?\s*["']([^"'<>\n]{1,40})["']""")


def wechat_account(html: str | None) -> str | None:
    """The public account a WeChat article was published by (`var nickname = htmlDecode("重庆发布")`): its outlet,
    which the page shows only as a link the extractor leaves out."""
    if not html or "mp.weixin.qq.com" not in html:
        return None
    found = _WECHAT_ACCOUNT.search(html)
    return found.group(1).strip() or None if found else None

