"""Re-clean stored raw responses with the current pipeline, with no network: how an improved cleaner reaches old data.

Each article's raw response is read back through its WARC pointer and passed to ``pipelines.clean.clean_page``
with the profile of the article's site (a replica or mirror URL alone would not name it). A record whose content
changed gets a new version (the old text moves to ``article_versions``); one whose descriptive fields alone changed
(quality, extractor…) is refreshed in place; the report counts both and says which fields changed how often.
The article keeps its id and its fetch time: the text is new, the capture is not. A crawl may run at the same time:
a record it changed while reprocess was re-cleaning the old one keeps the crawl's version (a counted conflict).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from archive.store import CONTENT_FIELDS, DESCRIPTIVE_FIELDS, Archive, normalize
from archive.warc import WarcReadError, read_record

STAGE = "reprocess"


@dataclass
class ReprocessReport:
    examined: int = 0
    changed: int = 0
    """Records whose content changed: each got a new version (or would have, in a dry run)."""
    refreshed: int = 0
    """Records whose descriptive fields alone changed (quality, extractor, images…): updated in place."""
    unchanged: int = 0
    no_raw: int = 0
    """Records with no WARC pointer (archived before raw capture): left as they are."""
    failed: int = 0
    """Raw record unreadable, or the cleaner no longer makes an article of it: recorded in ``failures``."""
    conflicts: int = 0
    """Records a crawl changed while they were being re-cleaned: left as the crawl wrote them (counted in neither
    ``changed`` nor ``refreshed``); the next reprocess sees the new version."""
    fields: Counter = field(default_factory=Counter)
    """Field name -> number of records where it changed."""
    dry_run: bool = False
    run_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fields"] = dict(self.fields.most_common())
        return data


@functools.cache
def _profiles_by_site() -> dict[str, Any]:
    from pipelines.profile import all_profiles

    return {profile.site: profile for profile in all_profiles()}


def _default_clean(data: bytes, *, url: str | None, content_type: str | None, site: str | None):
    from pipelines.clean import clean_page

    return clean_page(data, url=url, content_type=content_type, profile=_profiles_by_site().get(site))


def reprocess(
    archive: Archive,
    since: str | None = None,
    site: str | None = None,
    dry_run: bool = False,
    clean: Callable[..., Any] | None = None,
    track: Callable[[list[str], int], Iterable[str]] | None = None,
) -> ReprocessReport:
    """Re-clean the articles published since ``since`` (of ``site``), update them unless ``dry_run``.

    ``clean(data, url=, content_type=, site=)`` returns an Outcome; the default is the current pipeline.
    ``track(ids, total)`` wraps the article ids as they are worked through (the CLI's progress bar).
    """
    clean = clean or _default_clean
    conditions, params = [], []
    if since:
        conditions.append("published_at >= ?")
        params.append(since)
    if site:
        conditions.append("site = ?")
        params.append(site)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    ids = [row[0] for row in archive.conn.execute(f"SELECT id FROM articles {where} ORDER BY doc", params)]
    report = ReprocessReport(dry_run=dry_run)
    if not dry_run:
        report.run_id = archive.start_run({"command": "reprocess", "since": since, "site": site})
    for article_id in (track(ids, len(ids)) if track else ids):
        report.examined += 1
        row = archive.get_article(article_id)
        _one(archive, row, clean, report)
    if not dry_run:
        counts = {"updated": report.changed, "unchanged": report.unchanged + report.refreshed, "failed": report.failed}
        archive.finish_run(report.run_id, "finished", stats=report.as_dict(), counts=counts)
    return report


def _one(archive: Archive, row: dict, clean: Callable[..., Any], report: ReprocessReport) -> None:
    pointer = archive.warc_pointer(row)
    if pointer is None:
        report.no_raw += 1
        return
    try:
        _, headers, body = read_record(pointer)
    except WarcReadError as error:
        _fail(archive, row, f"raw record unreadable: {error}", report)
        return
    outcome = clean(body, url=row["url"], content_type=headers.get("content-type"), site=row["site"])
    if outcome.kind != "article":
        _fail(archive, row, f"the cleaner now says {outcome.kind}: {outcome.reason}", report)
        return
    record = {**outcome.article.as_record(), "id": row["id"]}
    try:
        fresh = normalize(record)
    except ValueError as error:
        _fail(archive, row, f"the cleaner's record cannot be stored: {error}", report)
        return
    changed = [name for name in (*CONTENT_FIELDS, *DESCRIPTIVE_FIELDS) if fresh[name] != row[name]]
    if not changed:
        report.unchanged += 1
        return
    if not report.dry_run:
        validators = {"etag": row["etag"], "last_modified": row["last_modified"]}
        # A crawl may have stored a newer version since the row was read: then that one stays (see the store).
        outcome = archive.upsert_article_if_unchanged(record, report.run_id, row, fetched_at=row["fetched_at"],
                                                      warc=pointer, validators=validators)
        if outcome == "conflict":
            report.conflicts += 1
            return
    report.fields.update(changed)
    if any(name in CONTENT_FIELDS for name in changed):
        report.changed += 1
    else:
        report.refreshed += 1


def _fail(archive: Archive, row: dict, reason: str, report: ReprocessReport) -> None:
    report.failed += 1
    if not report.dry_run:
        archive.record_failure(report.run_id, row["url"], STAGE, reason)
