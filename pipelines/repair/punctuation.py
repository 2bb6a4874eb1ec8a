"""Put back the full-width punctuation that width folding (NFKC) turned into ASCII.

The corpus the seed comes from folded `，：（）？；！％` to `, : ( ) ? ; ! %` and left `。、“”《》【】` alone. Full
width is restored only beside CJK text: a comma between digits (`1,000`), a colon in a time (`10:30`), the
punctuation of a URL, of code or of Latin text stays ASCII. The fixer is gated on evidence that the document was
folded at all: it holds no full-width form anywhere, and at least one ASCII comma, colon, semicolon, question or
exclamation mark touches a Han character. Chinese writers type full-width marks, so a clean page has some, and a
clean page that mixes `，` and `(` is therefore untouched.
"""

from __future__ import annotations

import re

from pipelines.repair.phantoms import SITE
from pipelines.repair.readings import HAN

CJK = HAN + "\u3000-\u303f\u2018-\u201d\u2026\u2014\uff01-\uff5e"
"""Han, CJK punctuation (。、《》【】「」), curly quotes, ellipsis, em dash and full-width forms."""

_FULLWIDTH = re.compile("[\uff01-\uff5e]")
FOLD_MARKS = ",:;!?"
"""The folded marks whose touching a Han character is evidence of folding."""
_FOLD_EVIDENCE = re.compile(f"[{HAN}][{FOLD_MARKS}]|[{FOLD_MARKS}][{HAN}]")
_MARK = re.compile("[,:;!?%~]")
_PAREN = re.compile(r"\(([^()\n]*)\)")
_CJK_CHAR = re.compile(f"[{CJK}]")
_HAN_CHAR = re.compile(f"[{HAN}]")
_ASCII_WORD = re.compile("[0-9A-Za-z]")
_WIDE = {c: chr(ord(c) + 0xFEE0) for c in ",:;!?%~()"}
_PHANTOMS = re.compile(rf"(?:{SITE.pattern})+\??")
"""Unrecovered phantoms, and a `?` right after them: an invalid pair the out-of-step decoder met, not a question."""
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S*|www\.\S+|\S+@\S+\.[A-Za-z]{2,}")


def looks_folded(text: str) -> bool:
    """True when the text reads as width-folded Chinese: ASCII marks touching Han, and no full-width form at all."""
    return _FULLWIDTH.search(text) is None and _FOLD_EVIDENCE.search(text) is not None


def restore_fullwidth(text: str) -> tuple[str, int]:
    """Restore full width beside CJK text, without the document gate (the composition gates the document)."""
    protected = _protected_spans(text)
    count = 0

    def widen_pair(match: re.Match) -> str:
        nonlocal count
        start, end = match.span()
        if not _HAN_CHAR.search(match.group(1)) or _inside(start, protected) or _inside(end - 1, protected):
            return match.group(0)
        count += 1
        return f"（{match.group(1)}）"

    previous = None
    while previous != text:  # inner pairs first: `(记者(实习)李一)`
        previous, text = text, _PAREN.sub(widen_pair, text)
    chars = list(text)
    for match in _MARK.finditer(text):
        i = match.start()
        if _inside(i, protected) or not _beside_cjk(text, i):
            continue
        chars[i] = _WIDE[text[i]]
        count += 1
    return "".join(chars), count


def fix_fullwidth_punctuation(text: str) -> tuple[str, int]:
    """Restore full-width punctuation next to CJK characters in width-folded text.

    >>> fix_fullwidth_punctuation("今年9月,中共中央辦公廳印發(意見)。全網閱讀量達9.83億次,增長32%。")[0]
    '今年9月，中共中央辦公廳印發（意見）。全網閱讀量達9.83億次，增長32%。'
    """
    if not looks_folded(text):
        return text, 0
    return restore_fullwidth(text)


def _beside_cjk(text: str, i: int) -> bool:
    mark = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if mark in "%~":
        # `32%` and `9~10月` keep ASCII: the mark binds to a number, and the page may well have had it so.
        return bool(_HAN_CHAR.match(before)) and (mark == "%" or bool(_HAN_CHAR.match(after)))
    if _ASCII_WORD.match(before) and _ASCII_WORD.match(after):
        return False  # 1,000  10:30  a,b
    return bool(_CJK_CHAR.match(before)) or (bool(_CJK_CHAR.match(after)) and not _ASCII_WORD.match(before))


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """URLs and e-mail addresses, and phantoms that could not be recovered (their `?` is no question mark)."""
    return [m.span() for m in _URL.finditer(text)] + [m.span() for m in _PHANTOMS.finditer(text)]


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= i < end for start, end in spans)
