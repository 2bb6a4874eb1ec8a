"""Article metadata from labelled text: publication time, source, authors, editor, section, title.

Chinese news pages state their metadata as ``label：value`` runs (``发布时间：… 来源：… 编辑：…``), in a header line, in a
byline, or in bracketed lines below the body. One label parser serves all of them, so the header extractor and the
text-level boilerplate stripper read those runs the same way. Dates are only ever taken from such labelled or
header text and from meta tags, never from the first date that happens to appear on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# Label -> the field it fills. Longer labels first in the regex, so 责任编辑 wins over 编辑.
LABELS: dict[str, str] = {
    **dict.fromkeys(["责任编辑", "責任編輯", "值班编辑", "责编", "編輯", "编辑", "网络编辑"], "editor"),
    **dict.fromkeys(["作者", "記者", "记者", "实习生", "实习记者", "撰稿"], "author"),
    **dict.fromkeys(["通讯员", "摄影", "摄像", "图源", "图片来源", "剪辑", "制图"], "contributor"),
    **dict.fromkeys(["来源", "來源", "稿源", "稿件来源", "文章来源", "信息来源", "出处"], "source"),
    **dict.fromkeys(["发布时间", "發佈時間", "发布日期", "發布日期", "发表时间", "更新时间", "时间", "日期"], "published_at"),
    **dict.fromkeys(
        ["作者单位", "浏览", "浏览次数", "浏览量", "阅读", "阅读量", "阅读数", "点击", "点击数", "字号", "审核",
         "校对", "监制", "编审", "初审", "二审", "三审", "终审", "主编", "统筹", "策划"],
        "other",
    ),
}
# Labels that name people may go without a colon (`记者 李一`); the others need one (`来源：…`).
_NAME_FIELDS = {"editor", "author", "contributor"}
_LABEL_RE = re.compile(
    "(?P<label>" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*(?P<colon>[:：])?\s*"
)
_SENTENCE_PUNCT = re.compile(r"[，。！？；,!?;]")
_NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
_NAME_SUFFIX = re.compile(r"(?:摄影|摄|攝|报道|報導|报导|供图)$")
_DATELINE = re.compile(r"(?:报道|報導|报导)$")
_HAN_NAME = re.compile(r"^[\u3400-\u9fff·]{2,4}$")
_VALUE_TRIM = " \u3000|｜/，,、（）()[]【】"
_BRACKETED = re.compile(r"^[（(【\[]\s*(?P<inner>[^（()）【】\[\]]*?)\s*[）)】\]]$")
_OPENERS, _CLOSERS = re.compile(r"[（(【\[《]"), re.compile(r"[）)】\]》]")


@dataclass(frozen=True)
class Label:
    field: str
    label: str
    value: str


def split_names(value: str | None) -> list[str]:
    """Names listed in one field: `李一、王二` `李一 王二` `李一，王二` are all two people.

    A trailing `摄`/`报道` is no part of a name; after other names, a `嘉義報導` token is the dateline's place.
    """
    if not value:
        return []
    names = [n for n in _NAME_SPLIT.split(value.strip()) if n]
    if len(names) > 1 and _DATELINE.search(names[-1]):
        names.pop()
    return [n for n in (_NAME_SUFFIX.sub("", n) for n in names) if n]


def _value_ok(field: str, value: str, colon: bool) -> bool:
    if len(_OPENERS.findall(value)) != len(_CLOSERS.findall(value)):
        return False  # a label run cut across brackets (`编辑：NF075(本文来源：…)`) is no value
    if field in _NAME_FIELDS:
        names = split_names(value)
        if not names or len(names) > 8 or _SENTENCE_PUNCT.search(value):
            return False
        if colon:
            return all(len(n) <= 16 for n in names)
        return all(_HAN_NAME.match(n) for n in names)
    if not colon or not value:
        return False
    if field == "published_at":
        return bool(re.search(r"\d", value)) and len(value) <= 40
    return len(value) <= 60 and "。" not in value


def parse_labels(text: str, *, max_len: int = 160) -> list[Label] | None:
    """The ``label：value`` runs of a line made only of them, or None when the line is anything else.

    Accepts a bracketed line (`（ 责任编辑：张静怡 ）`) and an organisation before a name label
    (`重庆广电-第1眼TV记者 李一`), but rejects prose that merely starts with a label word
    (`记者从市委宣传部获悉，…`): every value must look like what its label announces.
    """
    line = text.strip()
    if not line or len(line) > max_len:
        return None
    m = _BRACKETED.match(line)
    inner = m.group("inner") if m else line
    matches = list(_LABEL_RE.finditer(inner))
    if not matches:
        return None
    prefix = inner[: matches[0].start()].strip()
    first_field = LABELS[matches[0].group("label")]
    labels = []
    if prefix and _DATE_ONLY.fullmatch(prefix):  # `2016年09月02日 10:30 来源：重庆晨报`: an unlabelled date first
        labels.append(Label("published_at", "", prefix))
    elif prefix and (len(prefix) > 24 or _SENTENCE_PUNCT.search(prefix) or first_field not in _NAME_FIELDS
                     or matches[0].group("colon")):
        return None
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(inner)
        value = inner[match.end():end].strip(" \u3000|｜/，,、")
        field = LABELS[match.group("label")]
        if not _value_ok(field, value, bool(match.group("colon"))):
            return None
        labels.append(Label(field, match.group("label"), value))
    return labels


def label_value(text: str | None, field: str) -> str | None:
    """The value of the first `field` label in a header text (`发布时间：… 来源：视界网 编辑：…` -> 视界网).

    Unlike ``parse_labels`` this scans text that may hold other words too, stopping at the next label.
    """
    if not text:
        return None
    matches = list(_LABEL_RE.finditer(text))
    for i, match in enumerate(matches):
        if LABELS[match.group("label")] == field and (match.group("colon") or field in _NAME_FIELDS):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            value = _header_field_value(field, text[match.end():end].strip(_VALUE_TRIM))
            if value:
                return value
    return None


_NOT_A_NAME = re.compile(r"[\d【】\[\]()（）:：︰|｜]|^[^·]{7,}$")
_TOKEN_SPLIT = re.compile(r"[\s、，,；;/／]+")


def _header_field_value(field: str, value: str) -> str:
    """A label's value cut where the header's other furniture starts (`证券时报网 人参与 条评论 转发`,
    `张博亭／整理】 2012.01.12`): a source is one word, names run up to the first token that is no name."""
    if field == "source":
        value = value.split()[0] if value.strip() else ""
        while value and len(_CLOSERS.findall(value)) > len(_OPENERS.findall(value)) and _CLOSERS.match(value[-1]):
            value = value[:-1]
        return value.strip(_VALUE_TRIM)
    if field in _NAME_FIELDS:
        names = []
        for token in _TOKEN_SPLIT.split(value):
            if _NOT_A_NAME.search(token):
                break
            if token:
                names.append(token)
        return " ".join(names)
    return value


def header_value(text: str | None, field: str) -> str | None:
    """A header element's value: what follows its label (`来源：视界网`), or, when the element carries no label and
    no date, its whole text (`<span class="source">视界网</span>`)."""
    if not text:
        return None
    value = label_value(text, field)
    if value:
        return value
    bare = text.strip(_VALUE_TRIM)
    if not bare or len(bare) > 40 or _LABEL_RE.search(bare) or _FULL_DATE.search(bare):
        return None
    return bare


def join_names(value: str | None) -> str | None:
    """Several people stored in one field, joined by 、 as Chinese bylines do."""
    names = split_names(value)
    return "、".join(names) if names else None


# --- dates -------------------------------------------------------------------------------------------------------

_FULL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?)?"
)
_SHORT_DATE = re.compile(
    r"(?<![\d\-/.])(?P<m>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s+(?P<H>\d{1,2})\s*[:：]\s*(?P<M>\d{2})"
    r"(?:\s*[:：]\s*(?P<S>\d{2}))?(?!\d)"
)
_DATE_ONLY = re.compile(_FULL_DATE.pattern + r"\s*")
_URL_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")
_URL_YEAR = re.compile(r"/(?P<y>(?:19|20)\d{2})(?:[-/]?[01]\d)?/")
_META_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "og:release_date", "pubdate", "publishdate",
    "publish_date", "publishtime", "published_time", "datepublished", "dc.date.issued", "dc.date", "date",
    "sailthru.date", "weibo:article:create_at", "og:time",
)


def tzinfo(offset: str | None) -> timezone:
    """A fixed zone from a profile's `+08:00` (China has one zone and no daylight saving time)."""
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", offset or "+08:00")
    if not m:
        return timezone(timedelta(hours=8))
    delta = timedelta(hours=int(m.group(2)), minutes=int(m.group(3)))
    return timezone(-delta if m.group(1) == "-" else delta)


def _build(y: int, mo: int, d: int, h: int, mi: int, s: int, tz: timezone) -> datetime | None:
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=tz)
    except ValueError:
        return None


def url_year(url: str | None) -> int | None:
    """The publication year a URL carries (`/a/705/20201022/…`, `/hotnews/2016/0902/…`), for `10-22 10:30`."""
    if not url:
        return None
    m = _URL_DATE.search(url) or _URL_YEAR.search(url)
    return int(m.group("y")) if m else None


def parse_datetime(text: str | None, *, year: int | None = None, today: date | None = None,
                   tz: str | None = "+08:00") -> str | None:
    """The first date/time in a header text as ISO 8601 in the site's zone, or None.

    A date without a year (`10-22 10:30`) takes ``year`` (from the URL), else the latest year that does not put
    it in the future of ``today`` (the crawl date). A date without a time gets 00:00.
    """
    if not text:
        return None
    zone = tzinfo(tz)
    labelled = label_value(text, "published_at")
    for candidate in (labelled, text) if labelled else (text,):
        m = _FULL_DATE.search(candidate)
        if m:
            parsed = _build(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0),
                            int(m["S"] or 0), zone)
            if parsed:
                return parsed.isoformat()
        m = _SHORT_DATE.search(candidate)
        if m:
            now = today or datetime.now(zone).date()
            y = year or now.year
            parsed = _build(y, int(m["m"]), int(m["d"]), int(m["H"]), int(m["M"]), int(m["S"] or 0), zone)
            if parsed and year is None and parsed.date() > now + timedelta(days=1):
                parsed = _build(y - 1, parsed.month, parsed.day, parsed.hour, parsed.minute, parsed.second, zone)
            if parsed:
                return parsed.isoformat()
    return None


def meta_datetime(meta: dict | None, *, tz: str | None = "+08:00") -> str | None:
    """The publication time from meta tags (`article:published_time`, `pubdate`…), converted to the site's zone."""
    if not meta:
        return None
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for key in _META_DATE_KEYS:
        value = lowered.get(key)
        if not value:
            continue
        value = str(value).strip()
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            found = parse_datetime(value, tz=tz)
            if found:
                return found
            continue
        zone = tzinfo(tz)
        parsed = parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)
        return parsed.replace(microsecond=0).isoformat()
    return None


# --- title and section -------------------------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|｜]\s+|_|｜|\|")
_CRUMB_SPLIT = re.compile(r"\s*(?:->|>|＞|›|»|→)\s*")
_CRUMB_LABEL = re.compile(r"^(?:[当當]前位置|您的位置|你的位置|您现在的位置|[现現]在位置)")
_CRUMB_SKIP = {"首页", "首頁", "主页", "网站首页", "正文", "正文内容", "内容", "详情", "文章"}


def clean_title(title: str | None, suffixes: tuple[str, ...] | list[str] = (), *, from_head: bool = False) -> str | None:
    """A headline without the site's suffix; a `<title>` (``from_head``) also loses `_频道_网站` parts."""
    if not title:
        return None
    title = " ".join(title.split())
    for suffix in suffixes:
        if title.endswith(suffix) and len(title) > len(suffix):
            return title[: -len(suffix)].strip()
    if from_head:
        parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
        if parts and len(parts[0]) >= 4:
            return parts[0]
    return title or None


def section_from_crumbs(crumbs: list[str] | str | None) -> str | None:
    """The section path of a breadcrumb, between 首页 and 正文: `首页 > 新闻 > 重庆新闻 > 正文` -> `新闻 › 重庆新闻`."""
    if not crumbs:
        return None
    items = _CRUMB_SPLIT.split(crumbs) if isinstance(crumbs, str) else [
        part for crumb in crumbs for part in _CRUMB_SPLIT.split(crumb)
    ]
    items = [i.strip(" \u3000:：") for i in items]
    labels = [n for n, item in enumerate(items) if _CRUMB_LABEL.match(item)]
    if labels:  # whatever precedes 当前位置 (a site label) is no part of the path
        items = items[labels[0] + 1:]
    kept = [i for i in items if i and i not in _CRUMB_SKIP]
    return " › ".join(kept) or None


_HEADLINE_END = re.compile(r"[。！？!?；;：:…]$")


def headline(paragraphs: list[str]) -> str | None:
    """The first line of extracted text when it reads as a headline: short, no sentence end, text after it."""
    if len(paragraphs) < 2:
        return None
    first = paragraphs[0].strip()
    if 4 <= len(first) <= 64 and not _HEADLINE_END.search(first) and "。" not in first:
        return first
    return None
