"""UTF-8 read as a single-byte codec (Latin-1, windows-125x, MacRoman, cp437): ftfy's repair, and what it leaves.

ftfy decides whether a text is mojibake (`ftfy.badness.is_bad`) and how to undo it, and it is right far more often
than any gate we put in front of it: a gate that looked only for Latin-1/cp1252/MacRoman signs never let
windows-1250, windows-1251 or cp437 mojibake through. So ftfy decides, with two additions:

- a pre-check that is proven to lose nothing (`ANCHORS`): every branch of ftfy's badness expression needs one
  character of a set derived from that expression at import time. A text without any is one ftfy leaves alone,
  which spares the 2 ms that `is_bad` costs on a 10 KB Chinese page; clean Chinese hardly ever holds one, as the
  set is chosen to avoid the quotation marks and bullets that clean text is full of.
- remnants: where ftfy fixed a text but left pieces of the same damage behind (`2009å¹´4月`, `Ã¥nd` after `bør`),
  the codec that the damage shows most (`evidence_codec`) decodes the remaining UTF-8 sequences too. This runs
  only on a text ftfy changed, and the result is kept only when it scores no worse than ftfy's.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
import unicodedata
from collections import Counter
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # noqa: F401 - registers the sloppy-windows-* codecs that CODECS names
from ftfy.badness import BADNESS_RE, badness, is_bad
from ftfy.chardata import CHARMAP_ENCODINGS

from pipelines.plausibility import implausibility

CODECS = tuple(CHARMAP_ENCODINGS)
"""The single-byte codecs whose misreading of UTF-8 ftfy undoes, in ftfy's order of preference."""

_FREQUENT = set("“”‘’•│·—…©×»®°")
"""Characters common in clean text of many languages: an anchor set that holds them would send most pages to ftfy."""


def _members(element) -> set[str] | None:
    """The characters a parsed regex element matches, when it is a literal or a plain (not negated) class."""
    op, value = element
    if op is sre.LITERAL:
        return {chr(value)}
    if op is not sre.IN:
        return None
    chars: set[str] = set()
    for kind, item in value:
        if kind is sre.LITERAL:
            chars.add(chr(item))
        elif kind is sre.RANGE:
            chars.update(map(chr, range(item[0], item[1] + 1)))
        else:  # a negation or a category such as \w: not a finite set
            return None
    return chars


def _anchors() -> str:
    """A character of which every match of ftfy's badness expression holds at least one.

    Each branch of the expression is a sequence of elements; a branch matches only where each of its elements
    does, so any one element with a finite set of non-ASCII characters is a necessary condition for the branch.
    Per branch the element with the fewest frequent characters (then the fewest characters) is taken. The
    assertion makes an ftfy release whose expression has another shape fail at import, not silently.
    """
    (op, (_, branches)), = sre_parse.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert op is sre.BRANCH
    anchors: set[str] = set()
    for branch in branches:
        sets = [members for members in map(_members, branch) if members and all(c > "\x7f" for c in members)]
        assert sets, f"a branch of ftfy's badness expression without a non-ASCII class: {branch}"
        anchors |= min(sets, key=lambda members: (len(members & _FREQUENT), len(members)))
    return "".join(sorted(anchors))


ANCHORS = re.escape(_anchors())
"""Class body: a text without any of these is one `ftfy.fix_encoding` returns unchanged (`is_bad` is False)."""
_ANCHOR = re.compile(f"[{ANCHORS}]")


@lru_cache(maxsize=len(CODECS))
def _byte_table(codec: str) -> dict[str, int]:
    """The characters that bytes 0x80-0xFF show as in `codec`, to their byte."""
    table = {}
    for byte in range(0x80, 0x100):
        char = bytes([byte]).decode(codec, errors="ignore")
        if len(char) == 1:
            table[char] = byte
    return table


def _sequence_length(byte: int) -> int:
    return 2 if 0xC2 <= byte <= 0xDF else 3 if 0xE0 <= byte <= 0xEF else 4 if 0xF0 <= byte <= 0xF4 else 0


def sequences(text: str, codec: str):
    """(start, end, character) of each run of characters of `text` whose bytes in `codec` are one multi-byte UTF-8
    character, other than a control, unassigned, private-use or surrogate code point."""
    table = _byte_table(codec)
    index, length = 0, len(text)
    while index < length:
        lead = table.get(text[index])
        size = _sequence_length(lead) if lead is not None else 0
        if size and index + size <= length:
            data = [table.get(char) for char in text[index:index + size]]
            if None not in data:
                try:
                    char = bytes(data).decode("utf-8")
                except UnicodeDecodeError:
                    char = ""
                if char and unicodedata.category(char) not in ("Cc", "Cn", "Co", "Cs"):
                    yield index, index + size, char
                    index += size
                    continue
        index += 1


def decode_sequences(text: str, codec: str) -> str:
    """`text` with every multi-byte UTF-8 character that `codec` shows decoded."""
    pieces, position = [], 0
    for start, end, char in sequences(text, codec):
        pieces += [text[position:start], char]
        position = end
    return "".join(pieces) + text[position:] if pieces else text


def evidence_codec(text: str) -> str | None:
    """The codec whose misreading the text shows most (most UTF-8 sequences), ftfy's order breaking ties."""
    counts = [(sum(1 for _ in sequences(text, codec)), -rank, codec) for rank, codec in enumerate(CODECS)]
    count, _, codec = max(counts)
    return codec if count else None


def _score(text: str, codec: str | None) -> int:
    """Lower is better: ftfy's badness, and the UTF-8 sequences of the evidenced codec still in the text."""
    return badness(text) + (sum(1 for _ in sequences(text, codec)) if codec else 0)


def fix_latin_mojibake(text: str) -> tuple[str, int]:
    """UTF-8 that was read as a single-byte codec, decoded again; count = characters brought back.

        >>> fix_latin_mojibake("据介绍，å\\x8f\\x91å¸\\x83时间")
        ('据介绍，发布时间', 2)
        >>> fix_latin_mojibake("Ã©tÃ©")
        ('été', 2)
        >>> fix_latin_mojibake("Р’СЃРµ Р»СЋРґРё")  # UTF-8 read as windows-1251
        ('Все люди', 7)
    """
    if _ANCHOR.search(text) is None or not is_bad(text):
        return text, 0
    fixed = ftfy.fix_encoding(text)
    if fixed == text:
        return text, 0
    codec = evidence_codec(text)
    if codec is not None:
        candidates = [decode_sequences(fixed, codec), fixed, decode_sequences(text, codec)]
        fixed = min(candidates, key=lambda candidate: (_score(candidate, codec), implausibility(candidate)))
    return fixed, max(1, sum((Counter(fixed) - Counter(text)).values()))
