"""``newsarchive demo``: the whole job offline — replica portal, crawl, archive, a search."""

from __future__ import annotations

import json
import time

import click

from newsarchive.cli._common import db_path, db_option
from newsarchive.cli._output import emit
from archive.search import search
from archive.stats import failures_by_reason, per_section, repairs_by_kind, skipped_by_reason
from archive.store import Archive
from crawler.runner import run_crawl
from replica.server import serve

DECODING = """SELECT json_extract(quality, '$.encoding.encoding') AS encoding,
                     json_extract(quality, '$.encoding.source') AS label_from,
                     count(json_extract(quality, '$.encoding.rejected')) AS label_rejected, count(*) AS articles
              FROM articles GROUP BY 1, 2 ORDER BY articles DESC"""
EXAMPLE_FIELDS = "id, url, title, published_at, source, author, editor, section, substr(body, 1, 60) || '…' AS body"


@click.command()
@click.option("--articles", default=300, show_default=True, type=click.IntRange(min=1), help="Articles on the replica.")
@click.option("--seed", default=1, show_default=True, help="Replica generator seed.")
@db_option
@click.option("--query", default="重庆", show_default=True, help="The search shown at the end.")
def demo(articles, seed, db, query):
    """Start the replica on a free loopback port, crawl it completely, and show what the archive holds."""
    path = db_path(db or "data/demo.db")
    started = time.monotonic()
    with serve(articles=articles, seed=seed, faults=True) as base_url:
        click.echo(f"replica portal at {base_url} ({articles} articles); crawling…")
        run_crawl(profile="cbg", db=str(path), base_url=base_url,
                  overrides={"LOG_LEVEL": "WARNING", "NEWSARCHIVE_PROGRESS_INTERVAL": 1.0})
    elapsed = time.monotonic() - started
    with Archive(path) as archive:
        run = archive.run_summary()
        click.echo(f"\ncrawl run {run['run_id']} {run['status']} in {elapsed:.1f} s: {run['new']} new, "
                   f"{run['updated']} updated, {run['unchanged']} unchanged, {run['skipped']} skipped, "
                   f"{run['failed']} failed")
        click.echo(f"archive: {path.resolve()} ({run['articles']} articles; raw pages in {archive.warc_dir}/)")
        click.echo("\narticles per section:")
        emit(per_section(archive.db), "table")
        click.echo("\nfailures:")
        emit(failures_by_reason(archive.db), "table")
        click.echo("\nnon-articles (skipped):")
        emit(skipped_by_reason(archive.db), "table")
        click.echo("\nhow pages were decoded:")
        emit(archive.db.query(DECODING), "table")
        repairs = repairs_by_kind(archive.db)
        if repairs:
            click.echo("\ntext repairs made:")
            emit(repairs, "table")
        click.echo("\nthree example records:")
        for row in archive.db.query(f"SELECT {EXAMPLE_FIELDS} FROM articles ORDER BY published_at DESC LIMIT 3"):
            click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        click.echo(f"\nnewsarchive search {query!r} --db {path}:")
        for hit in search(archive.db, query, limit=5):
            click.echo(f"  {hit['published_at'][:16]}  {hit['title']}\n      {hit['snippet']}")


COMMANDS = [demo]
