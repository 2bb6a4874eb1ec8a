"""Fuzzing ``decode``, ``clean_page``, the readers and the ``clean`` and ``import`` commands with hypothesis.

The properties: no input raises or prints a traceback; every input becomes a record or a failure with a reason, and
the rest of the batch goes on; damaged WARC data never passes for a sound record; and reading holds memory
proportional to the input cap, whatever the size of the input.

The suite runs a bounded number of examples (a few seconds). For a longer run, scale them:

    NEWSARCHIVE_FUZZ_SCALE=50 .venv/bin/python -m pytest tests/test_fuzz.py

Hypothesis keeps the failing examples it finds in ``.hypothesis/`` and tries them first next time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import tracemalloc
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.sources import iter_sources
from archive.warc import WarcReadError, iter_responses
from newsarchive.cli import cli
from pipelines.clean import clean_page
from pipelines.decode import decode
from tests.warcs import lying, page, record, zeros_record

SCALE = float(os.environ.get("NEWSARCHIVE_FUZZ_SCALE", "1"))


def fuzz(examples: int):
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# Pieces of real pages and of their faults: markup, boilerplate, mojibake, mirror artifacts, entities, controls.
FRAGMENTS = [
    "<html>", "<head>", "</head>", "<body>", "</body>", "<p>", "</p>", "<div class=content>", "<div id=main>", "</div>",
    "<h1>", "</h1>", "<title>", "</title>", "<br>", "<script>var a='<p>';</script>", "<style>p{}</style>", "<!--",
    "-->", "<table><tr><td>", "</td></tr></table>", "<a href='javascript:void(0)'>", "<a href=/show/705-1.html>",
    "</a>", "<img src=\"/a.jpg\">", "<meta charset=gbk>", "<meta charset=utf-8>", "<meta charset=bogus>",
    "<meta http-equiv=Content-Type content='text/html; charset=gb2312'>", "<?xml version='1.0' encoding='big5'?>",
    "当前位置：首页 > 新闻 > 重庆新闻 > 正文", "（ 责任编辑：王小明 ）", "【版权声明】本网站所有内容，未经许可不得转载。",
    "【免责声明】", "来源：重庆日报", "作者：李华", "发布时间：2020-10-22 09:00", "2020年10月22日",
    "记者从江北区获悉，今年以来，江北区新建公共停车位3,000个，缓解了市民停车难问题。", "當(dāng)前位置", "重庆(chóng qìng)",
    "鍙戝竷鏃堕棿", "锟斤拷", "�", "記者從江北區獲悉", "下载重庆手机台APP", "&nbsp;", "&#x4e2d;", "&#99999999;", "&amp;",
    "\x00", "\u200b", "\ufeff", "\r\n", "\n", " ", "?", "x" * 300,
]
CONTENT_TYPES = [None, "text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "text/html; charset=bogus",
                 "text/plain; charset=big5", 'text/html; charset="utf-16"', "application/octet-stream", "image/png",
                 "text/html; charset=", ";;;"]
URLS = [None, "", "https://www.cbg.cn/show/705-1234.html", "http://news.cbg.cn/hotnews/2016/0902/4607047.shtml",
        "https://example.com/a.html", "https://mirror.example/show/705-1.html", "file:///tmp/x.html", "http://[::1",
        "http://[", "https://www.cbg.cn:99999/x", "javascript:alert(1)", "//no-scheme", "https://例子.测试/新闻"]
ENCODINGS = ["utf-8", "gb18030", "big5", "utf-16", "shift_jis", "latin-1", "utf-16-le", "utf-32-be", "euc_kr",
             "johab", "koi8-r", "cp1255", "iso2022_jp", "iso2022_kr", "hz", "cp037"]
# Escapes and NUL patterns of the encodings that are recognised by their bytes, and truncated sequences.
BYTE_FRAGMENTS = [b"\x1b$B", b"\x1b(B", b"\x1b$)C", b"\x0e", b"\x0f", b"\x1b$)A", b"\x1b$*H", b"\x1bN", b"~{", b"~}",
                  b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff", b"\x00" * 64, b"a\x00" * 40,
                  b"\x00\x00\x00a" * 20, b"\xe4\xb8", b"\xf0\x9f", b"\x81\x30", b"\xa4"]

text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=30).map("".join)
nested = st.integers(1, 3000).map(lambda depth: "<div>" * depth + "深" + "</div>" * depth)
documents = st.one_of(
    st.tuples(st.one_of(text, nested), st.sampled_from(ENCODINGS)).map(lambda t: t[0].encode(t[1], "replace")),
    st.lists(st.tuples(text, st.sampled_from(ENCODINGS)), max_size=4).map(  # pages spliced from several encodings
        lambda parts: b"".join(part.encode(encoding, "replace") for part, encoding in parts)),
    st.binary(max_size=2000),
    st.lists(st.one_of(st.sampled_from(BYTE_FRAGMENTS), st.binary(max_size=30),
                       st.tuples(text, st.sampled_from(ENCODINGS)).map(lambda t: t[0].encode(t[1], "replace")[:-1])),
             max_size=12).map(b"".join),
)
content_types = st.one_of(st.sampled_from(CONTENT_TYPES),
                          st.sampled_from(["charset=iso-2022-cn", "charset=x-user-defined", "charset=replacement",
                                           "charset=utf-32", "charset=johab", "charset=utf-7", "charset=cp037",
                                           "charset=windows-1255", "charset=x-mac-cyrillic", "charset=hz-gb-2312"]),
                          st.text(max_size=40))
urls = st.one_of(st.sampled_from(URLS), st.text(max_size=60))


def _utf8(value) -> None:
    """Text that any output and SQLite can carry: no lone surrogates anywhere in it."""
    json.dumps(value, ensure_ascii=False).encode("utf-8")


@fuzz(200)
@given(data=documents, content_type=content_types)
def test_decode_gives_text_for_any_bytes(data, content_type):
    decoded = decode(data, content_type)
    assert isinstance(decoded.text, str)
    _utf8(decoded.text)
    assert 0.0 <= decoded.confidence <= 1.0
    assert decoded.source in ("bom", "http", "meta", "xml", "detected", "mixed")
    assert isinstance(decoded.name, str) and decoded.name


@fuzz(60)
@given(data=documents, url=urls, content_type=content_types, kind=st.sampled_from(["auto", "html", "text"]))
def test_clean_page_never_raises_and_its_records_can_be_stored(data, url, content_type, kind):
    outcome = clean_page(data, url=url, content_type=content_type, input_kind=kind)
    assert outcome.kind in ("article", "skipped", "failed")
    if outcome.kind == "article":
        _utf8(outcome.article.as_record())
    else:
        assert isinstance(outcome.reason, str) and outcome.reason


# WARC files: sound records, then damage of every kind. A record that lies wholly before the first damaged byte must
# still be read; a record with digests is never accepted with a body it was not written with.

BODIES = [page(f"第{i}页", paragraphs=i + 1) for i in range(3)]
# Written once: a record's id and date are new each time, and hypothesis needs the same bytes for the same choices.
RECORDS = {(compressed, digests): [record(f"https://example.com/{i}.html", body, gzip=compressed, digests=digests)
                                   for i, body in enumerate(BODIES)]
           for compressed in (True, False) for digests in (True, False)}


@st.composite
def damaged_warcs(draw):
    compressed = draw(st.booleans())
    digests = draw(st.booleans())
    parts = list(RECORDS[compressed, digests])
    if draw(st.booleans()):
        which = draw(st.integers(0, 2))
        parts[which] = lying(parts[which], draw(st.integers(-2000, 200_000).filter(bool)), gzip=compressed)
        damaged_from = sum(map(len, parts[:which]))
        data = b"".join(parts)
    else:
        data = b"".join(parts)
        damaged_from = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["cut", "flip", "insert", "zero"]))
        if action == "cut":
            data = data[:damaged_from]
        elif action == "flip":
            data = data[:damaged_from] + bytes([data[damaged_from] ^ draw(st.integers(1, 255))]) + data[damaged_from + 1:]
        elif action == "insert":
            data = data[:damaged_from] + draw(st.binary(min_size=1, max_size=300)) + data[damaged_from:]
        else:
            length = draw(st.integers(1, 5000))
            data = data[:damaged_from] + bytes(length) + data[damaged_from + length:]
    ends = [sum(map(len, parts[: i + 1])) for i in range(3)]
    intact = [f"https://example.com/{i}.html" for i in range(3) if ends[i] <= damaged_from]
    return data, compressed, digests, intact


@fuzz(150)
@given(case=damaged_warcs())
def test_the_warc_reader_survives_damage_and_never_accepts_it(case):
    data, compressed, digests, intact = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("x.warc.gz" if compressed else "x.warc")
        path.write_bytes(data)
        try:
            entries = list(iter_responses(path))
        except WarcReadError:
            entries = []
            assert not intact
    good = [entry for entry in entries if not entry.problem]
    assert [entry.url for entry in good][: len(intact)] == intact
    offsets = [entry.pointer.offset for entry in entries]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    for entry in good:
        if digests:
            assert entry.body in BODIES, entry.url
    for entry in entries:
        _utf8(entry.problem or "")


# Folders of hostile files for the commands.

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) |
                           st.text(st.characters(exclude_categories=())),  # lone surrogates included
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=8)
jsonl_lines = st.one_of(
    st.builds(lambda url, doc, key: json.dumps({"url": url, key: doc}), st.one_of(st.sampled_from(URLS[2:]),
              st.text(st.characters(exclude_categories=()), max_size=30)), text, st.sampled_from(["html", "text"])),
    json_values.map(json.dumps),
    st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ").decode("latin-1")),
    st.integers(1, 200_000).map(lambda depth: "[" * depth),
)
file_names = st.one_of(
    st.sampled_from(["a.html", "b.txt", "c.jsonl", "d.warc", "e.warc.gz", "f.ndjson", "g", "h.arc.gz", ".hidden"]),
    st.binary(min_size=1, max_size=12).map(lambda b: os.fsdecode(b.replace(b"/", b"_").replace(b"\x00", b"_")))
    .filter(lambda name: name not in (".", "..")),
)


@st.composite
def hostile_folders(draw):
    files = {}
    for name in draw(st.lists(file_names, min_size=1, max_size=5, unique=True)):
        lower = name.lower()
        if lower.endswith((".jsonl", ".ndjson")):
            content = "\n".join(draw(st.lists(jsonl_lines, max_size=4))).encode("utf-8", "surrogatepass")
        elif lower.endswith((".warc", ".warc.gz", ".arc.gz")):
            content = draw(damaged_warcs())[0]
        else:
            content = draw(documents)
        files[name] = content
    return files


def _write(folder: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (folder / name).write_bytes(content)


def _visible(files: dict[str, bytes]) -> int:
    return sum(not name.startswith(".") for name in files)


@fuzz(15)
@given(files=hostile_folders(), kind=st.sampled_from(["auto", "html", "text"]))
def test_clean_turns_any_folder_into_records(files, kind):
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), files)
        result = CliRunner().invoke(cli, ["clean", folder, "--format", "jsonl", "--input", kind])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) >= _visible(files), "every file gives a record, or a failure"
    assert (result.exit_code == 1) == any(record["kind"] == "failed" for record in records)


@fuzz(15)
@given(files=hostile_folders())
def test_import_turns_any_folder_into_articles_or_failures_and_finishes(files):
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        _write(inputs, files)
        db = Path(folder) / "news.db"
        result = CliRunner().invoke(cli, ["import", str(inputs), "--db", str(db)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert result.exit_code in (0, 1) and "Traceback" not in result.output
        counts = {name: n for name, n in json.loads(result.stdout.splitlines()[-1]).items() if name != "db"}
        con = sqlite3.connect(db)
        runs = con.execute("select status, failed, new + updated + unchanged + skipped from crawl_runs").fetchall()
        con.close()
    (status, failed, stored), = runs
    assert status == "finished"
    assert failed == counts.get("failed", 0) and failed + stored == sum(counts.values())
    assert sum(counts.values()) >= _visible(files), "every file gives an article, a skip or a failure"
    assert (result.exit_code == 1) == bool(failed)


# Memory: inputs up to 16 times the cap, read with memory proportional to the cap.

CAP = 256 * 1024


@st.composite
def oversized_inputs(draw):
    sizes = st.one_of(st.integers(CAP - 2, CAP + 2), st.integers(1, 16 * CAP))
    files = {}
    for index, kind in enumerate(draw(st.lists(st.sampled_from(["jsonl", "warc", "plain"]), min_size=1, max_size=3))):
        size = draw(sizes)
        if kind == "jsonl":
            line = json.dumps({"url": "https://example.com/x.html", "text": "字" * (size // 3)}).encode()
            files[f"{index}.jsonl"] = line + b"\n" + b"x" * draw(sizes) + b"\n" + line
        elif kind == "warc":
            files[f"{index}.warc.gz"] = (record("https://example.com/a.html", BODIES[0])
                                         + zeros_record("https://example.com/big.html", size)
                                         + record("https://example.com/b.html", BODIES[1]))
        else:
            files[f"{index}.html"] = b"<p>" + b"y" * size
    return files


@fuzz(20)
@given(files=oversized_inputs())
def test_reading_holds_memory_proportional_to_the_cap(files):
    with tempfile.TemporaryDirectory() as folder:
        _write(Path(folder), files)
        tracemalloc.start()
        try:
            count = 0
            for source in iter_sources([folder], max_bytes=CAP):
                count += 1
                assert (source.data is None) == bool(source.error)
                assert source.data is None or len(source.data) <= CAP
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count >= len(files)
    assert peak < 6 * CAP + (1 << 20), f"peak {peak} bytes for inputs of {sum(map(len, files.values()))} bytes"
