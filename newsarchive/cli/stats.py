"""``newsarchive stats``: what the archive holds, table by table."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option, since_option, until_option
from newsarchive.cli._output import emit, format_option, open_archive
from archive.stats import overview

TABLES = ("sections", "days", "sources", "runs", "failures", "skipped", "repairs")


@click.command()
@since_option('Count articles published')
@until_option('Count articles published')
@click.option("--only", type=click.Choice(TABLES), help="Print one table (needed for csv).")
@format_option()
@db_option
def stats(since, until, only, fmt, db):
    """Articles per section, day and source; latest runs; failures by reason; repaired records by repair kind."""
    import json

    if fmt in ("csv", "parquet") and not only:
        raise click.UsageError(f"{fmt} holds one table: add --only NAME")
    with open_archive(db) as archive:
        tables = overview(archive, since, until)
    if only:
        emit(tables[only], fmt)
    elif fmt == "json":
        click.echo(json.dumps(tables, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for name, rows in tables.items():
            emit(({"table": name, **row} for row in rows), fmt)
    else:
        for name, rows in tables.items():
            click.echo(f"\n{name}" if name != TABLES[0] else name)
            if rows:
                emit(rows, fmt)
            else:
                click.echo("(none)")


COMMANDS = [stats]
