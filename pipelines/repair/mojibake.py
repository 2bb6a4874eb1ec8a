"""Mojibake: text that was decoded with the wrong codec somewhere before it reached us.

Two families, two fixers:

- `fix_latin_mojibake` (`mojibake_latin`): UTF-8 read as a single-byte codec, Latin-1, windows-1250 to 1257,
  MacRoman or cp437 (`å\\x8f\\x91å¸\\x83` for 发布). ftfy knows these well and decides; we call its
  `fix_encoding` (never `fix_text`, which folds Chinese punctuation to ASCII) and decode the remnants it leaves.
- `fix_cjk_mojibake`: UTF-8 read as GBK or Big5 (`鍙戝竷鏃堕棿` for 发布时间), GBK read as Big5 and Big5 read as GBK.
  ftfy does none of these. Each is repaired span by span (`mojibake_utf8`, `mojibake_swaps`), and a span is
  replaced only when its re-decoding is clearly more plausible Chinese (`pipelines.plausibility`).

Neither fixer touches `锟斤拷` or U+FFFD: those characters were lost before the text reached us. They are left in
place for the caller to count (`pipelines.decode.count_losses`), never guessed at.
"""

from __future__ import annotations

from pipelines.plausibility import implausibility
from pipelines.repair.mojibake_latin import fix_latin_mojibake
from pipelines.repair.mojibake_swaps import SWAPS, repair_swapped
from pipelines.repair.mojibake_utf8 import UTF8_MISREADS, repair_utf8_misread

__all__ = ["fix_cjk_mojibake", "fix_latin_mojibake"]


# Each round applies the one kind of repair that helps most: a span of one kind of mojibake can hold bytes that
# another kind would misread, so kinds compete instead of running in a fixed order. A second round catches a text
# damaged in two ways.
_ROUNDS = 2


def fix_cjk_mojibake(text: str) -> tuple[str, int]:
    """UTF-8 read as GBK or Big5, GBK read as Big5, Big5 read as GBK, decoded again; count = spans repaired.

    `锟斤拷` and U+FFFD are left as they are (see the module docstring).

        >>> fix_cjk_mojibake("据介绍，鍙戝竷鏃堕棿是昨天")[0]  # UTF-8 read as GBK, inside clean text
        '据介绍，发布时间是昨天'
        >>> fix_cjk_mojibake("臺北市政府今日宣布")  # genuine Traditional is left alone
        ('臺北市政府今日宣布', 0)
    """
    count = 0
    for _ in range(_ROUNDS):
        candidates = [repair_utf8_misread(text, misread) for misread in UTF8_MISREADS]
        candidates += [repair_swapped(text, swap) for swap in SWAPS]
        candidates = [candidate for candidate in candidates if candidate[1]]
        if not candidates:
            break
        text, fixed = min(candidates, key=lambda candidate: implausibility(candidate[0]))
        count += fixed
    return text, count
