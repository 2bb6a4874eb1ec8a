"""Rows (dicts) written as a table, JSON, JSON lines, CSV or Parquet: one implementation for every command and export.

JSON lines and CSV stream row by row, Parquet in batches (``archive.parquet``: typed columns, written to the
binary stream under a text one). JSON and the table need every row first (a JSON array; column widths),
so they are for result sets of a screenful, not whole archives. Table widths count East Asian wide characters
as two columns, so Chinese columns line up in a terminal.
"""

from __future__ import annotations

import csv
import itertools
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMATS = ("table", "json", "jsonl", "csv")
"""The formats of every command that prints rows; ``write_rows`` also writes Parquet (``export`` offers it)."""
BINARY_FORMATS = ("parquet",)
MAX_CELL = 60
"""Table cells are cut to this many columns (JSON, JSONL and CSV are never cut)."""


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell(value: Any, limit: int = MAX_CELL) -> str:
    text = "" if value is None else str(value).replace("\n", " ")
    if width(text) <= limit:
        return text
    cut, used = [], 0
    for char in text:
        used += width(char)
        if used > limit - 1:
            break
        cut.append(char)
    return "".join(cut) + "…"


def _pad(text: str, size: int) -> str:
    return text + " " * (size - width(text))


class Rows(list):
    """Rows of a query with the query's column names, which a result of no rows still has: a CSV or table of it
    keeps its header."""

    def __init__(self, rows: Iterable[dict] = (), columns: Sequence[str] = ()):
        super().__init__(rows)
        self.columns = list(columns)


def query_rows(cursor) -> Rows:
    """A sqlite3 cursor's rows as dicts, with its column names."""
    names = [description[0] for description in cursor.description]
    return Rows((dict(zip(names, values)) for values in cursor), names)


TABLE_SAMPLE = 500
"""A table's column widths come from its first this-many rows, so a table of any length streams."""


def write_table(rows: Iterable[dict], out: TextIO, columns: Sequence[str]) -> int:
    iterator = iter(rows)
    sample = [[_cell(row.get(column)) for column in columns] for row in itertools.islice(iterator, TABLE_SAMPLE)]
    sizes = [max([width(column)] + [width(line[i]) for line in sample]) for i, column in enumerate(columns)]
    rest = ([_cell(row.get(column), size) for column, size in zip(columns, sizes)] for row in iterator)
    out.write("  ".join(_pad(column, size) for column, size in zip(columns, sizes)).rstrip() + "\n")
    out.write("  ".join("-" * size for size in sizes) + "\n")
    count = 0
    for line in itertools.chain(sample, rest):
        out.write("  ".join(_pad(text, size) for text, size in zip(line, sizes)).rstrip() + "\n")
        count += 1
    return count


def write_rows(rows: Iterable[dict], out: TextIO, fmt: str = "table", columns: Sequence[str] | None = None) -> int:
    """Write rows in a format, one at a time; returns how many.

    Columns default to those of ``Rows``, else the first row's keys; give them wherever the rows may be none, so
    that a CSV or a table of no rows still has its header.
    """
    if fmt not in FORMATS + BINARY_FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS + BINARY_FORMATS)}")
    if columns is None:
        columns = getattr(rows, "columns", None)
    iterator = iter(rows)
    first = next(iterator, None)
    if columns is None:
        columns = list(first) if first is not None else []
    everything = iter(()) if first is None else itertools.chain([first], iterator)
    if fmt == "table":
        return write_table(everything, out, columns)
    count = 0
    if fmt == "parquet":
        from archive import parquet  # pyarrow is imported only by those who ask for Parquet

        out.flush()
        return parquet.write(everything, getattr(out, "buffer", out), columns)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
    elif fmt == "json":
        out.write("[")
    for row in everything:
        if fmt == "csv":
            writer.writerow([_csv_value(row.get(c)) for c in columns])
        else:
            line = json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False)
            out.write(line + "\n" if fmt == "jsonl" else ("\n  " if count == 0 else ",\n  ") + line)
        count += 1
    if fmt == "json":
        out.write("\n]\n" if count else "]\n")
    return count


def _csv_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
