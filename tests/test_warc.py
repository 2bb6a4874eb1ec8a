"""Raw capture: our WARC files pass `warcio check`, replay in warcio's reader, and pointers lead to their records."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter as ForeignWriter

from archive.store import Archive
from archive.warc import WarcPointer, WarcReadError, WarcWriter, iter_responses, read_record

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
