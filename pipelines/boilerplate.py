"""Text-level boilerplate: what a page says around its article, removed line by line and accounted for.

Works on paragraphs, not on HTML, so it cleans imported text (the seed) as well as the output of any extractor.
A line is removed only when it matches a rule as a whole (patterns in ``boilerplate_rules.json`` plus the profile's
``boilerplate`` section); labelled lines are read into fields before they go, and every removal is counted by kind
so that nothing disappears unaccounted. Prose that merely mentions a label word (`记者从市委宣传部获悉，…`) stays.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipelines.metadata import PHOTO_CREDIT, label_value, byline, date_line, editor_after, editor_name, join_names, parse_labels, section_from_crumbs

RULES_PATH = Path(__file__).with_name("boilerplate_rules.json")
_NAME_FIELDS = ("author", "editor")


@dataclass(frozen=True)
class LineRule:
    kind: str
    regex: re.Pattern
    max_len: int | None = None
    head_only: bool = False


@dataclass(frozen=True)
class Rules:
    line_rules: tuple[LineRule, ...]
    head_lines: int
    summary: re.Pattern
    tail_markers: frozenset[str]
    tail_item_max_len: int
    image_name_inline: re.Pattern
    spam_strong: tuple[re.Pattern, ...]
    spam_weak: tuple[re.Pattern, ...]
    spam_max_len: int
    promos: frozenset[str]


@dataclass
class Stripped:
    paragraphs: list[str]
    fields: dict = field(default_factory=dict)
    removed: Counter = field(default_factory=Counter)


def _line_rule(data: dict) -> LineRule:
    flags = re.IGNORECASE if "i" in data.get("flags", "") else 0
    return LineRule(data["kind"], re.compile(data["pattern"], flags), data.get("max_len"), data.get("where") == "head")


@cache
def _base_rules() -> dict:
    with RULES_PATH.open(encoding="utf-8") as f:
        return json.load(f)


def rules_for(profile=None) -> Rules:
    """The generic rules extended by a profile's ``boilerplate`` section (its own line rules, tails and promos)."""
    extra = profile.boilerplate if profile is not None else {}
    return _compile(json.dumps(extra, sort_keys=True, ensure_ascii=False) if extra else "{}")


@cache
def _compile(extra_json: str) -> Rules:
    base = _base_rules()
    extra = json.loads(extra_json)
    spam = base["spam"]
    return Rules(
        line_rules=tuple(_line_rule(r) for r in [*extra.get("line_patterns", ()), *base["line_rules"]]),
        head_lines=base["head_lines"],
        summary=re.compile(base["summary_prefix"]),
        tail_markers=frozenset([*base["tail_markers"], *extra.get("tail_markers", ())]),
        tail_item_max_len=base["tail_item_max_len"],
        image_name_inline=re.compile(base["image_name_inline"], re.IGNORECASE),
        spam_strong=_keywords(spam["strong"]),
        spam_weak=_keywords(spam["weak"]),
        spam_max_len=spam["max_len"],
        promos=frozenset([*base["last_line_promos"], *extra.get("last_line_promos", ())]),
    )


def _keywords(words: list[str]) -> tuple[re.Pattern, ...]:
    """Spam keywords as case-blind patterns, each once; a Latin edge must not run on into a Latin word, so that
    `av` counts in `亚洲av` but not in `Java` or `NAVER`."""
    unique = dict.fromkeys(word.lower() for word in words)
    return tuple(
        re.compile(("(?<![a-z])" if word[0].isascii() else "") + re.escape(word)
                   + ("(?![a-z])" if word[-1].isascii() else ""), re.IGNORECASE)
        for word in unique
    )


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").split())


def is_spam(line: str, profile=None) -> bool:
    """A mirror's keyword line (`国产精品… 无码…`) rather than a headline or a sentence."""
    return _is_spam(line, rules_for(profile))


def _is_spam(line: str, rules: Rules) -> bool:
    if len(line) > rules.spam_max_len or "。" in line:
        return False
    strong = sum(bool(k.search(line)) for k in rules.spam_strong)
    weak = sum(bool(k.search(line)) for k in rules.spam_weak)
    return strong >= 1 or weak >= 3


def _labelled(line: str) -> tuple[str, dict] | None:
    """A 来源/作者/编辑/发布时间 line, a dated line (`发表于 2005-9-15 11:46:00`, `2005-04-05 06:40更新`) or a byline
    without labels (`本报记者 邓红阳`, `記者陳鈞凱／台北報導`): its kind and the fields it states."""
    labels = parse_labels(line)
    if not labels:
        dated = date_line(line)
        if dated:
            return "meta_line", dated
        named = byline(line)
        if named:
            return "byline", {"author": "、".join(named[0])}
        editor = editor_after(line)
        return ("editor_line", {"editor": editor}) if editor else None
    if any(lab.field == "author" and PHOTO_CREDIT.search(lab.value) for lab in labels):
        return "photo_credit", {}  # `新华社记者廖宇杰摄`: the photographer, not the author
    fields: dict = {}
    authors = join_names([lab.value for lab in labels if lab.field == "author"])
    if authors:
        fields["author"] = authors
    for lab in labels:
        if lab.field in ("editor", "source", "published_at", "updated_at"):
            value = editor_name(lab.value) if lab.field == "editor" else lab.value
            if value:
                fields.setdefault(lab.field, value)
    kinds = {lab.field for lab in labels}
    if kinds & {"published_at", "updated_at", "source"}:
        kind = "meta_line" if kinds & {"published_at", "updated_at"} or len(kinds) > 1 else "source_line"
    elif kinds <= {"editor"}:
        kind = "editor_line"
    else:
        kind = "byline"
    return kind, fields


_ASIDE_PIECE_MAX = 40
"""A short piece of a block left out of the body may state its editor among other words; a long one is prose
(a copyright notice quoting `来源：…`), whose labels are no fields."""
_BRACKET_GROUP = re.compile(r"[（(【\[][^（()）【】\[\]]*[）)】\]]")


def fields_of(lines: list[str]) -> dict:
    """The fields stated by lines that an extractor left out of the body for what they say (a 责任编辑 block).

    Such a block may carry other words around its labels (`[责任编辑：黄敏] 标签：郭德纲`,
    `责任编辑：NF075(本文来源：财华社)`), so a line that is not all labels is read piece by piece: each bracketed group
    and each stretch between them. The first value of a field wins, as in ``strip``.
    """
    fields: dict = {}
    for line in map(_normalise, lines):
        pieces = [line] if _labelled(line) else [*_BRACKET_GROUP.findall(line), *_BRACKET_GROUP.split(line)]
        for piece in pieces:
            labelled = _labelled(piece.strip())
            found = labelled[1] if labelled else {}
            if not found and len(piece) <= _ASIDE_PIECE_MAX:  # `分享到: 编辑：黄静文 作者： 【打印】`
                editor = editor_name(label_value(piece, "editor"))
                found = {"editor": editor} if editor else {}
            for key, value in found.items():
                fields.setdefault(key, value)
    return fields


def _classify(line: str, index: int, rules: Rules) -> tuple[str, dict] | None:
    for rule in rules.line_rules:
        if rule.max_len is not None and len(line) > rule.max_len:
            continue
        if rule.head_only and index >= rules.head_lines:
            continue
        m = rule.regex.search(line)
        if m:
            found = {k: join_names(v) if k in _NAME_FIELDS else v for k, v in m.groupdict().items() if v}
            if "crumbs" in found:
                section = section_from_crumbs(found.pop("crumbs"))
                if section:
                    found["section"] = section
            return rule.kind, found
    labelled = _labelled(line)
    if labelled:
        return labelled
    if index < rules.head_lines and _is_spam(line, rules):
        return "spam_title", {}
    return None


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\W", "", a) == re.sub(r"\W", "", b) != ""


def _first_sentence(text: str) -> str:
    return re.sub(r"\W", "", re.split(r"(?<=[。！？!?])", text, maxsplit=1)[0])


def _link_like(line: str, rules: Rules) -> bool:
    """A line of a related-news list: a short headline, perhaps with a date, never a finished sentence."""
    return len(line) <= rules.tail_item_max_len and not line.endswith("。")


def _tail_start(lines: list[str], kinds: list[str | None], rules: Rules) -> int | None:
    """Where a related-news tail begins: a marker heading followed only by link-like lines (or other boilerplate)."""
    for i, line in enumerate(lines):
        if kinds[i] is not None or line.rstrip(":：》>»") not in rules.tail_markers:
            continue
        rest = [lines[j] for j in range(i + 1, len(lines)) if kinds[j] is None]
        if all(_link_like(r, rules) for r in rest):
            return i
    return None


def strip(paragraphs: list[str], profile=None, *, title: str | None = None) -> Stripped:
    """The paragraphs without boilerplate, the fields the removed lines stated, and the removals by kind.

    ``title`` (from the page's headline) lets a repetition of it at the top of the body go as ``title_repeat``.
    """
    rules = rules_for(profile)
    lines = [t for t in (_normalise(p) for p in paragraphs) if t]
    kinds: list[str | None] = [None] * len(lines)
    fields: dict = {}
    for i, line in enumerate(lines):
        found = _classify(line, i, rules)
        if found:
            kinds[i] = found[0]
            for key, value in found[1].items():
                fields.setdefault(key, value)

    # A site label directly above a breadcrumb (`九龙坡区文明实践所` / `当前位置：…`).
    for i in range(1, min(len(lines), rules.head_lines)):
        if kinds[i] == "breadcrumb" and kinds[i - 1] is None and len(lines[i - 1]) <= 20 \
                and not re.search(r"[，。！？：:]", lines[i - 1]) and all(k is not None for k in kinds[: i - 1]):
            kinds[i - 1] = "site_label"

    kept = [i for i, k in enumerate(kinds) if k is None]
    if title:
        for i in kept[:3]:
            if _same_text(lines[i], title):
                kinds[i] = "title_repeat"
                fields.setdefault("title", lines[i])
                break

    kept = [i for i, k in enumerate(kinds) if k is None]
    for pos, i in enumerate(kept[: rules.head_lines]):
        m = rules.summary.match(lines[i])
        if m and pos + 1 < len(kept):
            following = "".join(re.sub(r"\W", "", lines[j]) for j in kept[pos + 1: pos + 3])
            summary = _first_sentence(m.group("summary"))
            if summary and summary[: max(8, len(summary) // 2)] in following:
                kinds[i] = "summary"

    start = _tail_start(lines, kinds, rules)
    if start is not None:
        for j in range(start, len(lines)):
            if kinds[j] is None:
                kinds[j] = "related"

    for i in reversed(range(len(lines))):
        if kinds[i] is not None:
            continue
        if lines[i] in rules.promos:
            kinds[i] = "app_promo"
            continue
        break

    removed = Counter(k for k in kinds if k is not None)
    body = []
    for i, line in enumerate(lines):
        if kinds[i] is not None:
            continue
        cleaned, n = rules.image_name_inline.subn("", line)
        if n:
            removed["image_name"] += n
            cleaned = cleaned.strip()
        if cleaned:
            body.append(cleaned)
    return Stripped(body, fields, removed)
