"""What a spider hands to the item pipelines: one fetched article page, raw.

The spider decides *what* to fetch; it does no cleaning. The raw bytes travel with the item so that the cleaning
core (``pipelines.clean``) sees exactly what the server sent, and the WARC pointer ties the record to its capture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.profile import Profile


@dataclass
class PageItem:
    url: str
    status: int
    body: bytes = field(repr=False)  # a log line that names an item (a drop) must not print megabytes
    content_type: str | None
    fetched_at: str
    profile: Profile  # the crawl's profile as loaded, whether named or given as a file: it need not be installed
    etag: str | None = None
    last_modified: str | None = None
    warc: dict | None = None
    meta: dict = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)  # URLs that redirected here (archive.aliases)


@dataclass
class FailureItem:
    """An article URL that could not be fetched: it is recorded in the archive's ``failures``, never dropped."""

    url: str
    stage: str
    reason: str


@dataclass
class NotModifiedItem:
    """A revisited article the server says is unchanged (304): only its last_seen moves."""

    url: str
    fetched_at: str
