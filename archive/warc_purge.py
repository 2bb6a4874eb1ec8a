"""Rewriting a WARC file without some of its records, for a takedown that must not leave the raw page behind.

WARC files are append-only by design, so removing a record means writing the file again: every other record is
copied byte for byte (gzip members stay as they were, so their digests still hold), the records asked for are left
out with the records that belong to them (a response's request names it in ``WARC-Concurrent-To``; a metadata or
revisit record in ``WARC-Refers-To``), and the new file must pass ``warcio check`` (warcio's own digest checker, the
code behind the command) before it replaces the old one. Offsets of the records after a removed one move: the
mapping returned says where each kept record now starts, for the archive's pointers.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker


class PurgeError(Exception):
    """The rewritten file did not pass ``warcio check``; the original is left untouched."""


@dataclass(frozen=True)
class _Span:
    offset: int
    end: int
    record_id: str | None
    belongs_to: tuple[str, ...]


def _spans(path: Path) -> list[_Span]:
    """Every record's byte span (to the next record's start, so separators go with their record) and links."""
    found = []
    with open(path, "rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            headers = record.rec_headers
            links = tuple(value for name in ("WARC-Concurrent-To", "WARC-Refers-To")
                          if (value := headers.get_header(name)))
            iterator.read_to_end()
            found.append((iterator.get_record_offset(), headers.get_header("WARC-Record-ID"), links))
        size = stream.seek(0, os.SEEK_END)
    ends = [offset for offset, _, _ in found[1:]] + [size]
    return [_Span(offset, end, record_id, links) for (offset, record_id, links), end in zip(found, ends)]


def check(path: str | os.PathLike) -> tuple[bool, str]:
    """Whether a WARC file passes ``warcio check`` (every digest verified), and what the checker said."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        failed = Checker(SimpleNamespace(inputs=[str(path)], verbose=False)).process_all()
    return failed == 0, said.getvalue().strip()


def without(path: str | os.PathLike, offsets: Collection[int]) -> tuple[Path, dict[int, int]]:
    """Write ``path`` minus the records starting at ``offsets`` (and those that belong to them) beside it.

    Returns the new file (``<name>.purge``, checked by ``warcio check``; the caller moves it over the old one when
    its own bookkeeping is ready) and {old offset: new offset} of every kept record. Raises PurgeError, leaving no
    new file, when the result fails the check, and ValueError when an offset is not the start of a record.
    """
    path = Path(path)
    spans = _spans(path)
    starts = {span.offset for span in spans}
    unknown = sorted(set(offsets) - starts)
    if unknown:
        raise ValueError(f"{path}: no record starts at offset(s) {', '.join(map(str, unknown))}")
    dropped_ids = {span.record_id for span in spans if span.offset in offsets and span.record_id}
    moved: dict[int, int] = {}
    target = path.with_name(path.name + ".purge")
    with open(path, "rb") as source, open(target, "wb") as out:
        for span in spans:
            if span.offset in offsets or dropped_ids.intersection(span.belongs_to):
                continue
            moved[span.offset] = out.tell()
            source.seek(span.offset)
            out.write(source.read(span.end - span.offset))
    passed, said = check(target)
    if not passed:
        target.unlink()
        raise PurgeError(f"{path}: the rewritten file fails warcio check: {said}")
    return target, moved
