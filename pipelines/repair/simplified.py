"""Convert Traditional to Simplified, for text that was converted from Simplified.

Mirrors run Simplified pages through a Simplified→Traditional converter; OpenCC t2s undoes that. The composition
applies it only on evidence (the mirror's pinyin annotations or `?` phantoms in the same document, or a site
profile that says the site publishes Simplified), because genuine Traditional text from Taiwan or Hong Kong must
stay as it was written.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from pipelines.repair.readings import to_simplified, to_traditional

# Characters on each side of a phrase-rule change that must convert back to the original text.
WINDOW = 2

PHRASE_ONLY = "么俱哩坏彷沈甦瞭藉衹覆"
"""Characters that t2s keeps by themselves but changes inside a phrase of OpenCC's TSPhrases table (深沈 → 深沉,
憑藉 → 凭借, 瞭解 → 了解). `tests/test_repair.py` checks the list against the installed OpenCC's table."""

# Where t2s could change a character alone: the BMP (but the newline that separates the probes) and the CJK
# extension planes. OpenCC's tables hold no other key.
_PROBED = [*range(0x80, 0xD800), *range(0xE000, 0x10000), *range(0x20000, 0x323B0)]


@lru_cache(maxsize=1)
def convertible() -> frozenset[str]:
    """Every character that t2s changes by itself, found by converting each once (in one call, a newline between
    them, about 30 ms). A text that holds none of them, nor a phrase of `PHRASE_ONLY`, is its own Simplified form,
    which is what lets `fastpath` skip the conversion."""
    chars = [chr(code) for code in _PROBED]
    converted = to_simplified("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # a table entry spanning a newline: then any character may change
        return frozenset(chars)
    return frozenset(c for c, s in zip(chars, converted) if c != s)


def fix_to_simplified(text: str) -> tuple[str, int]:
    """Traditional → Simplified, counting the characters changed.

    >>> fix_to_simplified("重慶日報報業集團")
    ('重庆日报报业集团', 5)

    OpenCC's phrase table also rewrites characters that are valid Simplified ones (沈思 → 沉思, as in classical
    texts), which would corrupt a name like 沈思西 in an already-Simplified page. Such a change is kept only when
    the converted phrase turns back into the original through s2t — that is, when the original could have been
    made from it by a mirror's converter (乾淨 ← 干净), and undone otherwise:

    >>> fix_to_simplified("記者沈思西報道")
    ('记者沈思西报道', 2)
    """
    converted = to_simplified(text)
    if converted == text:
        return text, 0
    if len(converted) == len(text):
        chars = list(converted)
        for i, (before, after) in enumerate(zip(text, converted)):
            if before != after and before not in convertible():
                lo, hi = max(0, i - WINDOW), i + WINDOW + 1
                if to_traditional(converted[lo:hi]) != text[lo:hi]:
                    chars[i] = before
        converted = "".join(chars)
        return converted, sum(1 for a, b in zip(text, converted) if a != b)
    # Phrase tables can change a phrase's length; count what differs then.
    matcher = SequenceMatcher(None, text, converted, autojunk=False)
    return converted, sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
