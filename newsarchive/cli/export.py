"""``newsarchive export``: every article (or a window of them) as JSON lines, JSON, CSV, a table or Parquet, streamed."""

from __future__ import annotations

import sys

import click

from newsarchive.cli._common import db_option, since_option, until_option
from newsarchive.cli._progress import progress
from newsarchive.cli._output import format_option, open_archive
from archive.export import FORMATS, PARTITIONS
from archive.export import export as run_export


def _fields(ctx, param, value):
    return [name.strip() for name in value.split(",") if name.strip()] if value else None


@click.command()
@format_option(default="jsonl", choices=FORMATS)
@since_option()
@until_option()
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
            track = lambda rows: progress(rows, "export", unit="article")  # noqa: E731
            if partition:
                count = run_export(archive, output, fmt, since=since, until=until, fields=fields, partition=partition,
                                   track=track)
            else:
                with click.open_file(output, "w", encoding="utf-8") as out:
                    count = run_export(archive, out, fmt, since=since, until=until, fields=fields, track=track)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    click.echo(f"{count} articles", err=True)


COMMANDS = [export]
