"""``newsarchive export``: every article (or a window of them) as JSON lines, CSV or Parquet, streamed."""

from __future__ import annotations

import sys

import click

from newsarchive.cli._common import db_option
from newsarchive.cli._output import open_archive
from archive.export import FORMATS, PARTITIONS
from archive.export import export as run_export


def _fields(ctx, param, value):
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


@click.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("--since", help="Published on or after this date (YYYY-MM-DD) or time.")
@click.option("--until", help="Published on or before this date (the whole day) or time.")
@click.option("--fields", callback=_fields, help="Comma-separated columns (default: the record and its history).")
@click.option("--partition", type=click.Choice(PARTITIONS),
              help="Parquet only: a folder (--output) with one file per month of publication.")
@click.option("--output", "-o", default="-", help="File to write (default: stdout); the folder with --partition.")
@db_option
def export(fmt, since, until, fields, partition, output, db):
    """Write articles published in a window, oldest first, with constant memory."""
    if partition and fmt != "parquet":
        raise click.UsageError("--partition needs --format parquet")
    if partition and output == "-":
        raise click.UsageError("--partition writes a folder: give it with --output DIR")
    if fmt == "parquet" and output == "-" and sys.stdout.isatty():
        raise click.UsageError("parquet is binary: give --output FILE or redirect the output")
    with open_archive(db) as archive:
        try:
            if partition:
                count = run_export(archive, output, fmt, since=since, until=until, fields=fields, partition=partition)
            else:
                with click.open_file(output, "w", encoding="utf-8") as out:
                    count = run_export(archive, out, fmt, since=since, until=until, fields=fields)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    click.echo(f"{count} articles", err=True)


COMMANDS = [export]
