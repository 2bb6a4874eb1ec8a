"""``newsarchive demo``: the whole job offline — replica portal, crawl, a correction crawl, mirrors, a search.

The demo fills the archive the documentation uses (``data/news.db`` unless ``--db``/``$NEWSARCHIVE_DB`` say
otherwise), so that every example in ``docs/analysts.md`` runs against it and finds something: versions (a second
crawl of the replica's next revision, which corrects a few articles), repairs (the replica's encoding faults) and
mirror copies (of articles the crawl did not reach, imported as pages found on the web would be). An archive that holds anything but the demo's own
runs is never touched.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import click

from newsarchive.cli._common import EXIT_TEMPFAIL, db_option, db_path
from newsarchive.cli._output import emit
from archive.search import search
from archive.stats import failures_by_reason, per_section, repairs_by_kind, skipped_by_reason
from archive.store import Archive

DECODING = """SELECT json_extract(quality, '$.encoding.encoding') AS encoding,
                     json_extract(quality, '$.encoding.source') AS label_from,
                     count(json_extract(quality, '$.encoding.rejected')) AS label_rejected, count(*) AS articles
              FROM articles GROUP BY 1, 2 ORDER BY articles DESC"""
EXAMPLE_FIELDS = "id, url, title, published_at, source, author, editor, section, substr(body, 1, 60) || '…' AS body"
MARK = ("«", "»")
DEMO_RUN = "demo"
"""The ``demo`` key every run the demo starts carries in its options: how the demo knows an archive is its own."""


def foreign_runs(path) -> int:
    """How many runs in the archive at ``path`` the demo did not make (0 when there is no archive)."""
    if not path.exists():
        return 0
    with Archive(path) as archive:
        return archive.conn.execute(
            "SELECT count(*) FROM crawl_runs WHERE json_extract(options, '$.demo') IS NOT 1").fetchone()[0]


def _crawl(path, base_url: str, *options: str) -> None:
    """One ``newsarchive crawl`` of the replica, as cron would run it (lock, run row, exit code), in its own process:
    Twisted's reactor runs once per process, and the demo crawls twice."""
    command = [sys.executable, "-m", "newsarchive", "crawl", "--base-url", base_url, "--db", str(path), *options,
               "-s", "LOG_LEVEL=WARNING", "-s", "NEWSARCHIVE_PROGRESS_INTERVAL=1",
               "-s", "NEWSARCHIVE_RUN_OPTIONS=" + json.dumps({DEMO_RUN: 1})]
    result = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if result.returncode in (2, EXIT_TEMPFAIL):  # a usage error, or the archive is locked: nothing was crawled
        raise click.ClickException(f"the crawl exited {result.returncode}: {result.stdout.strip()}")


def _import_mirrors(path, replica) -> int:
    """Import the replica's spam-mirror copies, each under its foreign URL, through ``import``'s own path."""
    from archive.sources import Source
    from archive.warc import WarcWriter
    from newsarchive.cli.import_ import store_sources
    from pipelines.cleaner_pool import CleanerPool, available_cpus
    from replica.site import mirror_pages

    pages = mirror_pages(replica)
    sources = (Source(name=page_path, data=data, url=truth["url"]) for page_path, data, truth in pages)
    with Archive(path) as archive, WarcWriter(archive.warc_dir) as writer, CleanerPool(available_cpus()) as pool:
        run_id = archive.start_run({"command": "import", "paths": ["replica mirrors"], DEMO_RUN: 1})
        for _ in store_sources(archive, writer, pool, sources, run_id, "html"):
            pass
        archive.finish_run(run_id)
    return len(pages)


@click.command()
@click.option("--articles", default=300, show_default=True, type=click.IntRange(min=1), help="Articles on the replica.")
@click.option("--seed", default=1, show_default=True, help="Replica generator seed.")
@db_option
@click.option("--query", default="重庆", show_default=True, help="The search shown at the end.")
def demo(articles, seed, db, query):
    """Start the replica on a free loopback port, crawl it, crawl its corrections, import its mirror copies, and
    show what the archive holds. Fills the docs' archive (default: $NEWSARCHIVE_DB or data/news.db); refuses an
    archive that holds runs of its own."""
    from replica.server import ReplicaServer
    from replica.site import Replica

    path = db_path(db)
    if foreign_runs(path):
        raise click.UsageError(f"{path} holds runs that are not the demo's: give the demo its own --db")
    started = time.monotonic()
    with ReplicaServer(articles=articles, seed=seed, faults=True) as server:
        click.echo(f"replica portal at {server.base_url} ({articles} articles); crawling…")
        _crawl(path, server.base_url)
        first = _summary(path)
        server.use(Replica(articles=articles, seed=seed, faults=True, revision=1))
        click.echo("the replica published corrections; crawling again, revisiting every article…")
        _crawl(path, server.base_url, "--revisit-days", "100000")
        second = _summary(path)
    # Copies of other articles of the portal: a mirror's copy of an article the archive holds leaves it unchanged.
    mirrors = _import_mirrors(path, Replica(articles=max(20, articles // 3), seed=seed + 1, faults=True))
    elapsed = time.monotonic() - started
    with Archive(path) as archive:
        for label, run in (("crawl", first), ("correction crawl", second)):
            click.echo(f"\n{label} run {run['run_id']} {run['status']}: {run['new']} new, {run['updated']} updated, "
                       f"{run['unchanged']} unchanged, {run['skipped']} skipped, {run['failed']} failed")
        click.echo(f"mirror copies imported: {mirrors}")
        click.echo(f"archive: {path.resolve()} ({_articles(archive)} articles, "
                   f"built in {elapsed:.1f} s; raw pages in {archive.warc_dir}/)")
        click.echo("\narticles per section:")
        emit(per_section(archive.db), "table")
        click.echo("\nfailures:")
        emit(failures_by_reason(archive.db), "table", ("stage", "reason", "failures", "last_at"))
        click.echo("\nnon-articles (skipped):")
        emit(skipped_by_reason(archive.db), "table", ("reason", "pages"))
        click.echo("\nhow pages were decoded:")
        emit(archive.db.query(DECODING), "table")
        repairs = repairs_by_kind(archive.db)
        if repairs:
            click.echo("\ntext repairs made:")
            emit(repairs, "table")
        click.echo("\nthree example records:")
        for row in archive.db.query(f"SELECT {EXAMPLE_FIELDS} FROM articles ORDER BY published_at DESC LIMIT 3"):
            click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        click.echo(f"\nnewsarchive search {query!r}" + ("" if db is None else f" --db {path}") + ":")
        for hit in search(archive.db, query, limit=5, mark=MARK):
            click.echo(f"  {hit['id']}  {hit['published_at'][:16]}  {hit['title']}\n      {hit['snippet']}")
        click.echo("\nnext: newsarchive show ID, newsarchive stats, newsarchive serve; docs/analysts.md has more.")


def _summary(path) -> dict:
    with Archive(path) as archive:
        return archive.run_summary()


def _articles(archive) -> int:
    return archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0]


COMMANDS = [demo]
