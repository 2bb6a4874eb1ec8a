"""The one archive writer of a distributed crawl: drain the workers' envelopes from Redis into SQLite.

Workers anywhere push JSON envelopes (``pipelines.envelope``) onto ``<prefix>:envelopes``; SQLite takes one writer,
so this process alone stores them, through ``archive.ingest.ingest``, the path a local crawl takes, and so with the
same upsert, versioning and search indexing.

Nothing is lost or stored twice, whenever the writer is stopped or killed:

- Each batch is *moved* (LMOVE) to ``<prefix>:envelopes:processing`` rather than popped, stored in one SQLite
  transaction, and only then deleted from Redis. A writer killed mid-batch leaves the batch in the processing list.
- The same transaction records a digest of the batch in this writer's ``crawl_runs`` row. A restarted writer finds
  the processing list; if its digest is the last one committed, the crash came between commit and acknowledgement
  and the batch is only acknowledged, else it is stored. Articles are idempotent upserts anyway, but failure rows
  are a log and would otherwise repeat.
- A lock key (``<prefix>:writer``, refreshed while the writer lives, expiring when it dies) keeps a second writer
  off the same lists; it exits at once with ``WriterBusy``.

A record that is not JSON, or lacks fields, becomes a row in ``failures`` with the reason, and the writer goes on.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis

from archive.ingest import ingest
from archive.store import Archive

DEFAULT_PREFIX = "newsarchive"
DEFAULT_BATCH = 100
LOCK_TTL_S = 30

# Refresh the lock only if it is still ours: a writer that stalled past the TTL must not take it back.
_REFRESH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def envelope_key(prefix: str = DEFAULT_PREFIX) -> str:
    """The list workers push envelopes onto (shared with ``crawler.distributed``)."""
    return f"{prefix}:envelopes"


class WriterBusy(RuntimeError):
    """Another writer holds the lock for these lists."""


def redacted(url: str) -> str:
    """A Redis URL without its password, fit for logs and the run record."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def batch_digest(items: list[bytes]) -> str:
    """Order-free, so the digest of a batch equals that of the processing list it left behind."""
    sha = hashlib.sha256()
    for item in sorted(items):
        sha.update(hashlib.sha256(item).digest())
    return sha.hexdigest()


class Writer:
    """Drain ``<prefix>:envelopes`` into the archive at ``db`` in batches, until stopped or idle.

    ``idle_exit`` (seconds) ends the run once the list has been empty that long; None runs until ``stop()``.
    """

    def __init__(self, db, redis_url: str, *, prefix: str = DEFAULT_PREFIX, batch: int = DEFAULT_BATCH,
                 idle_exit: float | None = None, block: float = 1.0, lock_ttl: int = LOCK_TTL_S):
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.db, self.redis_url, self.prefix = db, redis_url, prefix
        self.batch, self.idle_exit, self.block, self.lock_ttl = batch, idle_exit, block, lock_ttl
        self.server = redis.Redis.from_url(redis_url)
        self.source = envelope_key(prefix)
        self.processing = self.source + ":processing"
        self.lock = f"{prefix}:writer"
        self.token = secrets.token_hex(8)
        self.counts: Counter = Counter()
        self.batches = 0
        self.last_batch: str | None = None
        self.stop_reason: str | None = None
        self.archive: Archive | None = None
        self.run_id: int | None = None

    def stop(self, reason: str = "stopped") -> None:
        """Ask the writer to finish its batch and return (safe to call from a signal handler)."""
        self.stop_reason = self.stop_reason or reason

    # -- the loop --------------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Store envelopes until stopped or idle; returns the run's summary. Raises WriterBusy, redis errors."""
        self._acquire()
        started = time.monotonic()
        try:
            self.archive = Archive(self.db)
            self.run_id = self.archive.start_run({"writer": self.prefix, "redis": redacted(self.redis_url),
                                                  "source": self.source, "batch": self.batch})
            reason = "error"
            try:
                self._recover()
                reason = self._drain()
            finally:
                self.archive.finish_run(self.run_id, reason, self._stats(),
                                        status="interrupted" if reason in ("error", "lost lock") else "finished")
                self.archive.close()
        finally:
            self.server.eval(_RELEASE, 1, self.lock, self.token)
        return {"run_id": self.run_id, "reason": reason, "batches": self.batches, **self.counts,
                "seconds": round(time.monotonic() - started, 1)}

    def _drain(self) -> str:
        idle_since = time.monotonic()
        while self.stop_reason is None:
            if not self.server.eval(_REFRESH, 1, self.lock, self.token, self.lock_ttl):
                return "lost lock"
            items = self._take()
            if items:
                self._store(items)
                idle_since = time.monotonic()
            elif self.idle_exit is not None and time.monotonic() - idle_since >= self.idle_exit:
                return "idle"
        return self.stop_reason

    def _take(self) -> list[bytes]:
        first = self.server.blmove(self.source, self.processing, self.block, src="RIGHT", dest="LEFT")
        if first is None:
            return []
        pipe = self.server.pipeline(transaction=False)
        for _ in range(self.batch - 1):
            pipe.lmove(self.source, self.processing, src="RIGHT", dest="LEFT")
        return [first, *(item for item in pipe.execute() if item is not None)]

    def _recover(self) -> None:
        """Finish the batch a killed writer left in the processing list."""
        items = self.server.lrange(self.processing, 0, -1)
        if not items:
            return
        if batch_digest(items) == self._committed_digest():
            self.server.delete(self.processing)
            self.counts["recovered_committed"] += len(items)
        else:
            self.counts["recovered"] += len(items)
            self._store(items)

    def _store(self, items: list[bytes]) -> None:
        digest = batch_digest(items)
        with self.archive.batch():
            for item in items:
                self.counts[self._ingest_one(item)] += 1
            self.batches += 1
            self.last_batch = digest
            self.archive.conn.execute("UPDATE crawl_runs SET stats = ? WHERE id = ?",
                                      [json.dumps(self._stats()), self.run_id])
        # Acknowledge only after the commit: a crash before this line replays the batch, see _recover.
        self.server.delete(self.processing)

    def _ingest_one(self, item: bytes) -> str:
        try:
            envelope = json.loads(item)
        except ValueError as exc:  # includes UnicodeDecodeError
            self.archive.record_failure(self.run_id, f"redis:{self.source}", "writer",
                                        f"record is not JSON ({exc}): {item[:120]!r}")
            return "failed"
        # ingest turns bad records into failures; a database error propagates and aborts the batch, which stays in
        # Redis for the next try.
        return ingest(self.archive, envelope, self.run_id)

    def _stats(self) -> dict[str, Any]:
        return {"writer": self.prefix, "batches": self.batches, "last_batch": self.last_batch,
                "counts": dict(self.counts)}

    def _committed_digest(self) -> str | None:
        row = self.archive.conn.execute(
            "SELECT stats FROM crawl_runs WHERE json_extract(options, '$.writer') = ? AND id < ? AND stats IS NOT NULL"
            " ORDER BY id DESC LIMIT 1", [self.prefix, self.run_id]).fetchone()
        try:
            return json.loads(row[0]).get("last_batch") if row else None
        except (ValueError, AttributeError):
            return None

    def _acquire(self) -> None:
        if not self.server.set(self.lock, self.token, nx=True, ex=self.lock_ttl):
            ttl = self.server.ttl(self.lock)
            raise WriterBusy(f"another writer holds {self.lock} (if it died, the lock expires in {ttl} s)")
