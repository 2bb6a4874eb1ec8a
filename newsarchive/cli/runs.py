"""``newsarchive runs``: the crawl, import and reprocess runs, newest first."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import emit, format_option, open_archive
from archive.stats import latest_runs


@click.command()
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@format_option()
@db_option
def runs(limit, fmt, db):
    """List runs with their status and counts (new, updated, unchanged, failed, skipped)."""
    with open_archive(db) as archive:
        rows = latest_runs(archive, limit)
    emit(rows, fmt)


COMMANDS = [runs]
