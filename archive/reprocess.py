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
from collections.abc import Callable, Iterable, Iterator
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


@dataclass
class _Raw:
    """A stored row and its raw response, read back for the cleaner (``body`` None: nothing to clean)."""

    row: dict
    pointer: Any = None
    content_type: str | None = None
    body: bytes | None = None
    problem: str | None = None


def reprocess(
    archive: Archive,
    since: str | None = None,
    site: str | None = None,
    dry_run: bool = False,
    clean: Callable[..., Any] | None = None,
    track: Callable[[list[str], int], Iterable[str]] | None = None,
    jobs: int = 1,
) -> ReprocessReport:
    """Re-clean the articles published since ``since`` (of ``site``), update them unless ``dry_run``.

    The current pipeline cleans in ``jobs`` worker processes (``pipelines.cleaner_pool``), each page within the
    per-page time limit; ``clean(data, url=, content_type=, site=)``, returning an Outcome, replaces it and runs
    in this process. Either way rows are compared and stored here, one at a time, in their ``doc`` order, and a
    row is read a few dozen rows before it is stored (``cleaner_pool.READ_AHEAD`` per job): the optimistic check
    covers that interval, however long.
    ``track(ids, total)`` wraps the article ids as they are worked through (the CLI's progress bar).
    """
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
    ids = track(ids, len(ids)) if track else ids
    raws = (raw for raw in map(functools.partial(_read, archive), ids) if raw is not None)
    for raw, outcome in _cleaned(raws, clean, jobs):
        report.examined += 1
        if raw.pointer is None:
            report.no_raw += 1
        elif raw.problem:
            _fail(archive, raw.row, raw.problem, report)
        else:
            _store(archive, raw, outcome, report)
    if not dry_run:
        counts = {"updated": report.changed, "unchanged": report.unchanged + report.refreshed, "failed": report.failed}
        archive.finish_run(report.run_id, "finished", stats=report.as_dict(), counts=counts)
    return report


def _read(archive: Archive, article_id: str) -> _Raw | None:
    row = archive.get_article(article_id)
    if row is None:  # deleted since the ids were listed
        return None
    pointer = archive.warc_pointer(row)
    if pointer is None:
        return _Raw(row)
    try:
        _, headers, body = read_record(pointer)
    except WarcReadError as error:
        return _Raw(row, pointer, problem=f"raw record unreadable: {error}")
    return _Raw(row, pointer, headers.get("content-type"), body)


def _cleaned(raws: Iterator[_Raw], clean: Callable[..., Any] | None, jobs: int) -> Iterator[tuple[_Raw, Any]]:
    if clean is not None:
        for raw in raws:
            yield raw, None if raw.body is None else clean(raw.body, url=raw.row["url"],
                                                           content_type=raw.content_type, site=raw.row["site"])
        return
    from pipelines.cleaner_pool import CleanerPool

    def job(raw: _Raw):
        if raw.body is None:
            return None
        return raw.body, {"url": raw.row["url"], "content_type": raw.content_type,
                          "profile": _profiles_by_site().get(raw.row["site"])}

    with CleanerPool(jobs) as pool:
        yield from pool.ordered(raws, job)


def _store(archive: Archive, raw: _Raw, outcome, report: ReprocessReport) -> None:
    row, pointer = raw.row, raw.pointer
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
