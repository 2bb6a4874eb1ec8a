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

FORMATS = ("table", "json", "jsonl", "csv", "parquet")
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


def write_table(rows: Sequence[dict], out: TextIO, columns: Sequence[str]) -> None:
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    sizes = [max([width(column)] + [width(line[i]) for line in cells]) for i, column in enumerate(columns)]
    out.write("  ".join(_pad(column, size) for column, size in zip(columns, sizes)).rstrip() + "\n")
    out.write("  ".join("-" * size for size in sizes) + "\n")
    for line in cells:
        out.write("  ".join(_pad(text, size) for text, size in zip(line, sizes)).rstrip() + "\n")


def write_rows(rows: Iterable[dict], out: TextIO, fmt: str = "table", columns: Sequence[str] | None = None) -> int:
    """Write rows in a format; columns default to the first row's keys. Returns the number of rows written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    iterator = iter(rows)
    first = next(iterator, None)
    if columns is None:
        columns = list(first) if first is not None else []
    everything = iter(()) if first is None else itertools.chain([first], iterator)
    count = 0
    if fmt == "parquet":
        from archive import parquet  # pyarrow is imported only by those who ask for Parquet

        out.flush()
        return parquet.write(everything, getattr(out, "buffer", out), columns)
    if fmt == "jsonl":
        for row in everything:
            out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in everything:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
            count += 1
    else:
        buffered = list(everything)
        count = len(buffered)
        if fmt == "json":
            json.dump([{c: row.get(c) for c in columns} for row in buffered], out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            write_table(buffered, out, columns)
    return count


def _csv_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
