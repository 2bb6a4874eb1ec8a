"""Reprocess: a cleaning change reaches exactly the records it affects, from the raw WARC, with versions."""

from __future__ import annotations

import json

import pytest

from archive.reprocess import reprocess
from archive.store import Archive
from archive.warc import WarcWriter


class _Article:
    def __init__(self, record):
        self.record = record

    def as_record(self):
        return dict(self.record)


class _Outcome:
    def __init__(self, kind, record=None, reason=None):
        self.kind, self.reason, self.article = kind, reason, _Article(record) if record else None


def cleaner(strip_app_promo: bool):
    """A stand-in cleaner whose one boilerplate rule (the app promo line) can be switched on."""

    def clean(data, *, url, content_type, site):
        lines = data.decode("utf-8").split("\n")
        if lines[0] == "VIDEO":
            return _Outcome("skipped", reason="video page")
        if strip_app_promo and lines[-1] == "重庆手机台":
            lines = lines[:-1]
        return _Outcome("article", {"id": "ignored", "url": url, "site": site, "title": lines[0],
                                    "body": "\n".join(lines[1:]), "quality": {"boilerplate": {}}})

    return clean


BASE = "https://www.cbg.cn/show/705-"
PAGES = {
    f"{BASE}1.html": "标题一\n正文一\n重庆手机台",
    f"{BASE}2.html": "标题二\n正文二",
    f"{BASE}3.html": "标题三\n正文三\n重庆手机台",
    f"{BASE}4.html": "标题四\n正文四",
}


@pytest.fixture
def arc(tmp_path):
    with Archive(tmp_path / "news.db") as opened, WarcWriter(opened.warc_dir) as writer:
        old = cleaner(strip_app_promo=False)
        for url, text in PAGES.items():
            pointer = writer.write_response(url, 200, {"Content-Type": "text/plain; charset=utf-8"}, text.encode())
            record = old(text.encode(), url=url, content_type=None, site="cbg.cn").article.as_record()
            number = url[len(BASE)]
            opened.upsert_article({**record, "id": f"U{number}"}, None, fetched_at="2026-01-01T00:00:00+00:00",
                                  warc=pointer, validators={"etag": f'"v{number}"'})
        opened.upsert_article({"id": "NORAW", "url": "u9", "title": "导入的", "body": "没有原始记录"}, None)
        yield opened


def test_a_boilerplate_rule_updates_exactly_the_affected_records(arc):
    report = reprocess(arc, clean=cleaner(strip_app_promo=True))
    assert (report.examined, report.changed, report.unchanged, report.no_raw, report.failed) == (5, 2, 2, 1, 0)
    assert dict(report.fields) == {"body": 2}
    for article_id in ("U1", "U3"):
        row = arc.get_article(article_id)
        assert row["version"] == 2 and not row["body"].endswith("重庆手机台")
        assert row["fetched_at"] == "2026-01-01T00:00:00+00:00" and row["etag"] == f'"v{article_id[1]}"'
        (old,) = arc.versions(article_id)
        assert old["body"].endswith("重庆手机台")
    for article_id in ("U2", "U4", "NORAW"):
        assert arc.get_article(article_id)["version"] == 1 and arc.versions(article_id) == []
    run = arc.db["crawl_runs"].get(report.run_id)
    assert (run["updated"], run["unchanged"], run["status"]) == (2, 2, "finished")
    assert json.loads(run["options"])["command"] == "reprocess"
    again = reprocess(arc, clean=cleaner(strip_app_promo=True))
    assert (again.changed, again.unchanged) == (0, 4), "reprocessing is idempotent"


def test_dry_run_reports_and_writes_nothing(arc):
    before = list(arc.db["articles"].rows)
    report = reprocess(arc, clean=cleaner(strip_app_promo=True), dry_run=True)
    assert report.changed == 2 and report.run_id is None
    assert list(arc.db["articles"].rows) == before and arc.db["crawl_runs"].count == 0


def test_site_and_since_filters(arc):
    assert reprocess(arc, clean=cleaner(True), site="other.site", dry_run=True).examined == 0
    assert reprocess(arc, clean=cleaner(True), site="cbg.cn", dry_run=True).examined == 4
    assert reprocess(arc, clean=cleaner(True), since="2030-01-01", dry_run=True).examined == 0


def test_lost_raw_files_and_non_articles_become_failures(arc, tmp_path):
    for file in arc.warc_dir.glob("*.warc.gz"):
        file.unlink()
    report = reprocess(arc, clean=cleaner(True))
    assert report.failed == 4
    reasons = {row["reason"].split(":")[0] for row in arc.db["failures"].rows_where("stage = 'reprocess'")}
    assert reasons == {"raw record unreadable"}
    assert arc.get_article("U1")["version"] == 1


def test_the_real_cleaner_after_a_repair_is_switched_on(tmp_path):
    """Records stored by a cleaner without the pinyin-annotation repair; reprocessing with the current one."""
    import pipelines.clean as clean_module
    from pipelines.repair import RepairConfig

    page = "<html><body><h1>{title}</h1><p>发布时间：2020-10-22 09:00 来源：重庆日报</p><div><p>{body}</p></div></body></html>"
    bodies = {
        "https://example.org/plain.html": "今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。",
        "https://example.org/mirror.html": "今年9月，中(zhōng)共中央办公厅、国务院办公厅印(yìn)发《关于加快推进媒体深度融合发展的意见》。",
    }
    with Archive(tmp_path / "news.db") as arc, WarcWriter(arc.warc_dir) as writer:
        for url, body in bodies.items():
            html = page.format(title="媒体融合", body=body).encode()
            pointer = writer.write_response(url, 200, {"Content-Type": "text/html; charset=utf-8"}, html)
            outcome = clean_module.clean_page(html, url=url, content_type="text/html; charset=utf-8",
                                              config=RepairConfig(pinyin_annotations=False))
            arc.upsert_article(outcome.article.as_record(), None, warc=pointer)
        report = reprocess(arc)
        assert report.changed == 1 and report.unchanged == 1 and "body" in report.fields
        (row,) = [r for r in arc.db["articles"].rows if r["url"].endswith("mirror.html")]
        assert "(zhōng)" not in row["body"] and row["version"] == 2
        assert json.loads(row["quality"])["repairs"]["pinyin_annotations"] == 2


def test_a_version_a_crawl_stores_during_reprocess_is_never_undone(arc, tmp_path):
    """A crawl commits a correction of U1 after reprocess read the row and before it writes: the correction stays
    current, is not turned into an old version, and the race is counted, not an error."""
    rewrite = cleaner(strip_app_promo=True)
    correction = {"id": "U1", "url": f"{BASE}1.html", "site": "cbg.cn", "title": "标题一", "body": "正文一（更正）"}

    def racing(data, *, url, content_type, site):
        if url.endswith("/705-1.html"):
            # Another process's connection, as a crawl has, storing the corrected page and its raw response.
            with Archive(arc.path) as crawl, WarcWriter(crawl.warc_dir) as writer:
                raw = f"{correction['title']}\n{correction['body']}".encode()
                pointer = writer.write_response(url, 200, {"Content-Type": "text/plain; charset=utf-8"}, raw)
                stored = crawl.upsert_article(correction, None, fetched_at="2026-02-01T00:00:00+00:00", warc=pointer)
                assert stored == "updated"
        return rewrite(data, url=url, content_type=content_type, site=site)

    report = reprocess(arc, clean=racing)
    assert (report.conflicts, report.changed, report.unchanged, report.failed) == (1, 1, 2, 0)
    row = arc.get_article("U1")
    assert (row["body"], row["version"], row["fetched_at"]) == ("正文一（更正）", 2, "2026-02-01T00:00:00+00:00")
    assert [v["body"] for v in arc.versions("U1")] == ["正文一\n重庆手机台"]
    assert arc.get_article("U3")["version"] == 2, "the other record is reprocessed as usual"
    assert json.loads(arc.db["crawl_runs"].get(report.run_id)["stats"])["conflicts"] == 1
    again = reprocess(arc, clean=rewrite)
    assert (again.conflicts, again.changed) == (0, 0) and arc.get_article("U1")["body"] == "正文一（更正）"


def test_a_row_deleted_during_reprocess_is_not_brought_back(arc):
    rewrite = cleaner(strip_app_promo=True)

    def deleting(data, *, url, content_type, site):
        if url.endswith("/705-3.html"):
            with arc.batch():
                arc.conn.execute("DELETE FROM articles WHERE id = 'U3'")
        return rewrite(data, url=url, content_type=content_type, site=site)

    report = reprocess(arc, clean=deleting)
    assert report.conflicts == 1 and arc.get_article("U3") is None
