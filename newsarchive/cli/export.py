"""``newsarchive export``: every article (or a window of them) as JSON lines or CSV, streamed."""

from __future__ import annotations

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import open_archive
from archive.export import export as run_export


def _fields(ctx, param, value):
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--since", help="Published on or after this date (YYYY-MM-DD) or time.")
@click.option("--until", help="Published on or before this date (the whole day) or time.")
@click.option("--fields", callback=_fields, help="Comma-separated columns (default: the record and its history).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: stdout).")
@db_option
def export(fmt, since, until, fields, output, db):
    """Write articles published in a window, oldest first, with constant memory."""
    with open_archive(db) as archive:
        try:
            count = run_export(archive, output, fmt, since=since, until=until, fields=fields)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    click.echo(f"{count} articles", err=True)


COMMANDS = [export]
