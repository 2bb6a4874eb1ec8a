"""HTML templates of 视界网 (cbg.cn): the 2020 and 2026 article templates, the legacy ``.shtml`` template, video and
list pages, each with its boilerplate in page order as ``../shared/reference/portal.md`` §1 describes.

The markup is what ``crawler/profiles/cbg.json`` selects, so the profile's selectors match these pages exactly.
Some boilerplate is deliberately inside the body container, as on the real site (an editor line, the statements
or the app promo as the body's last paragraphs): a cleaner must strip those at text level too.
Each renderer returns ``(main, tail)``; the tail (related news and footer) is the part a server-side include
supplies, which the ``mixed_ssi`` fault sends in another encoding.
"""

from __future__ import annotations

from replica.html import breadcrumb, esc, link, paragraphs, search_href
from replica.html import footer as html_footer
from replica.model import Entry
from replica.resources import load
from replica.variants import lines as variant_lines


def _bp() -> dict:
    return load("boilerplate")["cbg"]


def header(term: str) -> str:
    nav = " | ".join(link(href, text) for text, href in _bp()["nav"])
    return (
        '<div class="header"><div class="logo">' + link("/", "视界网") + "</div>\n"
        f'<div class="nav">{nav}</div>\n'
        '<form class="search" action="/search/" method="get"><input name="q"><button>搜索</button></form> '
        + link(search_href(term), "站内搜索")
        + "</div>\n"
    )


def footer() -> str:
    return html_footer("footer", _bp()["footer"], _bp()["offsite"])


def byline(entry: Entry) -> str:
    """The byline text: ``（ 作者：A、B 作者单位：X ）`` or a reporter line ``重庆网络广播电视台记者 A B``."""
    story = entry.story
    if entry.layout.get("byline_form") == "reporter":
        return "重庆网络广播电视台记者 " + " ".join(story.authors)
    return f"（ 作者：{story.author} 作者单位：{story.unit} ）"


def editor_line(entry: Entry) -> str:
    return f"（ 责任编辑：{entry.story.editor} ）"


def statements() -> list[str]:
    bp = _bp()
    return [bp["copyright"], bp["disclaimer"], bp["contact"]]


def body_paragraphs(entry: Entry) -> str:
    """The story's paragraphs; subheadings in <strong>, an image after the lead when the entry has one.

    A variant page (``replica.variants``) also carries its extra lines here: before the story, between its
    paragraphs (under the image first) and after it.
    """
    out = []
    story = entry.story
    extra = variant_lines(entry)
    subheads = set(story.subheads)
    out.append(paragraphs(extra.head))
    for i, para in enumerate(story.paragraphs):
        if para in subheads:
            out.append(f"<p><strong>{esc(para)}</strong></p>\n")
        else:
            out.append(f"<p>{esc(para + extra.glued.get(i, ''))}</p>\n")
        if i == 0:
            out.extend(f'<p style="text-align: center"><img src="{esc(src)}" alt=""></p>\n' for src in entry.images)
        out.append(paragraphs(extra.after.get(i, ())))
    out.append(paragraphs(extra.tail))
    return "".join(out)


def related(title: str, entries: list[Entry], cls: str = "related") -> str:
    items = "".join(f"<li>{link(e.path, e.story.title, target='_blank')}</li>\n" for e in entries)
    return f'<div class="{cls}"><h3>{esc(title)}</h3>\n<ul>\n{items}</ul></div>\n'


def stamp(entry: Entry) -> str:
    return entry.published.strftime("%Y-%m-%d %H:%M")


def article_2020(entry: Entry, neighbours: list[Entry], list_href: str) -> tuple[str, str]:
    story, lay = entry.story, entry.layout
    by = f'<div class="article-author">{esc(byline(entry))}</div>\n' if lay.get("byline_tag") == "div" else paragraphs([byline(entry)])
    content = [by if lay.get("byline_pos") == "top" else "", body_paragraphs(entry), by if lay.get("byline_pos") == "end" else ""]
    after = []
    if lay.get("editor_in_body"):
        content.append(paragraphs([editor_line(entry)]))
    else:
        after.append(f'<div class="article-editor">{esc(editor_line(entry))}</div>\n')
    if lay.get("statement_in_body"):
        content.append(paragraphs(statements()))
    else:
        after.append(f'<div class="statement">\n{paragraphs(statements())}</div>\n')
    if lay.get("promo_in_body"):
        content.append(paragraphs([_bp()["app_promo"]]))
    else:
        after.append(f'<div class="app-promo">{esc(_bp()["app_promo"])}</div>\n')
    main = (
        header(story.topic)
        + '<div class="wrap">\n'
        + breadcrumb("crumbs", entry.section, list_href)
        + '<div class="article">\n'
        + f'<h1 class="article-title">{esc(story.title)}</h1>\n'
        + f'<div class="article-info"><span class="time">{stamp(entry)}</span> '
        + f'<span class="source">来源：{esc(story.source)}</span></div>\n'
        + '<div class="share">分享到：微信 微博 QQ空间</div>\n'
        + '<div class="article-content">\n'
        + "".join(content)
        + "</div>\n"
        + "".join(after)
        + "</div>\n"
    )
    tail = related(_bp()["tail_2020"], neighbours) + footer() + "</div>\n"
    return main, tail


def article_2026(entry: Entry, neighbours: list[Entry], list_href: str) -> tuple[str, str]:
    story, lay = entry.story, entry.layout
    content = [paragraphs([byline(entry)]) if lay.get("byline_pos") == "top" else "", body_paragraphs(entry)]
    content.append(f'<p class="detail-editor">{esc(editor_line(entry))}</p>\n')
    statement = ""
    if lay.get("statement_in_body"):
        content.append(paragraphs(statements()))
    else:
        statement = f'<div class="detail-statement">\n{paragraphs(statements())}</div>\n'
    main = (
        header(story.topic)
        + breadcrumb("bread", entry.section, list_href)
        + '<div class="detail">\n'
        + f"<h1>{esc(story.title)}</h1>\n"
        + f'<div class="detail-meta">发布时间：{stamp(entry)} 来源：{esc(story.source)}</div>\n'
        + '<div class="detail-content">\n'
        + "".join(content)
        + "</div>\n"
        + '<div class="share">分享到：微信 微博</div>\n'
        + statement
        + "</div>\n"
    )
    tails = _bp()["tails_2026"]
    chunks = [neighbours[i::3] for i in range(3)]
    tail = "".join(related(t, c, "recommend") for t, c in zip(tails, chunks)) + footer()
    return main, tail


def article_legacy(entry: Entry, neighbours: list[Entry], list_href: str) -> tuple[str, str]:
    story, lay = entry.story, entry.layout
    date = entry.published.strftime("%Y年%m月%d日 %H:%M")
    content = [body_paragraphs(entry)]
    if lay.get("byline_pos") == "end":
        content.append(paragraphs([byline(entry)]))
    content.append(f'<p class="editor">{esc(editor_line(entry))}</p>\n')
    main = (
        header(story.topic)
        + breadcrumb("position", entry.section, list_href)
        + '<div class="main">\n<article>\n'
        + f'<p class="title">{esc(story.title)}</p>\n'
        + f'<p class="time">{date} 来源：{esc(story.source)}</p>\n'
        + "<div>\n"
        + "".join(content)
        + "</div>\n</article>\n"
        + f'<div class="statement">{paragraphs([_bp()["copyright"]])}</div>\n'
        + "</div>\n"
    )
    tail = related(_bp()["tail_2020"], neighbours) + footer()
    return main, tail


def video(entry: Entry, list_href: str) -> tuple[str, str]:
    story = entry.story
    main = (
        header(story.topic)
        + breadcrumb("crumbs", "视频 › 第1眼", list_href)
        + f'<div class="video"><h1 class="video-title">{esc(story.title)}</h1>\n'
        + '<div class="v_message">\n'
        + f'<div class="video-player" data-src="/video/{entry.path.rsplit("/", 1)[-1][:-5]}.mp4"></div>\n'
        + f"<p>发布时间：{stamp(entry)} 来源：{esc(story.source)}</p>\n"
        + f"<p>{esc(_bp()['video_note'])}</p>\n"
        + "</div></div>\n"
    )
    return main, footer()


def list_page(section: str, list_href: str, items: list[Entry], next_href: str | None, page: int) -> tuple[str, str]:
    lis = "".join(
        f'<li>{link(e.path, e.story.title, title=e.story.title, target="_blank")}<span class="time">{stamp(e)}</span></li>\n'
        for e in items
    )
    nav = [link(list_href, "首页")]
    if page > 1:
        nav.append(f'<span class="current">{page}</span>')
    if next_href:
        nav.append(link(next_href, "下一页", class_="next"))
    main = (
        header(section.split(" › ")[-1])
        + breadcrumb("crumbs", section, list_href, leaf=False)
        + f'<ul class="news-list">\n{lis}</ul>\n'
        + f'<div class="pages">{" ".join(nav)}</div>\n'
    )
    return main, footer()
