"""The generic extractor's knowledge, loaded from ``generic_rules.json`` (trafilatura style: selectors and patterns
as data, so that they can be tuned without touching the algorithm)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

RULES_PATH = Path(__file__).with_name("generic_rules.json")


@dataclass(frozen=True)
class Rules:
    drop_tags: tuple[str, ...]
    unwrap_tags: tuple[str, ...]
    soft_drop_tags: frozenset[str]
    inline_tags: frozenset[str]
    paragraph_tags: frozenset[str]
    candidate_tags: frozenset[str]
    negative_substrings: re.Pattern
    banner_substrings: re.Pattern
    negative_tokens: frozenset[str]
    weak_negative_tokens: frozenset[str]
    positive_tokens: frozenset[str]
    chinese_marks: re.Pattern
    other_mark: re.Pattern
    marks_in_context: re.Pattern
    title_separators: re.Pattern
    boilerplate_lines: dict[str, tuple[re.Pattern, int, re.Pattern | None]]
    max_boilerplate_chars: int
    protect_share: float


@cache
def rules() -> Rules:
    """The rules, compiled once per process."""
    data = json.loads(RULES_PATH.read_text(encoding="utf-8"))
    chinese_marks, other_mark, marks_in_context = _punctuation(data)
    return Rules(
        drop_tags=tuple(data["drop_tags"]),
        unwrap_tags=tuple(data["unwrap_tags"]),
        soft_drop_tags=frozenset(data["soft_drop_tags"]),
        inline_tags=frozenset(data["inline_tags"]),
        paragraph_tags=frozenset(data["paragraph_tags"]),
        candidate_tags=frozenset(data["candidate_tags"]),
        negative_substrings=re.compile("|".join(map(re.escape, data["negative_substrings"]))),
        banner_substrings=re.compile("|".join(map(re.escape, data["banner_substrings"]))),
        negative_tokens=frozenset(data["negative_tokens"]),
        weak_negative_tokens=frozenset(data["weak_negative_tokens"]),
        positive_tokens=frozenset(data["positive_tokens"]),
        chinese_marks=chinese_marks,
        other_mark=other_mark,
        marks_in_context=marks_in_context,
        title_separators=re.compile("|".join(map(re.escape, sorted(data["title_separators"], key=len, reverse=True)))),
        boilerplate_lines={k: (re.compile(v["pattern"], re.I), int(v["max_chars"]),
                               _any_word(v["requires"]) if v.get("requires") else None)
                           for k, v in data["boilerplate_lines"].items()},
        max_boilerplate_chars=max(int(v["max_chars"]) for v in data["boilerplate_lines"].values()),
        protect_share=float(data["protect_share"]),
    )


def _punctuation(data: dict) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(Chinese marks, any other mark, other marks in their context): prose marks are Chinese marks anywhere,
    ASCII ones right after a Han character, Latin (and Arabic, Devanagari, Burmese) sentence marks after a letter
    and before a space. The context rules are tried only on text holding such a mark at all, which most Chinese
    text does not: that halves the cost of this count, made for every text node of every page."""
    marks = set(data["ascii_punctuation_after_han"]) | set(data["latin_punctuation"])
    return (re.compile(f"[{re.escape(data['chinese_punctuation'])}]"),
            re.compile(f"[{re.escape(''.join(sorted(marks)))}]"),
            re.compile(f"(?<=[\u3400-\u9fff])[{re.escape(data['ascii_punctuation_after_han'])}]"
                       f"|(?<=[^\\W\\d_])[{re.escape(data['latin_punctuation'])}](?!\\S)"))


def _any_word(words: list[str]) -> re.Pattern:
    """A rule's required words, to be searched in the lower-cased line: a case-insensitive search of CJK text
    folds every character and cost three times as much."""
    return re.compile("|".join(map(re.escape, sorted({w.lower() for w in words}, key=len, reverse=True))))


_CAMEL = re.compile(r"([a-z])([A-Z])")


def class_tokens(element) -> tuple[str, tuple[str, ...]]:
    """The class and id of an element, lower-cased, and their word tokens (split on punctuation, digits, camelCase)."""
    classes, ident = element.get("class"), element.get("id")
    if not classes and not ident:
        return "", ()
    return _split_tokens(f"{classes or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def _split_tokens(raw: str) -> tuple[str, tuple[str, ...]]:
    return raw.lower(), tuple(t for t in re.split(r"[^a-z]+", _CAMEL.sub(r"\1 \2", raw).lower()) if t)
