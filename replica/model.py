"""The replica's units: an ``Entry`` is one URL the generator knows the truth of, a ``Page`` is one HTTP answer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from replica.html import document
from replica.text import Story

# Absolute URLs in sitemaps, feeds and robots.txt are written with this origin; the server puts its own base URL
# in its place when it answers, so the replica's pages stay the same bytes whichever port it listens on.
ORIGIN = "http://replica-origin.invalid"


@dataclass
class Entry:
    """One linked URL: an article, a video page or a dead link, with everything needed to render and judge it."""

    site: str
    kind: str  # article | video | dead
    generation: str
    path: str
    section_key: str
    section: str | None
    published: datetime
    story: Story
    encoding: str = "utf-8"
    faults: tuple[str, ...] = ()
    revision: int = 0
    layout: dict = field(default_factory=dict)
    images: tuple[str, ...] = ()
    variants: dict = field(default_factory=dict)  # variant name -> its parameters (replica.variants)

    @property
    def published_at(self) -> str:
        return self.published.strftime("%Y-%m-%dT%H:%M:00+08:00")

    def truth(self, base_url: str) -> dict:
        """The record a perfect crawl and cleaning would archive for this URL."""
        article = self.kind == "article"
        return {
            "site": self.site,
            "url": base_url.rstrip("/") + self.path,
            "path": self.path,
            "kind": self.kind,
            "title": self.story.title,
            "published_at": self.published_at if self.kind != "dead" else None,
            "source": self.story.source if self.kind != "dead" else None,
            "author": self.story.author if article else None,
            "editor": self.story.editor if article else None,
            "section": self.section if article else None,
            "body": self.story.body if article else "",
            "generation": self.generation,
            "encoding": self.encoding,
            "faults": list(self.faults),
            "variants": list(self.variants),
            "revision": self.revision,
            "images": [base_url.rstrip("/") + i for i in self.images],
        }


@dataclass(frozen=True)
class Page:
    """A rendered answer. ``last_modified`` (aware datetime) turns on validators and conditional requests."""

    status: int
    content_type: str
    body: bytes
    kind: str  # list | article | robots | image | search | home | missing
    last_modified: datetime | None = None
    headers: tuple[tuple[str, str], ...] = ()

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


def not_found(kind: str = "missing") -> Page:
    """A 404. ``kind`` says what the path looked like (a dead article link counts as an article request)."""
    body = document(title="404 Not Found", charset_meta='<meta charset="utf-8">', body="<h1>404 Not Found</h1>\n")
    return Page(404, "text/html; charset=utf-8", body.encode(), kind)
