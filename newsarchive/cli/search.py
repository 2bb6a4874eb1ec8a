"""``newsarchive search``: Chinese full-text search over titles and bodies."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option, since_option, until_option
from newsarchive.cli._output import emit, format_option, open_archive
from archive.browse import count
from archive.search import RANK_WINDOW, RESULT_FIELDS
from archive.search import search as run_search

TABLE_COLUMNS = ("id", "published_at", "title", "source", "snippet")
COLUMNS = (*RESULT_FIELDS, "score", "snippet")
MARK = ("«", "»")


@click.command()
@click.argument("query")
@since_option()
@until_option()
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

    Hits are marked «like this» in the snippet. How many of how many matches were printed goes to stderr, so that
    JSON and CSV on stdout stay clean; `newsarchive show ID` prints one in full.
    """
    with open_archive(db) as archive:
        hits = run_search(archive, query, since=since, until=until, section=section, source=source,
                          limit=limit, mark=MARK, rank_window=None if rank_all else RANK_WINDOW)
        total = count(archive, query, since=since, until=until, section=section, source=source)
    emit(hits, fmt, TABLE_COLUMNS if fmt == "table" else COLUMNS)
    more = f" (--limit {total} for all)" if len(hits) < total else ""
    click.echo(f"{len(hits)} of {total} matches{more}", err=True)


COMMANDS = [search]
