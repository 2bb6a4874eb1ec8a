"""The 视界网 (cbg.cn) site model: which articles exist, under which URLs and lists, and the page for each path.

Article mix follows the portal's three URL generations (about 20% legacy ``.shtml`` up to 2019, 50% ``/show/``
2020–2025, 30% ``/a/`` 2026). Section names and ``<title>`` suffixes are read from ``crawler/profiles/cbg.json``,
so the truth's ``section`` is by construction the profile's ``sections[catid]``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import datetime, timedelta
from functools import cached_property, partial
from pathlib import Path

from replica import building, cbg_pages, cbg_redesign, encoding, text
from replica.html import CLOSING, document, esc, opening
from replica.model import ORIGIN, Entry, Page, not_found
from replica.variants import assign as assign_variants

PROFILE = Path(__file__).resolve().parent.parent / "crawler" / "profiles" / "cbg.json"
CATIDS = ("705", "5147", "5598", "4928")
CAT_WEIGHTS = (40, 25, 20, 15)
VIDEO_CATID = "4904"
PER_PAGE = 20
SHARES = {"legacy": 0.2, "2026": 0.3}
ERAS = {
    "legacy": (datetime(2014, 1, 1), datetime(2019, 12, 31)),
    "2020": (datetime(2020, 1, 1), datetime(2025, 12, 31)),
    "2026": (datetime(2026, 1, 1), datetime(2026, 10, 31)),
}
SUFFIX_INDEX = {"2020": 0, "2026": 1, "legacy": 2}
LIST_RE = re.compile(r"^/list/(\d+)/(\d+)\.html$")
SITEMAP_RE = re.compile(r"^/sitemaps/articles-(\d+)\.xml$")
HOTNEWS_RE = re.compile(r"^/hotnews/(?:index_(\d+)\.shtml)?$")


def _profile() -> dict:
    with PROFILE.open(encoding="utf-8") as f:
        return json.load(f)


def _layout(rng: random.Random, generation: str, story: text.Story) -> dict:
    """Where this page puts its byline, editor line and notices; the variety the real templates show."""
    has_authors = bool(story.authors)
    own_reporter = story.source in ("视界网/重庆网络广播电视台", "第1眼TV")
    lay: dict = {}
    if generation == "2020":
        lay |= {
            "byline_pos": rng.choice(("top", "end")) if has_authors else None,
            "byline_tag": "div" if rng.random() < 0.7 else "p",
            "editor_in_body": rng.random() < 0.3,
            "statement_in_body": rng.random() < 0.15,
            "promo_in_body": rng.random() < 0.15,
        }
    elif generation == "2026":
        lay |= {
            "byline_pos": "top" if has_authors else None,
            "byline_form": "reporter" if own_reporter and rng.random() < 0.5 else "unit",
            "statement_in_body": rng.random() < 0.15,
        }
    else:
        lay |= {"byline_pos": "end" if has_authors else None, "bare_header": rng.random() < 0.5}
    return lay


class CbgSite:
    """All pages of the cbg.cn replica. Entries are built eagerly (cheap); pages are rendered on request."""

    name = "cbg"
    site = "cbg.cn"

    def __init__(
        self, articles: int = 200, seed: int = 1, faults: bool = False, revision: int = 0, variants: bool = True,
        redesign: bool = False,
    ):
        self.seed = seed
        self.redesign = redesign
        self.profile = _profile()
        self.articles = self._articles(articles)
        self._apply_faults(faults)
        if variants:
            assign_variants(self.articles, self._rng("variants"))
        building.revise_some(self.articles, self._rng("revision", revision), revision)
        self.videos = self._videos(max(2, articles // 100))
        self.lists: dict[str, list[Entry]] = self._lists()
        self.by_path = {e.path: e for e in self.entries}

    @property
    def sitemaps(self) -> tuple[str, ...]:
        """robots.txt ``Sitemap:`` URLs (only the redesigned site has any)."""
        return (f"{ORIGIN}/sitemap.xml",) if self.redesign else ()

    @property
    def disallowed(self) -> tuple[str, ...]:
        return (cbg_redesign.PRIVATE_SITEMAP,) if self.redesign else ()

    @property
    def start_paths(self) -> tuple[str, ...]:
        return tuple(self.profile["start_paths"])

    @cached_property
    def entries(self) -> list[Entry]:
        return self.articles + self.videos + [self.dead]

    # -- building ------------------------------------------------------------------------------------------------
    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(["cbg", str(self.seed), *map(str, parts)]))

    def _articles(self, count: int) -> list[Entry]:
        n_legacy, n_2026 = round(count * SHARES["legacy"]), round(count * SHARES["2026"])
        generations = ["legacy"] * n_legacy + ["2026"] * n_2026 + ["2020"] * (count - n_legacy - n_2026)
        self._rng("mix").shuffle(generations)
        out, seen = [], set()
        for i, gen in enumerate(generations):
            rng = self._rng("article", i)
            published = building.moment(rng, *ERAS[gen])
            story = building.distinct_title(text.story(rng, published, legacy=gen == "legacy"), rng, published, seen)
            key = "hotnews" if gen == "legacy" else rng.choices(CATIDS, weights=CAT_WEIGHTS)[0]
            entry = Entry(
                site=self.site, kind="article", generation=gen, path="", section_key=key,
                section=self.profile["sections"][key], published=published, story=story,
                encoding="gbk" if gen == "legacy" else "utf-8", layout=_layout(rng, gen, story),
            )
            if rng.random() < 0.4:
                entry.images = (f"/uploads/{published:%Y/%m%d}/{hashlib.md5(f'{self.seed}:{i}'.encode()).hexdigest()}.jpg",)
            out.append(entry)
        self._assign_paths(out)
        return out

    def _assign_paths(self, entries: list[Entry]) -> None:
        """Ids grow with publication time, as a CMS's sequence does."""
        rng = self._rng("ids")
        next_id = {"2020": 150000, "legacy": 4000000}
        for e in sorted(entries, key=lambda e: (e.published, e.story.title)):
            if e.generation == "2026":
                digest = hashlib.md5(f"{self.seed}:{e.published.isoformat()}:{e.story.title}".encode()).hexdigest()
                e.path = f"/a/{e.section_key}/{e.published:%Y%m%d}/{digest}.html"
                continue
            next_id[e.generation] += rng.randint(3, 60)
            if e.generation == "2020":
                e.path = f"/show/{e.section_key}-{next_id['2020']}.html"
            else:
                e.path = f"/hotnews/{e.published:%Y/%m%d}/{next_id['legacy']}.shtml"

    def _apply_faults(self, faults: bool) -> None:
        if not faults:
            return
        rng = self._rng("faults")
        per_kind = max(1, round(len(self.articles) * 0.01))
        for names, enc in ((encoding.FAULTS_GBK, "gbk"), (encoding.FAULTS_UTF8, "utf-8")):
            eligible = [e for e in self.articles if e.encoding == enc]
            for name in names:
                for e in rng.sample(eligible, min(per_kind, len(eligible))):
                    e.faults += (name,)
                    if name == "gbk_only_chars":
                        e.story = text.with_gbk_only_name(e.story, rng)

    def _videos(self, count: int) -> list[Entry]:
        out = []
        for i in range(count):
            rng = self._rng("video", i)
            published = building.moment(rng, *ERAS[rng.choice(("2020", "2026"))])
            story = text.story(rng, published)
            story = text.Story(story.title, (), "第1眼TV", (), "", "", story.topic)
            out.append(Entry(
                site=self.site, kind="video", generation="2020", path=f"/show/{VIDEO_CATID}-{300000 + 17 * i}.html",
                section_key=VIDEO_CATID, section=None, published=published, story=story,
            ))
        return out

    @cached_property
    def dead(self) -> Entry:
        """A link on the first page of list 705 whose article was taken down: the server answers 404."""
        rng = self._rng("dead")
        published = max((e.published for e in self.articles if e.section_key == "705"), default=ERAS["2026"][0])
        story = text.story(rng, published)
        return Entry(
            site=self.site, kind="dead", generation="2020", path="/show/705-149999.html", section_key="705",
            section=None, published=published, story=story,
        )

    def _lists(self) -> dict[str, list[Entry]]:
        lists = {key: [] for key in (*CATIDS, VIDEO_CATID, "hotnews")}
        for e in self.articles + self.videos:
            lists[e.section_key].append(e)
        lists["705"].append(self.videos[0])
        for items in lists.values():
            items.sort(key=lambda e: (e.published, e.path), reverse=True)
        lists["705"].insert(min(2, len(lists["705"])), self.dead)
        return lists

    # -- serving -------------------------------------------------------------------------------------------------
    def list_href(self, key: str, page: int = 1) -> str:
        if key == "hotnews":
            return "/hotnews/" if page == 1 else f"/hotnews/index_{page}.shtml"
        return f"/list/{key}/{page}.html"

    def page(self, path: str) -> Page | None:
        if self.redesign:
            found = self._discovery_page(path)
            if found is not None:
                return found
        entry = self.by_path.get(path)
        if entry is not None:
            return self._entry_page(entry)
        m = LIST_RE.match(path)
        if m and m.group(1) in self.lists and int(m.group(2)) >= 1:
            return self._list_page(m.group(1), int(m.group(2)))
        m = HOTNEWS_RE.match(path)
        if m and (m.group(1) is None or int(m.group(1)) >= 2):
            return self._list_page("hotnews", int(m.group(1) or 1))
        return None

    def _discovery_page(self, path: str) -> Page | None:
        """The redesigned site's home page, sitemap index, article sitemaps and RSS feed."""
        chunks = self._sitemap_chunks
        xml = "application/xml; charset=utf-8"
        if path == "/":
            latest = sorted(self.articles, key=lambda e: (e.published, e.path), reverse=True)
            main, tail = cbg_redesign.home(self._channels(), latest[:10])
            html = document(title="视界网", charset_meta=encoding.charset_meta(None, "utf-8"),
                            head_extra=cbg_redesign.HOME_HEAD, body=main + tail)
            return Page(200, "text/html; charset=utf-8", html.encode(), "home")
        if path == "/sitemap.xml":
            return Page(200, xml, cbg_redesign.sitemap_index(len(chunks)).encode(), "sitemap")
        m = SITEMAP_RE.match(path)
        if m and 1 <= int(m.group(1)) <= len(chunks):
            number = int(m.group(1))
            return Page(200, xml, cbg_redesign.sitemap(chunks[number - 1], foreign=number == 1).encode(), "sitemap")
        if path == cbg_redesign.PRIVATE_SITEMAP:
            return Page(200, xml, cbg_redesign.sitemap([self.dead]).encode(), "sitemap")
        if path == "/rss.xml":
            latest = sorted(self.articles, key=lambda e: (e.published, e.path), reverse=True)
            return Page(200, "application/rss+xml; charset=utf-8",
                        cbg_redesign.feed(latest[:cbg_redesign.FEED_SIZE]).encode(), "feed")
        return None

    @cached_property
    def _sitemap_chunks(self) -> list[list[Entry]]:
        linked = self.articles + self.videos
        return [linked[i:i + cbg_redesign.SITEMAP_CHUNK] for i in range(0, len(linked), cbg_redesign.SITEMAP_CHUNK)]

    def _channels(self) -> list[tuple[str, str]]:
        return [(self.profile["sections"].get(key, "视频 › 第1眼").split(" › ")[-1], self.list_href(key))
                for key in self.lists]

    def _neighbours(self, entry: Entry, count: int) -> list[Entry]:
        return building.neighbours(self.lists[entry.section_key], entry, count)

    def _entry_page(self, entry: Entry) -> Page:
        if entry.kind == "dead":
            return not_found("article")
        main, tail = self.html(entry)
        modified = entry.published + timedelta(days=1 if entry.revision else 0)
        return Page(
            status=200,
            content_type=encoding.content_type(entry, entry.encoding, entry.layout.get("bare_header", False)),
            body=encoding.encode(main, tail, entry, entry.encoding),
            kind="article",
            last_modified=modified,
        )

    def html(self, entry: Entry) -> tuple[str, str]:
        """An article or video page as text, in two parts: up to the body's end, and the server-side include."""
        list_href = self.list_href(entry.section_key)
        if entry.kind == "video":
            main, tail = cbg_pages.video(entry, list_href)
        elif self.redesign:
            main, tail = cbg_redesign.article(entry, self._neighbours(entry, 5), list_href)
        elif entry.generation == "2020":
            main, tail = cbg_pages.article_2020(entry, self._neighbours(entry, 5), list_href)
        elif entry.generation == "2026":
            main, tail = cbg_pages.article_2026(entry, self._neighbours(entry, 9), list_href)
        else:
            main, tail = cbg_pages.article_legacy(entry, self._neighbours(entry, 5), list_href)
        suffix = self.profile["title_suffixes"][SUFFIX_INDEX[entry.generation]]
        head = f'<meta property="og:title" content="{esc(entry.story.title)}">\n'
        if entry.generation == "2026":
            head += f'<meta property="article:published_time" content="{entry.published_at}">\n'
        top = opening(title=entry.story.title + suffix, charset_meta=encoding.charset_meta(entry, entry.encoding), head_extra=head)
        return top + main, tail + CLOSING

    def _list_page(self, key: str, page: int) -> Page:
        items = self.lists[key]
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        more = page * PER_PAGE < len(items)
        section = self.profile["sections"].get(key, "视频 › 第1眼")
        render = cbg_pages.list_page if not self.redesign else partial(cbg_redesign.list_page,
                                                                          other_lists=self._channels())
        main, tail = render(section, self.list_href(key), chunk, self.list_href(key, page + 1) if more else None, page)
        enc = "gbk" if key == "hotnews" else "utf-8"
        title = section.split(" › ")[-1] + self.profile["title_suffixes"][0]
        html = document(title=title, charset_meta=encoding.charset_meta(None, enc), body=main + tail)
        return Page(200, encoding.content_type(None, enc), html.encode(enc), "list")
