"""The archive: one SQLite file holding current articles, their earlier versions, crawl runs, failures and skips.

Opening an ``Archive`` upgrades the file in place (``archive.migrations``), sets WAL mode and a busy timeout (one
writer at a time, readers never blocked), repairs the search index's triggers if something dropped them, and
indexes what other tools changed (``archive.fts``). Every write transaction brings the index up to date before it
commits.

Writes are idempotent upserts keyed by the article id. The content hash covers what an article *says* (title,
published_at, updated_at, source, author, editor, section, body); a recrawl with the same hash only moves last_seen, and a
changed one moves the current row to ``article_versions`` first. Fields that describe how the record was *made*
(quality, extractor, images, urls, mirror_of) are refreshed in place without a new version. A mirror's copy never
displaces an article stored from the portal: the original stays as it was.

Times written by the store are UTC ISO 8601 (``2026-05-14T03:34:00+00:00``); ``published_at`` is the portal's local
time with ``+08:00``, as the cleaner gives it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from archive.sqlite_utils_lite import Database

from archive import fts, owner
from archive.migrations import migrations
from archive.warc import WarcPointer
from pipelines import urls as urls_mod

CONTENT_FIELDS = ("title", "published_at", "source", "author", "editor", "section", "body", "updated_at")
_HASHED_WHEN_SET = ("updated_at",)
"""Content fields added after archives were written: hashed only when set, so that a record which has none keeps
the hash it always had, and a recrawl of an unchanged article is not counted as a change."""
DESCRIPTIVE_FIELDS = ("url", "canonical_url", "site", "images", "extractor", "mirror_of", "quality")
RECORD_FIELDS = ("id", *DESCRIPTIVE_FIELDS, *CONTENT_FIELDS)
WARC_COLUMNS = ("warc_file", "warc_offset", "warc_length", "warc_digest")
VALIDATOR_COLUMNS = ("etag", "last_modified")
OUTCOMES = ("new", "updated", "unchanged")
RUN_COUNTS = (*OUTCOMES, "failed", "skipped")
"""The per-run counters of ``crawl_runs``, tallied by the store as it writes."""
SKIP_STAGE = "skip"
"""The ``failures.stage`` of a page that was fetched fine but is not an article."""
BUSY_TIMEOUT_S = 30
PAGE_SIZE = 16384
"""Bytes per database page of a new archive. An article row (1.8 KiB of text, 1.4 KiB of the rest) fills most of a
4 KiB page, so with SQLite's default one row took a page and left a quarter of it empty: 16 KiB pages hold five,
and the archive is a fifth smaller (4.0 to 3.2 KiB per article, measured on 15,000 replica articles). Existing
archives keep their page size until converted (see docs/schema.md)."""
_ROW_IDENTITY = ("version", "content_hash", "warc_file", "warc_offset")
"""What says a stored row is still the one read: its version, its content and the raw record it was cleaned from."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 over the content fields, so equal text means an equal hash whatever else changed."""
    values = [record.get(field) for field in CONTENT_FIELDS if field not in _HASHED_WHEN_SET]
    values += [[field, record[field]] for field in _HASHED_WHEN_SET if record.get(field) is not None]
    payload = json.dumps(values, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def normalize(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as stored: exactly RECORD_FIELDS, images and quality as JSON text."""
    if not record.get("id") or not record.get("url"):
        raise ValueError("an article record needs an id and a url")
    row = {field: record.get(field) for field in RECORD_FIELDS}
    row["images"] = _json_text(row["images"] if row["images"] is not None else [])
    row["quality"] = _json_text(row["quality"])
    return row


class Archive:
    """An open archive file. Use as a context manager, or call close()."""

    def __init__(self, path: str | os.PathLike, *, warc_dir: str | os.PathLike | None = None):
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.warc_dir = Path(warc_dir) if warc_dir else self.path.parent / "warc"
        # isolation_level=None: no implicit transactions; every write below is in an explicit batch().
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only a new, empty file takes it (before WAL)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        # NORMAL is durable against process crashes in WAL mode; a power cut can lose the last transactions only.
        conn.execute("PRAGMA synchronous = NORMAL")
        # A 32 MB page cache (default 2 MB) keeps the search index's hot pages in memory while it grows.
        conn.execute("PRAGMA cache_size = -32000")
        self.db = Database(conn)
        self.conn = conn
        self.upgraded: list[str] = []
        self.reindexed = False
        if migrations.pending(self.db) or fts.missing_triggers(conn):
            # Checked again inside one write transaction, so two processes opening a new file at once cannot both
            # run a migration; an up-to-date archive is opened without waiting for a crawl's write lock.
            with self.batch():
                self.upgraded = [migration.name for migration in migrations.pending(self.db)]
                migrations.apply(self.db)
                self.reindexed = fts.ensure_index(conn)
        elif fts.has_pending(conn):
            with self.batch():  # changes other tools made to articles: every batch indexes them before it commits
                pass

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def batch(self) -> Iterator[Archive]:
        """One transaction around many writes: much faster, and all-or-nothing. Nested batches are savepoints."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        # IMMEDIATE takes the write lock up front. A deferred BEGIN that reads first and then writes fails at once
        # with "database is locked" when another process committed in between: the busy timeout cannot help there.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            # The triggers queued what changed in articles; the index follows in this same transaction.
            fts.apply(self.conn)
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # Runs, failures and skips

    def start_run(self, options: Mapping[str, Any] | None = None) -> int:
        """Open a run owned by this process; first close the runs whose process died (``close_dead_runs``)."""
        with self.batch():
            self.close_dead_runs()
            cursor = self.conn.execute(
                "INSERT INTO crawl_runs (started_at, status, options, owner) VALUES (?, 'running', ?, ?)",
                [utc_now(), _json_text(dict(options or {})), owner.current()],
            )
        return cursor.lastrowid

    def close_dead_runs(self, *, crawl_lock_held: bool = False) -> int:
        """Mark as killed the runs still 'running' whose owning process is gone (``archive.owner``), of any kind.

        A run without an owner was started by a version that did not record one; under the crawl lock
        (``crawl_lock_held``) no other crawl can be alive, so its crawl runs are closed too, as they always were.
        """
        dead = []
        for run_id, who, options in self.conn.execute(
                "SELECT id, owner, options FROM crawl_runs WHERE status = 'running'").fetchall():
            if who:
                if owner.alive(who) is False:
                    dead.append(run_id)
            elif crawl_lock_held and (json.loads(options or "{}") or {}).get("spider"):
                dead.append(run_id)
        if dead:
            with self.batch():
                self.conn.executemany(
                    "UPDATE crawl_runs SET status = 'interrupted', finish_reason = 'killed' WHERE id = ?",
                    [[run_id] for run_id in dead])
        return len(dead)

    def finish_run(
        self,
        run_id: int,
        reason: str = "finished",
        stats: Mapping[str, Any] | None = None,
        counts: Mapping[str, int] | None = None,
        status: str | None = None,
    ) -> None:
        """Close a run. Counts default to the tallies the store kept; status to 'finished' or 'interrupted'."""
        values: dict[str, Any] = {
            "finished_at": utc_now(),
            "finish_reason": reason,
            "status": status or ("finished" if reason == "finished" else "interrupted"),
            "stats": _json_text(dict(stats)) if stats is not None else None,
        }
        for name, value in (counts or {}).items():
            if name in RUN_COUNTS:
                values[name] = int(value)
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        with self.batch():
            self.conn.execute(f"UPDATE crawl_runs SET {assignments} WHERE id = :run_id", {**values, "run_id": run_id})

    def _tally(self, run_id: int | None, column: str) -> None:
        if run_id is not None:
            self.conn.execute(f"UPDATE crawl_runs SET {column} = {column} + 1 WHERE id = ?", [run_id])

    def record_failure(self, run_id: int | None, url_or_path: str, stage: str, reason: str) -> None:
        self._log(run_id, url_or_path, stage, reason, "failed")

    def record_skipped(self, run_id: int | None, url_or_path: str, reason: str) -> None:
        """A page that is not an article (video, list, login…): a ``failures`` row with stage 'skip'."""
        self._log(run_id, url_or_path, SKIP_STAGE, reason, "skipped")

    def _log(self, run_id: int | None, url_or_path: str, stage: str, reason: str, tally: str) -> None:
        with self.batch():
            self.conn.execute(
                "INSERT INTO failures (run_id, url_or_path, stage, reason, at) VALUES (?, ?, ?, ?, ?)",
                [run_id, str(url_or_path), stage, reason, utc_now()],
            )
            self._tally(run_id, tally)

    def run_summary(self, run_id: int | None = None) -> dict[str, Any]:
        """One run (the latest by default) as plain data: status, counts, and the archive's size after it."""
        where, params = ("WHERE id = ?", [run_id]) if run_id is not None else ("", [])
        cursor = self.conn.execute(
            f"""SELECT id AS run_id, status, finish_reason, started_at, finished_at,
                       new, updated, unchanged, failed, skipped
                FROM crawl_runs {where} ORDER BY id DESC LIMIT 1""",
            params,
        )
        found = cursor.fetchone()
        summary = dict(zip([d[0] for d in cursor.description], found)) if found else {"run_id": None}
        summary["articles"] = self.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        summary["db"] = str(self.path)
        return summary

    # Articles

    def upsert_article(
        self,
        record: Mapping[str, Any],
        run_id: int | None,
        fetched_at: str | None = None,
        warc: WarcPointer | Mapping | None = None,
        validators: Mapping[str, str | None] | None = None,
    ) -> str:
        """Store one cleaned record; returns "new", "updated" (a version was kept) or "unchanged".

        ``fetched_at`` is when the response was received (default now); ``warc`` points at the raw response (a
        WarcPointer or its dict); ``validators`` holds ``etag`` and ``last_modified`` (None values keep the stored
        ones on an unchanged page). ``run_id`` None leaves the run columns alone.
        """
        row = normalize(record)
        now = fetched_at or utc_now()
        row["content_hash"] = content_hash(row)
        pointer = self._pointer_columns(warc)
        checks = {name: (validators or {}).get(name) for name in VALIDATOR_COLUMNS}
        with self.batch():
            old = self._current(row["id"])
            if old is None:
                outcome = "new"
                self._insert(row, now, run_id, pointer, checks)
            elif row["mirror_of"] and not old["mirror_of"]:
                # A mirror's copy of an article stored from the portal itself: the original's text, URL and
                # quality are the better evidence, and a mirror's damage must not become a "correction".
                outcome = "unchanged"
            elif old["content_hash"] == row["content_hash"]:
                outcome = "unchanged"
                changes = {field: row[field] for field in DESCRIPTIVE_FIELDS if row[field] != old[field]}
                changes["last_seen"] = max(old["last_seen"] or "", now)
                if run_id is not None:
                    changes["crawl_run_id"] = run_id
                if old["warc_file"] is None and warc is not None:
                    changes.update(pointer)
                changes.update({name: value for name, value in checks.items() if value is not None})
                self._update(row["id"], changes)
            else:
                outcome = "updated"
                self._keep_version(old)
                changes = {field: row[field] for field in (*DESCRIPTIVE_FIELDS, *CONTENT_FIELDS, "content_hash")}
                changes.update(
                    version=old["version"] + 1,
                    fetched_at=now,
                    last_seen=max(old["last_seen"] or "", now),
                    crawl_run_id=run_id if run_id is not None else old["crawl_run_id"],
                    **pointer,
                    **checks,
                )
                self._update(row["id"], changes)
            self._tally(run_id, outcome)
        return outcome

    def upsert_article_if_unchanged(self, record: Mapping[str, Any], run_id: int | None, read: Mapping[str, Any],
                                    **kwargs: Any) -> str:
        """``upsert_article``, only if the stored row is still the one ``read`` (a row as read earlier): the same
        version, content and raw record. Otherwise "conflict", and nothing is written.

        Optimistic concurrency for a writer that rewrites rows from what it read (``reprocess``): a crawl that
        committed a newer version in between wins. The check and the write are one transaction, which holds
        SQLite's write lock, so nothing can commit between them.
        """
        with self.batch():
            current = self._current(record["id"])
            if current is None or any(current[name] != read[name] for name in _ROW_IDENTITY):
                return "conflict"
            return self.upsert_article(record, run_id, **kwargs)

    def record_aliases(self, article_id: str, urls: Iterable[str], seen_at: str | None = None) -> None:
        """Remember URLs that redirected to the article: ``crawler.incremental`` then knows them as that article.
        An alias that pointed elsewhere follows its latest redirect; the article's own URL is never its alias."""
        now = seen_at or utc_now()
        rows = [[urls_mod.article_id(url), url, article_id, now] for url in urls
                if urls_mod.article_id(url) != article_id]
        with self.batch():
            self.conn.executemany(
                """INSERT INTO article_aliases (alias_id, url, article_id, first_seen, last_seen)
                   VALUES (?1, ?2, ?3, ?4, ?4)
                   ON CONFLICT (alias_id) DO UPDATE
                   SET article_id = excluded.article_id, last_seen = excluded.last_seen""",
                rows)

    def touch(self, url: str, run_id: int | None, fetched_at: str | None = None) -> str | None:
        """A revisit the server answered 304 Not Modified: move last_seen. "unchanged", or None if unknown."""
        state = self.article_state(url)
        if state is None:
            return None
        changes: dict[str, Any] = {"last_seen": max(state["last_seen"] or "", fetched_at or utc_now())}
        if run_id is not None:
            changes["crawl_run_id"] = run_id
        with self.batch():
            self._update(state["id"], changes)
            self._tally(run_id, "unchanged")
        return "unchanged"

    def upsert_many(self, records: Iterable[Mapping[str, Any]], run_id: int | None, **kwargs: Any) -> Counter:
        """Upsert records in one transaction; returns the count of each outcome."""
        outcomes: Counter = Counter()
        with self.batch():
            for record in records:
                outcomes[self.upsert_article(record, run_id, **kwargs)] += 1
        return outcomes

    def _pointer_columns(self, warc: WarcPointer | Mapping | None) -> dict[str, Any]:
        if warc is None:
            return dict.fromkeys(WARC_COLUMNS)
        if isinstance(warc, Mapping):
            warc = WarcPointer(**{field: warc.get(field) for field in ("file", "offset", "length", "digest")})
        return {
            "warc_file": self.relative_warc(warc.file),
            "warc_offset": warc.offset,
            "warc_length": warc.length,
            "warc_digest": warc.digest,
        }

    def _current(self, article_id: str) -> dict[str, Any] | None:
        cursor = self.conn.execute("SELECT * FROM articles WHERE id = ?", [article_id])
        found = cursor.fetchone()
        return None if found is None else dict(zip([d[0] for d in cursor.description], found))

    def _insert(self, row: dict, now: str, run_id: int | None, pointer: dict, checks: dict) -> None:
        (doc,) = self.conn.execute("SELECT coalesce(max(doc), 0) + 1 FROM articles").fetchone()
        values = {
            **row,
            "doc": doc,
            "version": 1,
            "first_seen": now,
            "last_seen": now,
            "fetched_at": now,
            "crawl_run_id": run_id,
            **pointer,
            **checks,
        }
        columns = ", ".join(values)
        self.conn.execute(
            f"INSERT INTO articles ({columns}) VALUES ({', '.join(':' + c for c in values)})", values
        )

    def _update(self, article_id: str, changes: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column} = :{column}" for column in changes)
        self.conn.execute(f"UPDATE articles SET {assignments} WHERE id = :_id", {**changes, "_id": article_id})

    @functools.cached_property
    def _version_columns(self) -> list[str]:
        """The columns a version copies from its article row (read once: the schema is fixed once open)."""
        return [c for c in self.db["article_versions"].columns_dict if c not in ("article_id", "superseded_at")]

    @functools.cached_property
    def _home(self) -> Path:
        """The archive's folder, absolute: WARC file names under it are stored relative to it."""
        return self.path.resolve().parent

    def _keep_version(self, old: dict[str, Any]) -> None:
        values = {column: old[column] for column in self._version_columns}
        values.update(article_id=old["id"], superseded_at=utc_now())
        self.conn.execute(
            f"INSERT INTO article_versions ({', '.join(values)}) VALUES ({', '.join(':' + c for c in values)})",
            values,
        )

    # Lookups

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        return self._current(article_id)

    def versions(self, article_id: str) -> list[dict[str, Any]]:
        """Earlier versions of an article, oldest first (the current one is in ``articles``)."""
        return list(self.db["article_versions"].rows_where("article_id = ?", [article_id], order_by="version"))

    def article_state(self, url: str) -> dict[str, Any] | None:
        """What the crawler needs to decide on a URL: is it archived, when fetched, with which validators."""
        cursor = self.conn.execute(
            """SELECT id, url, canonical_url, version, published_at, first_seen, last_seen, fetched_at,
                      etag, last_modified, content_hash
               FROM articles WHERE url = ?1 OR canonical_url = ?1 LIMIT 1""",
            [url],
        )
        found = cursor.fetchone()
        return None if found is None else dict(zip([d[0] for d in cursor.description], found))

    # WARC file names are kept relative to the archive's folder when they live under it, so the folder can move.

    def relative_warc(self, file: str | os.PathLike) -> str:
        path = Path(file).resolve()
        try:
            return str(path.relative_to(self._home))
        except ValueError:
            return str(path)

    def warc_pointer(self, row: Mapping[str, Any]) -> WarcPointer | None:
        """The pointer stored on an articles or article_versions row, with the file resolved, or None."""
        if not row.get("warc_file"):
            return None
        path = Path(row["warc_file"])
        if not path.is_absolute():
            path = self._home / path
        return WarcPointer(str(path), row["warc_offset"], row["warc_length"], row["warc_digest"])
