"""UTF-8 read as a double-byte codec (GBK, Big5): `鍙戝竷鏃堕棿` for 发布时间.

Each wrong character holds two bytes, and three-byte UTF-8 characters straddle them. The bytes of a real mojibake
span form valid UTF-8, which clean text almost never does, so spans are found by UTF-8 validity, aligned on
characters of both readings, and then judged by `pipelines.plausibility.clearly_more_plausible`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipelines.plausibility import COMMON_HANZI, clearly_more_plausible, implausibility
from pipelines.repair.mojibake_spans import LOST, Misread, clusters, two_bytes

UTF8_MISREADS = (Misread("utf-8 read as gbk", "gb18030", "utf-8"), Misread("utf-8 read as big5", "big5hkscs", "utf-8"))

_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff00-\uffef]")
# How far apart the tell-tale character pairs of one damaged span can be, and how far the search reaches beyond them.
_REACH = 4


@lru_cache(maxsize=4)
def utf8_marker_chars(codec: str) -> tuple[str, str]:
    """Two character classes (bodies): characters whose bytes in `codec` read as a UTF-8 lead byte of a three-byte
    character (E0-EF) and a continuation byte, and characters that start with a continuation byte. A UTF-8
    misreading shows the first followed by the second at least every other character, clean text hardly ever."""
    leads, followers = [], []
    for first in range(0x80, 0xF0):
        for second in range(0x40, 0xFF):
            try:
                ch = bytes((first, second)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) != 1:
                continue
            if first >= 0xE0 and 0x80 <= second < 0xC0:
                leads.append(ch)
            if first < 0xC0:
                followers.append(ch)
    return re.escape("".join(leads)), re.escape("".join(followers))


@lru_cache(maxsize=4)
def _utf8_markers(codec: str) -> re.Pattern[str]:
    """Where a UTF-8 misreading in `codec` may start (`utf8_marker_chars`). The lead is matched, not looked ahead
    for, so that the search can skip to candidate characters: the match starts are the same."""
    leads, followers = utf8_marker_chars(codec)
    return re.compile(f"[{leads}](?=[{followers}])")


def repair_utf8_misread(text: str, misread: Misread, markers: list[int] | None = None) -> tuple[str, int]:
    """Re-decode the spans of `text` that are UTF-8 bytes shown in `misread.wrong`; (text, spans repaired).

    `markers`: where `utf8_marker_chars` pairs start, when the caller has found them already (`fastpath`).
    """
    if markers is None:
        markers = [match.start() for match in _utf8_markers(misread.wrong).finditer(text)]
    pieces, repaired, position = [], 0, 0
    for low, high in clusters(markers, len(text), _REACH, 1):
        for start, end in _double_byte_runs(text, misread.wrong, low, high):
            after_loss, before_loss = text[start - 1:start] == "\ufffd", text[end:end + 1] == "\ufffd"
            for span_start, span_end, candidate in _utf8_spans(text[start:end], misread.wrong, after_loss, before_loss):
                original = text[start + span_start:start + span_end]
                following = text[start + span_end:start + span_end + 1]
                if clearly_more_plausible(candidate, original) or _joins_ascii_word(candidate, original, following):
                    pieces += [text[position:start + span_start], candidate]
                    position = start + span_end
                    repaired += 1
    if not repaired:
        return text, 0
    pieces.append(text[position:])
    return "".join(pieces), repaired


def _joins_ascii_word(candidate: str, original: str, following: str) -> bool:
    """Two wrong characters that hide one common hanzi (or CJK punctuation) and the first letter of the ASCII word
    that follows them, as `鍜孴ab` hides 和Tab and `銆丳DP` 、PDP: too short for `clearly_more_plausible`, but the
    letter continues the word beside it."""
    return (
        len(original) == 2
        and len(candidate) == 2
        and (candidate[0] in COMMON_HANZI or _CJK_PUNCTUATION.match(candidate[0]) is not None)
        and candidate[1].isascii()
        and candidate[1].isalnum()
        and following.isascii()
        and following.isalnum()
        and implausibility(original) - implausibility(candidate) >= 3
    )


def _double_byte_runs(text: str, codec: str, low: int, high: int):
    """(start, end) of each maximal run of characters in text[low:high] that are double-byte in `codec`, `锟斤拷`
    excluded."""
    start = None
    for index in range(low, high):
        inside = two_bytes(text[index], codec) is not None and not _at_lost(text, index)
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            yield start, index
            start = None
    if start is not None:
        yield start, high


def _at_lost(text: str, index: int) -> bool:
    if text[index] not in LOST:
        return False
    return any(text.startswith(LOST, index - offset) for offset in range(3) if index - offset >= 0)


def _utf8_spans(run: str, codec: str, after_loss: bool = False, before_loss: bool = False):
    """(start, end, decoded) for each stretch of `run` whose bytes are whole UTF-8 characters.

    Every character of the run is two bytes, so a span must start and end on an even byte offset that is also a
    UTF-8 character boundary. A lone two-byte UTF-8 character at a span's edge (Latin, Greek, Cyrillic) is dropped
    when its double-byte reading is a common hanzi: that is clean text beside the span, not part of it.

    Beside a U+FFFD (the wrong decoder replaced a byte it could not read), the run may begin with the continuation
    bytes of a character whose lead byte was lost (`after_loss`) or end with a lead byte whose continuations were
    (`before_loss`). Those bytes belong to the lost character, which the U+FFFD already stands for: the span takes
    in the wrong characters that hold them and drops the bytes, so `鏋佽�冨療` becomes `极�察` for 极考察.
    """
    data = b"".join(two_bytes(ch, codec) for ch in run)
    decoded = data.decode("utf-8", errors="surrogateescape")
    offset, chars = 0, []  # (byte offset, character) for each valid UTF-8 character, None for an invalid byte
    for ch in decoded:
        if "\udc80" <= ch <= "\udcff":
            chars.append(None)
            offset += 1
        else:
            chars.append((offset, ch))
            offset += len(ch.encode("utf-8"))
    chars.append(None)
    stretch: list[tuple[int, str]] = []
    for item in chars:
        if item is not None:
            stretch.append(item)
            continue
        if stretch:
            head = after_loss and _lost_tail(data[:stretch[0][0]])
            end = stretch[-1][0] + len(stretch[-1][1].encode("utf-8"))
            tail = before_loss and _lost_head(data[end:])
            span = _aligned(stretch, run, head, tail)
            if span is not None:
                yield span
        stretch = []


def _lost_tail(data: bytes) -> bool:
    """Whether `data` is the 1-3 continuation bytes left of a character whose lead byte was lost."""
    return 0 < len(data) <= 3 and all(0x80 <= byte < 0xC0 for byte in data)


def _lost_head(data: bytes) -> bool:
    """Whether `data` is the lead byte (and some continuation bytes) of a character whose last bytes were lost."""
    if not 0 < len(data) <= 3 or not 0xC2 <= data[0] <= 0xF4:
        return False
    needed = 2 if data[0] < 0xE0 else 3 if data[0] < 0xF0 else 4
    return len(data) < needed and all(0x80 <= byte < 0xC0 for byte in data[1:])


def _aligned(stretch: list[tuple[int, str]], run: str, head: bool, tail: bool) -> tuple[int, int, str] | None:
    """The stretch cut to whole characters of both readings: (first run character, end, decoded text) or None.
    `head` and `tail` extend it to the run's edge over bytes of a lost character (see `_utf8_spans`)."""
    ends = [offset + len(ch.encode("utf-8")) for offset, ch in stretch]
    first = 0 if head else next((i for i, (offset, _) in enumerate(stretch) if offset % 2 == 0), None)
    last = len(stretch) - 1 if tail else next((i for i in range(len(stretch) - 1, -1, -1) if ends[i] % 2 == 0), None)
    if first is None or last is None or first > last:
        return None
    while not head and first <= last and _clean_edge(stretch[first], run):
        first += 1
    while not tail and first <= last and _clean_edge(stretch[last], run):
        last -= 1
    if first > last:
        return None
    text = "".join(ch for _, ch in stretch[first:last + 1])
    if text.isascii():
        return None
    return (0 if head else stretch[first][0] // 2), (len(run) if tail else ends[last] // 2), text


def _clean_edge(item: tuple[int, str], run: str) -> bool:
    offset, ch = item
    return len(ch.encode("utf-8")) == 2 and offset % 2 == 0 and run[offset // 2] in COMMON_HANZI
