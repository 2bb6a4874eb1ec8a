"""UTF-16 and UTF-32 with or without a byte order mark.

A BOM decides the encoding before anything else (the HTML standard's rule). UTF-32-LE's BOM begins with UTF-16-LE's
(FF FE 00 00), so the UTF-32 BOMs are tried first, and kept only when the rest decodes as UTF-32.

Without a BOM, text in these forms shows a NUL pattern no other encoding makes: ASCII and Latin characters have a
zero high byte, so in UTF-16 every other byte is mostly NUL, and in UTF-32 two or three bytes of four always are.
Text in one alphabet (Cyrillic, Greek, Hebrew, Thai...) has NULs only for its spaces and punctuation, but its UTF-16
high bytes take two values, the alphabet's block and zero.
The pattern must hold at one alignment only, and the decoded text must be free of controls, or the bytes are
taken for binary data (which also holds many NULs, but spread evenly).
"""

from __future__ import annotations

import re

BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
WIDE = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32"})

_SNIFF = 4096
# (codec, code unit size, {byte slot: least share of NULs}, the low byte's slot, most NULs there: in UTF-32 a
# quarter, for the characters at multiples of 256 such as 대 U+B300; in UTF-16, where the high bytes say less, 5%)
_FORMS = (("utf-32-le", 4, {3: 0.99, 2: 0.9}, 0, 0.25), ("utf-32-be", 4, {0: 0.99, 1: 0.9}, 3, 0.25),
          ("utf-16-le", 2, {1: 0.3}, 0, 0.05), ("utf-16-be", 2, {0: 0.3}, 1, 0.05))
# What CJK text in UTF-16 is made of (its NULs come from the few characters whose low byte is 00, such as 一).
_EAST_ASIAN = re.compile("[\t\n\r -~\u3000-\u30ff\u3400-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def bom(data: bytes) -> tuple[str, int] | None:
    """(codec, BOM length) when `data` starts with a byte order mark that the rest of `data` agrees with."""
    for mark, codec in BOMS:
        if data.startswith(mark):
            if codec.startswith("utf-32") and (len(data) % 4 or _strict(data[4:], codec) is None):
                continue
            return codec, len(mark)
    return None


def sniff_wide(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 form that BOM-less `data` is in, by its NUL pattern, or None."""
    head = data[:_SNIFF]
    if len(head) < 4:
        return None
    for codec, unit, zero_slots, low_slot, low_most in _FORMS:
        units = len(head) // unit
        slots = [head[slot:units * unit:unit] for slot in range(unit)]
        zeros = [slot.count(0) / units for slot in slots]
        if zeros[low_slot] > low_most or not (all(zeros[slot] >= share for slot, share in zero_slots.items())
                                          or (unit == 2 and _one_block(slots[1 - low_slot]))):
            continue
        if _readable(data, codec) is not None:
            return codec
    return None


def east_asian_utf16(data: bytes) -> list[tuple[str, str]]:
    """(codec, text) for each UTF-16 form that reads BOM-less `data` as East Asian text (CJK in UTF-16 has few
    NULs). GBK bytes read as UTF-16-BE are Hangul and hanzi too, so the caller judges the texts."""
    found = []
    for codec in ("utf-16-le", "utf-16-be"):
        text = _readable(data, codec)
        if text is not None and len(_EAST_ASIAN.findall(text[:_SNIFF])) >= 0.8 * len(text[:_SNIFF]):
            found.append((codec, text))
    return found


def _readable(data: bytes, codec: str) -> str | None:
    """`data` decoded strictly by `codec` (a trailing partial code unit left out), unless it holds controls."""
    unit = 4 if codec.startswith("utf-32") else 2
    text = _strict(data[:len(data) - len(data) % unit], codec)
    if text is None or len(_CONTROL.findall(text[:_SNIFF])) > len(text[:_SNIFF]) // 200:
        return None
    return text


def _one_block(high_bytes: bytes) -> bool:
    """Whether UTF-16 high bytes say "one alphabet and ASCII": two values (Cyrillic's 04 and 00...) make up 90%."""
    counts = sorted((high_bytes.count(value) for value in set(high_bytes)), reverse=True)
    return sum(counts[:2]) >= 0.9 * len(high_bytes)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None
