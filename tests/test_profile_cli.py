"""Issue 12, item 3: ``newsarchive profile check`` and ``profile new``, offline on saved pages (written from the
replica, the normal and the redesigned site) and with one polite fetch from a loopback replica."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from newsarchive.cli import cli

from replica import Replica, ReplicaServer
from tests.crawling import newsarchive, replica_stats, rows, summary

PORTAL = "https://www.cbg.cn"
LIST = "/list/705/1.html"


class _Result:
    def __init__(self, result):
        self.returncode, self.stdout, self.stderr = result.exit_code, result.stdout, result.stderr


def _cli(*args):
    """The command in this process (no reactor is needed to check pages); NEWSARCHIVE_CONTACT unset."""
    return _Result(CliRunner().invoke(cli, list(args), env={"NEWSARCHIVE_CONTACT": None}))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A list page and a 2020 article of each replica, saved as files, with the truth of the site."""
    out = {}
    for redesign in (False, True):
        site = Replica(articles=60, seed=21, redesign=redesign)
        folder = tmp_path_factory.mktemp("redesign" if redesign else "today")
        truth = {t["path"]: t for t in site.truth(PORTAL) if t["kind"] == "article"}
        article = next(p for p in truth if p.startswith("/show/705-"))
        (folder / "list.html").write_bytes(site.page(LIST).body)
        (folder / "article.html").write_bytes(site.page(article).body)
        out[redesign] = {"dir": folder, "truth": truth, "article": article,
                         "listed": [p for p in truth if p.encode() in site.page(LIST).body]}
    return out


def _check(path, url, *extra):
    result = _cli("profile", "check", str(path), "--url", url, "--format", "json", *extra)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_check_a_list_page_the_selectors_still_match(saved):
    report = _check(saved[False]["dir"] / "list.html", PORTAL + LIST)
    assert report["kind"] == "list" and report["crawl_reads_it_by"] == "selectors"
    assert report["selectors"]["item"] == {"css": "ul.news-list li", "matches": 20}
    assert report["selectors"]["next"]["matches"] == 1
    by_selectors = [urlsplit(u).path for u in report["articles_by_selectors"]]
    assert set(saved[False]["listed"]) <= set(by_selectors)
    assert set(by_selectors) == {urlsplit(u).path for u in report["articles_by_url_scheme"]}
    assert [urlsplit(u).path for u in report["next_by_selectors"]] == ["/list/705/2.html"]


def test_check_a_redesigned_list_page_finds_the_articles_by_url_scheme(saved):
    report = _check(saved[True]["dir"] / "list.html", PORTAL + LIST)
    assert report["crawl_reads_it_by"] == "url_scheme"
    assert {k: v["matches"] for k, v in report["selectors"].items()} == {"item": 0, "link": 0, "next": 0}
    assert report["articles_by_selectors"] == []
    assert set(saved[True]["listed"]) <= {urlsplit(u).path for u in report["articles_by_url_scheme"]}
    assert [urlsplit(u).path for u in report["next_by_url_scheme"]] == ["/list/705/2.html"]


def test_check_an_article_shows_template_selectors_and_record(saved):
    today = saved[False]
    report = _check(today["dir"] / "article.html", PORTAL + today["article"])
    truth = today["truth"][today["article"]]
    assert report["template_by_url"] == "2020" and report["extractor"] == "profile:2020" and report["missed"] == []
    title = report["selectors"]["2020"]["title"]
    assert title["css"] == "h1.article-title" and title["matches"] == 1 and title["text"] == truth["title"]
    assert {k: report["record"][k] for k in ("title", "body", "published_at")} == \
        {k: truth[k] for k in ("title", "body", "published_at")}


def test_check_a_redesigned_article_names_the_selectors_that_missed(saved):
    new = saved[True]
    report = _check(new["dir"] / "article.html", PORTAL + new["article"])
    assert report["extractor"] == "generic"
    assert report["missed"] == ["2020:detect", "2020:body", "2020:title", "2020:time"]
    assert report["selectors"]["2020"]["body"]["matches"] == 0
    assert report["record"]["title"] == new["truth"][new["article"]]["title"]


def test_check_prints_a_readable_report(saved):
    result = _cli("profile", "check", str(saved[True]["dir"] / "article.html"), "--url", PORTAL + saved[True]["article"])
    assert result.returncode == 0, result.stderr
    assert "template by URL: 2020; extracted by: generic" in result.stdout
    assert "key selectors that matched nothing: 2020:detect" in result.stdout and "record clean would store:" in result.stdout


def test_profile_new_from_saved_pages_crawls_the_redesign_without_drift(saved, tmp_path):
    new = saved[True]
    target = tmp_path / "cbg2026.json"
    result = _cli("profile", "new", "cbg2026", "--from-url", str(new["dir"] / "list.html"), "--list-url", PORTAL + LIST,
                  "--article", str(new["dir"] / "article.html"), "--article-url", PORTAL + new["article"],
                  "-o", str(target))
    assert result.returncode == 0, result.stderr
    profile = json.loads(target.read_text(encoding="utf-8"))
    assert profile["templates"]["g1"]["title"] == "h2.headline"
    assert profile["templates"]["g1"]["body"] == "section.story-body"
    assert profile["list_patterns"] == [r"^/list/\d+/\d+\.html$"]
    schemes = [p["regex"] for p in profile["article_patterns"]]
    assert schemes[0] == r"^/show/\d+\-\d+\.html$" and r"^/a/\d+/\d+/[0-9a-f]{32}\.html$" in schemes
    with ReplicaServer(articles=60, seed=21, redesign=True) as server:
        crawl = newsarchive("crawl", "--base-url", server.base_url, "--db", str(tmp_path / "news.db"),
                            "--profile", str(target))
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert summary(crawl)["alerts"] == []
    archived = rows(tmp_path / "news.db")
    reached = {p for p in new["truth"] if any(re.match(s, p) for s in schemes)}
    assert reached and reached <= set(archived)
    assert {r["extractor"] for r in archived.values()} == {"profile:g1"}
    same = sum(archived[p]["title"] == new["truth"][p]["title"] and archived[p]["body"] == new["truth"][p]["body"]
               for p in reached)
    assert same >= 0.95 * len(reached)
    # a second call would overwrite: refused without --force
    again = _cli("profile", "new", "cbg2026", "--from-url", str(new["dir"] / "list.html"), "--list-url", PORTAL + LIST,
                 "--article", str(new["dir"] / "article.html"), "--article-url", PORTAL + new["article"], "-o", str(target))
    assert again.returncode == 2 and "exists" in again.stderr


def test_check_fetches_one_page_politely_from_a_replica(saved):
    with ReplicaServer(articles=60, seed=21) as server:
        result = _cli("profile", "check", server.base_url + LIST, server.base_url + "/search/?q=x", "--format", "json")
        requests = replica_stats(server.base_url)
    assert result.returncode == 1  # the search page is forbidden by robots.txt
    listing, search = json.loads(result.stdout)
    assert listing["kind"] == "list" and listing["selectors"]["item"]["matches"] == 20
    assert "robots.txt" in search["error"]
    assert requests["robots"] == 1 and requests["list"] == 1 and not any("/search/" in p for p in requests["paths"])
    assert requests["total"] == 2


@pytest.mark.parametrize("args, code, words", [
    (("https://www.cbg.cn/list/705/1.html",), 2, "contact"),          # the live site, no contact: no request made
    (("https://www.cbg.cn/list/705/1.html", "--contact", "me@example.com"), 2, "placeholder"),
    (("https://elsewhere.example.net/x.html", "--profile", "cbg"), 1, "not on the profile's hosts"),
    (("no-such-file.html",), 2, "neither an http(s) URL nor a file"),
    (("x.html", "--url", "ftp://x"), 2, "--url"),
    (("x.html", "--profile", "nonesuch"), 2, "no site profile named"),
])
def test_check_refuses_bad_input_without_network(args, code, words):
    result = _cli("profile", "check", *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert words in result.stderr


def test_profile_new_needs_the_url_of_a_saved_page(saved):
    result = _cli("profile", "new", "x", "--from-url", str(saved[True]["dir"] / "list.html"))
    assert result.returncode == 2 and "--list-url" in result.stderr
