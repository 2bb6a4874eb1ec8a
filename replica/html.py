"""Small HTML-writing helpers shared by the portals' page templates."""

from __future__ import annotations

from html import escape
from urllib.parse import quote


def esc(text: str) -> str:
    return escape(text, quote=True)


def link(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(href)}"{extra}>{esc(text)}</a>'


def paragraphs(lines, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return "".join(f"<p{attr}>{esc(line)}</p>\n" for line in lines)


def breadcrumb(cls: str, section: str, list_href: str, *, leaf: bool = True) -> str:
    """``当前位置：首页 > 新闻 > 重庆新闻 > 正文`` as links; ``section`` is the profile's ``新闻 › 重庆新闻``."""
    *parents, last = section.split(" › ")
    crumbs = [link("/", "首页")] + [link("/", p) for p in parents] + [link(list_href, last)] + (["正文"] if leaf else [])
    return f'<div class="{cls}">当前位置：{" &gt; ".join(crumbs)}</div>\n'


def footer(cls: str, lines: list[str], offsite: list[list[str]]) -> str:
    """The site footer: licence and report lines, then links to other sites (which a crawler must not follow)."""
    off = " ".join(link(href, text, target="_blank") for text, href in offsite)
    return f'<div class="{cls}">\n{paragraphs(lines)}<p>{off}</p>\n</div>\n'


def search_href(term: str) -> str:
    """A link into the site search, which robots.txt forbids: a polite crawler never follows it."""
    return "/search/?q=" + quote(term)


CLOSING = "</body>\n</html>\n"


def opening(*, title: str, charset_meta: str, head_extra: str = "") -> str:
    """A page up to <body>. The charset declaration comes first, inside the 1024 bytes browsers scan for it."""
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        f"{charset_meta}\n"
        f"<title>{esc(title)}</title>\n"
        f"{head_extra}"
        '<link rel="stylesheet" href="/static/css/style.css">\n'
        "</head>\n<body>\n"
    )


def document(*, title: str, charset_meta: str, head_extra: str = "", body: str) -> str:
    return opening(title=title, charset_meta=charset_meta, head_extra=head_extra) + body + CLOSING
