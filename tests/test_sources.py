"""Inputs of ``clean`` and ``import``: every file, line and record is read as a stream against the one cap, and every
input that cannot be read is a failure with its reason while the rest goes on."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path

from archive.sources import file_uri, iter_sources, label, read_file
from pipelines import clean as clean_module
from pipelines.input_size import MAX_INPUT_BYTES
from tests.warcs import page, record, zeros_record

CAP = 1 << 20
LINE = json.dumps({"url": "https://example.com/a.html", "html": page("江北区").decode()}, ensure_ascii=False)


def _peak(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _summary(sources) -> list[tuple[str, str | None]]:
    return [(Path(s.name).name, s.error.split(" (")[0] if s.error else None) for s in sources]


def test_there_is_one_cap():
    assert clean_module.MAX_INPUT_BYTES is MAX_INPUT_BYTES
    assert read_file.__defaults__ == (MAX_INPUT_BYTES,)


def test_an_oversized_jsonl_line_is_skipped_in_constant_memory(tmp_path):
    """A 256 MB line without a newline (a sparse file: nothing on disk) between two good lines, against a 1 MB cap."""
    path = tmp_path / "corpus.jsonl"
    with open(path, "wb") as handle:
        handle.write(LINE.encode() + b"\n")
        handle.seek(256 << 20, os.SEEK_CUR)
        handle.write(b"\n" + LINE.encode() + b"\n")
    sources, peak = _peak(lambda: list(iter_sources([str(path)], max_bytes=CAP)))
    assert _summary(sources) == [("corpus.jsonl:1", None), ("corpus.jsonl:2", "line too large"),
                                 ("corpus.jsonl:3", None)]
    assert str(256 << 20) in sources[1].error
    assert peak < 3 * CAP, f"peak {peak} bytes"


def test_a_line_of_exactly_the_cap_is_read(tmp_path):
    path = tmp_path / "corpus.jsonl"
    padded = LINE[:-1] + ', "pad": "' + "x" * (CAP - len(LINE.encode()) - 11) + '"}'
    assert len(padded.encode()) == CAP
    path.write_bytes(padded.encode() + b"\n" + padded.encode())
    assert [s.error for s in iter_sources([str(path)], max_bytes=CAP)] == [None, None]


def test_a_stream_is_read_only_as_far_as_the_cap(tmp_path):
    """A device or pipe named on the command line has no size to check first: /dev/zero never ends."""
    (source,), peak = _peak(lambda: list(iter_sources(["/dev/zero"], max_bytes=CAP)))
    assert source.error.startswith("file too large") and source.data is None
    assert peak < 3 * CAP, f"peak {peak} bytes"


def test_an_oversized_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.html"
    with open(path, "wb") as handle:
        handle.truncate(1 << 40)  # a terabyte, sparse
    (source,), peak = _peak(lambda: list(iter_sources([str(path)])))
    assert source.error == f"file too large ({1 << 40} bytes, limit {MAX_INPUT_BYTES})"
    assert peak < CAP


def test_an_oversized_warc_record_is_a_failure_and_the_file_goes_on(tmp_path):
    path = tmp_path / "in.warc.gz"
    path.write_bytes(record("https://example.com/1.html", page("一")) + zeros_record("https://example.com/2.html", 8 * CAP)
                     + record("https://example.com/3.html", page("三")))
    sources = list(iter_sources([str(path)], max_bytes=CAP))
    assert [(s.url, (s.error or "")[:31]) for s in sources] == [
        ("https://example.com/1.html", ""),
        ("https://example.com/2.html", "bad WARC record: response recor"),
        ("https://example.com/3.html", ""),
    ]
    assert "too large" in sources[1].error


def test_json_nested_too_deeply_is_a_failure(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "\n" + LINE + "\n", encoding="utf-8")
    sources = list(iter_sources([str(path)]))
    assert _summary(sources) == [("deep.jsonl:1", "not JSON: nested too deeply"), ("deep.jsonl:2", None)]


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path):
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"url": "https://example.com/\udc80", "text": "正文\ud800"}) + "\n", encoding="utf-8")
    (source,) = iter_sources([str(path)])
    assert source.url == "https://example.com/\ufffd" and source.data == "正文\ufffd".encode()


def test_symlink_loops_pipes_and_broken_links_in_a_folder_are_failures(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_bytes(page("一"))
    (folder / "loop").symlink_to("loop")
    (folder / "ping").symlink_to("pong")
    (folder / "pong").symlink_to("ping")
    (folder / "gone").symlink_to("nowhere")
    os.mkfifo(folder / "pipe")  # opening it would wait for a writer forever
    (folder / "up").symlink_to("..")  # a folder link: not followed, so no loop
    (folder / "z.html").write_bytes(page("二"))
    sources = list(iter_sources([str(folder)]))
    assert _summary(sources) == [
        ("a.html", None),
        ("gone", "cannot read: No such file or directory"),
        ("loop", "cannot read: Too many levels of symbolic links"),
        ("ping", "cannot read: Too many levels of symbolic links"),
        ("pipe", "not a regular file"),
        ("pong", "cannot read: Too many levels of symbolic links"),
        ("z.html", None),
    ]


def test_a_looping_path_on_the_command_line_is_named_for_what_it_is(tmp_path):
    (tmp_path / "loop").symlink_to("loop")
    (source,) = iter_sources([str(tmp_path / "loop")])
    assert source.error == "cannot read: Too many levels of symbolic links"
    assert file_uri(source.name) == (tmp_path / "loop").as_uri()
    (missing,) = iter_sources([str(tmp_path / "nothing")])
    assert missing.error == "no such file or directory"


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    name = os.fsdecode(tmp_path / os.fsdecode(b"\xff\xfe page.html"))
    Path(name).write_bytes(page("一"))
    (source,) = iter_sources([name])
    assert source.error is None and source.data == page("一")
    assert source.label == label(name) == str(tmp_path) + "/\\xff\\xfe page.html"
    assert file_uri(name).endswith("/%FF%FE%20page.html")


def test_an_unexpected_error_while_reading_costs_that_input_only(tmp_path, monkeypatch):
    import archive.sources as sources_module

    def broken(path, max_bytes):
        raise MemoryError("no room")

    (tmp_path / "a.jsonl").write_text(LINE + "\n", encoding="utf-8")
    (tmp_path / "b.html").write_bytes(page("二"))
    monkeypatch.setattr(sources_module, "iter_jsonl", broken)
    sources = list(iter_sources([str(tmp_path)]))
    assert _summary(sources) == [("a.jsonl", "cannot read: MemoryError: no room"), ("b.html", None)]
