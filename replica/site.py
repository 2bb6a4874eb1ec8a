"""``Replica``: the whole offline site (one or both portals) as a function from a request path to a ``Page``.

It knows each URL's truth, renders pages lazily and caches them, so a server in front of it stays fast and a test
can read the truth without any server at all (``replica.truth``).
"""

from __future__ import annotations

import threading
from functools import cached_property
from urllib.parse import urlsplit

from replica.cbg_site import CbgSite
from replica.cqnews_site import CqnewsSite
from replica.html import document, link
from replica.mirrors import MIRROR_BASE, MirrorCopy, copies, page_for
from replica.httpfaults import HttpFaults
from replica.redirects import Moves
from replica.model import Page, not_found

DEFAULT_BASE = "http://127.0.0.1:8000"
PORTALS = {"cbg": CbgSite, "cqnews": CqnewsSite}
DISALLOWED = ("/_truth/", "/search/")
# A 1x1 transparent GIF: every image path answers with it, so a page's images resolve without real files.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


class Replica:
    """The generated site. ``portal`` is ``cbg``, ``cqnews`` or ``all`` (both, under their own paths)."""

    def __init__(
        self,
        articles: int = 200,
        seed: int = 1,
        faults: bool = False,
        revision: int = 0,
        portal: str = "cbg",
        http_faults: bool = False,
        crawl_delay: float | None = None,
        hang_seconds: float = 30.0,
        variants: bool = True,
        mirrors: bool = False,
        redesign: bool = False,
        moved: float = 0.0,
    ):
        names = tuple(PORTALS) if portal == "all" else (portal,)
        unknown = [n for n in names if n not in PORTALS]
        if unknown:
            raise ValueError(f"unknown portal {unknown[0]!r} (known: {', '.join(PORTALS)}, all)")
        self.articles, self.seed, self.faults, self.revision = articles, seed, faults, revision
        self.crawl_delay = crawl_delay
        self.mirrors = mirrors
        common = dict(articles=articles, seed=seed, faults=faults, revision=revision)
        self.redesign = redesign
        # Only the cbg.cn family has the district-site variants (portal.md §1), and the redesign mode.
        self.sites = [PORTALS[n](**common, **({"variants": variants, "redesign": redesign} if n == "cbg" else {}))
                      for n in names]
        self.http_faults = HttpFaults(self, seed, hang_seconds) if http_faults else None
        self.moves = Moves(self.entries, moved, seed) if moved else None
        self._cache: dict[str, Page] = {}
        self._lock = threading.Lock()

    @property
    def entries(self):
        return [e for site in self.sites for e in site.entries]

    @property
    def start_paths(self) -> tuple[str, ...]:
        return tuple(p for site in self.sites for p in site.start_paths)

    @cached_property
    def mirror_copies(self) -> dict[str, MirrorCopy]:
        """Spam-mirror copies of some cbg.cn articles by portal path (built on first use, whatever ``mirrors``)."""
        cbg = [site for site in self.sites if site.name == "cbg"]
        return {c.entry.path: c for site in cbg for c in copies(site, self.seed)}

    def truth(self, base_url: str = DEFAULT_BASE, mirror_base: str = MIRROR_BASE) -> list[dict]:
        """One truth dict per linked URL (articles, video pages, dead links), in a stable order; with ``mirrors``,
        then one per mirror copy (``kind: "mirror"``) at ``mirror_base`` + the portal path."""
        records = [e.truth(base_url) for e in self.entries]
        if self.http_faults is not None:
            self.http_faults.annotate(records)
        if self.moves is not None:
            self.moves.annotate(records)
        if self.mirrors:
            records += self.mirror_truth(base_url, mirror_base)
        return records

    def mirror_truth(self, base_url: str = DEFAULT_BASE, mirror_base: str = MIRROR_BASE) -> list[dict]:
        """The truth of each mirror copy: its original's, at ``mirror_base``, with ``mirror_of`` its portal URL."""
        portal = next((site.profile["base_url"] for site in self.sites if site.name == "cbg"), "")
        return [c.truth(base_url, mirror_base, portal) for c in self.mirror_copies.values()]

    def mirror_page(self, target: str) -> Page:
        """The mirror server's answer for a request target: a copy at its portal path, else 404."""
        return page_for(self.mirror_copies, urlsplit(target).path or "/")

    def robots_txt(self) -> str:
        disallowed = DISALLOWED + tuple(p for site in self.sites for p in getattr(site, "disallowed", ()))
        lines = ["User-agent: *", *(f"Disallow: {p}" for p in disallowed)]
        if self.crawl_delay is not None:
            lines.append(f"Crawl-delay: {self.crawl_delay:g}")
        lines += [f"Sitemap: {url}" for site in self.sites for url in getattr(site, "sitemaps", ())]
        return "\n".join(lines) + "\n"

    def page(self, target: str) -> Page:
        """The answer for a request target (path and query). Unknown paths get a 404 page."""
        path = urlsplit(target).path or "/"
        cached = self._cache.get(path)
        if cached is None:
            cached = self._render(path)
            with self._lock:
                self._cache[path] = cached
        return cached

    def _render(self, path: str) -> Page:
        if self.moves is not None:
            moved = self.moves.redirect(path)
            if moved is not None:
                return moved
        for site in self.sites:
            page = site.page(path)
            if page is not None:
                return page if self.moves is None else self.moves.list_page(page)
        if path == "/robots.txt":
            return Page(200, "text/plain; charset=utf-8", self.robots_txt().encode(), "robots")
        if path == "/":
            return self._home()
        if path.startswith("/search/"):
            body = document(title="搜索", charset_meta='<meta charset="utf-8">', body="<p>搜索结果</p>\n")
            return Page(200, "text/html; charset=utf-8", body.encode(), "search")
        if path.startswith("/uploads/") and path.endswith((".jpg", ".png", ".gif")):
            return Page(200, "image/gif", PIXEL, "image")
        return not_found()

    def _home(self) -> Page:
        links = "".join(f"<li>{link(p, p)}</li>\n" for p in self.start_paths)
        body = document(title="replica", charset_meta='<meta charset="utf-8">', body=f"<ul>\n{links}</ul>\n")
        return Page(200, "text/html; charset=utf-8", body.encode(), "home")


def mirror_pages(replica: Replica, base: str = MIRROR_BASE) -> list[tuple[str, bytes, dict]]:
    """``(path, bytes, truth)`` for each mirror copy, so that a test can clean them in-process (clean each with
    ``url=truth["url"]``: a foreign host with the portal's path, as a real mirror). Works whether or not the
    replica was built with ``mirrors=True``, which only decides what it serves and lists in its truth."""
    by_path = replica.mirror_copies
    return [(t["path"], by_path[t["path"]].body, t) for t in replica.mirror_truth(mirror_base=base)]


def truth(articles: int = 200, seed: int = 1, base_url: str = DEFAULT_BASE, **options) -> list[dict]:
    """The truth manifest without a server: what ``/_truth/manifest.json`` serves for the same arguments."""
    return Replica(articles=articles, seed=seed, **options).truth(base_url)
