"""Store one envelope (see ``pipelines.envelope``) in the archive: the single write path of every crawl.

Local crawls, imports and the distributed writer all call ``ingest``; a malformed envelope, or a record the store
rejects, becomes a failure row with its reason instead of an exception, so one bad record never stops a run.
Database errors (``sqlite3.Error``) do propagate: they are not the record's fault, and the caller must retry.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from archive import walks
from pipelines import envelope as envelopes


def ingest(archive, envelope: Any, run_id: int | None) -> str:
    """Store an envelope; returns "new", "updated", "unchanged", "skipped", "failed" or "walk" (a walk event)."""
    problem = envelopes.problem(envelope)
    if problem:
        url = envelope.get("url") if isinstance(envelope, dict) else None
        archive.record_failure(run_id, url or "(unknown)", "ingest", problem)
        return "failed"
    try:
        return _store(archive, envelope, run_id)
    except sqlite3.Error:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        archive.record_failure(run_id, envelope["url"], "store", f"{type(exc).__name__}: {exc}")
        return "failed"


def _store(archive, envelope: dict, run_id: int | None) -> str:
    kind = envelope["kind"]
    if kind == "article":
        warc = envelope.get("warc")  # a WarcPointer's fields as a mapping, also after a trip through JSON
        validators = {"etag": envelope.get("etag"), "last_modified": envelope.get("last_modified")}
        aliases = envelope.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(url, str) for url in aliases):
            raise TypeError("aliases must be a list of URLs")
        with archive.batch():  # the article and the URLs that redirected to it, together
            outcome = archive.upsert_article(envelope["record"], run_id, fetched_at=envelope.get("fetched_at"),
                                             warc=warc if warc and warc.get("file") else None, validators=validators)
            archive.record_aliases(envelope["record"]["id"], aliases, envelope.get("fetched_at"))
        return outcome
    if kind == "not_modified":
        return archive.touch(envelope["url"], run_id, envelope.get("fetched_at")) or "unchanged"
    if kind == "walk":
        walks.store(archive, envelope, run_id)
        return "walk"
    if kind == "skipped":
        archive.record_skipped(run_id, envelope["url"], envelope["reason"])
        return "skipped"
    archive.record_failure(run_id, envelope["url"], envelope["stage"], envelope["reason"])
    return "failed"
