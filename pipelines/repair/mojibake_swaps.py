"""One double-byte codec read as the other: GBK read as Big5 (`弊模漆` for 国家海), Big5 read as GBK.

Characters map one to one and nearly every byte pair is valid in both codecs, so validity says nothing. Both
readings also land mostly on common characters; what gives a wrong one away is that it mixes the two scripts and
holds private-use or symbol-row characters. Each character gets a gain (how much more plausible its swap is); a
whole line (or piece between characters that cannot be swapped) that gains clearly is swapped, else only the
stretches whose summed gain is high, widened over neighbours that the swap turns into ordinary text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.plausibility import (
    HANZI,
    IMPOSSIBLE,
    PLAUSIBLE_SHARE,
    RARE,
    char_cost,
    script_share,
)
from pipelines.repair.mojibake_spans import LOST, Misread, two_bytes, windows
from pipelines.repair.readings import to_simplified
from pipelines.repair.words import word_logprob

SWAPS = (Misread("gbk read as big5", "big5hkscs", "gb18030"), Misread("big5 read as gbk", "gb18030", "big5hkscs"))

# How far apart the rare characters of one damaged span can be, and how far the search reaches beyond them.
REACH = 16
# A stretch inside a line must gain at least this much (in `char_cost` units) to be considered: about three rare
# characters turning common, or one private-use character.
_SWAP_GAIN = 3
# Widening steps over at most this many ASCII characters (the digits of a date), not over markup.
_ASCII_STEP = 4
# A whole line (or a piece between characters that cannot be swapped) must gain this much: two rare characters.
_UNIT_GAIN = 2
# ... and the swapped stretch's script share must beat the original's by this much.
_SWAP_MARGIN = 0.15
# With a margin this wide, the candidate may hold some rare hanzi (names, Hong Kong characters): its tolerated share.
_WIDE_MARGIN = 0.3
_TOLERATED_SHARE = 0.8


@lru_cache(maxsize=1 << 16)
def _swapped(ch: str, misread: Misread) -> str | None:
    """`ch` re-decoded: its double-byte `wrong` bytes read as `right`, when that gives one character."""
    data = two_bytes(ch, misread.wrong)
    if data is None:
        return None
    try:
        swapped = data.decode(misread.right)
    except UnicodeDecodeError:
        return None
    return swapped if len(swapped) == 1 else None


def repair_swapped(text: str, misread: Misread) -> tuple[str, int]:
    """Re-decode the lines or stretches of `text` that are one double-byte codec shown in the other.

    Only the neighbourhoods of rare or impossible characters are examined: a wrong reading that is clearly more
    plausible once swapped has at least two of them close together, and clean text has few.
    """
    pieces, repaired, position = [], 0, 0
    for low, high in windows(RARE, text, REACH, 2):
        for start, end in _units(text, misread, low, high):
            fixed, count = _repair_unit(text[start:end], misread)
            if count:
                pieces += [text[position:start], fixed]
                position = end
                repaired += count
    if not repaired:
        return text, 0
    pieces.append(text[position:])
    return "".join(pieces), repaired


def _units(text: str, misread: Misread, low: int, high: int):
    """(start, end) of the pieces of text[low:high] between line breaks and characters that cannot be swapped."""
    start = low
    for index in range(low, high):
        ch = text[index]
        if ch in "\r\n" or (ch >= "\x80" and _swapped(ch, misread) is None):
            if start < index:
                yield start, index
            start = index + 1
    if start < high:
        yield start, high


def _repair_unit(unit: str, misread: Misread) -> tuple[str, int]:
    if unit.isascii() or LOST in unit:
        return unit, 0
    swapped = "".join(_swapped(ch, misread) if ch >= "\x80" else ch for ch in unit)
    original_set, swapped_set = script_share(unit)[2], script_share(swapped)[2]
    gains = [_gain(_script_cost(a, original_set) - _script_cost(b, swapped_set)) for a, b in zip(unit, swapped)]
    if sum(gains) >= _UNIT_GAIN and _swap_is_clear(swapped, unit):
        return swapped, 1
    pieces, repaired, position = [], 0, 0
    for low, high in _best_stretches(gains, 0, len(gains), least=1):
        if high <= position:
            continue  # the stretch before grew over this one
        if not _swap_judged(swapped[low:high], unit[low:high]):
            continue
        start, end = _widened(max(low, position), high, gains, swapped, swapped_set, position)
        start, end = _widened_by_words(start, end, gains, swapped, "".join(pieces) + unit[position:], position)
        judged = min(low, start)  # a stretch cut short by the one before is judged whole
        if _swap_judged(swapped[judged:end], unit[judged:end]):
            pieces += [unit[position:start], swapped[start:end]]
            position = end
            repaired += 1
    pieces.append(unit[position:])
    return "".join(pieces), repaired


def _swap_judged(candidate: str, original: str) -> bool:
    """Clear by the script shares, or else clearly preferred by the word model."""
    return _swap_is_clear(candidate, original) or words_prefer(candidate, original)


_WORD_MARGIN = 4.0
"""Natural-log odds per hanzi (about 55 to 1) by which the word model must prefer a swapped stretch."""
_WORD_LEAST = 4
"""Hanzi a stretch must hold for the word model to judge it alone: on fewer it compares single-character
frequencies, and would swap a clean rare character into a common one."""
_EDGE_MARGIN = 3.0
"""Natural-log odds (about 20 to 1) by which the word model must prefer a stretch with one more edge character
swapped, as the phantom recovery asks of its readings."""
_WORD_LOSS = -3
"""The most a character may lose by the swap (a common hanzi of the other script costs 3 more after `_gain`) and
still be taken in on the word model's word: `30天包退遙或` is 30天包退换或, and 遙 is common Traditional."""
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")


def words_prefer(candidate: str, original: str, least: int = _WORD_LEAST) -> bool:
    """Whether the word model (`words.word_logprob`, on the Simplified forms) clearly prefers the swapped stretch:
    the second judge for a wrong reading that lands on common characters of both scripts (`森撼掩羸极惆耋綴` for
    此举被媒体报道后), which the script shares cannot part. The candidate must hold no kana, private-use or
    symbol-row character: the model scores Han runs only, and a reading that is partly something else is not
    Chinese."""
    hanzi = len(HANZI.findall(candidate))
    if hanzi < least or _KANA.search(candidate):
        return False
    if any(char_cost(c) >= 3 and not HANZI.match(c) for c in candidate if c >= "\x80"):
        return False
    gain = word_logprob(to_simplified(candidate)) - word_logprob(to_simplified(original))
    return gain >= _WORD_MARGIN * hanzi


def _widened_by_words(start: int, end: int, gains: list[int], swapped: str, unit: str, floor: int):
    """Grow a stretch over the hanzi (and CJK punctuation) at its edges that the swap makes at most a little worse (`_WORD_LOSS`) when the
    word model prefers the stretch with them swapped (`撉` at a clause's end is 楠). `unit` is the unit as repaired
    so far (a swap keeps the length), so that the model sees the repaired neighbours."""

    def better(low: int, high: int, old_low: int, old_high: int) -> bool:
        new = unit[:low] + swapped[low:high] + unit[high:]
        old = unit[:old_low] + swapped[old_low:old_high] + unit[old_high:]
        window = slice(max(0, low - 2), min(len(unit), high + 2))
        return word_logprob(to_simplified(new[window])) - word_logprob(to_simplified(old[window])) >= _EDGE_MARGIN

    def takes(index: int) -> bool:
        if not (floor <= index < len(gains) and gains[index] >= _WORD_LOSS):
            return False
        return HANZI.match(swapped[index]) is not None or _ordinary(swapped[index], frozenset())

    # One character at a time, or up to three together: the model scores Han runs only, so a kana or a symbol of
    # the wrong reading (`醴ゴ` for 目前, `跦擂▲` for 根据《) hides its neighbours' context until all are swapped.
    grown = True
    while grown:
        grown = False
        for size in (1, 2, 3):
            if all(takes(start - k) for k in range(1, size + 1)) and better(start - size, end, start, end):
                start, grown = start - size, True
                break
        for size in (1, 2, 3):
            if all(takes(end + k) for k in range(size)) and better(start, end + size, start, end):
                end, grown = end + size, True
                break
    return start, end


def _gain(difference: int) -> int:
    """A character the swap makes worse counts three times: a stretch must not bridge clean text to reach more
    mojibake, which a clean character that happens to swap into a common one would otherwise let it do."""
    return difference if difference >= 0 else 3 * difference


def _widened(start: int, end: int, gains: list[int], swapped: str, common: frozenset[str], floor: int):
    """Grow a stretch over neighbours that lose nothing by the swap and become ordinary text (a common hanzi of the
    candidate's script, CJK punctuation), stepping over ASCII between them: a stretch found by its gains stops short
    of mojibake characters that happen to be common in both readings, and of `8る23ら` for 8月23日."""

    def grows(index: int) -> bool:
        return gains[index] >= 0 and _ordinary(swapped[index], common)

    while True:
        step = start - 1
        while step > floor and swapped[step].isascii() and _steppable(swapped[step:start]):
            step -= 1
        if step < floor or swapped[step].isascii() or not grows(step):
            break
        start = step
    while True:
        step = end
        while step < len(gains) and swapped[step].isascii() and _steppable(swapped[end:step + 1]):
            step += 1
        if step >= len(gains) or not grows(step):
            break
        end = step + 1
    return start, end


_NUMBER = set("0123456789.,:%-/")
_NUMBER_STEP = 12


def _steppable(ascii_text: str) -> bool:
    """Whether widening may step over this ASCII: a few characters of anything, or a longer number (`24.77`,
    `40000`, a date), never a tag."""
    return len(ascii_text) <= _ASCII_STEP or (len(ascii_text) <= _NUMBER_STEP and set(ascii_text) <= _NUMBER)


def _ordinary(ch: str, common: frozenset[str]) -> bool:
    return ch in common or ("\u3000" <= ch <= "\u303f") or ("\uff00" <= ch <= "\uffef") or ch in "“”‘’—…·"


def _script_cost(ch: str, common: frozenset[str]) -> int:
    """`char_cost`, but a hanzi counts as common only in the script (Simplified or Traditional) of its text."""
    cost = char_cost(ch)
    if cost == 2 and "\u4e00" <= ch <= "\u9fff" and ch not in common:
        return 3
    return cost


def _swap_is_clear(candidate: str, original: str) -> bool:
    """A swapped stretch must contain no odd or impossible character, keep to one script, and beat the original's
    share by a margin. The candidate's share must be perfect under ten hanzi and at least 0.9 above; 0.8 is enough
    when it beats the original (its tell-tales, private-use and symbol-row characters, counted as uncommon) by 0.3.
    """
    if any(char_cost(c) >= 3 and not HANZI.match(c) for c in candidate if c >= "\x80"):
        return False  # a right reading has no private-use or symbol-row characters
    if not _looks_misread(original):
        return False
    share, count, _ = script_share(candidate)
    margin = share - _original_share(original)
    needed = 1.0 if count < 10 else PLAUSIBLE_SHARE
    if margin >= _WIDE_MARGIN:
        needed = min(needed, _TOLERATED_SHARE)
    return count >= 3 and share >= needed and margin >= _SWAP_MARGIN


def _looks_misread(text: str) -> bool:
    """A wrong reading of Chinese holds private-use characters or is still mostly hanzi; bopomofo or box
    drawing with neither was written on purpose."""
    wide = [ch for ch in text if ch >= "\x80"]
    if any(char_cost(ch) >= IMPOSSIBLE for ch in wide):
        return True
    return 2 * sum(1 for ch in wide if HANZI.match(ch)) > len(wide)


def _original_share(text: str) -> float:
    """The script share of the suspect text, counting private-use characters and symbol-row characters (a wrong
    reading's tell-tales) as uncommon hanzi. Kana stay neutral: Japanese text must not look like a wrong reading."""
    share, count, _ = script_share(text)
    odd = sum(1 for ch in text if ch >= "\x80" and not HANZI.match(ch) and char_cost(ch) >= 3)
    return share * count / (count + odd) if count + odd else 1.0


def _best_stretches(gains: list[int], lo: int, hi: int, least: int = _SWAP_GAIN) -> list[tuple[int, int]]:
    """Disjoint (start, end) stretches of gains[lo:hi], in order, each summing to at least `_SWAP_GAIN`: the
    maximum-subarray search, applied again on each side of every stretch found (with a stack, not recursion, so a
    long line of garbage cannot exhaust the interpreter's recursion limit)."""
    found, pending = [], [(lo, hi)]
    while pending:
        lo, hi = pending.pop()
        best, best_start, best_end = 0, lo, lo
        running, running_start = 0, lo
        for index in range(lo, hi):
            if running <= 0:
                running, running_start = 0, index
            running += gains[index]
            if running > best:
                best, best_start, best_end = running, running_start, index + 1
        if best >= least:
            found.append((best_start, best_end))
            pending += [(lo, best_start), (best_end, hi)]
    return sorted(found)
