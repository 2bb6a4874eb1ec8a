"""When an article was published (and last updated), chosen by evidence among all the dates a page carries.

A page shows many dates: the article's, its update, the comments', the sidebar's teasers', the footer's, the
template's. The article's date is found by where it stands and what it says, in this order of trust:

1. what the site profile's own time element says (handled by the caller);
2. the header area between the headline and the body (``header_text`` of the extractor, then the same area
   found again in the page's visible text), then the body's first line (a dateline, a 发布时间 line);
3. what the page declares for machines: JSON-LD ``datePublished``, ``article:published_time`` and ``pubdate``-like
   meta tags, the script variables of WeChat and Toutiao pages (``var ct = "1600000000"``, ``publish_time``,
   ``time: '2020-01-01 10:00:00'``), ``<time datetime>`` elements;
4. the day in the URL;
5. a date that a word marks as a publication (`发表于`, `posted @`, `本贴由…于`) nearest the article (or one that a
   `日期：` label marks, close to it), but never from the body's middle, never a day the URL contradicts, and never
   an unmarked date outside the header (the nav's today, the teasers', the comments').

Among a header's unmarked dates, one with a time of day comes first (beside `November 2, 2023 3:53 PM`, a bare
`March 24, 2014` is a photo's caption), and a bare day no word marks yields to a declared publication (JSON-LD, meta)
more than two days away from it.

A word marking an update (`更新`, `最后更新`, ``dateModified``) makes a date the ``updated_at``; the publication
beats the update when both are shown, and a page that shows only its update time has that as its publication too
(and keeps it as ``updated_at``, since the page says it is one).

The page's text is read in one linear pass over the HTML rather than a second DOM walk, and only for the pages whose
header did not say when: dating costs about 2% of ``clean_page``. Libraries measured on the dev pages and the cases
(``python -m bench metadata``) and not adopted: htmldate (trafilatura's date finder) gets 85 of the 97 labelled dates
where this gets 95, and alone costs several milliseconds a page; extruct reads the same JSON-LD values as ``json_ld``
does, but parses every page again (about 900 pages/s for JSON-LD alone, 550 with microdata) and brings rdflib along,
where a substring test skips the pages without JSON-LD.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipelines.metadata import json_ld
from pipelines.metadata.dates import Mention, day_first_page, iso_datetime, mentions, tzinfo, url_date, url_year

_BLOCK_TAG = re.compile(r"<(/?)(script|style|noscript|textarea|template|title)\b[^<>]*>|<!--|-->", re.I)
"""The tags whose content is no visible text, found in one linear pass (a lazy `<script>.*?</script>` rescans the
rest of a page for every unclosed tag, which a hostile page can make quadratic)."""
_TAG = re.compile(r"<[^<>]*>")
_SPACE = re.compile(r"\s+")
_JSON_LD = re.compile(r"application/ld\+json", re.I)
_TIME_TAG = re.compile(r"<time\b([^<>]*)>", re.I)
_ITEMPROP = re.compile(r"itemprop\s*=\s*[\"']?(?i:datePublished|dateCreated|dateModified)\b")
"""Microdata's date properties on an element (not a meta tag, which ``meta_tags`` reads). Found by the attribute,
then the tag around it: a pattern that starts at every ``<`` and scans its attributes backtracks over long ones, and
one that starts with a case-insensitive word or a look-behind is tried at every position (20 times slower on a
3 MB page than this literal start; `_tag_around` checks what stands before it)."""
_ABBR = re.compile(r"<abbr\b([^<>]*\btitle\s*=\s*[\"']\d{4}-\d{2}-\d{2}[T\"'][^<>]*)>", re.I)
"""hAtom's `<abbr title="2012-01-12T08:45:00Z">3小時前</abbr>`: a relative time shown, the real one in the title."""
_UTIME = re.compile(r"data-utime\s*=\s*[\"']?\d{10}(?!\d)")
"""Facebook's `<abbr data-utime="1438091078">`: Unix seconds beside a relative time."""
_DATED_ELEMENTS = (("itemprop", _ITEMPROP, None), ("<time", _TIME_TAG, None), ("<abbr", _ABBR, "title"),
                   ("data-utime", _UTIME, "data-utime"))
"""(a substring the page must hold, the pattern, the attribute of the element's own value beside ``datetime`` and
``content``): the elements that state a date in an attribute."""
_ATTR = re.compile(r"([a-zA-Z_:-]+)\s*(?:=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "og:release_date",
    "datepublished", "pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "publish_time",
    "published_time", "article.published", "dc.date.issued", "dcterms.issued", "dc.date.created", "dc.date",
    "sailthru.date", "weibo:article:create_at", "og:time", "date", "pub_date", "created", "datecreated",
    "dc:created", "dc.created", "dcterms.created", "dc.issued", "dc:issued", "dc:date", "dc.date.published",
    "article_date_original", "article_date", "original-publish-date", "parsely-pub-date", "date_published",
    "publication_date", "citation_publication_date", "citation_date", "prism.publicationdate", "article.created",
    "cxenseparse:recs:publishtime", "rnews:datepublished", "og:pubdate",
)
UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod", "last-modified",
                "dc.date.modified", "dcterms.modified", "dc:modified", "dc.modified", "weibo:article:update_at",
                "article.updated", "modified", "article_date_updated", "date_modified", "last_updated",
                "parsely-updated", "revision_date")
_SCRIPT_PUBLISHED = ("first_publish_time", "firstPublishTime", "newsTime", "publish_time", "publishTime", "publish_date",
                     "publishDate", "pub_time", "pubTime", "pubtime", "pubDate", "pub_date", "ptime", "create_time",
                     "createTime", "datePublished", "published_at", "publishedAt", "ct", "time")
_SCRIPT_UPDATED = ("update_time", "updateTime", "modify_time", "modifyTime", "dateModified", "updated_at",
                   "updatedAt", "mtime")
_SCRIPT_VAR = re.compile(
    r"(?<![\w$.])[\"']?(?P<key>" + "|".join(sorted((*_SCRIPT_PUBLISHED, *_SCRIPT_UPDATED), key=len, reverse=True))
    + r")[\"']?\s*[:=]\s*(?:[\"'](?P<s>[^\"'\n]{6,40})[\"']|(?P<n>\d{10}(?:\d{3})?)(?![\d.]))")
_STRING_ONLY_KEYS = {"time"}
"""`time:` is too common a key to trust with a bare number; only with a full date and time in a string."""
_NUMBER_ONLY_KEYS = {"ct", "ptime"}
SCRIPT_CHARS = 100_000
"""How much of each script the variables are looked for in. WeChat and Toutiao state them in a page's small inline
scripts; some pages inline megabytes of bundled code, where a full scan cost a quarter of a second a page."""
EDGE_LINES = 3
"""The body's first and last lines, where a header line the extractor kept in the body states the time, or a blog
post or a TV news page its own (`posted @ …`, `(2012-01-17 20:00)`)."""
EDGE_LINE_CHARS = 60
_COMMENTS = re.compile(r"网友评论|網友評論|评论|評論|留言|回复|回覆|跟帖|# ?re:|Comments|Reply", re.I)
"""Where a comment thread starts below the body: dates after it are the comments', marked or not."""
_COMMENT_LINE = re.compile(r"^\W*#|\bre\s*:|回复|回覆|引用|楼主|樓主|\d+\s*楼|沙发", re.I)
"""A comment's header line (`# re: 很高兴入住博客堂 2004-12-28 09:15 张三`, `2楼 回复`): its date is the comment's."""
_SENTENCE = re.compile(r"[，。！？；]")
HEADER_CHARS = 600
"""At most this much text between the headline and the body is its header (as the generic extractor has it)."""
HEAD_CHARS = 120
"""The body's opening (a dateline's bracket), where a marked date still counts as outside the body's text."""
NEAR_CHARS = 400
"""How far above the headline or below the body an unmarked date still belongs to the article."""
WINDOW_AFTER_BODY = 4000
URL_TOLERANCE = timedelta(days=2)
_VISIBLE = ("header", "body_head", "body_line")
"""Evidence a reader sees: a page that *shows* only its update time has that as its publication too."""


@dataclass
class Dates:
    """The chosen times (ISO 8601) and the evidence each came from (``header``, ``jsonld``, ``url``…)."""

    published_at: str | None = None
    updated_at: str | None = None
    evidence: dict = field(default_factory=dict)


@dataclass
class Page:
    """What the chooser reads of one page. ``title`` and ``paragraphs`` are the extractor's, before repair, so
    that they can be found again in the page's text."""

    html: str | None = None
    url: str | None = None
    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    header_text: str | None = None
    body_fields: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def choose_dates(page: Page, *, tz: str | None = "+08:00", today=None) -> Dates:
    """The publication and update time of a page (see the module's order of trust)."""
    zone = tzinfo(tz)
    now = today or datetime.now(zone).date()
    url_day = url_date(page.url, tz=tz) or url_date((page.meta or {}).get("og:url"), tz=tz)  # the page's own URL
    year = url_year(page.url)
    day_first = day_first_page(page.html)
    out = Dates()

    def plausible(iso: str | None) -> bool:
        if not iso:
            return False
        day = datetime.fromisoformat(iso).date()
        return day.year >= 1990 and day <= now + timedelta(days=1)

    def offer(kind: str, iso: str | None, evidence: str) -> None:
        if plausible(iso) and getattr(out, kind) is None:
            setattr(out, kind, iso)
            out.evidence[kind] = evidence

    chosen: list[Mention] = []  # the mention the visible publication came from, if one did

    def offer_mentions(found: list[Mention], evidence: str) -> None:
        for m in found:
            if m.role == "updated":
                offer("updated_at", m.iso, evidence)
        for m in [m for m in found if m.role == "published"] + _timed_first(m for m in found if m.role is None):
            if out.published_at is None and plausible(m.iso):
                offer("published_at", m.iso, evidence)
                chosen.append(m)

    offer_mentions(mentions(page.header_text, year=year, today=now, tz=tz, day_first=day_first), "header")
    for line in page.paragraphs[:EDGE_LINES]:  # the body's first lines: a dateline, a 发布时间 line
        offer_mentions(_dated_line(line, year, now, tz, day_first), "body_head")
    for name in ("published_at", "updated_at"):
        value = page.body_fields.get(name)
        if value:
            offer_mentions(_as_role(mentions(value, year=year, today=now, tz=tz, day_first=day_first), name),
                           "body_line")
    # What follows costs a pass over the page: only for the pages whose header did not say when.
    text = None
    if out.published_at is None and page.html:
        text = _PageText(page.html, page.title, page.paragraphs, year, now, tz, day_first)
        offer_mentions(text.header_mentions(), "header")
    declared = [(kind, iso, evidence) for kind, iso, evidence in
                _machine_readable(page.html or "", page.meta, tz, full=out.published_at is None) if plausible(iso)]
    for kind, iso, evidence in declared:
        offer(kind, iso, evidence)
    # A declared publication (JSON-LD, meta) outweighs a bare day that no word marks, when they disagree.
    stated = next(((iso, evidence) for kind, iso, evidence in declared
                   if kind == "published_at" and evidence in ("jsonld", "meta")), None)
    if chosen and _bare(chosen[0]) and stated and not _same_day(out.published_at, stated[0]):
        out.published_at, out.evidence["published_at"] = stated
    for line in reversed(page.paragraphs[-EDGE_LINES:]):  # a post's own closing line: `posted @ …`, `(… 20:00)`
        offer_mentions(_dated_line(line, year, now, tz, day_first), "body_tail")
    if out.published_at is None and out.evidence.get("updated_at") in _VISIBLE:
        out.published_at, out.evidence["published_at"] = out.updated_at, out.evidence["updated_at"]
    if out.published_at is None and page.html:
        text = text or _PageText(page.html, page.title, page.paragraphs, year, now, tz, day_first)
        marked = text.marked_mention(url_day)
        if marked:
            offer("updated_at" if marked.role == "updated" else "published_at", marked.iso, "marked")
            if marked.role == "updated":
                out.published_at, out.evidence["published_at"] = out.updated_at, "marked"
    if out.published_at is None and url_day:
        offer("published_at", url_day, "url")
    shown_only_update = out.updated_at is not None and out.evidence.get("published_at") == out.evidence.get("updated_at")
    if out.updated_at and out.published_at and (_instant(out.updated_at) < _instant(out.published_at) or (
            out.updated_at == out.published_at and not shown_only_update)):
        out.updated_at = None
        out.evidence.pop("updated_at", None)
    return out


def _timed_first(found) -> list[Mention]:
    """Unmarked dates, those with a time of day first: beside an article's `November 2, 2023 3:53 PM`, a bare
    `March 24, 2014` in the same header is a photo's caption."""
    return sorted(found, key=lambda m: not m.has_time)


def _bare(m: Mention) -> bool:
    """A day with no time that no word marks: the weakest evidence (a photo caption's `on October 11, 2023`)."""
    return m.role is None and not m.has_time and not m.labelled


def _instant(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def _dated_line(line: str, year, today, tz, day_first: bool) -> list[Mention]:
    """The dates of a short line that is no sentence (`http://www.sina.com.cn 2012年01月12日15:57 凤凰网`,
    `(2012-01-17 20:00) 晚間新聞`, `posted @ 2004-12-27 12:46`); a sentence that names a day (`2019年1月1日，…`)
    tells of an event, not of the article, and a comment's header line of the comment."""
    if len(line) > EDGE_LINE_CHARS or _SENTENCE.search(line) or _COMMENT_LINE.search(line):
        return []
    return mentions(line, year=year, today=today, tz=tz, day_first=day_first)


def _as_role(found: list[Mention], field_name: str) -> list[Mention]:
    role = "updated" if field_name == "updated_at" else "published"
    return [Mention(m.start, m.end, m.iso, m.has_time, role, True) for m in found]


class _PageText:
    """The page's visible text and where the headline and the body are in it, read once and only when asked."""

    def __init__(self, html: str, title: str | None, paragraphs: list[str], year, today, tz, day_first: bool) -> None:
        self.text = _visible_text(html)
        self.title_end, self.body_start, self.body_end = _anchors(self.text, title, paragraphs)
        window = _window(self.text, self.title_end, self.body_start, self.body_end)
        offset = _window_start(self.title_end, self.body_start)
        self.found = [Mention(m.start + offset, m.end + offset, m.iso, m.has_time, m.role, m.labelled)
                      for m in mentions(window, year=year, today=today, tz=tz, day_first=day_first)]

    def header_mentions(self) -> list[Mention]:
        """The dates between the headline and the body (at most ``HEADER_CHARS`` above the body)."""
        if self.body_start is None or self.title_end is None or self.title_end > self.body_start:
            return []
        start = max(self.title_end, self.body_start - HEADER_CHARS)
        return [m for m in self.found if start <= m.start < self.body_start]

    def marked_mention(self, url_day: str | None) -> Mention | None:
        """The marked date nearest the article outside the body's text, above any comment thread below it, on the
        day the URL says (if it says one)."""
        if self.body_start is None:
            return None
        end = self.body_end if self.body_end is not None else self.body_start + HEAD_CHARS
        span_from = self.title_end if self.title_end is not None and self.title_end <= self.body_start \
            else self.body_start

        def distance(m: Mention) -> int:
            return span_from - m.end if m.end <= span_from else max(0, m.start - end)

        comments = _COMMENTS.search(self.text, end) if end < len(self.text) else None
        limit = comments.start() if comments else len(self.text)
        candidates = [m for m in self.found if not self.body_start + HEAD_CHARS <= m.start < end and m.start < limit
                      and (not url_day or _same_day(m.iso, url_day))
                      and m.labelled and m.role != "other" and (m.role or distance(m) <= NEAR_CHARS)]
        return min(candidates, key=distance) if candidates else None


def _same_day(iso: str, other: str) -> bool:
    a, b = datetime.fromisoformat(iso), datetime.fromisoformat(other)
    return abs(a.replace(hour=0, minute=0, second=0) - b) <= URL_TOLERANCE


def _blocks(html: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The pieces of a page outside scripts, styles, comments and the like, and its scripts as (opening tag,
    content); one pass over the block tags, an unclosed block running to the end of the page."""
    visible, scripts = [], []
    pos = 0
    open_at = None  # (name, start of the opening tag, end of it)
    for m in _BLOCK_TAG.finditer(html):
        token = m.group(0)
        if open_at is None:
            if token == "-->" or m.group(1):
                continue
            visible.append(html[pos:m.start()])
            open_at = ("--" if token == "<!--" else m.group(2).lower(), m.start(), m.end())
        elif (open_at[0] == "--" and token == "-->") or (m.group(1) and (m.group(2) or "").lower() == open_at[0]):
            if open_at[0] == "script":
                scripts.append((html[open_at[1]:open_at[2]], html[open_at[2]:m.start()]))
            open_at, pos = None, m.end()
    if open_at is None:
        visible.append(html[pos:])
    elif open_at[0] == "script":
        scripts.append((html[open_at[1]:open_at[2]], html[open_at[2]:]))
    return visible, scripts


def _visible_text(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    body = " ".join(_blocks(html)[0])
    return _SPACE.sub(" ", htmllib.unescape(_TAG.sub(" ", body)))


def _needle(text: str, *, tail: bool = False, size: int = 10) -> re.Pattern:
    """A short run of a line's characters, found again whatever spacing the HTML put between them."""
    plain = _SPACE.sub("", text)
    part = plain[-size:] if tail else plain[:size]
    return re.compile(r"\s*".join(map(re.escape, part)))


def _find(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None, *, last: bool = False):
    found = None
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        found = m
        if not last:
            break
    return found


def _anchors(text: str, title: str | None, paragraphs: list[str]) -> tuple[int | None, int | None, int | None]:
    """Where the headline ends, the body starts and the body ends in the page's text (None when not found)."""
    if not text:
        return None, None, None
    body_start = body_end = None
    lines = [p for p in paragraphs if len(_SPACE.sub("", p)) >= 8]
    for line in lines[:3]:
        at = _find(_needle(line), text)
        if at:
            body_start = at.start()
            break
    if body_start is not None and lines:
        at = _find(_needle(lines[-1], tail=True), text, body_start)
        body_end = at.end() if at else None
    title_end = None
    if title and len(_SPACE.sub("", title)) >= 2:
        needle = _needle(title, size=16)
        at = _find(needle, text, 0, body_start + 40 if body_start is not None else None, last=True)
        if at is None and body_start is None:
            at = _find(needle, text)
        if at:
            title_end = at.end()
    return title_end, body_start, body_end


def _window_start(title_end: int | None, body_start: int | None) -> int:
    starts = [x for x in (title_end, body_start) if x is not None]
    return max(0, min(starts) - NEAR_CHARS - 200) if starts else 0


def _window(text: str, title_end: int | None, body_start: int | None, body_end: int | None) -> str:
    """The part of the page's text where the article's dates can be: from a little above the headline to a little
    below the body (a whole page of teasers and comments is not read)."""
    if body_start is None and title_end is None:
        return ""
    end = (body_end if body_end is not None else (body_start or title_end or 0) + HEAD_CHARS) + WINDOW_AFTER_BODY
    return text[_window_start(title_end, body_start):end]


def _tag_around(html: str, start: int, end: int) -> str | None:
    """The attributes' text of the start tag that holds ``html[start:end]``, or None when it is a meta tag or no
    tag (the words in a text)."""
    opening, closing = html.rfind("<", 0, start), html.find(">", end)
    if opening < 0 or closing < 0 or ">" in html[opening:start] or not html[start - 1].isspace():
        return None
    name = re.match(r"<([a-zA-Z][\w-]*)", html[opening:start])
    if name is None or name.group(1).lower() == "meta":
        return None
    return html[opening + name.end():closing]


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(text)}


def _machine_readable(html: str, meta: dict, tz, *, full: bool):
    """(field, iso, evidence) of what the page declares for machines, most trusted first. JSON-LD and meta tags
    always (they also state the update); script variables, ``<time>`` and the like only when ``full`` (the page's
    visible header did not say when), each after a cheap test that the page has any."""
    for key, kind in (("datePublished", "published_at"), ("dateCreated", "published_at"),
                      ("dateModified", "updated_at")):
        value = json_ld.first_string(html, key)
        if value:
            yield kind, iso_datetime(value, tz=tz), "jsonld"
    yield "published_at", meta_datetime(meta, tz=tz), "meta"
    yield "updated_at", meta_datetime(meta, tz=tz, keys=UPDATED_META), "meta"
    if not full:
        return
    scripts = _blocks(html)[1] if "<script" in html or "<SCRIPT" in html else []
    if scripts:
        for content in (content for attrs, content in scripts if not _JSON_LD.search(attrs)):
            for m in _SCRIPT_VAR.finditer(content, 0, SCRIPT_CHARS):
                key, value = m["key"], m["s"] or m["n"]
                if (key in _STRING_ONLY_KEYS and not m["s"]) or (key in _NUMBER_ONLY_KEYS and not value.strip().isdigit()):
                    continue
                if m["s"] and not re.search(r"\d{4}", value) and not value.strip().isdigit():
                    continue
                iso = iso_datetime(value, tz=tz)
                if iso and (key not in _STRING_ONLY_KEYS or "T00:00:00" not in iso):
                    yield ("updated_at" if key in _SCRIPT_UPDATED else "published_at"), iso, "script"
    for marker, pattern, own in _DATED_ELEMENTS:
        if marker not in html:
            continue
        for m in pattern.finditer(html):
            # A pattern that captures the tag's attributes found the tag; one that does not found an attribute.
            tag = m.group(1) if pattern.groups else _tag_around(html, m.start(), m.end())
            if tag is None:
                continue
            attrs = _attrs(tag)
            value = attrs.get("datetime") or attrs.get("content") or (attrs.get(own) if own else None)
            if not value:
                continue
            updated = "datemodified" in attrs.get("itemprop", "").lower() or re.search(
                r"updat|modif", attrs.get("class", "") + attrs.get("itemprop", ""), re.I)
            yield ("updated_at" if updated else "published_at"), iso_datetime(value, tz=tz), "time"


def meta_datetime(meta: dict | None, *, tz: str | None = "+08:00", keys: tuple[str, ...] = PUBLISHED_META) -> str | None:
    """The publication time (or, with ``keys=UPDATED_META``, the update time) from meta tags, in the site's zone."""
    lowered = {str(k).lower(): v for k, v in (meta or {}).items()}
    for key in keys:
        iso = iso_datetime(lowered.get(key), tz=tz) if lowered.get(key) else None
        if iso:
            return iso
    return None
