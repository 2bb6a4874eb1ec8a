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
