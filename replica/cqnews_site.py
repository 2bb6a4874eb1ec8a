"""The second portal, 华龙网 (cqnews.net): one UTF-8 template, ``/html/YYYY-MM/DD/content_N.html`` articles and
``/html/node_{catid}[_{page}].htm`` lists, described by ``crawler/profiles/cqnews.json``.

Its markup differs from cbg.cn on purpose (title ``div.left_news h1``, body ``#_h5_content``, a meta line holding
time, source and author, ``[责任编辑：…]`` editor lines, other list markup), so that code which works on both is
code driven by the profile. Its paths never collide with cbg.cn's, so one server can serve both portals.
"""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

from replica import building, encoding, text
from replica.html import CLOSING, breadcrumb, document, esc, footer, link, opening, paragraphs
from replica.model import Entry, Page
from replica.resources import load

PROFILE = Path(__file__).resolve().parent.parent / "crawler" / "profiles" / "cqnews.json"
CATIDS = ("1001", "1002", "1003")
PER_PAGE = 20
ERA = (datetime(2018, 1, 1), datetime(2026, 10, 31))
LIST_RE = re.compile(r"^/html/node_(\d+)(?:_(\d+))?\.htm$")


def _bp() -> dict:
    return load("boilerplate")["cqnews"]


def _header() -> str:
    nav = " | ".join(link(href, text) for text, href in _bp()["nav"])
    return f'<div class="top_nav">{link("/", "华龙网")} {nav}</div>\n'


def _footer() -> str:
    return footer("foot", _bp()["footer"], _bp()["offsite"])


class CqnewsSite:
    name = "cqnews"
    site = "cqnews.net"

    def __init__(self, articles: int = 200, seed: int = 1, faults: bool = False, revision: int = 0):
        self.seed = seed
        with PROFILE.open(encoding="utf-8") as f:
            self.profile = json.load(f)
        self.entries = self._articles(articles)
        building.revise_some(self.entries, self._rng("revision", revision), revision)
        self.lists = {c: sorted((e for e in self.entries if e.section_key == c), key=lambda e: (e.published, e.path), reverse=True) for c in CATIDS}
        self.by_path = {e.path: e for e in self.entries}

    @property
    def start_paths(self) -> tuple[str, ...]:
        return tuple(self.profile["start_paths"])

    def _rng(self, *parts) -> random.Random:
        return random.Random(":".join(["cqnews", str(self.seed), *map(str, parts)]))

    def _articles(self, count: int) -> list[Entry]:
        out, seen = [], set()
        for i in range(count):
            rng = self._rng("article", i)
            published = building.moment(rng, *ERA)
            story = building.distinct_title(text.story(rng, published), rng, published, seen)
            key = rng.choice(CATIDS)
            out.append(Entry(
                site=self.site, kind="article", generation="default", path="", section_key=key,
                section=self.profile["sections"][key], published=published, story=story,
                layout={"editor_in_body": rng.random() < 0.25},
            ))
        next_id = 1000000
        rng = self._rng("ids")
        for e in sorted(out, key=lambda e: (e.published, e.story.title)):
            next_id += rng.randint(5, 900)
            e.path = f"/html/{e.published:%Y-%m}/{e.published:%d}/content_{next_id}.html"
        return out

    def list_href(self, key: str, page: int = 1) -> str:
        return f"/html/node_{key}.htm" if page == 1 else f"/html/node_{key}_{page}.htm"

    def page(self, path: str) -> Page | None:
        entry = self.by_path.get(path)
        if entry is not None:
            return self._article(entry)
        m = LIST_RE.match(path)
        if m and m.group(1) in self.lists and (m.group(2) is None or int(m.group(2)) >= 2):
            return self._list(m.group(1), int(m.group(2) or 1))
        return None

    def _article(self, entry: Entry) -> Page:
        story, bp = entry.story, _bp()
        editor = f"[责任编辑：{story.editor}]"
        author = f'<span class="author">作者：{esc(story.author)}</span>' if story.author else ""
        content = paragraphs(story.paragraphs)
        content += paragraphs([editor]) if entry.layout["editor_in_body"] else ""
        after = "" if entry.layout["editor_in_body"] else f'<div class="editor">{esc(editor)}</div>\n'
        main = (
            _header()
            + breadcrumb("position", entry.section, self.list_href(entry.section_key))
            + '<div class="left_news">\n'
            + f"<h1>{esc(story.title)}</h1>\n"
            + f'<div class="news_info"><span class="time">{entry.published:%Y-%m-%d %H:%M:%S}</span> '
            + f'<span class="source">来源：{esc(story.source)}</span> {author}</div>\n'
            + f'<div id="_h5_content">\n{content}</div>\n'
            + after
            + f'<div class="share">{esc(bp["share"])}</div>\n'
            + f'<div class="copyright">{paragraphs([bp["copyright"], bp["disclaimer"]])}</div>\n'
            + "</div>\n"
        )
        related = building.neighbours(self.lists[entry.section_key], entry, 5)
        items = "".join(f"<li>{link(e.path, e.story.title)}</li>\n" for e in related)
        tail = f'<div class="right_news"><h3>{esc(bp["tail"])}</h3>\n<ul>\n{items}</ul></div>\n' + _footer()
        top = opening(
            title=story.title + self.profile["title_suffixes"][0],
            charset_meta=encoding.charset_meta(entry),
            head_extra=f'<meta property="og:title" content="{esc(story.title)}">\n',
        )
        return Page(
            200, encoding.content_type(entry), encoding.encode(top + main, tail + CLOSING, entry), "article",
            last_modified=entry.published + timedelta(days=1 if entry.revision else 0),
        )

    def _list(self, key: str, page: int) -> Page:
        items = self.lists[key]
        chunk = items[(page - 1) * PER_PAGE : page * PER_PAGE]
        lis = "".join(
            f'<li><h3>{link(e.path, e.story.title)}</h3><span class="date">{e.published:%Y-%m-%d %H:%M}</span></li>\n'
            for e in chunk
        )
        nav = link(self.list_href(key, page + 1), "下一页", class_="next_page") if page * PER_PAGE < len(items) else ""
        section = self.profile["sections"][key]
        body = _header() + breadcrumb("position", section, self.list_href(key), leaf=False)
        body += f'<div class="list_news"><ul>\n{lis}</ul></div>\n<div class="page">{nav}</div>\n' + _footer()
        html = document(title=section.split(" › ")[-1] + self.profile["title_suffixes"][0], charset_meta=encoding.META_UTF8, body=body)
        return Page(200, "text/html; charset=utf-8", html.encode("utf-8"), "list")
