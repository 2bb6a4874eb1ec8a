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
_LOGIN_WORDS = re.compile(r"登录|登錄|注册|註冊|log\s*in|sign\s*in", re.IGNORECASE)
_VIDEO_TYPES = re.compile(r"^video", re.IGNORECASE)
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
        if _VIDEO_TYPES.match(og_type) or root.find(".//video") is not None:
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
    return "article", None


def body_kind(body: str, profile) -> tuple[str, str | None]:
    """("empty", reason) when the cleaned body is too short to be an article, else ("article", None)."""
    minimum = profile.non_article.get("min_body_chars", DEFAULT_MIN_BODY_CHARS) if profile is not None \
        else DEFAULT_MIN_BODY_CHARS
    chars = _chars(body)
    if chars < minimum:
        return "empty", f"near-empty page ({chars} characters of body)"
    return "article", None
