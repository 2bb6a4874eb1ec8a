"""The offline replica: deterministic, faithful to the profiles' selectors, honest about its truth and encodings."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import zlib
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from click.testing import CliRunner

from newsarchive.cli.replica import replica as replica_cli
from pipelines.profile import load_profile
from replica import Replica, ReplicaServer, mirror_pages, serve, truth
from replica.corrupt import misaligned_sites
from replica.encoding import FAULTS_GBK, FAULTS_UTF8
from replica.httpfaults import PERMANENT, TRANSIENT
from replica.mirrors import MIRROR_BASE
from replica.variants import KINDS

ARTICLES = 60
IMAGE_NAME_END = re.compile(r"(?:\d{13}\.png|[0-9a-f]{32}\.jpg)+$")
BOILERPLATE = ("当前位置", "责任编辑", "【版权声明】", "【免责声明】", "作者单位", "相关推荐", "违法和不良信息")


@pytest.fixture(scope="module")
def site():
    with serve(articles=ARTICLES, seed=3, faults=True, portal="all") as base:
        yield base


@pytest.fixture(scope="module")
def manifest(site):
    return fetch(site + "/_truth/manifest.json").json()


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def fetch(url: str, headers: dict | None = None, method: str = "GET") -> Reply:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return Reply(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read())


def text_of(node) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


def decode_as_intended(record: dict, body: bytes) -> str:
    """The page as its author meant it: the main part in the page's encoding, a GBK include after it."""
    if "mixed_ssi" in record["faults"]:
        cut = body.index(b'<div class="recommend">') if b'class="recommend"' in body else body.index(b'<div class="related">')
        return body[:cut].decode("utf-8") + body[cut:].decode("gbk")
    return body.decode("gb18030" if record["encoding"] == "gbk" else "utf-8")


# -- determinism -------------------------------------------------------------------------------------------------


def all_paths(r: Replica) -> list[str]:
    lists = ["/list/705/1.html", "/list/705/2.html", "/list/4904/1.html", "/hotnews/", "/html/node_1001.htm"]
    return [e.path for e in r.entries if e.kind != "dead"] + lists + ["/robots.txt"]


def test_same_seed_gives_same_bytes():
    a = Replica(articles=40, seed=5, faults=True, portal="all")
    b = Replica(articles=40, seed=5, faults=True, portal="all")
    assert a.truth() == b.truth()
    for path in all_paths(a):
        assert a.page(path).body == b.page(path).body, path


def test_another_seed_gives_another_site():
    assert [t["title"] for t in truth(articles=20, seed=1)] != [t["title"] for t in truth(articles=20, seed=2)]


# -- the truth ---------------------------------------------------------------------------------------------------


def test_truth_fields_follow_the_contract(manifest):
    profiles = {"cbg.cn": load_profile("cbg"), "cqnews.net": load_profile("cqnews")}
    articles = [t for t in manifest if t["kind"] == "article"]
    assert len(articles) == 2 * ARTICLES
    assert {t["kind"] for t in manifest} == {"article", "video", "dead"}
    for t in articles:
        profile = profiles[t["site"]]
        generation, fields = profile.article_match(t["path"])
        assert generation == t["generation"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+08:00", t["published_at"])
        if "catid" in fields:
            assert t["section"] == profile.sections[fields["catid"]]
        else:
            assert t["section"] in profile.sections.values()
        assert t["title"] and t["source"] and t["editor"] and t["body"]
        assert t["author"] is None or "、" in t["author"] or 2 <= len(t["author"]) <= 3
        assert not any(b in t["body"] for b in BOILERPLATE), t["url"]
        assert t["url"].endswith(t["path"])
    legacy = [t for t in articles if t["generation"] == "legacy"]
    assert legacy and all(t["published_at"] < "2020" and t["path"].endswith(".shtml") for t in legacy)
    assert all(t["published_at"] >= "2026" for t in articles if t["generation"] == "2026")


def test_generation_mix_and_unique_titles():
    records = [t for t in truth(articles=200, seed=1) if t["kind"] == "article"]
    share = {g: sum(t["generation"] == g for t in records) / len(records) for g in ("legacy", "2020", "2026")}
    assert share == {"legacy": 0.2, "2020": 0.5, "2026": 0.3}
    assert len({t["title"] for t in records}) == len(records)


def test_text_looks_like_news():
    bodies = "\n".join(t["body"] for t in truth(articles=100, seed=4) if t["kind"] == "article")
    for pattern in (r"\d+\.\d\d亿次", r"\d+%", r"\d{1,3},\d{3}", r"\d{1,2}:\d\d", r"\d+月\d+日", r"App|5G|iChongqing"):
        assert re.search(pattern, bodies), pattern
    for mark in "，。、“”：；":
        assert mark in bodies
    assert max(len(p) for p in bodies.split("\n")) < 400


def test_revision_updates_a_few_articles_under_the_same_urls():
    before = {t["url"]: t for t in truth(articles=200, seed=1)}
    after = {t["url"]: t for t in truth(articles=200, seed=1, revision=1)}
    assert before.keys() == after.keys()
    changed = [u for u in before if (before[u]["title"], before[u]["body"]) != (after[u]["title"], after[u]["body"])]
    assert 4 <= len(changed) <= 6
    assert all(after[u]["revision"] == 1 for u in changed)


def test_a_running_server_can_switch_to_the_next_revision():
    with ReplicaServer(articles=120, seed=4) as server:
        before = fetch(server.base_url + "/_truth/manifest.json").json()
        server.use(Replica(articles=120, seed=4, revision=1))
        after = fetch(server.base_url + "/_truth/manifest.json").json()
        changed = [(a, b) for a, b in zip(before, after) if a != b]
        assert changed and all(b["revision"] == 1 and a["url"] == b["url"] for a, b in changed)
        a, b = changed[0]
        page = fetch(b["url"]).body.decode("gb18030" if b["encoding"] == "gbk" else "utf-8")
        assert b["title"] in page and b["body"].split("\n")[0] in page


# -- pages against the profiles' selectors -----------------------------------------------------------------------


def walk_lists(base: str, profile_name: str) -> tuple[set[str], int]:
    """Every path linked from the profile's list pages, following `next` links (lxml only, no Scrapy)."""
    profile = load_profile(profile_name)
    sel = profile.list
    found, pages = set(), 0
    for start in profile.start_paths:
        url = base + start
        while url:
            reply = fetch(url)
            assert reply.status == 200, url
            doc = lxml.html.fromstring(reply.body)
            pages += 1
            for item in doc.cssselect(sel["item"]):
                (a,) = item.cssselect(sel["link"])
                assert item.cssselect(sel["time"])
                found.add(urlsplit(urljoin(url, a.get("href"))).path)
            nxt = doc.cssselect(sel["next"])
            url = urljoin(url, nxt[0].get("href")) if nxt else None
    return found, pages


@pytest.mark.parametrize("profile_name,site_name", [("cbg", "cbg.cn"), ("cqnews", "cqnews.net")])
def test_every_article_is_reachable_from_the_lists(site, manifest, profile_name, site_name):
    found, pages = walk_lists(site, profile_name)
    articles = {t["path"] for t in manifest if t["site"] == site_name and t["kind"] == "article"}
    assert articles <= found
    assert pages >= 3
    extra = {t["kind"] for t in manifest if t["path"] in found - articles}
    assert extra <= {"video", "dead"}


@pytest.mark.parametrize("profile_name", ["cbg", "cqnews"])
def test_article_pages_match_the_profile_selectors(site, manifest, profile_name):
    profile = load_profile(profile_name)
    for t in (t for t in manifest if t["site"] == profile.site and t["kind"] == "article"):
        reply = fetch(t["url"])
        doc = lxml.html.fromstring(decode_as_intended(t, reply.body))
        tpl = profile.templates[t["generation"]]
        assert len(doc.cssselect(tpl["detect"])) == 1, t["url"]
        (body,) = doc.cssselect(tpl["body"])
        assert text_of(doc.cssselect(tpl["title"])[0]) == t["title"]
        stamp = t["published_at"][:16].replace("T", " ")
        time_text = text_of(doc.cssselect(tpl["time"])[0])
        assert stamp in time_text or stamp[:4] + "年" + stamp[5:7] + "月" + stamp[8:10] + "日" in time_text
        assert t["source"] in text_of(doc.cssselect(tpl["source"])[0])
        crumbs = text_of(doc.cssselect(tpl["breadcrumb"])[0])
        assert crumbs == "当前位置：首页 > " + t["section"].replace(" › ", " > ") + " > 正文"
        paragraphs = [IMAGE_NAME_END.sub("", text_of(p)) for p in body.cssselect("p")]
        assert [p for p in paragraphs if p in t["body"].split("\n")] == t["body"].split("\n"), t["url"]
        editor = doc.cssselect(tpl["editor"])
        editor_text = text_of(editor[0]) if editor else text_of(body)
        assert "责任编辑：" + t["editor"] in editor_text, t["url"]
        title_tag = text_of(doc.cssselect("title")[0])
        assert any(title_tag == t["title"] + s for s in profile.title_suffixes)
        assert doc.cssselect('meta[property="og:title"]')[0].get("content") == t["title"]


def test_templates_put_some_boilerplate_inside_the_body(manifest, site):
    profile = load_profile("cbg")
    inside = set()
    for t in (t for t in manifest if t["site"] == "cbg.cn" and t["kind"] == "article"):
        doc = lxml.html.fromstring(decode_as_intended(t, fetch(t["url"]).body))
        body = text_of(doc.cssselect(profile.templates[t["generation"]]["body"])[0])
        inside |= {b for b in ("责任编辑", "【版权声明】", "作者单位", "重庆网络广播电视台记者") if b in body}
        if body.endswith("重庆手机台"):
            inside.add("app_promo")
    assert inside == {"责任编辑", "【版权声明】", "作者单位", "重庆网络广播电视台记者", "app_promo"}


def test_video_pages_have_no_article_text(site, manifest):
    videos = [t for t in manifest if t["kind"] == "video"]
    assert len(videos) >= 2
    for t in videos:
        doc = lxml.html.fromstring(fetch(t["url"]).body)
        assert doc.cssselect("div.v_message") and not doc.cssselect("div.article-content")
    found, _ = walk_lists(site, "cbg")
    assert any(t["path"] in found for t in videos)


# -- HTTP behaviour ----------------------------------------------------------------------------------------------


def test_robots_txt(site):
    reply = fetch(site + "/robots.txt")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/plain")
    lines = reply.body.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /_truth/", "Disallow: /search/"} <= set(lines)
    page = fetch(site + "/list/705/1.html").body.decode()
    assert 'href="/search/?q=' in page


def test_unknown_paths_and_dead_links_are_404(site, manifest):
    assert fetch(site + "/no/such/page.html").status == 404
    assert fetch(site + "/list/99999/1.html").status == 404
    (dead,) = [t for t in manifest if t["kind"] == "dead"]
    assert fetch(dead["url"]).status == 404
    assert dead["path"] in fetch(site + "/list/705/1.html").body.decode()


def test_page_past_the_end_is_an_empty_list(site):
    doc = lxml.html.fromstring(fetch(site + "/list/705/40.html").body)
    (ul,) = doc.cssselect("ul.news-list")
    assert ul.cssselect("li") == [] and not doc.cssselect("div.pages a.next")


def test_conditional_requests_get_304(site, manifest):
    url = next(t["url"] for t in manifest if t["kind"] == "article")
    first = fetch(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert fetch(url, {"If-None-Match": etag}).status == 304
    assert fetch(url, {"If-None-Match": '"stale"'}).status == 200
    assert fetch(url, {"If-Modified-Since": modified}).status == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    assert "ETag" not in fetch(site + "/list/705/1.html").headers


def test_stats_count_requests_by_kind(site, manifest):
    fetch(site + "/_truth/reset", method="POST")
    article = next(t["url"] for t in manifest if t["kind"] == "article")
    dead = next(t["url"] for t in manifest if t["kind"] == "dead")
    for url in (site + "/robots.txt", site + "/list/705/1.html", site + "/hotnews/", article, dead, site + "/nope"):
        fetch(url)
    fetch(site + "/_truth/manifest.json")
    stats = fetch(site + "/_truth/stats.json?paths=1").json()
    assert {k: stats[k] for k in ("list", "article", "robots", "other", "total")} == {
        "list": 2, "article": 2, "robots": 1, "other": 1, "total": 6,
    }
    assert stats["paths"]["/robots.txt"] == 1 and stats["status"]["404"] == 2
    fetch(site + "/_truth/reset")
    assert fetch(site + "/_truth/stats.json").json()["total"] == 0


# -- encodings ---------------------------------------------------------------------------------------------------


def charset_of(content_type: str) -> str | None:
    m = re.search(r"charset=([\w-]+)", content_type)
    return m.group(1).lower() if m else None


def test_every_fault_kind_is_served(manifest):
    served = {f for t in manifest for f in t["faults"]}
    assert served == set(FAULTS_GBK + FAULTS_UTF8)
    faulty = sum(bool(t["faults"]) for t in manifest if t["kind"] == "article")
    assert faulty / (2 * ARTICLES) < 0.1


def test_encodings_are_as_declared_and_faults_as_recorded(site, manifest):
    for t in (t for t in manifest if t["kind"] == "article"):
        reply = fetch(t["url"])
        header = charset_of(reply.headers["Content-Type"])
        head = reply.body[:1024]
        faults = set(t["faults"])
        if "header_utf8_on_gbk" in faults:
            assert header == "utf-8" and b"charset=gb2312" in head
            with pytest.raises(UnicodeDecodeError):
                reply.body.decode("utf-8")
        elif "meta_gb2312_on_utf8" in faults:
            assert header is None and b"charset=gb2312" in head
            reply.body.decode("utf-8")
        elif "mixed_ssi" in faults:
            assert header == "utf-8"
            with pytest.raises(UnicodeDecodeError):
                reply.body.decode("utf-8")
        elif t["encoding"] == "gbk":
            assert header in (None, "gb2312") and b"charset=gb2312" in head
        else:
            assert header == "utf-8" and b'<meta charset="utf-8">' in head
            reply.body.decode("utf-8")
        text = decode_as_intended(t, reply.body)
        assert t["title"] in text
        if "gbk_only_chars" in faults:
            assert re.search("[堃喆镕]", t["body"])
            with pytest.raises(UnicodeDecodeError):
                reply.body.decode("gb2312")


def test_faults_off_serves_clean_pages():
    r = Replica(articles=40, seed=3, faults=False)
    assert not any(t["faults"] for t in r.truth())
    for e in r.entries:
        if e.kind == "article":
            r.page(e.path).body.decode("gbk" if e.encoding == "gbk" else "utf-8")


# -- command line ------------------------------------------------------------------------------------------------


def test_cli_truth_prints_json_lines():
    result = CliRunner().invoke(replica_cli, ["truth", "--articles", "10", "--seed", "2", "--portal", "cqnews"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 10 and {r["site"] for r in records} == {"cqnews.net"}


def test_cli_serve_prints_its_url_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsarchive", "replica", "serve", "--port", "0", "--articles", "10", "--no-encoding-faults",
         "--mirrors"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        base, mirror = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base) and re.fullmatch(r"http://127\.0\.0\.1:\d+", mirror)
        assert fetch(base + "/robots.txt").status == 200
        copy = next(t for t in fetch(base + "/_truth/manifest.json").json() if t["kind"] == "mirror")
        assert copy["url"] == mirror + copy["path"] and fetch(copy["url"]).status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_rejects_unknown_portal():
    result = CliRunner().invoke(replica_cli, ["truth", "--portal", "nope"])
    assert result.exit_code == 2


# -- HTTP fault mode (issue 6) -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty():
    with serve(articles=100, seed=2, http_faults=True, hang_seconds=1) as base:
        yield base, fetch(base + "/_truth/faults.json").json(), fetch(base + "/_truth/manifest.json").json()


def raw_get(base: str, target: str):
    """(status, headers, body) or the name of the exception: faults break connections on purpose."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        conn.request("GET", target)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__
    finally:
        conn.close()


def test_fault_plan_covers_every_fault_and_the_truth_marks_broken_articles(faulty):
    _, plan, manifest = faulty
    assert {f["fault"] for f in plan.values()} == set(TRANSIENT + PERMANENT)
    by_path = {t["path"]: t for t in manifest}
    for path, f in plan.items():
        if path in by_path:
            assert by_path[path]["http_faults"] == [f["fault"]]
            assert by_path[path]["broken"] == f["permanent"]
    assert sum(t["broken"] for t in manifest) == sum(f["permanent"] for f in plan.values())
    assert not any(t["broken"] for t in manifest if t["path"] not in plan)


def test_transient_faults_heal_after_their_attempts(faulty):
    base, plan, _ = faulty
    for path, f in plan.items():
        if f["permanent"]:
            continue
        failures = [raw_get(base, path) for _ in range(f["attempts"])]
        assert all(isinstance(x, str) or x[0] in (429, 500, 502, 503, 504) for x in failures), (path, f)
        status, _, body = raw_get(base, path)
        assert status == 200 and body.endswith(b"</html>\n"), (path, f)


def test_permanent_faults_never_serve_the_page(faulty):
    base, plan, _ = faulty
    for path, f in plan.items():
        if not f["permanent"]:
            continue
        for _ in range(2):
            status, headers, body = raw_get(base, path)
            if f["fault"] == "always_5xx":
                assert status >= 500
            elif f["fault"] == "redirect_loop":
                assert status == 302
                again = raw_get(base, headers["Location"])
                assert again[0] == 302 and urlsplit(again[1]["Location"]).path == path
            elif f["fault"] == "gzip_bomb":
                assert headers["Content-Encoding"] == "gzip" and len(body) < 1_000_000
                inflater, size = zlib.decompressobj(31), 0
                for i in range(0, len(body), 4096):
                    size += len(inflater.decompress(body[i : i + 4096], 1 << 20))
                    while inflater.unconsumed_tail:
                        size += len(inflater.decompress(inflater.unconsumed_tail, 1 << 20))
                assert size > 100 * 1024 * 1024
            elif f["fault"] == "oversize":
                assert len(body) >= 12 * 1024 * 1024
            elif f["fault"] == "binary_junk":
                assert headers["Content-Type"] == "text/html" and b"<html" not in body


def test_traps_on_every_page(faulty):
    base, _, _ = faulty
    page = fetch(base + "/list/705/1.html").body.decode()
    for href in ("http://127.0.0.1:1/", "http://169.254.169.254/", "file:///etc/passwd", "javascript:", "mailto:"):
        assert f'href="{href}' in page
    doc = lxml.html.fromstring(page)
    links = [a.get("href") for a in doc.cssselect("ul.news-list li a[title]")]
    assert "utm_source=" in links[0] and links[0].split("?")[0] == links[1]
    day = doc.cssselect("a.calendar")[0].get("href")
    for _ in range(5):
        calendar = lxml.html.fromstring(fetch(base + day).body)
        previous = calendar.cssselect("div.pages a.next")[0].get("href")
        assert previous < day
        day = previous


# -- district-site variants (portal.md §1) -----------------------------------------------------------------------

# What each variant puts into the body container, as a pattern over one line; {names}, {editor}, {title}, {source}
# come from the truth. None of these lines may be in the truth's body.
VARIANT_LINES = {
    "site_label": r"^\S{2,4}(?:区文明实践所|区新时代文明实践中心|区融媒体中心|文明实践)$",
    "title_repeat": r"^{title}$",
    "date_line": r"^发布日期：\d{4}-\d\d-\d\d \d\d:\d\d$",
    "source_line": r"^来源：{source}$",
    "byline_reporter": r"^重庆网络广播电视台记者 {names}$",
    "summary": r"^摘要：[^。]+。$",
    "lead_arrow": r"^\S{2,6}↓↓↓$",
    "caption": r"^▲",
    "photo_credit": r"^（\S+(?:供图|：视觉中国|：\S+区委宣传部)）$",
    "image_names": r"(?:\d{13}\.png|[0-9a-f]{32}\.jpg)$",
    "image_placeholder": r"^图片1$",
    "byline_station": r"^（\S{2,3}(?:台|区融媒体中心) {names}）$",
    "byline_tv": r"^（重庆广电-第1眼TV记者 {names} 编辑 {editor}）$",
    "byline_correspondent": r"^记者 {names} 通讯员 \S{2,3}$",
}


def variant_line(kind: str, record: dict) -> re.Pattern:
    pattern = VARIANT_LINES[kind]
    values = {"{names}": " ".join((record["author"] or "").split("、")), "{editor}": record["editor"],
              "{title}": record["title"], "{source}": record["source"]}
    for key, value in values.items():
        pattern = pattern.replace(key, re.escape(value))
    return re.compile(pattern)


@pytest.fixture(scope="module")
def varied():
    r = Replica(articles=200, seed=1)
    return r, [t for t in r.truth() if t["kind"] == "article"]


def test_variants_are_a_modest_deterministic_share_covering_every_kind(varied):
    r, records = varied
    with_variants = [t for t in records if t["variants"]]
    assert 0.10 <= len(with_variants) / len(records) <= 0.15
    assert {k for t in with_variants for k in t["variants"]} == set(KINDS) == set(VARIANT_LINES)
    assert all(1 <= len(t["variants"]) <= 3 for t in with_variants)
    assert sum(k.startswith("byline_") for t in with_variants for k in t["variants"]) >= 4
    assert [t["variants"] for t in Replica(articles=200, seed=1).truth() if t["kind"] == "article"] == \
        [t["variants"] for t in records]


def test_variants_off_leaves_the_other_pages_byte_identical(varied):
    r, records = varied
    plain = Replica(articles=200, seed=1, variants=False)
    assert not any(t["variants"] for t in plain.truth())
    for t in records:
        same = r.page(t["path"]).body == plain.page(t["path"]).body
        assert same == (not t["variants"]), t["path"]


def test_variant_lines_are_on_the_page_and_not_in_the_truth(varied):
    r, records = varied
    profile = load_profile("cbg")
    for t in (t for t in records if t["variants"]):
        doc = lxml.html.fromstring(decode_as_intended(t, r.page(t["path"]).body))
        lines = [text_of(p) for p in doc.cssselect(profile.templates[t["generation"]]["body"])[0].cssselect("p")]
        body = t["body"].split("\n")
        for kind in t["variants"]:
            pattern = variant_line(kind, t)
            found = [line for line in lines if pattern.search(line)]
            assert found, (t["path"], kind)
            assert not any(pattern.search(line) for line in body), (t["path"], kind)
        if "source_line" in t["variants"]:
            assert t["source"] in ("上游新闻", "智汇八方")
        if "site_label" in t["variants"]:
            at = next(i for i, line in enumerate(lines) if re.search(VARIANT_LINES["site_label"], line))
            assert lines[at + 1] == "当前位置：首页 > " + t["section"].replace(" › ", " > ") + " > 正文"
        if "summary" in t["variants"]:
            summary = next(line for line in lines if line.startswith("摘要："))
            assert body[0].startswith(summary[3:])
        if {"byline_reporter", "byline_station", "byline_tv", "byline_correspondent"} & set(t["variants"]):
            assert t["author"] and not any("作者单位" in line for line in lines)


# -- spam-mirror copies (portal.md §2) ---------------------------------------------------------------------------

ORIGINAL_FIELDS = ("site", "path", "title", "published_at", "source", "author", "editor", "section", "body",
                   "generation", "variants", "revision")
TRADITIONAL_ONLY = re.compile("[們這國來時會發點說經開關當與將從對還過產網報]")


@pytest.fixture(scope="module")
def mirrored():
    r = Replica(articles=200, seed=1, mirrors=True)
    return r, mirror_pages(r)


def test_mirror_copies_name_their_original_and_keep_its_truth(mirrored):
    r, pages = mirrored
    assert len(pages) == 20
    originals = {t["path"]: t for t in r.truth() if t["kind"] == "article"}
    assert [t for *_, t in pages] == [t for t in r.truth() if t["kind"] == "mirror"]
    for path, data, t in pages:
        original = originals[path]
        assert t["kind"] == "mirror" and t["url"] == MIRROR_BASE + path
        assert t["mirror_of"] == "https://www.cbg.cn" + path
        assert {k: t[k] for k in ORIGINAL_FIELDS} == {k: original[k] for k in ORIGINAL_FIELDS}
        assert t["mirror"][:2] == ["traditional", "pinyin"]
    assert [(p, d) for p, d, _ in mirror_pages(Replica(articles=200, seed=1))] == [(p, d) for p, d, _ in pages]


def test_mirror_copies_carry_the_damage_they_record(mirrored):
    _, pages = mirrored
    seen = set()
    for path, data, t in pages:
        html = data.decode("utf-8")
        damages = set(t["mirror"])
        seen |= damages
        assert TRADITIONAL_ONLY.search(html) and re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", html)
        assert (misaligned_sites(html) > 0) == ("misaligned" in damages), path
        assert (re.search("[\uff01-\uff5e]", html) is None) == ("width_folded" in damages), path
        assert bool(re.search(r"[\u4e00-\u9fff](?:，，|,,|。。)", html)) == ("doubled_punctuation" in damages), path
        junk = re.findall(r'<([a-z]+) id="(?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{5}"></\1>', html)
        assert (len(junk) >= 3) == ("junk_tags" in damages), path
        title = re.search("<title>(.*?)</title>", html).group(1)
        assert ("无码" in title or "精品" in title or "高清" in title) == ("spam_title" in damages), path
        assert 'property="og:title"' not in html and '<meta charset="utf-8">' in html
    assert seen == {"traditional", "pinyin", "misaligned", "width_folded", "doubled_punctuation", "junk_tags",
                    "spam_title"}


def test_mirror_server_answers_copies_at_the_portal_paths():
    r = Replica(articles=30, seed=4, mirrors=True)
    with ReplicaServer(r) as server:
        manifest = fetch(server.base_url + "/_truth/manifest.json").json()
        copies = [t for t in manifest if t["kind"] == "mirror"]
        assert len(copies) == 3
        expected = {p: d for p, d, _ in mirror_pages(r)}
        for t in copies:
            assert t["url"] == server.mirror_url + t["path"]
            reply = fetch(t["url"])
            assert reply.status == 200 and reply.body == expected[t["path"]]
            assert fetch(server.base_url + t["path"]).body != reply.body
        assert fetch(server.mirror_url + "/list/705/1.html").status == 404
        assert fetch(server.mirror_url + "/robots.txt").body == b"User-agent: *\nDisallow:\n"
    with ReplicaServer(articles=30, seed=4) as plain:
        assert plain.mirror_url is None
        assert not [t for t in fetch(plain.base_url + "/_truth/manifest.json").json() if t["kind"] == "mirror"]


def test_cli_truth_lists_mirror_copies():
    result = CliRunner().invoke(replica_cli, ["truth", "--articles", "20", "--mirrors", "--mirror-base-url",
                                              "http://copy.example"])
    assert result.exit_code == 0, result.output
    copies = [r for r in map(json.loads, result.output.splitlines()) if r["kind"] == "mirror"]
    assert len(copies) == 2 and all(r["url"] == "http://copy.example" + r["path"] for r in copies)


def test_a_replica_without_mirrors_needs_only_the_standard_library():
    code = ("import sys; from replica import Replica; r = Replica(articles=20, portal='all'); "
            "[r.page(e.path) for e in r.entries]; r.truth(); print(sorted({'opencc', 'pypinyin'} & set(sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"
