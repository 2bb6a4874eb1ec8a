"""视界网 after an imagined redesign (``replica serve --redesign``): the same URLs, new markup, and a sitemap and feed.

What a real redesign does to a crawler: every class name the profile selects (``ul.news-list li``, ``a[title]``,
``div.pages a.next``, ``div.article-content``, ``h1.article-title``, ``div.detail-content``…) is gone and the page
structure differs (``<main>``/``<section>``, the headline in an ``<h2>``, the date in ``<time>``), while the URL
schemes stay, since links from the rest of the web must keep working. The redesigned site also publishes what
search engines want: a robots.txt ``Sitemap:`` line, a sitemap index with article sitemaps, and an RSS feed
announced on the home page. The text itself (story, byline, editor line, statements) is the same as before, so the
truth manifest is unchanged and a test can check that generic extraction recovers it.

Sitemaps and the feed hold absolute URLs; they are written with ``ORIGIN``, which the server replaces with its own
base URL when it answers.
"""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from replica import cbg_pages
from replica.html import esc, link, paragraphs
from replica.model import ORIGIN, Entry

SITEMAP_CHUNK = 100
FEED_SIZE = 20
# Listed in the sitemap index but forbidden by robots.txt: a polite crawler never asks for it.
PRIVATE_SITEMAP = "/sitemaps/private.xml"
# An entry of the first sitemap on a foreign host, with an article path: the host allow-list must drop it.
FOREIGN_ENTRY = "http://mirror.invalid/show/705-100001.html"


def _stamp(entry: Entry) -> str:
    return f'<time datetime="{entry.published_at}">{entry.published:%Y-%m-%d %H:%M}</time>'


def _masthead(term: str) -> str:
    return (f'<header class="site-top"><nav class="menu">{link("/", "视界网")} '
            + " ".join(link(href, text) for text, href in cbg_pages._bp()["nav"])
            + f'</nav><a class="find" href="/search/?q={esc(term)}">站内搜索</a></header>\n')


def _more(title: str, entries: list[Entry]) -> str:
    items = "".join(f"<div class=\"more-item\">{link(e.path, e.story.title)}</div>\n" for e in entries)
    return f'<aside class="more-news"><h4>{esc(title)}</h4>\n{items}</aside>\n'


def article(entry: Entry, neighbours: list[Entry], list_href: str) -> tuple[str, str]:
    """Every generation's article in the one new template: headline, meta line, body, editor, statements."""
    story = entry.story
    byline = paragraphs([cbg_pages.byline(entry)]) if story.authors else ""
    crumbs = f'<div class="trail">{link("/", "首页")} / {link(list_href, entry.section.split(" › ")[-1])}</div>\n'
    main = (
        _masthead(story.topic)
        + crumbs
        + '<main class="story">\n<header class="story-head">\n'
        + f'<h2 class="headline">{esc(story.title)}</h2>\n'
        + f'<div class="story-meta">发布时间：{_stamp(entry)} <span class="origin">来源：{esc(story.source)}</span></div>\n'
        + "</header>\n"
        + '<section class="story-body">\n'
        + byline
        + cbg_pages.body_paragraphs(entry)
        + "</section>\n"
        + f'<p class="duty-editor">{esc(cbg_pages.editor_line(entry))}</p>\n'
        + f'<section class="notice">\n{paragraphs(cbg_pages.statements())}</section>\n'
        + "</main>\n"
    )
    tail = _more(cbg_pages._bp()["tail_2020"], neighbours) + cbg_pages.footer()
    return main, tail


def list_page(section: str, list_href: str, items: list[Entry], next_href: str | None, page: int,
              other_lists: list[tuple[str, str]]) -> tuple[str, str]:
    """A list as cards: no ``ul.news-list``, no ``a[title]``, pagination in ``<nav class="pager">``."""
    cards = "".join(
        f'<div class="card">{link(e.path, e.story.title)}<em>{e.published:%Y-%m-%d %H:%M}</em></div>\n' for e in items)
    pager = [link(list_href, "首页")]
    if page > 1:
        pager.append(f"<b>{page}</b>")
    if next_href:
        pager.append(link(next_href, "下一页", rel="next"))
    sections = " ".join(link(href, name) for name, href in other_lists)
    main = (
        _masthead(section.split(" › ")[-1])
        + f'<div class="channels">{sections}</div>\n'
        + f'<h1 class="channel-name">{esc(section.split(" › ")[-1])}</h1>\n'
        + f'<div class="cards">\n{cards}</div>\n'
        + f'<nav class="pager">{" ".join(pager)}</nav>\n'
    )
    return main, cbg_pages.footer()


def home(lists: list[tuple[str, str]], latest: list[Entry]) -> tuple[str, str]:
    """The home page: its channels, the latest articles, and the feed announced in the head (see ``head``)."""
    channels = " ".join(link(href, name) for name, href in lists)
    cards = "".join(f'<div class="card">{link(e.path, e.story.title)}</div>\n' for e in latest)
    return _masthead("重庆") + f'<div class="channels">{channels}</div>\n<div class="cards">\n{cards}</div>\n', cbg_pages.footer()


HOME_HEAD = '<link rel="alternate" type="application/rss+xml" title="视界网" href="/rss.xml">\n'


def sitemap_index(chunks: int) -> str:
    items = "".join(f"<sitemap><loc>{ORIGIN}/sitemaps/articles-{i}.xml</loc></sitemap>\n" for i in range(1, chunks + 1))
    items += f"<sitemap><loc>{ORIGIN}{PRIVATE_SITEMAP}</loc></sitemap>\n"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n')


def sitemap(entries: list[Entry], foreign: bool = False) -> str:
    items = "".join(f"<url><loc>{ORIGIN}{xml_escape(e.path)}</loc><lastmod>{e.published:%Y-%m-%d}</lastmod></url>\n"
                    for e in entries)
    if foreign:
        items += f"<url><loc>{FOREIGN_ENTRY}</loc></url>\n"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</urlset>\n')


def feed(entries: list[Entry]) -> str:
    items = "".join(
        f"<item><title>{xml_escape(e.story.title)}</title><link>{ORIGIN}{xml_escape(e.path)}</link>"
        f"<pubDate>{e.published:%a, %d %b %Y %H:%M:%S} +0800</pubDate></item>\n" for e in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>视界网</title>'
            f"<link>{ORIGIN}/</link><description>视界网 最新</description>\n{items}</channel></rss>\n")
