"""Strip the pinyin annotations that spam mirrors put after some characters.

`當(dāng)前位置` is `當前位置` with a syllable in ASCII parentheses after 當. The strip is safe only where the syllable
is a dictionary reading of the character, and only in documents that look like a mirror: there about 3–40% of Han
characters carry one. A children's text or a poem annotates nearly every character and is left alone, and so is
a news story that explains the reading of one rare character.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.repair.readings import HAN, SYLLABLE, TONE_LETTERS, is_reading, to_simplified

MIN_RATIO = 0.03
MAX_RATIO = 0.40
"""Annotated share of Han characters that marks a mirror (portal.md §2)."""

ANNOTATION = re.compile(rf"([{HAN}])\(({SYLLABLE})\)")
"""The plain form, `當(dāng)`: what the phantom recovery takes as the document's evidence of annotated characters."""

TAG = r"<[^<>\n]{0,80}>"
"""HTML tag residue that a mirror's template left inside the text (`當<span>(dāng)</span>`, `(<b>dāng</b>)`)."""
_NOTE = rf"\((?:{TAG})*\s?{SYLLABLE}\s?(?:{TAG})*\)"
_NOTES = re.compile(rf"([{HAN}])((?:(?:{TAG})*{_NOTE}){{1,3}}(?:{TAG})*)")
"""A character and its annotation as the mirrors really write it: with a space inside the parentheses
(`會(huì )`), tag residue around the syllable (and right after it, which goes with the annotation), and the
syllable repeated up to three times (`中(zhong)(zhong)`)."""
_SYLLABLES = re.compile(rf"\(\s?({SYLLABLE})\s?\)")
_TAGS = re.compile(TAG)
PRECHECK_START = rf"[\s<a-z{TONE_LETTERS}]"
"""What follows the opening parenthesis of an annotation."""
PRECHECK = re.compile(rf"\({PRECHECK_START}")
"""An opening parenthesis and a pinyin letter (or a space or a tag before it): no annotation without one."""
_HAN_CHAR = re.compile(f"[{HAN}]")
MIN_CONVERTED = 1 / 3
"""Share of annotated characters that are Traditional forms (t2s changes them) above which a document that gives
one character two readings is still a mirror. A mirror annotates the characters its Simplified -> Traditional
conversion made (all 83 on the seed), heteronyms included (`銀行(háng)行(xíng)長(zhǎng)`); a dictionary or a lesson
that explains readings (`行(xíng)和行(háng)`) gives one character two readings, and annotates characters no
conversion made."""


def _readings_of(match: re.Match) -> bool:
    """Whether every syllable of the annotation is a dictionary reading of the character before it (a toneless
    or tone-numbered syllable is compared without its tone: `readings` holds those spellings)."""
    syllables = _SYLLABLES.findall(_TAGS.sub("", match.group(2)))
    return bool(syllables) and all(is_reading(syllable, match.group(1)) for syllable in syllables)


@dataclass(frozen=True)
class AnnotationStats:
    annotated: int
    han: int
    converted: int = 0  # annotated characters that are Traditional forms
    polyphones: int = 0  # characters annotated with two different syllables (tones aside)

    @property
    def ratio(self) -> float:
        return self.annotated / self.han if self.han else 0.0

    @property
    def is_mirror(self) -> bool:
        return (self.annotated > 0 and MIN_RATIO <= self.ratio <= MAX_RATIO
                and (self.polyphones == 0 or self.converted >= MIN_CONVERTED * self.annotated))


def measure(text: str) -> AnnotationStats:
    """How many characters carry a valid reading in parentheses, out of how many Han characters."""
    if not PRECHECK.search(text):
        return AnnotationStats(0, 0)
    annotated = [m for m in _NOTES.finditer(text) if _readings_of(m)]
    converted = sum(1 for m in annotated if to_simplified(m.group(1)) != m.group(1))
    syllables: dict[str, set[str]] = {}
    for m in annotated:
        syllables.setdefault(m.group(1), set()).update(map(_toneless, _SYLLABLES.findall(_TAGS.sub("", m.group(2)))))
    polyphones = sum(1 for found in syllables.values() if len(found) > 1)
    return AnnotationStats(len(annotated), len(_HAN_CHAR.findall(text)), converted, polyphones)


def _toneless(syllable: str) -> str:
    """`xíng`, `xing2` and `xing` alike."""
    bare = "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))
    return bare.rstrip("12345").replace("v", "u")


def strip_annotations(text: str) -> tuple[str, int]:
    """Strip every `字(reading)` whose syllables are readings of the character, without the document gate; the tag
    residue inside the annotation goes with it.

    The composition calls this once it has gated the whole document; use `fix_pinyin_annotations` otherwise.
    """
    if not PRECHECK.search(text):
        return text, 0
    count = 0

    def strip(match: re.Match) -> str:
        nonlocal count
        if _readings_of(match):
            count += 1
            return match.group(1)
        return match.group(0)

    return _NOTES.sub(strip, text), count


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
