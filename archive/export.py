"""Export articles as JSON lines, JSON, CSV, a table or Parquet, streaming: rows go from a cursor to the output as they come.

Memory stays flat whatever the archive's size, so a million articles export like ten (Parquet holds one batch of
rows at a time). ``images`` and ``quality`` come out as JSON values in JSONL and as JSON text in CSV cells and
Parquet columns (as stored); Parquet's columns are typed (``archive.parquet``), and ``partition="month"`` writes a
folder of one Parquet file per month of publication.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TextIO

from archive.rows import BINARY_FORMATS, write_rows
from archive.rows import FORMATS as ROW_FORMATS
from archive.search import connection, where_window
from archive.store import RECORD_FIELDS

DEFAULT_FIELDS = (*RECORD_FIELDS, "version", "content_hash", "first_seen", "last_seen", "fetched_at")
JSON_FIELDS = ("images", "quality")
FORMATS = ROW_FORMATS + BINARY_FORMATS
PARTITIONS = ("month",)


def article_columns(db: Any) -> list[str]:
    return [row[1] for row in connection(db).execute("PRAGMA table_info(articles)")]


def check_fields(db: Any, fields: Sequence[str] | None) -> list[str]:
    """The fields to export, in order; raises ValueError naming any that the articles table lacks."""
    chosen = list(fields or DEFAULT_FIELDS)
    known = set(article_columns(db))
    unknown = [field for field in chosen if field not in known]
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(unknown)}")
    return chosen


def iter_articles(
    db: Any, since: str | None = None, until: str | None = None, fields: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Articles published in the window, oldest first, as dicts of the chosen fields, one at a time.

    The fields are checked at once (a ValueError before anything is read), not when iteration starts.
    """
    return _select(db, since, until, check_fields(db, fields))


def _select(db: Any, since: str | None, until: str | None, chosen: list[str]) -> Iterator[dict[str, Any]]:
    where, params = where_window(since, until)
    columns = ", ".join(f'"{field}"' for field in chosen)
    cursor = connection(db).execute(f"SELECT {columns} FROM articles {where} ORDER BY published_at, id", params)
    for values in cursor:
        yield dict(zip(chosen, values))


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for field in JSON_FIELDS:
        if isinstance(row.get(field), str):
            try:
                row[field] = json.loads(row[field])
            except ValueError:
                pass
    return row


def export(
    db: Any,
    out: TextIO,
    fmt: str = "jsonl",
    since: str | None = None,
    until: str | None = None,
    fields: Sequence[str] | None = None,
    track: Callable[[Iterator[dict]], Iterable[dict]] | None = None,
    partition: str | None = None,
) -> int:
    """Write the articles to ``out`` in ``fmt`` (one of ``FORMATS``); returns how many were written.

    ``out`` is a text stream (Parquet goes to the binary stream under it, or give a binary one); with ``partition``
    ("month", Parquet only) it is the folder to write (see ``archive.parquet.write_partitioned``). ``track`` wraps
    the rows as they stream (the CLI's progress bar).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if partition is not None and (partition not in PARTITIONS or fmt != "parquet"):
        raise ValueError(f"partition must be one of {', '.join(PARTITIONS)}, with the parquet format")
    chosen = check_fields(db, fields)
    rows = _select(db, since, until, chosen)
    if track:
        rows = track(rows)
    if partition is not None:
        from archive.parquet import write_partitioned

        if "published_at" not in chosen:
            raise ValueError("a partition by month needs the published_at field")
        return write_partitioned(rows, out, chosen)
    if fmt in ("jsonl", "json"):
        rows = map(_decoded, rows)
    return write_rows(rows, out, fmt, chosen)
