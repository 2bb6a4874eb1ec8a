"""Raw capture: every response (and its request) as gzip WARC records, so text can be re-cleaned without recrawling.

Files rotate by size and are named with a UTC timestamp, the process id and a random token, and opened with
exclusive create: several crawler processes never share a file, so no locking is needed. Each stored article
version keeps a ``WarcPointer`` (file, offset, length, payload digest) to the response record it was cleaned from.

The reader accepts any WARC, ours or other tools' (response and resource records), for ``import`` and
``reprocess``, and trusts none of it: each record's Content-Length and digests (WARC-Block-Digest,
WARC-Payload-Digest) are checked, a body is read against the one input cap, and after a damaged or lying record the
reader looks for the next record start, so one bad record costs only itself.
"""

from __future__ import annotations

import contextlib
import http
import io
import os
import re
import secrets
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines.input_size import MAX_INPUT_BYTES

DEFAULT_MAX_BYTES = 1_000_000_000
"""Rotate after about 1 GB, the size the WARC guidelines recommend."""

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")
_BUILDER = RecordBuilder(warc_version="1.1")

Headers = Mapping[str, str] | Iterable[tuple[str, str]]

# The body we are handed is already de-chunked and decompressed (Scrapy does both), so headers that describe the
# wire form would make replay tools decode it a second time; they are kept under the name pywb uses for that.
_WIRE_HEADERS = ("content-encoding", "transfer-encoding")


@dataclass(frozen=True)
class WarcPointer:
    """Where one record lives: enough to read it back with a single seek."""

    file: str
    offset: int
    length: int
    digest: str | None


@dataclass(frozen=True)
class WarcEntry:
    url: str
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    pointer: WarcPointer
    problem: str | None = None
    """Why the record cannot be trusted (truncated, wrong length or digest, too large); its body is then empty."""


class WarcReadError(ValueError):
    """A file that is not a readable WARC, or a pointer that does not lead to a record."""


def _pairs(headers: Headers | None) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    pairs = []
    for name, value in items:
        name = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            pairs.append((name, one.decode("latin-1") if isinstance(one, bytes) else str(one)))
    return pairs


def _response_headers(headers: Headers | None, body: bytes) -> list[tuple[str, str]]:
    pairs = []
    for name, value in _pairs(headers):
        lower = name.lower()
        if lower == "content-length":
            continue
        pairs.append((f"X-Archive-Orig-{name}", value) if lower in _WIRE_HEADERS else (name, value))
    pairs.append(("Content-Length", str(len(body))))
    return pairs


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _sync_directory(directory: Path) -> None:
    """Make a new file's directory entry durable (a synced file in an unsynced directory can vanish)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class WarcWriter:
    """Appends records to the current file of a directory, starting a new file past ``max_bytes``.

    With ``fsync`` (the default) every record is on disk when ``write_*`` returns, before the SQLite commit that
    points at it: after a power cut an archived row never points at WARC bytes that were only in the page cache.
    A new file's directory entry is synced too. ``python -m bench crawl`` measures what it costs.
    """

    def __init__(self, directory: str | os.PathLike = "data/warc", max_bytes: int = DEFAULT_MAX_BYTES, *,
                 fsync: bool = True):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.fsync = fsync
        self._token = f"{os.getpid()}-{secrets.token_hex(3)}"
        self._serial = 0
        self._file = None
        self._path: Path | None = None
        self._writer: WARCWriter | None = None
        self._lock = threading.Lock()
        self._deferred = False
        self._unsynced = False

    @contextlib.contextmanager
    def deferred_sync(self):
        """Records written inside are flushed but synced to disk once, on leaving: for a writer that commits many
        of them in one SQLite transaction, which must then commit only after leaving (inner to the transaction's
        ``with``), so that the commit still never points at bytes that are not on disk."""
        self._deferred = True
        try:
            yield self
        finally:
            self._deferred = False
            self.sync()

    def sync(self) -> None:
        """Put what was written since the last sync on disk (nothing to do when every write synced itself)."""
        with self._lock:
            if self._unsynced and self._file is not None and self.fsync:
                os.fsync(self._file.fileno())
            self._unsynced = False

    @property
    def path(self) -> Path | None:
        """The file being written, or None before the first record."""
        return self._path

    def _open(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self._path = self.directory / f"newsarchive-{stamp}-{self._token}-{self._serial:05d}.warc.gz"
        self._file = open(self._path, "xb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = {"software": "newsarchive", "format": "WARC File Format 1.1", "hostname": self._writer.hostname}
        self._writer.write_record(self._writer.create_warcinfo_record(self._path.name, info))
        if self.fsync:
            _sync_directory(self.directory)

    def _ready(self) -> WARCWriter:
        if self._writer is None or self._file.tell() >= self.max_bytes:
            self._open()
        return self._writer

    def _write(self, records: list) -> WarcPointer:
        """Write records back to back; the pointer is to the first."""
        with self._lock:
            writer = self._ready()
            offset = self._file.tell()
            writer.write_record(records[0])
            length = self._file.tell() - offset
            for record in records[1:]:
                writer.write_record(record)
            self._file.flush()
            if self.fsync and self._deferred:
                self._unsynced = True
            elif self.fsync:
                os.fsync(self._file.fileno())
            digest = records[0].rec_headers.get_header("WARC-Payload-Digest")
            return WarcPointer(str(self._path), offset, length, digest)

    def write_response(
        self,
        url: str,
        status: int,
        headers: Headers | None,
        body: bytes,
        request_headers: Headers | None = None,
        method: str = "GET",
    ) -> WarcPointer:
        """Write a response record and the request record that asked for it; return the response's pointer."""
        http_headers = StatusAndHeaders(
            f"{status} {_reason(status)}", _response_headers(headers, body), protocol="HTTP/1.1"
        )
        response = _BUILDER.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http_headers
        )
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_pairs = _pairs(request_headers)
        if not any(name.lower() == "host" for name, _ in request_pairs) and parts.netloc:
            request_pairs.insert(0, ("Host", parts.netloc))
        request = _BUILDER.create_warc_record(
            url,
            "request",
            http_headers=StatusAndHeaders(f"{method} {target} HTTP/1.1", request_pairs, is_http_request=True),
        )
        request.rec_headers.replace_header("WARC-Date", response.rec_headers.get_header("WARC-Date"))
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        return self._write([response, request])

    def write_resource(self, path_or_uri: str | os.PathLike, body: bytes, content_type: str | None) -> WarcPointer:
        """Write an imported local file (or any non-HTTP capture) as a resource record."""
        uri = str(path_or_uri)
        if "://" not in uri:
            uri = Path(uri).resolve().as_uri()
        record = _BUILDER.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(body),
            length=len(body),
            warc_content_type=content_type or "application/octet-stream",
        )
        return self._write([record])

    def close(self) -> None:
        if self._file is not None:
            if self._unsynced and self.fsync:  # a file rotated (or closed) while its syncs were deferred
                os.fsync(self._file.fileno())
            self._file.close()
        self._file = None
        self._writer = None
        self._unsynced = False

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Reading

HEADER_BYTES = 1024 * 1024
"""The most a record's header lines (WARC and HTTP) may take. Real ones take a few kilobytes; warcio reads them line
by line into memory, so a longer block (damage, or a file made to exhaust memory) is refused as damage."""
_CHUNK = 64 * 1024
_SCAN = 1024 * 1024
# Where a record may begin: a gzip member (checked to open with a WARC header) or a WARC header line.
_RECORD_START = re.compile(rb"\x1f\x8b\x08|\nWARC/(?:1\.[01]|0\.1[78])\r?\n")


class _NotingDecompressor:
    """A decompressor that returns at most ``max_length`` bytes a call, and notes damage on its reader instead of
    raising (warcio would print it and carry on). On the first block an error still raises: warcio takes that to
    mean the data is not compressed at all."""

    def __init__(self, inner, reader, max_length: int):
        self._inner = inner
        self._reader = reader
        self._max_length = max_length if hasattr(inner, "unconsumed_tail") else None  # zlib's; brotli has none

    def decompress(self, data: bytes) -> bytes:
        try:
            if self._max_length is None:
                return self._inner.decompress(data)
            return self._inner.decompress(data, self._max_length)
        except Exception as error:  # noqa: BLE001 - zlib.error, or brotli's error for a Content-Encoding
            if self._reader.num_block_read == 0:
                raise
            self._reader.damage = f"damaged compressed data: {error}"
            return b""

    @property
    def unconsumed_tail(self) -> bytes:
        """Input not yet decompressed for want of output room; past the end of the stream zlib leaves a stale copy
        of what follows it (that is ``unused_data``)."""
        return b"" if getattr(self._inner, "eof", True) else self._inner.unconsumed_tail

    def __getattr__(self, name):
        return getattr(self._inner, name)


class _Bounded:
    """A warcio reader whose memory is bounded by its block size whatever the compression ratio.

    warcio decompresses a whole block at once, and a 16 KB block of a gzip bomb is 16 MB. These readers ask for one
    block of output at a time and feed the input left over (zlib's ``unconsumed_tail``) to the next read; damage is
    noted in ``damage`` rather than printed.
    """

    damage: str | None = None

    def _init_decomp(self, decomp_type):
        super()._init_decomp(decomp_type)
        if self.decompressor is not None:
            self.decompressor = _NotingDecompressor(self.decompressor, self, self.block_size)

    def _fillbuff(self, block_size=None):
        tail = self.decompressor.unconsumed_tail if self.decompressor is not None else b""
        if tail and self.empty():
            self._process_read(tail)
        else:
            super()._fillbuff(block_size)

    def rem_length(self):
        tail = self.decompressor.unconsumed_tail if self.decompressor is not None else b""
        return super().rem_length() + len(tail)


class _FileReader(_Bounded, DecompressingBufferedReader):
    """The reader of a (gzip) WARC file, with a byte budget for header lines while it is armed."""

    budget: int | None = None

    def readline(self, length=None):
        if self.budget is None:
            return super().readline(length)
        bound = self.budget + 1 if length is None else min(length, self.budget + 1)
        line = super().readline(bound)
        self.budget -= len(line)
        if self.budget < 0:
            raise ArchiveLoadFailed(f"header lines longer than {HEADER_BYTES} bytes")
        return line


class _ContentReader(_Bounded, BufferedReader):
    pass


class _ChunkedContentReader(_Bounded, ChunkedDataReader):
    pass


_BOUNDED = {BufferedReader: _ContentReader, ChunkedDataReader: _ChunkedContentReader}


def _content(record):
    """The record's payload as served (de-chunked, decompressed), read by a bounded reader."""
    stream = record.content_stream()
    bounded = _BOUNDED.get(type(stream))
    if bounded is not None:
        # The reader warcio chose, nothing read yet, made bounded: its class swapped, its decompressor made anew.
        stream.__class__ = bounded
        stream._init_decomp(stream.decomp_type)
    return stream


class _Records(ArchiveIterator):
    """warcio's iterator with digests checked and its warnings kept (``err_count``) rather than printed."""

    INC_RECORD = ""

    def __init__(self, stream):
        super().__init__(stream, check_digests=True)
        self.reader = _FileReader(self.fh, block_size=self.reader.block_size)

    @contextlib.contextmanager
    def headers(self):
        """Arm the header budget while warcio reads header lines (a record's, or the blank lines after one)."""
        reader = self.reader
        reader.budget = HEADER_BYTES
        try:
            yield
        finally:
            reader.budget = None


def _kind(record) -> str | None:
    """"response" or "resource" for the records that hold a document; None for the rest (request, metadata…)."""
    if record.rec_type == "response":
        if record.http_headers is not None and record.http_headers.protocol.upper().startswith("HTTP"):
            return "response"
    elif record.rec_type == "resource":
        return "resource"
    return None


def _read_capped(stream, max_bytes: int) -> bytes | None:
    """At most ``max_bytes`` from a stream, read in chunks; None when there is more."""
    parts, size = [], 0
    while True:
        chunk = stream.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return None


def _body(record, max_bytes: int) -> tuple[bytes, str | None]:
    """The document a record holds (de-chunked and decompressed as served), or b"" and why it is refused."""
    size = record.payload_length if record.payload_length >= 0 else record.length
    if size > max_bytes:
        return b"", f"record too large ({size} bytes, limit {max_bytes})"
    content = _content(record)
    body = _read_capped(content, max_bytes)
    if body is None:
        return b"", f"record too large (more than {max_bytes} bytes as served, limit {max_bytes})"
    if getattr(content, "damage", None):
        return b"", f"content encoding: {content.damage}"
    return body, None


def _check(records: _Records, record) -> tuple[str | None, bool]:
    """Read a record to its end and judge it: (problem, whether the next record starts where this one says)."""
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    missing = raw.limit if isinstance(raw, LimitReader) else 0
    errors = records.err_count
    with records.headers():
        records.read_to_end()
    if missing:
        return f"truncated: the record ends {missing} bytes before its Content-Length says", False
    if records.reader.damage:
        return records.reader.damage, False
    if records.err_count != errors:
        return "Content-Length is wrong: the record is not followed by its end marker", False
    failed = [problem for problem in record.digest_checker.problems if "failed" in problem]
    return (f"digest mismatch ({'; '.join(failed)})" if failed else None), True


def _read(records: _Records, record, path: Path, max_bytes: int) -> tuple[WarcEntry | None, bool]:
    """The entry for a record (None for records that hold no document and are sound), and whether framing held."""
    if record.format == "arc" and not _SCHEME.match(record.rec_headers.get_header("uri") or ""):
        # warcio reads any text as ARC lines; a real ARC record starts with a URL.
        raise ArchiveLoadFailed("not a WARC or ARC record")
    if record.length is None:
        raise ArchiveLoadFailed(f"a {record.rec_type} record without a Content-Length")
    kind = _kind(record)
    start = records.offset
    body, problem = _body(record, max_bytes) if kind else (b"", None)
    damage, framed = _check(records, record)
    problem = damage or problem
    if kind is None and framed:
        return None, True
    pointer = WarcPointer(str(path), start, records.get_record_length(),
                          record.rec_headers.get_header("WARC-Payload-Digest"))
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if kind == "response":
        headers = {name.lower(): value for name, value in record.http_headers.headers}
        content_type = headers.get("content-type")
    else:
        content_type = record.content_type
        headers = {"content-type": content_type} if content_type else {}
    if problem:
        return WarcEntry(url, headers, b"", content_type, pointer, problem=f"{record.rec_type} record: {problem}"), framed
    return WarcEntry(url, headers, body, content_type, pointer), framed


def _first_line(error: BaseException) -> str:
    """An error's message fit for a failure row: its first line, shortened, the damaged bytes it quotes made legible."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    return "".join(char if char.isprintable() else "?" for char in lines[0][:120])


def _opens_warc(stream, offset: int) -> bool:
    """Whether the gzip member at ``offset`` decompresses to a WARC header."""
    stream.seek(offset)
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(stream.read(4096), 16).startswith(b"WARC/")
    except zlib.error:
        return False


def _next_start(stream, position: int) -> int | None:
    """The offset of the first place from ``position`` on where a record seems to begin, or None. Reads in blocks."""
    while True:
        stream.seek(position)
        block = stream.read(_SCAN)
        if len(block) < 16:
            return None
        for match in _RECORD_START.finditer(block):
            if match.group().startswith(b"\n"):
                return position + match.start() + 1
            at = position + match.start()
            if _opens_warc(stream, at):
                return at
        position += len(block) - 15


def iter_responses(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> Iterator[WarcEntry]:
    """The response and resource records of any WARC file, each with its pointer; damaged ones with a ``problem``.

    A record that is truncated, whose length or digest is wrong, or whose body exceeds ``max_bytes`` comes with a
    problem and no body (read in constant memory). When a record cannot be parsed, or its length is wrong, the
    reader looks for the next record start after it and goes on, yielding a problem for the damaged stretch.
    Raises WarcReadError when the file cannot be opened or holds no record at all.
    """
    path = Path(path)
    try:
        stream = open(path, "rb")
    except OSError as error:
        raise WarcReadError(f"{path}: {error.strerror or error}") from error
    with stream:
        size = os.fstat(stream.fileno()).st_size
        offset, found = 0, False
        while offset is not None:
            if offset:
                stream.seek(offset)
            records = _Records(stream)
            damaged, reason = None, None
            try:
                while True:
                    with records.headers():
                        record = next(records, None)
                    if record is None:
                        break
                    entry, framed = _read(records, record, path, max_bytes)
                    found = True
                    if entry is not None:
                        yield entry
                    if not framed:
                        damaged = entry.pointer.offset
                        break
            except Exception as error:  # noqa: BLE001 - whatever warcio makes of damage, the rest is still read
                damaged, reason = records.offset, _first_line(error)
            if damaged is None and records.offset < size:
                damaged, reason = records.offset, f"the last {size - records.offset} bytes are not a whole record"
            if damaged is None or not stream.seekable():
                return
            offset = _next_start(stream, damaged + 1)
            if reason is None:
                continue
            if not found and offset is None and damaged == 0:
                raise WarcReadError(f"{path}: not a WARC file ({reason})")
            problem = f"damaged WARC data at offset {damaged}: {reason}"
            yield WarcEntry("", {}, b"", None, WarcPointer(str(path), damaged, 0, None), problem=problem)


def read_record(
    pointer: WarcPointer, base: str | os.PathLike | None = None, max_bytes: int = MAX_INPUT_BYTES
) -> tuple[str, dict[str, str], bytes]:
    """(url, headers, body) of the record a pointer leads to; a relative file is taken from ``base``.

    The record is checked as ``iter_responses`` checks it, and must be the one the pointer's digest names.
    """
    path = Path(pointer.file)
    if base is not None and not path.is_absolute():
        path = Path(base) / path
    where = f"{path}@{pointer.offset}"
    try:
        with open(path, "rb") as stream:
            stream.seek(pointer.offset)
            records = _Records(LimitReader(stream, pointer.length))
            with records.headers():
                record = next(records)
            entry, _ = _read(records, record, path, max_bytes)
    except StopIteration:
        raise WarcReadError(f"{where}: no record there") from None
    except Exception as error:  # noqa: BLE001 - OSError, or whatever warcio makes of damage
        raise WarcReadError(f"{where}: {_first_line(error)}") from error
    if entry is None:
        raise WarcReadError(f"{where}: a {record.rec_type} record, not an HTTP response or a resource")
    if entry.problem:
        raise WarcReadError(f"{where}: {entry.problem}")
    if pointer.digest and entry.pointer.digest and pointer.digest != entry.pointer.digest:
        raise WarcReadError(f"{where}: not the record archived there (its payload digest differs)")
    return entry.url, entry.headers, entry.body
