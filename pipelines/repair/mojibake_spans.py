"""What the two mojibake searches share: the misreading they undo, double-byte characters, and search windows.

Mojibake is rarely the whole document: a title, a template include or one paragraph went through the wrong codec
while the rest is clean. So both repairs (`mojibake_utf8`, `mojibake_swaps`) work on spans, look only near the
characters a wrong reading is made of (`windows`), and change a span only when its re-decoding is clearly more
plausible (`pipelines.plausibility`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Misread:
    """Text in `right` whose bytes were decoded as `wrong`."""

    name: str
    wrong: str
    right: str


LOST = "锟斤拷"  # U+FFFD's UTF-8 bytes read as GBK: the original is gone, so it is never part of a span


@lru_cache(maxsize=1 << 16)
def two_bytes(ch: str, codec: str) -> bytes | None:
    """The character's bytes in `codec` when it is one double-byte character there, else None."""
    try:
        encoded = ch.encode(codec)
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 and encoded[0] >= 0x81 else None


def windows(pattern: re.Pattern[str], text: str, reach: int, least: int):
    """(low, high) around each cluster of at least `least` matches of `pattern`, widened by `reach` on both sides:
    the only places the slower span search needs to look at. Matches closer than twice `reach` share a cluster, so
    windows never overlap."""
    return clusters([match.start() for match in pattern.finditer(text)], len(text), reach, least)


def clusters(spots: list[int], length: int, reach: int, least: int):
    """`windows` for the match starts `spots` (ascending) of a text of `length` characters."""
    cluster: list[int] = []
    for spot in [*spots, None]:
        if cluster and (spot is None or spot - cluster[-1] > 2 * reach):
            if len(cluster) >= least:
                yield max(0, cluster[0] - reach), min(length, cluster[-1] + reach + 1)
            cluster = []
        if spot is not None:
            cluster.append(spot)
