"""``newsarchive demo``: the whole job offline — replica portal, crawl, archive, a search."""

from __future__ import annotations

import json
import time

import click

from archive.cli._common import db_option, db_path
from crawler.runner import run_crawl


@click.command()
@click.option("--articles", default=300, show_default=True, help="Articles on the replica portal.")
@click.option("--seed", default=1, show_default=True, help="Replica generator seed.")
@db_option
@click.option("--query", default="重庆", show_default=True, help="The search shown at the end.")
def demo(articles, seed, db, query):
    """Start the replica on a free loopback port, crawl it completely, and show what the archive holds."""
    from archive.search import search
    from archive.stats import section_counts
    from archive.store import Archive
    from replica.server import serve

    path = db_path(db or "data/demo.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with serve(articles=articles, seed=seed) as base_url:
        click.echo(f"replica portal at {base_url} ({articles} articles)")
        run_crawl(profile="cbg", db=str(path), base_url=base_url,
                  overrides={"LOG_LEVEL": "WARNING", "NEWSARCHIVE_PROGRESS_INTERVAL": 1.0})
    elapsed = time.monotonic() - started
    with Archive(path) as archive:
        summary = archive.run_summary()
        click.echo(f"\ncrawled in {elapsed:.1f} s into {path.resolve()}")
        click.echo(json.dumps(summary, ensure_ascii=False))
        click.echo("\narticles per section:")
        for section, count in section_counts(archive.db):
            click.echo(f"  {count:5d}  {section}")
        click.echo("\nthree example records:")
        for row in archive.db.query("select id, url, title, published_at, source, author, editor, section, "
                                    "substr(body, 1, 80) as body from articles order by published_at desc limit 3"):
            click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        click.echo(f"\nsearch {query!r}:")
        for hit in search(archive.db, query, limit=5):
            click.echo(f"  {hit['published_at']}  {hit['title']}\n      {hit['snippet']}")


COMMANDS = [demo]
