"""The search app that ``newsarchive serve`` shows analysts, over HTTP and in a real browser.

One archive, one ``newsarchive serve`` and one headless Chromium (Debian's ``chromium`` and ``chromium-driver``,
driven by Selenium without Selenium Manager) serve the whole module. The archive is ~125 generated stories over
five weeks, plus an article that was corrected and repaired from a mirror copy, one whose text is hostile HTML,
one published late on a day an ``until`` names, and one with no date. What the pages show is checked against the
archive file itself, read with plain SQL. Screenshots go to ``test-artifacts/browser/`` (printed at the end of
the run).

The browser tests skip where no Chromium is installed, and fail instead under CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sqlite3
import tempfile
import urllib.parse
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from archive.store import Archive
from replica.text import story
from tests import serving
from tests.conftest import ARTIFACTS

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
SCREENSHOTS = ARTIFACTS / "browser"
LOCAL = timezone(timedelta(hours=8))
FIRST_DAY = datetime(2020, 10, 1, 7, 0, tzinfo=LOCAL)
QUERY = "重庆"
PER_PAGE = 20


def _id(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def _record(url: str, published: datetime | None, **fields) -> dict:
    return {"id": _id(url), "url": url, "canonical_url": url, "site": "cbg.cn",
            "published_at": published.isoformat() if published else None, **fields}


def _stories(count: int = 120) -> list[dict]:
    rng = random.Random(13)
    sections = ["新闻 › 重庆新闻", "新闻 › 头条新闻", "新闻 › 央媒关注", "新闻 › 热点新闻"]
    records = []
    for i in range(count):
        published = FIRST_DAY + timedelta(days=rng.randint(0, 34), hours=rng.randint(0, 13), minutes=rng.randint(0, 59))
        told = story(rng, published)
        records.append(_record(
            f"https://www.cbg.cn/a/705/{published:%Y%m%d}/{i:032x}.html", published,
            title=told.title, body=told.body, source=told.source, author=told.author, editor="何丹",
            section=rng.choice(sections), extractor="profile:2020",
            quality={"encoding": {"encoding": "utf-8", "source": "http", "declared": "utf-8", "confidence": 1.0},
                     "repairs": {}, "lost": 0, "boilerplate": {"editor_line": 1, "copyright": 1},
                     "extractor": "profile:2020", "mirror_of": None, "repaired": False, "confidence": 1.0}))
    return records


ORIGINAL = "https://www.cbg.cn/a/705/20201012/0badc0ffee0000000000000000000001.html"
CORRECTED = _record(
    "http://mirror.example/news/20201012/1.html", datetime(2020, 10, 12, 10, 30, tzinfo=LOCAL),
    title="重庆城市更新项目开工 惠及居民两万户", source="重庆日报", author="李明、王芳", editor="张伟",
    section="新闻 › 重庆新闻", mirror_of=ORIGINAL, extractor="generic",
    body="10月12日，重庆城市更新项目正式开工，惠及居民两万户。\n项目总投资32.5亿元，计划2022年完工。\n"
         "市住房城乡建委有关负责人表示，将坚持以人民为中心，确保工程质量。",
    quality={"encoding": {"encoding": "gb18030", "source": "meta", "declared": "gb2312", "confidence": 0.97,
                          "rejected": "http charset iso-8859-1 decodes Chinese as Latin letters", "losses": 0,
                          "runs": 0},
             "repairs": {"pinyin_annotations": 12, "to_simplified": 41, "fullwidth_punctuation": 6},
             "lost": 1, "boilerplate": {"breadcrumb": 1, "copyright": 1, "disclaimer": 1, "app_promo": 2},
             "extractor": "generic", "mirror_of": ORIGINAL, "mirror_signs": ["foreign_host", "pinyin"],
             "repaired": True, "confidence": 0.82})
FIRST_VERSION = {**CORRECTED, "title": "重庆城市更新项目开工", "body": "10月12日，重庆城市更新项目正式开工。"}
HOSTILE = _record(
    "https://www.cbg.cn/a/705/20201015/0badc0ffee0000000000000000000002.html",
    datetime(2020, 10, 15, 9, 0, tzinfo=LOCAL), section="新闻 › 热点新闻", source="视界网",
    title="<script>window.__pwned = 1</script>重庆夜景 <b>灯光秀</b>",
    body='重庆夜景灯光秀今晚上演。<img src="x" onerror="window.__pwned = 2">\n活动持续到十月底。')
LATE_ON_UNTIL_DAY = _record(
    "https://www.cbg.cn/a/705/20201020/0badc0ffee0000000000000000000003.html",
    datetime(2020, 10, 20, 23, 30, tzinfo=LOCAL), title="重庆深夜发布暴雨预警", body="重庆市气象台深夜发布暴雨蓝色预警。",
    source="重庆日报", section="新闻 › 重庆新闻")
UNDATED = _record("https://www.cbg.cn/a/705/nodate.html", None, title="重庆旧闻一则", body="日期不详的重庆旧闻。",
                  source="视界网", section="新闻 › 重庆新闻")


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("app") / "news.db"
    with Archive(path) as arc:
        arc.upsert_article(FIRST_VERSION, run_id=None, fetched_at="2020-10-12T03:00:00+00:00")
        arc.upsert_many([*_stories(), CORRECTED, HOSTILE, LATE_ON_UNTIL_DAY, UNDATED], run_id=None)
    return path


@pytest.fixture(scope="module")
def base(archive_path):
    with serving.served(archive_path) as url:
        yield url


def sql(path: Path, query: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def matching(path: Path, query: str, where: str = "1", params=()) -> dict[str, str | None]:
    """{id: published_at} of the articles whose title or body contains ``query``, by LIKE: the reference."""
    like = f"%{query}%"
    return dict(sql(path, f"SELECT id, published_at FROM articles WHERE (title LIKE ? OR body LIKE ?) AND {where}",
                    (like, like, *params)))


def search_url(base: str, **args) -> str:
    return f"{base}/news/-/search?{urllib.parse.urlencode(args)}"


# Over HTTP: the canned query, the table views, the refusals.

def test_canned_search_until_includes_its_day(base):
    status, text, _ = serving.get(f"{base}/news/search.json?" + urllib.parse.urlencode(
        {"q": "暴雨", "since": "2020-10-20", "until": "2020-10-20", "_shape": "array"}))
    assert status == 200
    assert [row["id"] for row in json.loads(text)] == [LATE_ON_UNTIL_DAY["id"]]
    status, html, _ = serving.get(f"{base}/news/search")
    assert "until</code> includes its whole day" in html and "exclusive" not in html


def test_canned_search_pages_past_a_hundred_rows(base, archive_path):
    expected = matching(archive_path, "项目")
    assert len(expected) > 100, "the fixture needs more than one page"
    pages = [json.loads(serving.get(f"{base}/news/search.json?" + urllib.parse.urlencode(
        {"q": "项目", "page": page, "_shape": "array"}))[1]) for page in (1, 2)]
    assert len(pages[0]) == 100
    ids = [row["id"] for page in pages for row in page]
    assert len(ids) == len(set(ids)) and set(ids) == set(expected)


def test_the_tables_search_box_opens_the_ranked_search_page(base):
    status, _, headers = serving.get(f"{base}/news/articles?_search={urllib.parse.quote(QUERY)}", follow=False)
    assert status == 302 and headers["location"] == f"/news/-/search?q={urllib.parse.quote(QUERY)}"
    # A search with the table's own sort or filters stays a table view.
    status, html, _ = serving.get(f"{base}/news/articles?_search={urllib.parse.quote(QUERY)}&_sort_desc=published_at",
                                  follow=False)
    assert status == 200 and "rows-and-columns" in html


def test_search_page_refuses_bad_arguments(base):
    for args, said in [({"q": QUERY, "since": "2020/10/01"}, "since must be a date"),
                       ({"q": QUERY, "until": "yesterday"}, "until must be a date"),
                       ({"q": QUERY, "until": "2020-13-01"}, "until must be a date"),
                       ({"q": QUERY, "order": "random"}, "order must be one of"),
                       ({"q": QUERY, "page": "0"}, "page must be a whole number")]:
        status, html, _ = serving.get(search_url(base, **args))
        assert status == 400 and said in html, args
        assert 'class="na-card"' not in html


def test_search_page_escapes_article_text(base):
    status, html, _ = serving.get(search_url(base, q="灯光秀"))
    assert status == 200
    assert "<script>window.__pwned" not in html and "&lt;script&gt;window.__pwned" in html
    assert 'onerror="window' not in html
    assert "<mark>灯光秀</mark>" in html


def test_served_pages_stay_read_only(base, archive_path):
    digest = hashlib.sha256(archive_path.read_bytes()).hexdigest()
    for path in ["/news/-/search?q=重庆", f"/news/articles/{CORRECTED['id']}", "/news/articles"]:
        assert serving.get(base + urllib.parse.quote(path, safe="/?=&"))[0] == 200
    status, _, _ = serving.get(f"{base}/news.json?" + urllib.parse.urlencode({"sql": "delete from articles"}))
    assert status == 400
    assert hashlib.sha256(archive_path.read_bytes()).hexdigest() == digest


# In the browser.

def _unavailable(reason: str):
    message = f"{reason}: the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        _unavailable(f"{CHROMIUM} or {CHROMEDRIVER} is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1000", "--lang=en-US"):
            options.add_argument(flag)
        # An explicit driver path: Selenium Manager never runs, nothing is downloaded.
        driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            yield driver
        finally:
            driver.quit()


def screenshot(driver, name: str, element=None) -> Path:
    """Save the whole page (or one element) as ``test-artifacts/browser/<name>.png``."""
    path = SCREENSHOTS / f"{name}.png"
    if element is not None:
        element.screenshot(str(path))
        return path
    height = driver.execute_script("window.scrollTo(0, 0); return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 600), 4000))
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    return path


CARDS_JS = """return [...document.querySelectorAll('li.na-card')].map(card => {
    const text = selector => (card.querySelector(selector) || {}).textContent || null;
    return {id: card.dataset.id, title: text('.na-card-title'), href: card.querySelector('.na-card-title a').href,
            time: text('time'), source: text('.na-source'), section: text('.na-section'),
            original: (card.querySelector('a.na-original') || {}).href || null,
            marks: [...card.querySelectorAll('mark')].map(mark => mark.textContent)};
});"""


def cards(driver) -> list[dict]:
    """What each result card on the page shows, read in one call (a WebDriver call per field is slow)."""
    return driver.execute_script(CARDS_JS)


def card_ids(driver) -> list[str]:
    return [card["id"] for card in cards(driver)]


def total(driver) -> str:
    return driver.execute_script("return document.querySelector('.na-total')?.textContent ?? '0'")


def next_page(driver) -> str | None:
    return driver.execute_script("return document.querySelector('.na-pager a.na-next')?.href ?? null")


def test_search_in_chinese_shows_cards_with_hits_marked(browser, base, archive_path):
    browser.get(f"{base}/news/-/search")
    box = browser.find_element(By.ID, "na-q")
    box.send_keys(QUERY, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda driver: "q=" in driver.current_url)
    expected = matching(archive_path, QUERY)
    assert total(browser) == f"{len(expected):,}"
    shown = cards(browser)
    assert len(shown) == PER_PAGE and {card["id"] for card in shown} <= set(expected)
    titles = dict(sql(archive_path, "SELECT id, title FROM articles"))
    for card in shown:
        assert card["title"].strip() == titles[card["id"]]
        assert card["href"].startswith(f"{base}/news/articles/{card['id']}?q=")
        published = expected[card["id"]]
        assert card["time"] == (f"{published[:10]} {published[11:16]}" if published else "no date")
        assert card["source"] and card["section"].startswith("新闻 › ") and card["original"].startswith("http")
        assert card["marks"] and set(card["marks"]) == {QUERY}
    # Offline: every resource the page loaded came from the server itself.
    loaded = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(base) for url in loaded), loaded
    screenshot(browser, "search")


def test_paging_reaches_every_match_once(browser, base, archive_path):
    expected = matching(archive_path, QUERY)
    for order in ("relevance", "newest"):
        url, seen, pages = search_url(base, q=QUERY, order=order), [], 0
        while url:
            browser.get(url)
            pages += 1
            seen += card_ids(browser)
            url = next_page(browser)
        assert pages == -(-len(expected) // PER_PAGE)
        assert len(seen) == len(set(seen)) == len(expected) and set(seen) == set(expected), order
        if order == "newest":
            dates = [expected[article] or "" for article in seen]
            assert dates == sorted(dates, reverse=True)
    screenshot(browser, "search-last-page")


def test_filters_narrow_by_date_section_and_source(browser, base, archive_path):
    browser.get(search_url(base, q=QUERY))
    browser.execute_script("document.querySelector('[name=since]').value = '2020-10-20';"
                           "document.querySelector('[name=until]').value = '2020-10-20';")
    browser.find_element(By.NAME, "section").send_keys("重庆新闻")
    Select(browser.find_element(By.NAME, "order")).select_by_value("oldest")
    browser.find_element(By.CSS_SELECTOR, ".na-searchbar button").click()
    WebDriverWait(browser, 10).until(lambda driver: "since=" in driver.current_url)
    expected = matching(archive_path, QUERY, "published_at >= '2020-10-20' AND published_at < '2020-10-21'"
                        " AND instr(section, '重庆新闻') > 0")
    assert LATE_ON_UNTIL_DAY["id"] in expected, "until includes the whole of its day"
    assert card_ids(browser) == sorted(expected, key=lambda article: (expected[article], article))
    browser.get(search_url(base, q=QUERY, source="视界网/重庆"))
    expected = matching(archive_path, QUERY, "instr(source, '视界网/重庆') > 0")
    assert total(browser) == f"{len(expected):,}"
    assert all(card["source"].startswith("视界网/重庆") for card in cards(browser))


def test_the_chart_has_a_bar_per_day_of_the_matches(browser, base, archive_path):
    browser.get(search_url(base, q=QUERY))
    expected = matching(archive_path, QUERY)
    days = sorted(date.fromisoformat(when[:10]) for when in expected.values() if when)
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.na-chart rect.bar")
    assert len(bars) == (days[-1] - days[0]).days + 1
    per_day = {bar.get_attribute("data-label"): int(bar.get_attribute("data-count")) for bar in bars}
    assert per_day == {(days[0] + timedelta(n)).isoformat(): sum(day == days[0] + timedelta(n) for day in days)
                       for n in range(len(bars))}
    heights = {bar.get_attribute("data-label"): float(bar.get_attribute("height")) for bar in bars}
    tallest = max(per_day, key=per_day.get)
    assert heights[tallest] == max(heights.values()) > 0
    assert all(heights[label] == 0 for label, count in per_day.items() if count == 0)
    assert "no publication date" in browser.find_element(By.CSS_SELECTOR, ".na-timeline figcaption").text
    screenshot(browser, "chart", browser.find_element(By.CSS_SELECTOR, ".na-timeline"))
    # A click on a bar searches that day only.
    day = tallest
    browser.find_element(By.CSS_SELECTOR, f"svg.na-chart rect.bar[data-label='{day}']").click()
    WebDriverWait(browser, 10).until(lambda driver: "since=" in driver.current_url)
    assert total(browser) == str(per_day[day])
    assert {card["time"][:10] for card in cards(browser)} == {day}


def test_the_article_page_reads_like_the_article(browser, base, archive_path):
    browser.get(search_url(base, q="城市更新"))
    browser.find_element(By.CSS_SELECTOR, ".na-card-title a").click()
    WebDriverWait(browser, 10).until(lambda driver: "/news/articles/" in driver.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "h1.na-headline").text == CORRECTED["title"]
    assert browser.title.startswith(CORRECTED["title"])
    body = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".na-body p")]
    assert body == CORRECTED["body"].split("\n")
    assert [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, ".na-body mark")] == ["城市更新"]
    byline = browser.find_element(By.CSS_SELECTOR, ".na-byline").text
    for field in ("source", "author", "editor"):
        assert CORRECTED[field] in byline
    assert "2020-10-12 10:30" in byline
    original = browser.find_element(By.CSS_SELECTOR, ".na-original").text
    assert CORRECTED["url"] in original and ORIGINAL in original
    cleaning = browser.find_element(By.CSS_SELECTOR, ".na-cleaning").text
    for said in ("Decoded as GB18030", "http charset iso-8859-1", "12 pinyin syllables",
                 "41 characters from Traditional", "6 punctuation marks", "1 character could not be recovered",
                 "the breadcrumb", "app download prompts (×2)", "mirror site", "generic extractor", "0.82"):
        assert said in cleaning, said
    versions = browser.find_elements(By.CSS_SELECTOR, ".na-version")
    assert len(versions) == 2
    assert "Version 1" in versions[0].text and "corrected: title, body" in versions[0].text
    versions[0].find_element(By.TAG_NAME, "summary").click()
    assert FIRST_VERSION["body"] in versions[0].text
    assert "Version 2, the one shown" in versions[1].text
    screenshot(browser, "article")


def test_hostile_text_stays_text(browser, base):
    browser.get(search_url(base, q="灯光秀"))
    assert browser.find_element(By.CSS_SELECTOR, ".na-card-title").text == HOSTILE["title"]
    browser.find_element(By.CSS_SELECTOR, ".na-card-title a").click()
    WebDriverWait(browser, 10).until(lambda driver: "/news/articles/" in driver.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "h1.na-headline").text == HOSTILE["title"]
    assert browser.execute_script("return window.__pwned") is None


def test_table_views_show_the_title_first_and_the_search_box_high(browser, base, archive_path):
    browser.get(f"{base}/news/articles")
    headers = [th.get_attribute("data-column") for th in browser.find_elements(By.CSS_SELECTOR, "table th")]
    with sqlite3.connect(archive_path) as db:
        stored = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
    assert headers[:2] == ["id", "title"] and sorted(headers) == sorted(stored)
    assert browser.find_element(By.ID, "_search").location["y"] < 400
    bodies = browser.execute_script("return [...document.querySelectorAll('td.col-body')].map(td => td.textContent)")
    assert len(bodies) == 100 and all(len(text.strip()) <= 91 for text in bodies)
    tallest = browser.execute_script("return Math.max(...[...document.querySelectorAll('table.rows-and-columns "
                                     "tbody tr')].map(tr => tr.getBoundingClientRect().height))")
    assert tallest < 200
    notes = browser.find_element(By.CSS_SELECTOR, "details.na-column-notes")
    assert not notes.find_element(By.TAG_NAME, "dl").is_displayed()
    notes.find_element(By.TAG_NAME, "summary").click()
    assert "Stable article id" in notes.text
    screenshot(browser, "table")
    # The row page is headed by the title, not the hex id.
    first = browser.find_element(By.CSS_SELECTOR, "td.col-id a")
    article = first.text
    first.click()
    WebDriverWait(browser, 10).until(lambda driver: article in driver.current_url)
    title = sql(archive_path, "SELECT title FROM articles WHERE id = ?", [article])[0][0]
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert re.fullmatch(r"[0-9a-f]{16}", article) and article not in browser.find_element(By.TAG_NAME, "h1").text
