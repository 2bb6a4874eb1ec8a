"""Moved articles: list pages that link an article under an address that redirects to where it lives now.

Portals move pages: an article republished under a new id, an old template's address kept alive by a 301, or every
address at once when a site moves from http to https. A crawler that keys what it knows by the address it found on
the list, while it stores the article under the address it was redirected to, refetches every moved article on
every run; one that lets its duplicate filter drop the redirect because the target was also listed loses the
listed address without a trace.

``Moves`` picks a deterministic share of the articles. Each is linked from the lists under an alias
(``/show/999-<7000000 + n>.html``, an address of the 2020 template) that answers ``301 Moved Permanently`` with
the article's own path; for every other moved article the lists keep the article's own link too, next to the
alias, as when both addresses are in circulation. With ``share`` 1.0 every article is moved: a portal-wide move.
"""

from __future__ import annotations

import random
import re

from replica.model import Page

ALIAS_BASE = 7_000_000


class Moves:
    def __init__(self, entries, share: float, seed: int):
        articles = [e for e in entries if e.kind == "article"]
        rng = random.Random(f"moves-{seed}")
        chosen = articles if share >= 1 else [e for e in articles if rng.random() < share]
        self.alias: dict[str, str] = {}  # article path -> its alias
        self.also_listed: set[str] = set()  # article paths linked under both addresses
        for n, entry in enumerate(chosen):
            self.alias[entry.path] = f"/show/999-{ALIAS_BASE + n}.html"
            if share < 1 and n % 2:
                self.also_listed.add(entry.path)
        self.target = {alias: path for path, alias in self.alias.items()}
        paths = b"|".join(re.escape(path.encode()) for path in self.alias)
        # List pages come in the encoding of their template (GBK for some): match and edit bytes.
        self._item = re.compile(rb'<li><a href="(' + paths + rb')".*?</li>\n' if self.alias else rb"(?!)", re.S)

    def redirect(self, path: str) -> Page | None:
        """The 301 an alias answers, or None for any other path."""
        target = self.target.get(path)
        if target is None:
            return None
        return Page(301, "text/html; charset=utf-8", b"", "redirect", headers=(("Location", target),))

    def list_page(self, page: Page) -> Page:
        """A list page with its moved articles linked under their aliases (and, for some, their own path too)."""
        if page.kind != "list":
            return page
        def relink(match: re.Match) -> bytes:
            item, path = match.group(0), match.group(1).decode()
            moved = item.replace(f'href="{path}"'.encode(), f'href="{self.alias[path]}"'.encode(), 1)
            return item + moved if path in self.also_listed else moved

        body = self._item.sub(relink, page.body)
        return Page(page.status, page.content_type, body, page.kind, page.last_modified, page.headers)

    def annotate(self, records: list[dict]) -> None:
        """Truth: each moved article gets ``listed_as`` (its alias) and ``also_listed``."""
        for record in records:
            alias = self.alias.get(record.get("path"))
            if alias:
                record["listed_as"] = alias
                record["also_listed"] = record["path"] in self.also_listed
