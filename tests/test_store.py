"""The store: idempotent upserts, versions, runs, failures, skips and the crawler's lookups."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from archive.store import Archive, content_hash
from archive.warc import WarcPointer


def record(**changes) -> dict:
    base = {
        "id": "c0ffee",
        "url": "https://www.cbg.cn/show/705-204035.html?utm_source=x",
        "canonical_url": "https://www.cbg.cn/show/705-204035.html",
        "site": "cbg",
        "section": "新闻 › 重庆新闻",
        "title": "主力军挺进主战场",
        "published_at": "2020-10-22T09:00:00+08:00",
        "source": "重庆日报",
        "author": "余鸿",
        "editor": "张静怡",
        "body": "今年9月，中共中央办公厅印发意见。\n重庆加快推进媒体深度融合发展。",
        "images": ["https://cmsimg.cbg.cn/a.jpg"],
        "extractor": "profile:2020",
        "mirror_of": None,
        "quality": {"repairs": {"to_simplified": 12}, "repaired": True},
    }
    base.update(changes)
    return base


@pytest.fixture
def arc(tmp_path):
    with Archive(tmp_path / "data" / "news.db") as opened:
        yield opened


def test_opens_in_wal_mode_with_a_busy_timeout(arc):
    assert arc.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert arc.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000


def test_opening_does_not_wait_for_a_writer(arc):
    import time

    with arc.batch():
        arc.upsert_article(record(), None)  # holds the write lock while a reader opens the file
        started = time.monotonic()
        with Archive(arc.path) as reader:
            assert reader.upgraded == [] and reader.get_article("c0ffee") is None
        assert time.monotonic() - started < 5
    with Archive(arc.path) as after:
        assert after.get_article("c0ffee")["id"] == "c0ffee"


def test_new_then_unchanged_only_touches_last_seen(arc):
    run1 = arc.start_run({"spider": "cbg"})
    assert arc.upsert_article(record(), run1, fetched_at="2026-01-01T00:00:00+00:00") == "new"
    first = arc.get_article("c0ffee")
    run2 = arc.start_run()
    assert arc.upsert_article(record(), run2, fetched_at="2026-01-02T00:00:00+00:00") == "unchanged"
    second = arc.get_article("c0ffee")
    changed = {key for key in first if first[key] != second[key]}
    assert changed == {"last_seen", "crawl_run_id"}
    assert second["first_seen"] == "2026-01-01T00:00:00+00:00" and second["last_seen"] == "2026-01-02T00:00:00+00:00"
    assert json.loads(second["images"]) == ["https://cmsimg.cbg.cn/a.jpg"]
    assert json.loads(second["quality"])["repairs"]["to_simplified"] == 12
    assert arc.versions("c0ffee") == []


def test_changed_content_keeps_the_previous_version(arc):
    old_pointer = WarcPointer(str(arc.path.parent / "warc" / "a.warc.gz"), 100, 50, "sha1:OLD")
    new_pointer = WarcPointer(str(arc.path.parent / "warc" / "b.warc.gz"), 7, 9, "sha1:NEW")
    arc.upsert_article(record(), 1, fetched_at="2026-01-01T00:00:00+00:00", warc=old_pointer,
                       validators={"etag": '"v1"'})
    corrected = record(body="更正：" + record()["body"], editor="陈亚")
    assert arc.upsert_article(corrected, 2, fetched_at="2026-01-05T00:00:00+00:00", warc=new_pointer) == "updated"
    current = arc.get_article("c0ffee")
    assert current["version"] == 2 and current["editor"] == "陈亚"
    assert current["fetched_at"] == "2026-01-05T00:00:00+00:00" and current["first_seen"] == "2026-01-01T00:00:00+00:00"
    assert current["warc_file"] == "warc/b.warc.gz" and current["etag"] is None
    assert current["content_hash"] == content_hash(corrected)
    (previous,) = arc.versions("c0ffee")
    assert previous["version"] == 1 and previous["editor"] == "张静怡" and previous["body"] == record()["body"]
    assert previous["fetched_at"] == "2026-01-01T00:00:00+00:00" and previous["etag"] == '"v1"'
    assert arc.warc_pointer(previous) == old_pointer
    assert arc.upsert_article(corrected, 3) == "unchanged"
    assert arc.upsert_article(record(), 3) == "updated"
    assert [v["version"] for v in arc.versions("c0ffee")] == [1, 2]
    assert arc.get_article("c0ffee")["version"] == 3


def test_descriptive_fields_refresh_without_a_version(arc):
    arc.upsert_article(record(), None)
    assert arc.upsert_article(record(quality={"repairs": {}}, extractor="generic"), None) == "unchanged"
    row = arc.get_article("c0ffee")
    assert row["extractor"] == "generic" and json.loads(row["quality"]) == {"repairs": {}}
    assert row["version"] == 1 and arc.versions("c0ffee") == []


def test_runs_count_outcomes_failures_and_skips(arc):
    run = arc.start_run({"base_url": "http://127.0.0.1:8000"})
    arc.upsert_many([record(id="a", url="u/a"), record(id="b", url="u/b")], run)
    arc.upsert_article(record(id="a", url="u/a"), run)
    arc.upsert_article(record(id="b", url="u/b", title="新标题"), run)
    arc.record_failure(run, "https://www.cbg.cn/show/705-9.html", "fetch", "http 404")
    arc.record_skipped(run, "https://www.cbg.cn/video/1.html", "video")
    arc.record_skipped(run, "https://www.cbg.cn/video/1.html", "video")
    arc.finish_run(run, "finished", stats={"downloader/request_count": 9})
    row = arc.db["crawl_runs"].get(run)
    assert (row["new"], row["updated"], row["unchanged"], row["failed"], row["skipped"]) == (2, 1, 1, 1, 2)
    assert row["status"] == "finished" and json.loads(row["stats"]) == {"downloader/request_count": 9}
    assert json.loads(row["options"]) == {"base_url": "http://127.0.0.1:8000"}
    stages = [(f["run_id"], f["stage"], f["reason"]) for f in arc.db["failures"].rows]
    assert stages == [(run, "fetch", "http 404"), (run, "skip", "video"), (run, "skip", "video")]
    assert arc.run_summary()["run_id"] == run and arc.run_summary(run)["updated"] == 1
    interrupted = arc.start_run()
    arc.finish_run(interrupted, "shutdown", counts={"new": 5})
    row = arc.db["crawl_runs"].get(interrupted)
    assert row["status"] == "interrupted" and row["new"] == 5 and row["finished_at"]


def test_lookups_for_the_incremental_crawler(arc):
    arc.upsert_article(record(), 1, validators={"etag": '"abc"', "last_modified": "Thu, 22 Oct 2020 01:00:00 GMT"})
    arc.upsert_article(record(), 2, validators={"etag": None, "last_modified": None})
    arc.upsert_article(record(id="old", url="u/old", canonical_url=None, published_at="2019-01-01T00:00:00+08:00"), 1)
    arc.record_skipped(1, "u/video", "video")
    state = arc.article_state("https://www.cbg.cn/show/705-204035.html")
    assert state["id"] == "c0ffee" and state["etag"] == '"abc"' and state["last_modified"].startswith("Thu")
    assert arc.article_state(record()["url"])["id"] == "c0ffee"
    assert arc.article_state("u/nowhere") is None
    assert arc.touch(record()["url"], 7, fetched_at="2099-01-01T00:00:00+00:00") == "unchanged"
    assert arc.get_article("c0ffee")["last_seen"] == "2099-01-01T00:00:00+00:00"
    assert arc.touch("u/nowhere", 7) is None


def test_batch_is_all_or_nothing(arc):
    with pytest.raises(RuntimeError):
        with arc.batch():
            arc.upsert_article(record(id="x", url="u/x"), None)
            raise RuntimeError("crash mid-batch")
    assert arc.get_article("x") is None


def test_a_record_without_id_or_url_is_refused(arc):
    with pytest.raises(ValueError):
        arc.upsert_article(record(id=None), None)
    with pytest.raises(ValueError):
        arc.upsert_article(record(url=""), None)


def _writer(path, start):
    with Archive(path) as arc:
        for i in range(start, start + 150):
            arc.upsert_article(record(id=f"p{i}", url=f"u/{i}"), None)


def test_two_processes_write_concurrently(tmp_path):
    path = tmp_path / "news.db"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, start)) for start in (0, 150, 300, 450)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with Archive(path) as arc:
        assert arc.db["articles"].count == 600
        assert arc.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_recrawling_a_revised_replica_keeps_versions(tmp_path):
    """Issue 5's end-to-end case: crawl the replica, let it revise some articles, crawl again (in subprocesses)."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request
    from pathlib import Path
    from urllib.parse import urlsplit

    from replica.server import serve

    root = Path(__file__).resolve().parent.parent
    db = tmp_path / "news.db"
    with socket.socket() as probe:  # the same origin both times, as the real portal would be
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    truths = []
    for revision in (0, 1):
        with serve(articles=60, seed=3, port=port, revision=revision) as base:
            crawl = subprocess.run(
                [sys.executable, "-m", "newsarchive", "crawl", "--base-url", base, "--db", str(db),
                 "-s", "NEWSARCHIVE_REVISIT_DAYS=100000", "-s", "LOG_LEVEL=WARNING"],
                capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=120,
            )
            assert crawl.returncode == 0, crawl.stderr[-2000:]
            with urllib.request.urlopen(f"{base}/_truth/manifest.json") as response:
                truths.append({urlsplit(t["url"]).path: t for t in json.load(response) if t["kind"] == "article"})
    revised = {path for path, truth in truths[1].items() if truth["revision"]}
    assert revised, "the replica revised some articles"
    with Archive(db) as arc:
        runs = list(arc.db["crawl_runs"].rows)
        assert [(r["new"], r["updated"], r["unchanged"]) for r in runs] == [
            (60, 0, 0), (0, len(revised), 60 - len(revised))]
        by_path = {urlsplit(row["url"]).path: row for row in arc.db["articles"].rows}
        assert set(by_path) == set(truths[1])
        for path, row in by_path.items():
            versions = arc.versions(row["id"])
            if path in revised:
                assert row["version"] == 2 and [v["body"] for v in versions] == [truths[0][path]["body"]]
                assert row["crawl_run_id"] == runs[1]["id"]
            else:
                assert row["version"] == 1 and versions == []
                assert row["last_seen"] >= runs[1]["started_at"], "a 304 still moves last_seen"
            assert (row["title"], row["body"]) == (truths[1][path]["title"], truths[1][path]["body"])


def test_a_mirror_copy_never_displaces_the_original(arc):
    original = record()
    assert arc.upsert_article(original, None) == "new"
    copy = record(url="http://spam-mirror.example/a/1.html", mirror_of=original["url"], body=original["body"] + "?")
    assert arc.upsert_article(copy, None) == "unchanged"
    stored = arc.get_article(original["id"])
    assert (stored["url"], stored["mirror_of"], stored["body"], stored["version"]) == (
        original["url"], None, original["body"], 1)
    # the other way round: the portal's own page replaces a mirror's copy stored first
    other = record(id="b" * 16, url="https://www.cbg.cn/a/2.html")
    arc.upsert_article({**other, "url": "http://m.example/a/2.html", "mirror_of": other["url"]}, None)
    assert arc.upsert_article(other, None) == "unchanged"
    assert arc.get_article(other["id"])["mirror_of"] is None
