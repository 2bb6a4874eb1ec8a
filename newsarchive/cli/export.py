"""``newsarchive export``: every article (or a window of them) as JSON lines, JSON, CSV or a table, streamed."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option, since_option, until_option
from newsarchive.cli._progress import progress
from newsarchive.cli._output import format_option, open_archive
from archive.export import export as run_export


def _fields(ctx, param, value):
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


@click.command()
@format_option(default="jsonl")
@since_option()
@until_option()
@click.option("--fields", callback=_fields, help="Comma-separated columns (default: the record and its history).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: stdout).")
@db_option
def export(fmt, since, until, fields, output, db):
    """Write articles published in a window, oldest first, with constant memory."""
    with open_archive(db) as archive:
        try:
            count = run_export(archive, output, fmt, since=since, until=until, fields=fields,
                               track=lambda rows: progress(rows, "export", unit="article"))
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    click.echo(f"{count} articles", err=True)


COMMANDS = [export]
