"""Raw capture: every response (and its request) as gzip WARC records, so text can be re-cleaned without recrawling.

Files rotate by size and are named with a UTC timestamp, the process id and a random token, and opened with
exclusive create: several crawler processes never share a file, so no locking is needed. Each stored article
version keeps a ``WarcPointer`` (file, offset, length, payload digest) to the response record it was cleaned from.

The reader accepts any WARC, ours or other tools' (response and resource records), for ``import`` and
``reprocess``.
"""

from __future__ import annotations

import http
import io
import os
import re
import secrets
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

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


class WarcWriter:
    """Appends records to the current file of a directory, starting a new file past ``max_bytes``."""

    def __init__(self, directory: str | os.PathLike = "data/warc", max_bytes: int = DEFAULT_MAX_BYTES):
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self._token = f"{os.getpid()}-{secrets.token_hex(3)}"
        self._serial = 0
        self._file = None
        self._path: Path | None = None
        self._writer: WARCWriter | None = None
        self._lock = threading.Lock()

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
            self._file.close()
        self._file = None
        self._writer = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _entry(record, pointer: WarcPointer) -> WarcEntry | None:
    if record.rec_type == "response":
        if record.http_headers is None or not record.http_headers.protocol.upper().startswith("HTTP"):
            return None
        headers = {name.lower(): value for name, value in record.http_headers.headers}
        content_type = headers.get("content-type")
    elif record.rec_type == "resource":
        content_type = record.content_type
        headers = {"content-type": content_type} if content_type else {}
    else:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    return WarcEntry(url, headers, record.content_stream().read(), content_type, pointer)


def iter_responses(path: str | os.PathLike) -> Iterator[WarcEntry]:
    """The response and resource records of any WARC file, each with its pointer.

    Raises WarcReadError (with the offset reached) when the file is not WARC or is damaged, after yielding the
    records before the damage.
    """
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if record.format == "arc" and not _SCHEME.match(record.rec_headers.get_header("uri") or ""):
                    # warcio reads any text as ARC lines; a real ARC record starts with a URL.
                    raise WarcReadError(f"{path}: not a WARC or ARC file (offset {records.offset})")
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                # Read the payload first: asking the iterator for the offset or length skips to the record's end.
                entry = _entry(record, WarcPointer(str(path), 0, 0, digest))
                if entry is not None:
                    offset, length = records.get_record_offset(), records.get_record_length()
                    yield replace(entry, pointer=replace(entry.pointer, offset=offset, length=length))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        if isinstance(error, WarcReadError):
            raise
        raise WarcReadError(f"{path}: {error}") from error


def read_record(pointer: WarcPointer, base: str | os.PathLike | None = None) -> tuple[str, dict[str, str], bytes]:
    """(url, headers, body) of the record a pointer leads to; a relative file is taken from ``base``."""
    path = Path(pointer.file)
    if base is not None and not path.is_absolute():
        path = Path(base) / path
    try:
        with open(path, "rb") as stream:
            stream.seek(pointer.offset)
            chunk = stream.read(pointer.length)
        record = next(iter(ArchiveIterator(io.BytesIO(chunk))))
        entry = _entry(record, pointer)
    except (ArchiveLoadFailed, OSError, EOFError, StopIteration, ValueError) as error:
        raise WarcReadError(f"{path}@{pointer.offset}: {error}") from error
    if entry is None:
        raise WarcReadError(f"{path}@{pointer.offset}: a {record.rec_type} record, not an HTTP response or a resource")
    return entry.url, entry.headers, entry.body
