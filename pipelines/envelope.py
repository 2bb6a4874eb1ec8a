"""The unit that travels from a cleaner to the archive writer: one page's outcome, as plain JSON-able data.

A local crawl hands envelopes straight to the archive; a distributed crawl pushes them through Redis to the single
writer. Both store them with ``archive.ingest.ingest``, so the two paths cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pipelines.clean import Outcome

REQUIRED = {
    "article": ("url", "record"),
    "not_modified": ("url",),
    "skipped": ("url", "reason"),
    "failed": ("url", "stage", "reason"),
    "walk": ("walk", "profile", "event"),
}
WALK_EVENTS = ("start", "end")


def from_outcome(outcome: Outcome, *, url: str, fetched_at: str | None = None, warc: dict | None = None,
                 etag: str | None = None, last_modified: str | None = None,
                 aliases: list[str] | None = None) -> dict[str, Any]:
    """``aliases``: the URLs that redirected to ``url`` (the archive remembers them as the article's)."""
    envelope: dict[str, Any] = {"kind": outcome.kind, "url": url, "fetched_at": fetched_at, "warc": warc,
                                "etag": etag, "last_modified": last_modified}
    if aliases:
        envelope["aliases"] = list(aliases)
    if outcome.kind == "article":
        envelope["record"] = outcome.article.as_record()
    else:
        envelope["stage"] = "clean"
        envelope["reason"] = outcome.reason
    return envelope


def not_modified(url: str, fetched_at: str) -> dict[str, Any]:
    return {"kind": "not_modified", "url": url, "fetched_at": fetched_at}


def failure(url: str, stage: str, reason: str) -> dict[str, Any]:
    return {"kind": "failed", "url": url, "stage": stage, "reason": reason}


def walk(event: str, walk_id: str, profile: str, **facts: Any) -> dict[str, Any]:
    """Not a page: the start or end of a fleet's walk over the list pages (see ``archive.walks``), with its facts
    (``exhaustive`` at the start; ``complete`` and ``reason`` at the end)."""
    return {"kind": "walk", "event": event, "walk": walk_id, "profile": profile, "mode": "fleet", **facts}


def problem(envelope: Any) -> str | None:
    """Why an envelope cannot be stored (a string), or None when it is well formed."""
    if not isinstance(envelope, dict):
        return f"envelope is {type(envelope).__name__}, not an object"
    kind = envelope.get("kind")
    if kind not in REQUIRED:
        return f"unknown envelope kind {kind!r}"
    missing = [k for k in REQUIRED[kind] if not envelope.get(k)]
    if missing:
        return f"{kind} envelope lacks {', '.join(missing)}"
    if kind == "walk" and envelope["event"] not in WALK_EVENTS:
        return f"walk envelope event is {envelope['event']!r}, not start or end"
    if kind == "article" and not isinstance(envelope["record"], dict):
        return "article record is not an object"
    return None
