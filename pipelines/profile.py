"""Site profiles: everything the code knows about one portal, loaded from a JSON data file.

A portal's URL schemes, selectors and boilerplate live in ``crawler/profiles/<name>.json`` so that a second
portal is added with a data file alone (the format is described in ``docs/profiles.md``). This module only
reads those files and answers questions about URLs; it imports nothing from Scrapy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

PROFILE_DIR = Path(__file__).resolve().parent.parent / "crawler" / "profiles"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class ArticlePattern:
    generation: str
    regex: re.Pattern


@dataclass(frozen=True)
class Profile:
    name: str
    site: str
    base_url: str
    timezone: str
    script: str
    hosts: tuple[str, ...]
    host_suffixes: tuple[str, ...]
    schemes: tuple[str, ...]
    ports: tuple[int, ...]
    start_paths: tuple[str, ...]
    sections: dict
    list_patterns: tuple[re.Pattern, ...]
    article_patterns: tuple[ArticlePattern, ...]
    list: dict
    templates: dict
    non_article: dict
    boilerplate: dict
    title_suffixes: tuple[str, ...]
    signatures: tuple[re.Pattern, ...]
    discovery: dict
    raw: dict = field(repr=False, compare=False, hash=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Profile":
        return cls(
            name=data["name"],
            site=data["site"],
            base_url=data["base_url"].rstrip("/"),
            timezone=data.get("timezone", "+08:00"),
            script=data.get("script", "simplified"),
            hosts=tuple(data.get("hosts", ())),
            host_suffixes=tuple(data.get("host_suffixes", ())),
            schemes=tuple(data.get("schemes") or (urlsplit(data["base_url"]).scheme,)),
            ports=tuple(int(port) for port in data.get("ports", ())),
            start_paths=tuple(data.get("start_paths", ("/",))),
            sections=dict(data.get("sections", {})),
            list_patterns=tuple(re.compile(p) for p in data.get("list_patterns", ())),
            article_patterns=tuple(
                ArticlePattern(p["generation"], re.compile(p["regex"])) for p in data.get("article_patterns", ())
            ),
            list=dict(data.get("list", {})),
            templates=dict(data.get("templates", {})),
            non_article=dict(data.get("non_article", {})),
            boilerplate=dict(data.get("boilerplate", {})),
            title_suffixes=tuple(data.get("title_suffixes", ())),
            signatures=tuple(re.compile(p) for p in data.get("boilerplate", {}).get("signatures", ())),
            discovery=dict(data.get("discovery", {})),
            raw=data,
        )

    @property
    def simplified(self) -> bool:
        """The portal publishes Simplified Chinese, so a Traditional copy of its pages was converted by a mirror."""
        return self.script == "simplified"

    def allows_host(self, host: str | None) -> bool:
        host = (host or "").lower().rstrip(".")
        return host in self.hosts or any(host.endswith(s) for s in self.host_suffixes)

    def allows_url(self, url: str) -> bool:
        """Whether a crawl may request this URL: one of the profile's schemes, one of its hosts, and the scheme's
        default port or one the profile lists. A netloc that does not parse as ``host[:port]`` (``host:80:80``, a
        port out of range, user info) is refused outright, never read as the host alone."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in self.schemes or "@" in parts.netloc:
            return False
        try:
            port = parts.port
        except ValueError:
            return False
        if port is not None and port != _DEFAULT_PORTS.get(scheme) and port not in self.ports:
            return False
        return self.allows_host(parts.hostname)

    def article_match(self, path: str) -> tuple[str, dict] | None:
        """The template generation and URL fields of an article path, or None when the path is no article."""
        for pattern in self.article_patterns:
            m = pattern.regex.match(path)
            if m:
                return pattern.generation, m.groupdict()
        return None

    def is_list(self, path: str) -> bool:
        return any(p.match(path) for p in self.list_patterns)

    def list_key(self, path: str) -> tuple | None:
        """Which list a list path belongs to: its pattern and named fields except ``page``, so that page 1 and page 7
        of one category share a key and another category's page does not. None for a path that is no list."""
        for index, pattern in enumerate(self.list_patterns):
            m = pattern.match(path)
            if m:
                return index, tuple(sorted((k, v) for k, v in m.groupdict().items() if k != "page"))
        return None

    def section_for(self, catid: str | None) -> str | None:
        return self.sections.get(catid) if catid else None


@cache
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css)


def select(root, css: str | None) -> list:
    """Elements under ``root`` matching a profile selector; an empty or invalid selector matches nothing, because
    a typo in a data file must cost one field, not the page."""
    if not css:
        return []
    try:
        return _selector(css)(root)
    except Exception:  # noqa: BLE001 - cssselect raises several error types for bad selectors
        return []


def _read(path: Path) -> Profile:
    with path.open(encoding="utf-8") as f:
        return Profile.from_dict(json.load(f))


@cache
def load_profile(name_or_path: str) -> Profile:
    """A profile by name (``cbg``) or by path to a JSON file."""
    path = Path(name_or_path)
    if path.suffix == ".json" and path.exists():
        return _read(path)
    candidate = PROFILE_DIR / f"{name_or_path}.json"
    if not candidate.exists():
        known = ", ".join(sorted(p.stem for p in PROFILE_DIR.glob("*.json")))
        raise LookupError(f"no site profile named {name_or_path!r} (known: {known})")
    return _read(candidate)


@cache
def all_profiles() -> tuple[Profile, ...]:
    return tuple(_read(p) for p in sorted(PROFILE_DIR.glob("*.json")))


def profile_for_text(paragraphs: list[str]) -> Profile | None:
    """The profile whose boilerplate ``signatures`` appear in a text that came without a URL (a mirror's copy
    keeps the portal's copyright notice), or None."""
    for profile in all_profiles():
        if profile.signatures and any(sig.search(p) for p in paragraphs for sig in profile.signatures):
            return profile
    return None


def profile_for_url(url: str | None) -> Profile | None:
    """The profile whose hosts serve this URL, or None for a page from an unknown site."""
    if not url:
        return None
    host = urlsplit(url).hostname
    for profile in all_profiles():
        if profile.allows_host(host):
            return profile
    return None
