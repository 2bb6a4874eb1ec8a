"""``newsarchive search``: Chinese full-text search over titles and bodies."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import emit, format_option, open_archive
from archive.search import RANK_WINDOW
from archive.search import search as run_search

TABLE_COLUMNS = ("published_at", "title", "source", "snippet")
MARK = ("«", "»")


@click.command()
@click.argument("query")
@click.option("--since", help="Published on or after this date (YYYY-MM-DD) or time.")
@click.option("--until", help="Published on or before this date (the whole day) or time.")
@click.option("--section", help="Only sections containing this text (e.g. 重庆新闻).")
@click.option("--source", help="Only sources containing this text (e.g. 重庆日报).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1), help="At most this many hits.")
@click.option("--rank-all", is_flag=True,
              help=f"Rank every match by bm25 (default: among the {RANK_WINDOW:,} most recently archived matches, "
                   "or all of them when --limit is larger).")
@format_option()
@db_option
def search(query, since, until, section, source, limit, rank_all, fmt, db):
    """Articles whose title or body contains QUERY (a literal substring; ASCII case ignored), best first.

    Hits are marked «like this» in the snippet.
    """
    with open_archive(db) as archive:
        hits = run_search(archive, query, since=since, until=until, section=section, source=source,
                          limit=limit, mark=MARK, rank_window=None if rank_all else RANK_WINDOW)
    emit(hits, fmt, TABLE_COLUMNS if fmt == "table" else None)


COMMANDS = [search]
