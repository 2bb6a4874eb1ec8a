"""Inputs for ``clean`` and ``import``: local files and folders, read safely.

Every input becomes a ``Source`` with its bytes, or with the reason it cannot be read; nothing here raises for a
bad file, so one unreadable input never stops a batch.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Real news pages are well under a megabyte; anything this large is a dump, an archive or junk.
MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass
class Source:
    name: str
    data: bytes | None = None
    url: str | None = None
    content_type: str | None = None
    error: str | None = None


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
        yield item if isinstance(item, Source) else read_file(item, max_bytes)
