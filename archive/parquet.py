"""Rows written as Parquet (pyarrow), with types an analyst's tool reads without conversion, streamed in batches.

Why Parquet: at a million articles, a columnar file is what pandas, DuckDB, Polars or Spark read fastest and
smallest (compressed per column), and reading ``published_at, section`` never touches the bodies.

Types, for the archive's columns (anything else is inferred by pyarrow from its values):
- ``published_at``: a timestamp with time zone, ``+08:00`` (the portal's local time, as stored; another offset a
  foreign page stated is converted to it); the other times the archive writes (``first_seen``, ``last_seen``,
  ``fetched_at``, ...) are UTC timestamps. A value that is not an ISO time (rare: a page whose date could not be
  read is NULL, not a string) becomes null.
- ``quality`` and ``images``: JSON text, as stored (query them with ``json_extract`` in DuckDB, ``json.loads`` in
  pandas): their keys vary from record to record, which a Parquet struct cannot hold without nulls everywhere.
- integers (``version``, ``doc``, WARC offsets and lengths, counts) as int64, text as UTF-8 strings.

``partition="month"`` writes a folder in Hive layout, ``month=2020-01/part-0.parquet`` (month of the local
``published_at``; ``month=undated`` for articles without one), which pandas (``read_parquet(folder)``)
and DuckDB (``read_parquet('folder/**/*.parquet', hive_partitioning = true)``) read as one table with a ``month``
column, and which a query on some months reads only those files of.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

BATCH_ROWS = 10_000
LOCAL = "+08:00"
_LOCAL_ZONE = timezone(timedelta(hours=8))
LOCAL_TIMES = ("published_at",)
UTC_TIMES = ("first_seen", "last_seen", "fetched_at", "superseded_at", "started_at", "finished_at", "at")
INTEGERS = ("doc", "version", "warc_offset", "warc_length", "crawl_run_id", "run_id", "new", "updated", "unchanged",
            "failed", "skipped", "articles")
TEXTS = ("quality", "images")
UNDATED = "undated"
"""The partition of rows without a date. Not Hive's null partition (``__HIVE_DEFAULT_PARTITION__``): pandas 2.3 with
pyarrow 23 cannot read a dataset whose partition column holds a null ("Cannot yet unify dictionaries with nulls")."""


def _type(column: str) -> pa.DataType | None:
    if column in LOCAL_TIMES:
        return pa.timestamp("us", tz=LOCAL)
    if column in UTC_TIMES:
        return pa.timestamp("us", tz="UTC")
    if column in INTEGERS:
        return pa.int64()
    if column in TEXTS:
        return pa.string()
    return None


def _moment(value: Any) -> datetime | None:
    """An aware datetime for an ISO time (a naive one is the portal's local time), else None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_LOCAL_ZONE)
    return moment.astimezone(timezone.utc)


def _values(column: str, values: list[Any]) -> list[Any]:
    kind = _type(column)
    if kind is not None and pa.types.is_timestamp(kind):
        return [_moment(value) for value in values]
    if column in TEXTS:
        return [value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for value in values]
    return values


def _table(rows: list[dict], columns: Sequence[str], schema: pa.Schema | None) -> pa.Table:
    arrays = []
    for column in columns:
        values = _values(column, [row.get(column) for row in rows])
        kind = schema.field(column).type if schema is not None else _type(column)
        array = pa.array(values, type=kind) if kind is not None else pa.array(values)
        if schema is None and pa.types.is_null(array.type):
            array = array.cast(pa.string())  # a column empty in the first batch: text, the archive's usual kind
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=list(columns))


def _batches(rows: Iterable[dict]) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, BATCH_ROWS)):
        yield batch


def write(rows: Iterable[dict], out: BinaryIO | str | os.PathLike, columns: Sequence[str] | None = None) -> int:
    """Write rows as one Parquet file (a path or a binary stream); columns default to the first row's keys.
    Returns the number of rows written."""
    batches = _batches(rows)
    first = next(batches, [])
    columns = list(columns if columns is not None else (first[0] if first else []))
    table = _table(first, columns, None)
    count = 0
    with pq.ParquetWriter(out, table.schema, compression="zstd") as writer:
        for batch in itertools.chain([first], batches):
            if batch:
                writer.write_table(_table(batch, columns, table.schema))
                count += len(batch)
        if not count:
            writer.write_table(table)
    return count


def month(value: Any) -> str:
    """The partition of a row: the YYYY-MM of its local ``published_at`` (as written), or UNDATED."""
    text = value.isoformat() if isinstance(value, datetime) else value
    if isinstance(text, str) and len(text) >= 7 and text[4] == "-" and text[:4].isdigit() and text[5:7].isdigit():
        return text[:7]
    return UNDATED


def write_partitioned(rows: Iterable[dict], folder: str | os.PathLike, columns: Sequence[str]) -> int:
    """Write rows (ordered by published_at, as export gives them) into ``folder/month=YYYY-MM/part-N.parquet``.
    Returns the number of rows written. The folder may exist; a file already there is never overwritten."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for key, group in itertools.groupby(rows, key=lambda row: month(row.get("published_at"))):
        part = folder / f"month={key}"
        part.mkdir(exist_ok=True)
        serial = next(n for n in itertools.count() if not (part / f"part-{n}.parquet").exists())
        count += write(group, part / f"part-{serial}.parquet", columns)
    return count
