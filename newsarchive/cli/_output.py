"""The output side shared by every command that prints rows: one ``--format`` option, one writer.

The formats are those of ``archive.rows`` (table, json, jsonl, csv, parquet), as in sqlite-utils, where every command that
prints rows offers the same choices.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import click

from newsarchive.cli._common import db_path
from archive.rows import BINARY_FORMATS, FORMATS, write_rows
from archive.store import Archive


def format_option(default: str = "table", choices: Sequence[str] = FORMATS + BINARY_FORMATS):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


def emit(rows: Iterable[dict], fmt: str, columns: Sequence[str] | None = None) -> int:
    """Write rows to stdout in the chosen format; returns how many."""
    if fmt == "parquet" and sys.stdout.isatty():
        raise click.UsageError("parquet is binary: redirect the output to a file (> rows.parquet)")
    return write_rows(rows, sys.stdout, fmt, columns)


def open_archive(db: str | None):
    """The archive named by --db / $NEWSARCHIVE_DB, which must exist: reading commands never create one."""
    path = db_path(db)
    if not path.is_file():
        raise click.ClickException(f"no archive at {path} (give --db or set NEWSARCHIVE_DB)")
    return Archive(path)
