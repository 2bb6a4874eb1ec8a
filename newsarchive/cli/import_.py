"""``newsarchive import``: local pages, texts, folders, WARC files and JSONL corpora into the archive.

Each input is kept raw in the archive's WARC files first (a ``resource`` record for a local file or JSONL line, a
``response`` record for a response read from another tool's WARC), then cleaned by the same path as a crawled page.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
import time
from dataclasses import asdict

import click

from newsarchive.cli._common import db_option, db_path, jobs_option
from newsarchive.cli._progress import progress
from archive.ingest import ingest
from archive.sources import Source, file_uri, iter_sources, label
from archive.store import Archive
from archive.warc import WarcWriter
from pipelines import envelope
from pipelines.clean import Outcome
from pipelines.cleaner_pool import CleanerPool


def _capture(writer: WarcWriter, source: Source, url: str) -> dict:
    """Keep the raw input. Only HTTP URLs get a response record: WARC tools read others' blocks as plain payload."""
    if source.from_warc and url.startswith(("http://", "https://")):
        pointer = writer.write_response(url, 200, source.headers, source.data)
    else:
        pointer = writer.write_resource(url, source.data, source.content_type)
    return asdict(pointer)


def _job(source: Source, input_kind: str) -> tuple[bytes, dict] | None:
    """What the cleaner gets for a source (None for one that could not be read: nothing to clean)."""
    if source.error:
        return None
    return source.data, {"url": source.url or file_uri(source.name), "content_type": source.content_type,
                         "input_kind": source.kind(input_kind)}


def _envelope(writer: WarcWriter, source: Source, outcome: Outcome | None) -> dict:
    url = source.url or file_uri(source.name)
    if outcome is None:
        return envelope.failure(url, "read", source.error)
    try:
        return envelope.from_outcome(outcome, url=url, warc=_capture(writer, source, url))
    except Exception as exc:  # noqa: BLE001 - e.g. a URL the WARC writer refuses: this input fails, not the run
        return envelope.failure(url, "import", f"{type(exc).__name__}: {exc}")


COMMIT_EVERY = 100
COMMIT_SECONDS = 1.0
"""An import commits its articles in transactions of up to this many, or this long: a commit per article (and the
fsync of its WARC record before it) cost the single writer more than its SQLite work, and the writer is what two
cores wait on. An interrupted import loses at most the last transaction, whose raw inputs are still where they were."""


def store_sources(archive: Archive, writer: WarcWriter, pool: CleanerPool, sources, run_id: int, input_kind: str):
    """Clean ``sources`` in the pool and store each with its raw record, in input order; yields
    ``(source, result, envelope)`` once each is committed. The one import path: ``import`` and the demo's mirrors.

    The WARC records of a transaction are synced to disk once, before it commits (``deferred_sync`` exits inside
    the ``batch``), so a committed row still never points at bytes only in the page cache."""
    results = pool.ordered(sources, lambda s: _job(s, input_kind))
    exhausted = False
    while not exhausted:
        stored, started, exhausted = [], time.monotonic(), True
        with archive.batch(), writer.deferred_sync():
            for source, outcome in results:
                env = _envelope(writer, source, outcome)
                stored.append((source, ingest(archive, env, run_id), env))
                if len(stored) >= COMMIT_EVERY or time.monotonic() - started >= COMMIT_SECONDS:
                    exhausted = False
                    break
        yield from stored


@click.command(name="import")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--input", "input_kind", type=click.Choice(["auto", "html", "text"]), default="auto", show_default=True)
@jobs_option
def import_(paths, db, input_kind, jobs):
    """Import HTML or text files, folders, WARC files (.warc, .warc.gz) and JSONL (url + html or text per line).

    Inputs are cleaned by --jobs processes at once and stored by this one, in the order they were read, each
    within the per-page time limit. Exits 1 when any input failed; each failure is recorded with its reason.
    """
    path = db_path(db)
    counts: dict[str, int] = {}
    with Archive(path) as archive, WarcWriter(archive.warc_dir) as writer, CleanerPool(jobs) as pool:
        run_id = archive.start_run({"command": "import", "paths": [label(p) for p in paths]})
        try:
            sources = progress(iter_sources(list(paths)), "import", unit="input")
            for source, result, env in store_sources(archive, writer, pool, sources, run_id, input_kind):
                counts[result] = counts.get(result, 0) + 1
                if result == "failed":
                    click.echo(f"newsarchive import: {source.label}: {env.get('reason')}", err=True)
        except BaseException as exc:
            # The archive itself failed (sqlite3.Error), or the user interrupted: the run must not stay 'running'.
            reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"error: {type(exc).__name__}"
            with contextlib.suppress(sqlite3.Error):
                archive.finish_run(run_id, reason)
            raise
        archive.finish_run(run_id)
    click.echo(json.dumps({"db": str(path), **counts}, ensure_ascii=False))
    sys.exit(1 if counts.get("failed") else 0)


COMMANDS = [import_]
