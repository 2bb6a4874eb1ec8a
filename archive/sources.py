"""Inputs for ``clean`` and ``import``: local files, folders, WARC files and JSONL corpora, read safely.

Every input document becomes a ``Source`` with its bytes, or with the reason it cannot be read; nothing here raises
for a bad file, line or record, so one unreadable input never stops a batch. WARC files (ours or other tools') give
one source per response or resource record; JSONL files one per line, each an object with ``url`` and ``html`` or
``text``, so existing corpora enter the same cleaning path as crawled pages.

Everything is read as a stream against the one input cap (``pipelines.input_size.MAX_INPUT_BYTES``): an oversized
file, line or record is a failure after at most that many bytes were held, and the input goes on after it. File
names are kept as the operating system gave them (bytes that are not UTF-8 included) to open the file, and shown
as ``Source.label``, text that any output and the archive can carry.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from archive.warc import WarcReadError, iter_responses
from pipelines.input_size import MAX_INPUT_BYTES

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_CHUNK = 64 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def label(name: str | os.PathLike) -> str:
    """A file name as text: bytes that are not UTF-8 (which Python keeps as surrogate escapes) shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def file_uri(name: str | os.PathLike) -> str:
    """The file URI a local input is archived under: its absolute path, symlinks resolved where they resolve."""
    path = Path(name)
    try:
        path = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        path = Path(os.path.abspath(path))
    return path.as_uri()


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

    @property
    def label(self) -> str:
        return label(self.name)

    def kind(self, requested: str) -> str:
        """The input kind to clean with: what the caller asked for, unless "auto" and the source itself knows
        (a JSONL line says whether it holds html or text)."""
        return self.input_kind if requested == "auto" and self.input_kind else requested


def _cannot_read(name: str, exc: OSError) -> Source:
    return Source(name, error=f"cannot read: {exc.strerror or exc}")


def read_file(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Source:
    """A file's bytes, read as a stream: a pipe or device named on the command line is read as far as the cap."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
                return Source(name, error=f"file too large ({info.st_size} bytes, limit {max_bytes})")
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _cannot_read(name, exc)
    if len(data) > max_bytes:
        return Source(name, error=f"file too large (more than {max_bytes} bytes, limit {max_bytes})")
    if not data:
        return Source(name, error="empty file")
    return Source(name, data=data)


def iter_warc(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Source]:
    try:
        for entry in iter_responses(path, max_bytes):
            name = f"{path}@{entry.pointer.offset}"
            if entry.problem:
                yield Source(name, url=entry.url or None, error=f"bad WARC record: {entry.problem}")
            else:
                yield Source(name, data=entry.body, url=entry.url or None, content_type=entry.content_type,
                             headers=entry.headers, from_warc=True)
    except WarcReadError as exc:
        yield Source(str(path), error=f"unreadable WARC: {exc}")


def _text(value: str) -> str:
    """JSON can spell lone surrogates (``"\\ud800"``), which no UTF-8 output or SQLite can hold: they become U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def _next_line(handle, max_bytes: int) -> tuple[bytes | None, int]:
    """The next line and its length without the newline (b"" at the end of the file); None for the line when it
    is longer than ``max_bytes``. Read in pieces, so an oversized line costs no more memory than the cap."""
    pieces, size = [], 0
    while piece := handle.readline(_CHUNK):
        ended = piece.endswith(b"\n")
        size += len(piece) - ended
        if size <= max_bytes:
            pieces.append(piece)
        else:
            pieces.clear()
        if ended:
            break
    return (None if size > max_bytes else b"".join(pieces)), size


def _jsonl_source(name: str, line: bytes) -> Source:
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
        return Source(name, error=f"not JSON: {reason}")
    if not isinstance(item, dict) or not isinstance(item.get("url"), str):
        return Source(name, error="a JSONL line needs an object with a 'url' string")
    url = _text(item["url"])
    for key, kind in (("html", "html"), ("text", "text")):
        if isinstance(item.get(key), str) and item[key].strip():
            return Source(name, data=_text(item[key]).encode("utf-8"), url=url, input_kind=kind,
                          content_type="text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8")
    return Source(name, url=url, error="a JSONL line needs a non-empty 'html' or 'text'")


def iter_jsonl(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Source]:
    """One source per line, each read against the cap: a longer line is skipped in bounded pieces."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield _cannot_read(str(path), exc)
        return
    with handle:
        number = 0
        while True:
            line, size = _next_line(handle, max_bytes)
            if line == b"":
                return
            number += 1
            name = f"{path}:{number}"
            if line is None:
                yield Source(name, error=f"line too large ({size} bytes, limit {max_bytes})")
            elif line.strip():
                yield _jsonl_source(name, line)


def _walk(folder: Path) -> Iterator[Path | Source]:
    """The regular files under a folder (sorted, hidden ones skipped; symlinked folders are not followed), and a
    failure for each entry that cannot be read: an unreadable folder, a broken or looping symlink, a pipe."""
    problems: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append):
        for error in problems:
            yield _cannot_read(str(error.filename or root), error)
        problems.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file in sorted(files):
            if file.startswith("."):
                continue
            path = Path(root) / file
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                yield _cannot_read(str(path), exc)
                continue
            yield path if stat.S_ISREG(mode) else Source(str(path), error="not a regular file")
    for error in problems:
        yield _cannot_read(str(error.filename or folder), error)


def iter_paths(paths: list[str]) -> Iterator[Path | Source]:
    """Files named, and the files inside folders named; paths that cannot be read as errors."""
    for raw in paths:
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            yield _cannot_read(raw, exc) if os.path.lexists(raw) else Source(raw, error="no such file or directory")
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path)
        else:
            yield path


def _read(path: Path, max_bytes: int) -> Iterator[Source]:
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        yield from iter_warc(path, max_bytes)
    elif name.endswith(JSONL_SUFFIXES):
        yield from iter_jsonl(path, max_bytes)
    else:
        yield read_file(path, max_bytes)


def iter_sources(paths: list[str], max_bytes: int = MAX_INPUT_BYTES) -> Iterator[Source]:
    """Every document in the paths, each file giving at least one source (a failure when it holds none)."""
    for item in iter_paths(paths):
        if isinstance(item, Source):
            yield item
            continue
        found = False
        try:
            for source in _read(item, max_bytes):
                found = True
                yield source
        except Exception as exc:  # noqa: BLE001 - a reader's bug must cost one input, not the batch
            yield Source(str(item), error=f"cannot read: {type(exc).__name__}: {exc}")
            continue
        if not found:
            yield Source(str(item), error="no documents in it (an empty file, or records that hold none)")
