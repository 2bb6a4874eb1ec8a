"""The 来源: the outlet an article comes from, and nothing else.

A 来源 value often carries more than the outlet: the title marks of a paper (`《羊城晚报》`), its city
(`京华时报 (北京)`), a chain of copies (`財匯資訊，摘自：中國經濟網`), a URL, a date or a person. The source is the first
outlet named; anything that cannot be an outlet (a date, a URL, a UI word, a person's byline) is no source.

Old portal headers also name the outlet without a label, right after the date
(`http://www.sina.com.cn 2012年01月12日 17:55 人民网`): ``unlabelled_source`` reads that form.
"""

from __future__ import annotations

import re

from pipelines.metadata.dates import has_date, mentions
from pipelines.metadata.people import UI_WORDS

_CUT = re.compile(r"[，,;；|｜]|\s+(?=[(（])|摘自|转自|轉自|作者|记者|記者|编辑|編輯|责任编辑|發佈|发布")
_COMPILED = re.compile(r"(?:综合|綜合)$")
_QUOTES = str.maketrans("", "", "《》〈〉「」『』\"“”")
_NOT_OUTLET = re.compile(r"https?://|www\.|^\W*$|^\d+$|[:：]")
_OUTLET_TOKEN = re.compile(r"^[\u3400-\u9fffA-Za-z0-9·.\-－_]{2,20}$")
_DEICTIC = frozenset({"本报", "本報", "本台", "本网", "本網", "本刊", "本站"})
"""`来源：本报记者 李四`: "this paper" names no outlet, and what follows is a person."""
_ZONE = re.compile(r"^(?:[A-Z]{2,4}|GMT|UTC)$")
_HEADER_FURNITURE = frozenset({*UI_WORDS, "微博", "新浪微博", "手机看新闻", "参与互动", "我要评论", "网友评论", "评论",
                               "调整字体", "調整字體", "字体", "字體", "博客", "分享到"})


def clean_source(value: str | None) -> str | None:
    """The outlet of a 来源 value (`《羊城晚报》` -> 羊城晚报, `京华时报 (北京)` -> 京华时报), or None."""
    if not value:
        return None
    text = value.strip().translate(_QUOTES)
    text = _CUT.split(text, maxsplit=1)[0].strip(" \u3000/·-_[]【】()（）")
    text = _COMPILED.sub("", text) if len(text) > 4 else text  # `凤凰网综合`: compiled by 凤凰网
    if (not text or len(text) > 30 or _NOT_OUTLET.search(text) or has_date(text) or text in UI_WORDS
            or text in _DEICTIC):
        return None
    return text


def unlabelled_source(header: str | None) -> str | None:
    """The outlet a header names without a label, right after its date (old sina/qq/huanqiu headers), or None."""
    if not header:
        return None
    found = mentions(header)
    if not found:
        return None
    rest = header[found[0].end:].split()
    if not rest:
        return None
    token = rest[0].strip("()（）[]【】")
    if (token in _HEADER_FURNITURE or not _OUTLET_TOKEN.match(token) or token.isdigit() or _ZONE.match(token)
            or (len(rest) > 1 and rest[1][:1].isdigit())):  # `已有 0 人阅读`: a counter, not an outlet
        return None
    return clean_source(token)


_AGENCY_TAG = re.compile(r"^\s*[\[〔【]\s*(?P<outlet>[\u3400-\u9fff]{2,8}?(?:社|讯|訊|网|網|报|報|台))\s*[\]〕】]")
_NOT_AGENCY = frozenset({"本报讯", "本報訊", "本网讯", "本網訊", "快讯", "快訊", "简讯", "簡訊"})


_DATELINE = re.compile(r"^\s*(?:[A-Z][A-Za-z0-9.,'\- ]{1,40}?\s*)?\((?P<outlet>[A-Z][A-Za-z&]*(?: [A-Z][A-Za-z&]*){0,2})\)"
                       r"\s*(?:--|[-—–])\s")
"""An English wire dateline: `WASHINGTON (Reuters) - `, `NEW YORK, Nov 6 (Reuters) - `, `(CNN) -- `,
`LONDON (AP) — `."""


def agency_tag(paragraph: str | None) -> str | None:
    """The outlet an opening tag names: `〔中央社〕最新一期…`, `[世华财讯]近日…`, `WASHINGTON (Reuters) - …`;
    `【本报讯】` names none."""
    m = _AGENCY_TAG.match(paragraph or "")
    if m:
        return None if m["outlet"] in _NOT_AGENCY else m["outlet"]
    m = _DATELINE.match(paragraph or "")
    return m["outlet"] if m else None
