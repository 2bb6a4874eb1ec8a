"""Pinyin readings of a character, as the mirrors wrote them.

Both the pinyin strip and the `?` phantom recovery hinge on one question: is this syllable a dictionary reading of
this character? The mirrors annotate *after* converting Simplified to Traditional, so a reading counts when it
belongs to the character or to its Simplified form (OpenCC t2s). Tone-marked (`dāng`), tone-numbered (`dang1`) and
toneless (`dang`) spellings are all accepted, since copies of copies lose their tone marks.
"""

from __future__ import annotations

from functools import lru_cache

import opencc
from pypinyin import Style, pinyin

TONE_LETTERS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêḿńňǹ"
SYLLABLE = rf"[a-z{TONE_LETTERS}]{{1,6}}[1-5]?"
"""A pinyin syllable as written inside the mirrors' parentheses: lower case, at most 6 letters, optional tone digit."""

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Character class body for Han ideographs of the BMP (extension A, unified, compatibility)."""

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """OpenCC t2s, shared so that the converter is loaded once."""
    return _T2S.convert(text)


@lru_cache(maxsize=1 << 16)
def to_traditional(text: str) -> str:
    """OpenCC s2t: what a mirror's converter made of Simplified text."""
    return _S2T.convert(text)


@lru_cache(maxsize=1 << 14)
def readings(char: str) -> frozenset[str]:
    """Every spelling of every reading of `char` and of its Simplified form."""
    forms = {char, to_simplified(char)}
    spellings: set[str] = set()
    for form in forms:
        for style in (Style.TONE, Style.TONE3, Style.NORMAL):
            for options in pinyin(form, style=style, heteronym=True, errors="ignore"):
                spellings.update(options)
    # pypinyin spells ü as v in the numbered and toneless styles; mirrors write either.
    spellings.update({s.replace("v", "ü") for s in spellings if "v" in s})
    return frozenset(spellings)


def is_reading(syllable: str, char: str) -> bool:
    return syllable in readings(char)
