"""Raw capture: our WARC files pass `warcio check`, replay in warcio's reader, and pointers lead to their records."""

from __future__ import annotations

import gzip
import io
import subprocess
import tracemalloc
import zlib
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter as ForeignWriter

from archive.store import Archive
from archive.warc import WarcPointer, WarcReadError, WarcWriter, iter_responses, read_record
from tests.warcs import lying, page, record, zeros_record

WARCIO = Path(sys.executable).with_name("warcio")
PAGE = "<html><head><meta charset=gb2312></head><body>重庆新闻</body></html>".encode("gb18030")


def _write(directory, n=6, max_bytes=1500):
    with WarcWriter(directory, max_bytes=max_bytes) as writer:
        pointers = [
            writer.write_response(
                f"https://www.cbg.cn/show/705-{i}.html",
                200,
                {"Content-Type": "text/html; charset=gb2312", "Content-Encoding": "gzip", "Content-Length": "12"},
                PAGE + str(i).encode() * 200,
                request_headers={"User-Agent": "newsarchive (+contact)"},
            )
            for i in range(n)
        ]
        pointers.append(writer.write_resource("seeds/000.txt", "當(dāng)前位置".encode(), "text/plain; charset=utf-8"))
    return pointers


def test_files_rotate_and_pass_warcio_check(tmp_path):
    pointers = _write(tmp_path)
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 1, "rotation by size"
    assert {Path(p.file) for p in pointers} == set(files)
    for file in files:
        assert file.name.startswith("newsarchive-")
        result = subprocess.run([str(WARCIO), "check", "-v", str(file)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "digest pass" in result.stdout


def test_records_replay_in_warcio_and_pointers_read_back(tmp_path):
    pointers = _write(tmp_path)
    kinds = []
    for file in sorted(tmp_path.glob("*.warc.gz")):
        with open(file, "rb") as stream:
            for record in ArchiveIterator(stream):
                kinds.append(record.rec_type)
                if record.rec_type == "response":
                    assert record.http_headers.get_statuscode() == "200"
                    assert record.content_stream().read().startswith(PAGE)
    assert kinds.count("response") == 6 and kinds.count("request") == 6 and kinds.count("resource") == 1
    assert kinds.count("warcinfo") == len(list(tmp_path.glob("*.warc.gz")))
    url, headers, body = read_record(pointers[3])
    assert url == "https://www.cbg.cn/show/705-3.html" and body == PAGE + b"3" * 200
    assert headers["content-type"] == "text/html; charset=gb2312"
    # The body is stored decoded, so the wire headers are kept under another name and the length is the body's.
    assert "content-encoding" not in headers and headers["x-archive-orig-content-encoding"] == "gzip"
    assert headers["content-length"] == str(len(body))
    url, headers, body = read_record(pointers[-1])
    assert url.startswith("file:///") and url.endswith("seeds/000.txt") and body.decode() == "當(dāng)前位置"


def test_iter_responses_yields_the_same_pointers(tmp_path):
    pointers = _write(tmp_path)
    read = [entry.pointer for file in sorted(tmp_path.glob("*.warc.gz")) for entry in iter_responses(file)]
    assert sorted(read, key=lambda p: (p.file, p.offset)) == sorted(pointers, key=lambda p: (p.file, p.offset))


def test_iter_responses_reads_other_tools_warcs(tmp_path):
    """A WARC as another crawler writes it: chunked, gzip-encoded body, plus a DNS record we must pass over."""
    path = tmp_path / "other.warc.gz"
    html = "<p>视界网</p>".encode()
    with open(path, "wb") as stream:
        writer = ForeignWriter(stream, gzip=True)
        writer.write_record(writer.create_warc_record("dns:www.cbg.cn", "resource", payload=io.BytesIO(b"1.2.3.4"),
                                                      warc_content_type="text/dns"))
        wire = gzip.compress(html)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://www.cbg.cn/a/1.html", "response",
                                                      payload=io.BytesIO(wire), http_headers=headers))
    entries = [entry for entry in iter_responses(path) if entry.url.startswith("http")]
    assert [(e.url, e.body, e.content_type) for e in entries] == [("https://www.cbg.cn/a/1.html", html, "text/html")]
    assert read_record(entries[0].pointer)[2] == html


def test_damaged_files_raise_a_read_error(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a warc file at all\n" * 10)
    with pytest.raises(WarcReadError):
        list(iter_responses(junk))
    with pytest.raises(WarcReadError):
        read_record(WarcPointer(str(junk), 0, 100, None))
    with pytest.raises(WarcReadError):
        read_record(WarcPointer(str(tmp_path / "missing.warc.gz"), 0, 1, None))


def test_two_writers_in_one_folder_never_share_a_file(tmp_path):
    first, second = WarcWriter(tmp_path), WarcWriter(tmp_path)
    a = first.write_response("https://x/1", 200, {}, b"a")
    b = second.write_response("https://x/2", 200, {}, b"b")
    first.close(), second.close()
    assert a.file != b.file


def test_the_archive_stores_pointers_relative_to_its_folder(tmp_path):
    with Archive(tmp_path / "news.db") as arc, WarcWriter(arc.warc_dir) as writer:
        pointer = writer.write_response("https://www.cbg.cn/show/705-1.html", 200, {}, PAGE)
        as_dict = {"file": pointer.file, "offset": pointer.offset, "length": pointer.length, "digest": pointer.digest}
        arc.upsert_article({"id": "a", "url": "u", "title": "t", "body": "b"}, None, warc=as_dict)
        row = arc.get_article("a")
        assert row["warc_file"].startswith("warc/newsarchive-")
        assert arc.warc_pointer(row) == pointer
        assert read_record(arc.warc_pointer(row))[2] == PAGE


# Hostile and damaged files: every record is checked, a bad one costs only itself.

URLS = [f"https://example.com/{i}.html" for i in range(4)]


def _records(compressed=True, digests=True) -> list[bytes]:
    return [record(url, page(f"第{i}页"), gzip=compressed, digests=digests) for i, url in enumerate(URLS)]


def _damaged(kind: str, compressed: bool, digests: bool) -> tuple[bytes, int]:
    """Four records, the second damaged; and the offset of the second."""
    parts = _records(compressed, digests)
    if kind.startswith("length "):
        parts[1] = lying(parts[1], int(kind.split()[1]), gzip=compressed)
    elif kind == "changed byte":
        block = zlib.decompress(parts[1], 31) if compressed else parts[1]
        block = block.replace("停车位".encode(), "停车场".encode(), 1)
        parts[1] = gzip.compress(block) if compressed else block
    elif kind == "cut member":
        parts[1] = parts[1][: len(parts[1]) // 2]
    return b"".join(parts), len(parts[0])


DAMAGE = [
    *[(kind, compressed, digests) for kind in ("length +100000", "length -500", "length +7")
      for compressed in (True, False) for digests in (True, False)],
    ("changed byte", True, True),  # only a digest can tell a changed byte
    ("changed byte", False, True),
    ("cut member", True, True),  # a member is a gzip notion
    ("cut member", True, False),
]


@pytest.mark.parametrize("kind, compressed, digests", DAMAGE,
                         ids=[f"{k}-{'gz' if g else 'plain'}-{'digests' if d else 'none'}" for k, g, d in DAMAGE])
def test_a_damaged_record_is_a_problem_and_the_records_after_it_are_read(tmp_path, kind, compressed, digests):
    path = tmp_path / ("x.warc.gz" if compressed else "x.warc")
    data, offset = _damaged(kind, compressed, digests)
    path.write_bytes(data)
    entries = list(iter_responses(path))
    good = [(e.url, e.body) for e in entries if not e.problem]
    assert good == [(URLS[i], page(f"第{i}页")) for i in (0, 2, 3)]
    problems = [e for e in entries if e.problem]
    assert problems and all(not e.body for e in problems)
    assert problems[0].pointer.offset == offset


def test_truncated_member_at_the_end_is_a_problem(tmp_path):
    parts = _records()
    path = tmp_path / "cut.warc.gz"
    for cut in (len(parts[3]) // 2, 200):  # inside the body; inside the headers
        path.write_bytes(b"".join(parts[:3]) + parts[3][:cut])
        entries = list(iter_responses(path))
        assert [e.url for e in entries if not e.problem] == URLS[:3]
        (problem,) = [e for e in entries if e.problem]
        assert problem.pointer.offset == sum(map(len, parts[:3])) and not problem.body


def test_digest_mismatch_is_named(tmp_path):
    path = tmp_path / "x.warc"
    path.write_bytes(_damaged("changed byte", compressed=False, digests=True)[0])
    (problem,) = [e for e in iter_responses(path) if e.problem]
    assert problem.url == URLS[1] and "digest" in problem.problem


def test_read_record_refuses_a_damaged_or_different_record(tmp_path):
    pointer = _write(tmp_path, n=1)[0]
    data = Path(pointer.file).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: pointer.offset + pointer.length // 2])
    with pytest.raises(WarcReadError, match="truncated|not a whole|no record"):
        read_record(WarcPointer(str(cut), pointer.offset, pointer.length, pointer.digest))
    with pytest.raises(WarcReadError, match="digest differs"):
        read_record(WarcPointer(pointer.file, pointer.offset, pointer.length, "sha1:" + "A" * 32))
    assert read_record(pointer)[2].startswith(PAGE)


def _gzipped_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join([*(compressor.compress(bytes(1 << 20)) for _ in range(size >> 20)), compressor.flush()])


@pytest.mark.parametrize("served", [False, True], ids=["stored", "content-encoding"])
def test_an_oversized_record_is_refused_in_constant_memory(tmp_path, served):
    """A 64 MB body (64 KB of gzip, stored so or served with Content-Encoding: gzip) read against a 1 MB cap: refused
    after holding a fraction of the cap, and the next record is read."""
    path = tmp_path / "bomb.warc.gz"
    parts = _records()
    huge = "https://example.com/huge.html"
    if served:
        out = io.BytesIO()
        writer = ForeignWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(huge, "response", payload=io.BytesIO(_gzipped_zeros(64 << 20)),
                                                      http_headers=headers))
        bomb = out.getvalue()
    else:
        bomb = zeros_record(huge, 64 << 20)
    path.write_bytes(parts[0] + bomb + parts[1])
    tracemalloc.start()
    entries = list(iter_responses(path, max_bytes=1 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [(e.url, bool(e.problem)) for e in entries] == [(URLS[0], False), (huge, True), (URLS[1], False)]
    assert "too large" in entries[1].problem
    assert peak < 3 << 20, f"peak {peak} bytes"


def test_header_lines_are_bounded(tmp_path):
    """Header lines warcio would read whole into memory (one of 8 MB here) are damage, and the next record is read."""
    parts = _records()
    block = (b"WARC/1.1\r\nWARC-Type: response\r\nX-Padding: " + b"a" * (8 << 20) + b"\r\nContent-Length: 0\r\n\r\n"
             b"\r\n\r\n")
    path = tmp_path / "long.warc.gz"
    path.write_bytes(parts[0] + gzip.compress(block) + parts[1])
    tracemalloc.start()
    entries = list(iter_responses(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [e.url for e in entries if not e.problem] == URLS[:2]
    assert any("header lines" in (e.problem or "") for e in entries)
    assert peak < 4 << 20, f"peak {peak} bytes"


def test_every_record_is_fsynced_before_the_writer_returns(tmp_path, monkeypatch):
    """Issue 14: the commit that points at a record comes after the record is on disk (and its file's entry)."""
    import os

    from archive.warc import WarcWriter

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_size), real(fd))[1])
    with WarcWriter(tmp_path) as writer:
        first = writer.write_response("https://www.cbg.cn/show/705-1.html", 200, None, b"<html>1</html>")
        assert len(synced) == 2  # the new file's directory, then the record
        second = writer.write_resource(tmp_path / "page.html", b"text", "text/html")
        assert len(synced) == 3
        assert synced[-1] == os.path.getsize(writer.path) >= second.offset + second.length > first.offset
    synced.clear()
    with WarcWriter(tmp_path / "unsynced", fsync=False) as writer:
        writer.write_response("https://www.cbg.cn/show/705-2.html", 200, None, b"<html>2</html>")
    assert synced == []


def test_deferred_syncs_put_every_record_on_disk_once_on_leaving(tmp_path, monkeypatch):
    """A bulk import commits many rows at once: their records are synced once, before that commit (when the
    ``deferred_sync`` block ends), and a file that rotates inside the block is synced before it is closed."""
    import os

    from archive.warc import WarcWriter

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_size), real(fd))[1])
    with WarcWriter(tmp_path, max_bytes=2_000) as writer:
        with writer.deferred_sync():
            pointers = [writer.write_response(f"https://www.cbg.cn/show/705-{i}.html", 200, None, os.urandom(800))
                        for i in range(6)]
            files = {pointer.file for pointer in pointers}
            assert len(files) > 1  # rotated inside the block
            rotations = len(synced)
        assert synced[-1] == os.path.getsize(writer.path)  # the last file, on leaving
        for name in files - {str(writer.path)}:
            assert os.path.getsize(name) in synced[:rotations]  # each closed file was synced whole before closing
        synced.clear()
        writer.write_resource(tmp_path / "page.html", b"text", "text/html")
        assert synced  # outside the block, every record syncs itself again
