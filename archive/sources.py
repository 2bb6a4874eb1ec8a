"""Inputs for ``clean`` and ``import``: local files, folders, WARC files and JSONL corpora, read safely.

Every input document becomes a ``Source`` with its bytes, or with the reason it cannot be read; nothing here raises
for a bad file or line, so one unreadable input never stops a batch. WARC files (ours or other tools') give one
source per response or resource record; JSONL files one per line, each an object with ``url`` and ``html`` or
``text``, so existing corpora enter the same cleaning path as crawled pages.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from archive.warc import WarcReadError, iter_responses

# Real news pages are well under a megabyte; anything this large is a dump, an archive or junk.
MAX_INPUT_BYTES = 20 * 1024 * 1024
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass
class Source:
    name: str
    data: bytes | None = None
    url: str | None = None
    content_type: str | None = None
    input_kind: str | None = None
    headers: dict = field(default_factory=dict)
    error: str | None = None
    from_warc: bool = False

    def kind(self, requested: str) -> str:
        """The input kind to clean with: what the caller asked for, unless "auto" and the source itself knows
        (a JSONL line says whether it holds html or text)."""
        return self.input_kind if requested == "auto" and self.input_kind else requested


def read_file(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Source:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Source(name, error=f"file too large: {size / 1e6:.1f} MB (limit {max_bytes / 1e6:.0f} MB)")
        if size == 0:
            return Source(name, error="empty file")
        return Source(name, data=path.read_bytes())
    except OSError as exc:
        return Source(name, error=f"cannot read: {exc.strerror or exc}")


def iter_warc(path: Path) -> Iterator[Source]:
    try:
        for entry in iter_responses(path):
            yield Source(f"{path}@{entry.pointer.offset}", data=entry.body, url=entry.url or None,
                         content_type=entry.content_type, headers=entry.headers, from_warc=True)
    except WarcReadError as exc:
        yield Source(str(path), error=f"unreadable WARC: {exc}")


def iter_jsonl(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Source]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Source(str(path), error=f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        for number, line in enumerate(handle, 1):
            name = f"{path}:{number}"
            if not line.strip():
                continue
            if len(line) > max_bytes:
                yield Source(name, error=f"line too large: {len(line) / 1e6:.1f} MB")
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                yield Source(name, error=f"not JSON: {exc}")
                continue
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                yield Source(name, error="a JSONL line needs an object with a 'url' string")
                continue
            for key, kind in (("html", "html"), ("text", "text")):
                if isinstance(item.get(key), str) and item[key].strip():
                    yield Source(name, data=item[key].encode("utf-8"), url=item["url"], input_kind=kind,
                                 content_type="text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8")
                    break
            else:
                yield Source(name, url=item["url"], error="a JSONL line needs a non-empty 'html' or 'text'")


def iter_paths(paths: list[str]) -> Iterator[Path | Source]:
    """Files named, and the files inside folders named (sorted, hidden ones skipped); missing paths as errors."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(files):
                    if not file.startswith("."):
                        yield Path(root) / file
        elif path.exists():
            yield path
        else:
            yield Source(raw, error="no such file or directory")


def iter_sources(paths: list[str], max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Source]:
    for item in iter_paths(paths):
        if isinstance(item, Source):
            yield item
        elif item.name.lower().endswith(WARC_SUFFIXES):
            yield from iter_warc(item)
        elif item.name.lower().endswith(JSONL_SUFFIXES):
            yield from iter_jsonl(item, max_bytes)
        else:
            yield read_file(item, max_bytes)
