"""Pages that are not articles: video pages, list pages, login walls and near-empty pages.

A crawler reaches many of these through article-looking links; storing them would fill the archive with empty or
link-only "articles". They are recognised here and recorded as skipped with a reason instead.
The profile's ``non_article`` section names the portal's own signs; the generic signs cover any site.
"""

from __future__ import annotations

import re

from pipelines.profile import select
from pipelines.urls import url_path

DEFAULT_MIN_BODY_CHARS = 40
VIDEO_MAX_TEXT = 200     # a video page may carry a short blurb, an article with an embedded video has more
LOGIN_MAX_TEXT = 300     # a login wall shows a form and a teaser at most
LOGIN_BARE_TEXT = 50     # below this a page with a login form shows nothing else
LIST_MIN_LINKS = 20
LIST_MIN_LINK_SHARE = 0.4
LIST_MAX_TEXT = 100     # a short brief has more prose than that, a list page has next to none
LIST_MIN_DATED_ITEMS = 3  # items that are a link and a date: the teasers of a news list, however few
_LOGIN_WORDS = re.compile(r"登录|登錄|注册|註冊|log\s*in|sign\s*in", re.IGNORECASE)
_VIDEO_TYPES = re.compile(r"^video", re.IGNORECASE)
# Embedded players: an <iframe>/<embed>/<object> whose source is a video host or a player (not any .swf: Flash
# was as often a banner ad).
_PLAYER_SOURCE = re.compile(
    r"player|video|/vod/|\.(?:mp4|m3u8|flv)\b|v\.qq\.com|youku\.com|bilibili\.com|iqiyi\.com|ixigua\.com|"
    r"douyin\.com|youtube\.com/embed|player\.vimeo", re.IGNORECASE)
_ITEM_DATE = re.compile(r"(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}|(?<!\d)\d{1,2}[-/月]\d{1,2}日?\s+\d{1,2}:\d{2}")
_SPACE = re.compile(r"\s+")


def _chars(text: str) -> int:
    return len(_SPACE.sub("", text))


def _link_share(root) -> tuple[int, float]:
    body = root.find(".//body")
    scope = body if body is not None else root
    links = list(scope.iter("a"))
    total = _chars("".join(scope.itertext()))
    linked = sum(_chars("".join(a.itertext())) for a in links)
    return len(links), (linked / total if total else 0.0)


def _has_player(root) -> bool:
    if root.find(".//video") is not None:
        return True
    for element in root.iter("iframe", "embed", "object"):
        source = " ".join(filter(None, (element.get("src"), element.get("data-src"), element.get("data"))))
        if _PLAYER_SOURCE.search(source):
            return True
    return False


def _dated_items(root) -> int:
    """List items made of a link and a date (`<li><a>标题</a><span>2026-04-24</span></li>`)."""
    return sum(1 for li in root.iter("li") if next(li.iter("a"), None) is not None
               and _ITEM_DATE.search("".join(li.itertext())))


def dom_kind(root, url: str | None, profile, text: str, meta: dict | None = None) -> tuple[str, str | None]:
    """("article", None), or the kind of non-article page and why, judged from the page's structure and the
    extracted ``text``. A login form beside a short article (a comment box) is no wall: the text must be next to
    nothing or ask the reader to log in."""
    path = url_path(url)
    text_chars = _chars(text)
    if profile is not None and path and profile.is_list(path) and not profile.article_match(path):
        return "list", "list page"
    video_selectors = profile.non_article.get("video", ()) if profile is not None else ()
    if text_chars < VIDEO_MAX_TEXT:
        if any(select(root, css) for css in video_selectors):
            return "video", "video page"
        og_type = (meta or {}).get("og:type") or ""
        if _VIDEO_TYPES.match(og_type) or _has_player(root):
            return "video", "video page"
    if text_chars < LOGIN_MAX_TEXT and (text_chars < LOGIN_BARE_TEXT or _LOGIN_WORDS.search(text)):
        for form in root.iter("form"):
            has_password = any((i.get("type") or "").lower() == "password" for i in form.iter("input"))
            if has_password and _LOGIN_WORDS.search(" ".join(form.itertext()) + " ".join(
                    (i.get("value") or "") for i in form.iter("input"))):
                return "login", "login wall"
    if text_chars < LIST_MAX_TEXT:
        links, share = _link_share(root)
        if links >= LIST_MIN_LINKS and share >= LIST_MIN_LINK_SHARE:
            return "list", "list page"
        if "。" not in text and _dated_items(root) >= LIST_MIN_DATED_ITEMS:  # a brief has a sentence at least
            return "list", "list page"
    return "article", None


def body_kind(body: str, profile) -> tuple[str, str | None]:
    """("empty", reason) when the cleaned body is too short to be an article, else ("article", None)."""
    minimum = profile.non_article.get("min_body_chars", DEFAULT_MIN_BODY_CHARS) if profile is not None \
        else DEFAULT_MIN_BODY_CHARS
    chars = _chars(body)
    if chars < minimum:
        return "empty", f"near-empty page ({chars} characters of body)"
    return "article", None
