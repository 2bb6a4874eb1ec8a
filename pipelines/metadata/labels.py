"""``label：value`` runs: how Chinese news pages state their metadata.

Pages state it in a header line (`发布时间：… 来源：… 编辑：…`), in a byline, or in bracketed lines below the body
(`（ 责任编辑：张静怡 ）`, 163.com's `本文来源：新京报 责任编辑：杨倩_NF4425`). One label parser serves all of them, so
the header reader and the text-level boilerplate stripper read those runs the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.metadata.dates import NEUTRAL_WORDS, PUBLISHED_WORDS, UPDATED_WORDS, has_date, is_date_only, mentions
from pipelines.metadata.people import split_names

# Label -> the field it fills. Longer labels first in the regex, so 责任编辑 wins over 编辑.
LABELS: dict[str, str] = {
    **dict.fromkeys(["责任编辑", "責任編輯", "值班编辑", "责编", "責編", "編輯", "编辑", "网络编辑", "本文编辑"], "editor"),
    **dict.fromkeys(["作者", "記者", "记者", "实习生", "實習生", "实习记者", "撰稿", "撰文", "文字", "采写", "採寫",
                     "见习编辑", "見習編輯"], "author"),
    **dict.fromkeys(["通讯员", "通訊員", "译者", "譯者", "翻译", "摄影", "摄像", "图源", "图片来源", "剪辑", "制图"], "contributor"),
    **dict.fromkeys(["来源", "來源", "稿源", "稿件来源", "文章来源", "信息来源", "出处", "出自", "本文来源", "本文來源",
                     "新闻来源", "消息来源", "转载自", "轉載自", "摘自", "本文来源于", "来源于", "來源於"], "source"),
    **dict.fromkeys(["发布时间", "發佈時間", "发布日期", "發布日期", "发表时间", "發表時間", "发稿时间", "时间", "時間",
                     "日期", "发布于", "发表于", "發表於"], "published_at"),
    **dict.fromkeys(["更新时间", "更新時間", "最后更新", "最後更新", "修改时间"], "updated_at"),
    **dict.fromkeys(
        ["作者单位", "浏览", "浏览次数", "浏览量", "阅读", "阅读量", "阅读数", "点击", "点击数", "字号", "审核",
         "校对", "监制", "编审", "初审", "二审", "三审", "终审", "主编", "统筹", "策划", "标签", "關鍵字", "关键词",
         "关键字", "人气"],
        "other",
    ),
}
NAME_FIELDS = frozenset({"editor", "author", "contributor"})
"""Labels that name people may go without a colon (`记者 李一`); the others need one (`来源：…`), except a date."""
DATE_FIELDS = frozenset({"published_at", "updated_at"})
LABEL_RE = re.compile(
    "(?P<label>" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*(?P<colon>[:：︰])?\s*"
)
_SENTENCE_PUNCT = re.compile(r"[，。！？；,!?;]")
_HAN_NAME = re.compile(r"^[\u3400-\u9fff·]{2,4}$")
VALUE_TRIM = " \u3000|｜/，,、（）()[]【】"
_BRACKETED = re.compile(r"^[（(【\[]\s*(?P<inner>[^（()）【】\[\]]*?)\s*[）)】\]]$")
OPENERS, CLOSERS = re.compile(r"[（(【\[《]"), re.compile(r"[）)】\]》]")


@dataclass(frozen=True)
class Label:
    field: str
    label: str
    value: str


def _value_ok(field: str, value: str, colon: bool) -> bool:
    if len(OPENERS.findall(value)) != len(CLOSERS.findall(value)):
        return False  # a label run cut across brackets (`编辑：NF075(本文来源：…)`) is no value
    if field in NAME_FIELDS:
        if _SENTENCE_PUNCT.search(value):
            return False
        names = split_names(value)
        if len(names) > 8:
            return False
        if colon:
            return all(len(n) <= 40 for n in names)
        return bool(names) and all(_HAN_NAME.match(n) for n in names)
    if field in DATE_FIELDS:
        return (colon or has_date(value[:12])) and bool(re.search(r"\d", value)) and len(value) <= 40
    if not colon or not value:
        return False
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
    matches = list(LABEL_RE.finditer(inner))
    if not matches:
        return None
    prefix = inner[: matches[0].start()].strip()
    first_field = LABELS[matches[0].group("label")]
    labels = []
    if prefix and is_date_only(prefix):  # `2016年09月02日 10:30 来源：重庆晨报`: an unlabelled date first
        labels.append(Label("published_at", "", prefix))
    elif prefix and (len(prefix) > 24 or _SENTENCE_PUNCT.search(prefix) or first_field not in NAME_FIELDS
                     or matches[0].group("colon")):
        return None
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(inner)
        value = inner[match.end():end].strip(" \u3000|｜/，,、")
        field = LABELS[match.group("label")]
        if not _value_ok(field, value, bool(match.group("colon"))):
            return None
        if field in NAME_FIELDS and _glued_to_reporter(inner, end, matches[i + 1] if i + 1 < len(matches) else None):
            field = "other"  # `采写：南都记者 方南`: 南都 is the paper
        labels.append(Label(field, match.group("label"), value))
    return labels


def _glued_to_reporter(text: str, end: int, following: re.Match | None) -> bool:
    """Whether a name value runs straight into a 记者 label, so that it names the reporter's paper."""
    return following is not None and following.group("label") in ("记者", "記者") and not text[end - 1].isspace()


def label_value(text: str | None, field: str) -> str | None:
    """The value of the first `field` label in a header text (`发布时间：… 来源：视界网 编辑：…` -> 视界网).

    Unlike ``parse_labels`` this scans text that may hold other words too, stopping at the next label.
    """
    if not text:
        return None
    matches = list(LABEL_RE.finditer(text))
    values = []
    for i, match in enumerate(matches):
        if LABELS[match.group("label")] == field and (match.group("colon") or field in NAME_FIELDS
                                                      or match.group("label")[-1] in "于於自"):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            raw = text[match.end():end]
            if field == "author" and _PHOTO.search(raw):  # `快報記者 施向輝 攝`: a photo credit names no author
                continue
            value = _header_field_value(field, trim(raw))
            if value and field not in NAME_FIELDS:
                return value
            if value and _glued_to_reporter(text, end, matches[i + 1] if i + 1 < len(matches) else None):
                continue  # `采写：南都记者 方南`: the word glued to 记者 is the paper
            if value:  # `记者 李一 王二 通讯员 张三`: every name label of the run, in page order
                values.append(value)
        elif values and LABELS[match.group("label")] not in NAME_FIELDS:
            break
    return " ".join(values) or None


_PHOTO = re.compile(r"(?:^|[\s\u3400-\u9fff])(?<![文/／])(?:摄|攝)(?:影)?\s*$|(?:^|\s)(?:摄|攝)\s")
_NOT_A_NAME = re.compile(r"[\d【】\[\]:：︰|｜]|^[^·A-Za-z]{13,}$")
_TOKEN_SPLIT = re.compile(r"(?<![A-Za-z])\s+|\s+(?![A-Za-z(（])|[、，,；;/／]+")


def trim(value: str) -> str:
    """A value without the separators and brackets around it, but a bracket pair it holds stays
    (`周思博 (Joel Spolsky)`)."""
    value = value.strip(_SEPARATORS)
    while value:
        opened, closed = len(OPENERS.findall(value)), len(CLOSERS.findall(value))
        if value[0] in _CLOSE or value[-1] in _OPEN or (value[0] in _OPEN and opened > closed):
            value = value[1:] if value[0] in _CLOSE or (value[0] in _OPEN and opened > closed) else value[:-1]
        elif value[-1] in _CLOSE and (closed > opened or (opened == closed == 1 and value[0] in _OPEN)):
            value = value[1:-1] if closed == opened else value[:-1]
        else:
            break
        value = value.strip(_SEPARATORS)
    return value


_SEPARATORS = " \u3000|｜/，,、"
_OPEN, _CLOSE = "（([【", "）)]】"


def _header_field_value(field: str, value: str) -> str:
    """A label's value cut where the header's other furniture starts (`证券时报网 人参与 条评论 转发`,
    `张博亭／整理】 2012.01.12`): a source is one word, names run up to the first token that is no name."""
    if field == "source":
        value = value.split()[0] if value.strip() else ""
        while value and len(CLOSERS.findall(value)) > len(OPENERS.findall(value)) and CLOSERS.match(value[-1]):
            value = value[:-1]
        return value.strip(VALUE_TRIM)
    if field in NAME_FIELDS:
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
    bare = text.strip(VALUE_TRIM)
    if not bare or len(bare) > 40 or LABEL_RE.search(bare) or has_date(bare):
        return None
    return bare


_DATE_LINE_WORDS = re.compile(
    r"本[贴帖](?:最后)?由|最后由|编辑|編輯|[于於@]|[:：︰\s\[\]【】()（）|｜,，]|" + "|".join(
        map(re.escape, sorted((*PUBLISHED_WORDS, *UPDATED_WORDS, *NEUTRAL_WORDS), key=len, reverse=True))))
_DATE_LINE_HINT = re.compile(r"\d[\s\S]*(?:" + "|".join(map(re.escape, (*PUBLISHED_WORDS, *UPDATED_WORDS, *NEUTRAL_WORDS)))
                             + r"|编辑|編輯)|(?:[于於@]|" + "|".join(map(re.escape, (*PUBLISHED_WORDS, *UPDATED_WORDS,
                                                                            *NEUTRAL_WORDS))) + r")[\s\S]*\d")
"""A word before or after a digit: the least a dated line has."""
_POSTED_BY = re.compile(r"^\s*本[贴帖](?:最后)?由\s*(?P<author>[^\s于於]{1,20}?)\s*[于於]")


def date_line(text: str) -> dict | None:
    """The fields of a line that only states when (and by whom) it was published or updated: `发表于 2005-9-15
    11:46:00`, `2005-04-05 06:40更新`, `本贴由大卫于2005年8月12日16:12:21`; None for any other line. A date that no word
    marks stays for ``parse_labels`` and the head-only ``meta_line`` rule (a bare date deep in a body is text)."""
    line = text.strip()
    if len(line) > 80 or not _DATE_LINE_HINT.search(line):  # one search rules out most lines
        return None
    found = mentions(line)
    if not found or not any(m.labelled for m in found):
        return None
    rest = line
    for m in reversed(found):
        rest = rest[:m.start] + " " + rest[m.end:]
    posted = _POSTED_BY.match(rest)
    if posted:
        rest = rest.replace(posted["author"], " ", 1)
    if _DATE_LINE_WORDS.sub("", rest).strip():
        return None
    fields: dict = {}
    for m in found:
        fields.setdefault("updated_at" if m.role == "updated" else "published_at", line[m.start:m.end].strip())
    if posted and "最后" not in line and split_names(posted["author"]):
        fields["author"] = posted["author"]
    return fields
