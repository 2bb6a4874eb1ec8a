"""Strip the pinyin annotations that spam mirrors put after some characters.

`當(dāng)前位置` is `當前位置` with a syllable in ASCII parentheses after 當. The strip is safe only where the syllable
is a dictionary reading of the character, and only in documents that look like a mirror: there about 3–40% of Han
characters carry one. A children's text or a poem annotates nearly every character and is left alone, and so is
a news story that explains the reading of one rare character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.repair.readings import HAN, SYLLABLE, TONE_LETTERS, is_reading

MIN_RATIO = 0.03
MAX_RATIO = 0.40
"""Annotated share of Han characters that marks a mirror (portal.md §2)."""

ANNOTATION = re.compile(rf"([{HAN}])\(({SYLLABLE})\)")
PRECHECK = re.compile(rf"\([a-z{TONE_LETTERS}]")
"""An opening parenthesis and a pinyin letter: no annotation without one."""
_HAN_CHAR = re.compile(f"[{HAN}]")


@dataclass(frozen=True)
class AnnotationStats:
    annotated: int
    han: int

    @property
    def ratio(self) -> float:
        return self.annotated / self.han if self.han else 0.0

    @property
    def is_mirror(self) -> bool:
        return self.annotated > 0 and MIN_RATIO <= self.ratio <= MAX_RATIO


def measure(text: str) -> AnnotationStats:
    """How many characters carry a valid reading in parentheses, out of how many Han characters."""
    if not PRECHECK.search(text):
        return AnnotationStats(0, 0)
    annotated = sum(1 for m in ANNOTATION.finditer(text) if is_reading(m.group(2), m.group(1)))
    return AnnotationStats(annotated, len(_HAN_CHAR.findall(text)))


def strip_annotations(text: str) -> tuple[str, int]:
    """Strip every `字(reading)` whose syllable is a reading of the character, without the document gate.

    The composition calls this once it has gated the whole document; use `fix_pinyin_annotations` otherwise.
    """
    if not PRECHECK.search(text):
        return text, 0
    count = 0

    def strip(match: re.Match) -> str:
        nonlocal count
        if is_reading(match.group(2), match.group(1)):
            count += 1
            return match.group(1)
        return match.group(0)

    return ANNOTATION.sub(strip, text), count


def fix_pinyin_annotations(text: str) -> tuple[str, int]:
    """Remove mirror pinyin annotations when the text as a whole looks like a mirror.

    >>> fix_pinyin_annotations("當(dāng)前位置:首頁(yè) > 新聞")
    ('當前位置:首頁 > 新聞', 2)
    >>> fix_pinyin_annotations("公司(ltd)在重庆(Chongqing)")
    ('公司(ltd)在重庆(Chongqing)', 0)
    """
    if not measure(text).is_mirror:
        return text, 0
    return strip_annotations(text)
