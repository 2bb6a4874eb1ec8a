"""WARC files as other tools write them, and as damage leaves them: for the reader's tests and the fuzz harness."""

from __future__ import annotations

import io
import re
import uuid
import zlib

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HTML = "<html><head><meta charset=utf-8><title>{title}</title></head><body><h1>{title}</h1><div class=content>{body}</div></body></html>"
PARAGRAPH = "<p>记者从江北区获悉，今年以来，江北区新建公共停车位3,000个，缓解了市民停车难问题。</p>"


def page(title: str, paragraphs: int = 3) -> bytes:
    return HTML.format(title=title, body=PARAGRAPH * paragraphs).encode("utf-8")


def record(url: str, body: bytes, *, gzip: bool = True, digests: bool = True) -> bytes:
    """One response record, as warcio writes it (a gzip member of its own unless ``gzip`` is false)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    built = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
    if not digests:
        built.rec_headers.remove_header("WARC-Block-Digest")
        built.rec_headers.remove_header("WARC-Payload-Digest")
    writer.write_record(built)
    return out.getvalue()


def lying(record_bytes: bytes, delta: int, *, gzip: bool = True) -> bytes:
    """The record with its Content-Length off by ``delta`` bytes (the block itself unchanged)."""
    block = zlib.decompress(record_bytes, 16 + zlib.MAX_WBITS) if gzip else record_bytes
    found = re.search(rb"Content-Length: (\d+)", block)
    block = block[: found.start(1)] + str(int(found.group(1)) + delta).encode() + block[found.end(1):]
    return _gzip(block) if gzip else block


def zeros_record(url: str, size: int) -> bytes:
    """A gzip response record whose body is ``size`` zero bytes, built in pieces: a few hundred KB per GB."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
            f"WARC-Date: 2026-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http) + size}\r\n\r\n").encode() + http
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(head)]
    piece = bytes(1 << 20)
    for _ in range(size >> 20):
        parts.append(compressor.compress(piece))
    parts += [compressor.compress(bytes(size % (1 << 20)) + b"\r\n\r\n"), compressor.flush()]
    return b"".join(parts)


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()
