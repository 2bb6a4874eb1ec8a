"""UTF-16 and UTF-32 with or without a byte order mark.

A BOM decides the encoding before anything else (the HTML standard's rule). UTF-32-LE's BOM begins with UTF-16-LE's
(FF FE 00 00), so the UTF-32 BOMs are tried first, and kept only when the rest decodes as UTF-32.

Without a BOM, text in these forms shows a NUL pattern no other encoding makes: ASCII and Latin characters have a
zero high byte, so in UTF-16 every other byte is mostly NUL, and in UTF-32 two or three bytes of four always are.
The pattern must hold at one alignment only, and the decoded text must be free of controls, or the bytes are
taken for binary data (which also holds many NULs, but spread evenly).
"""

from __future__ import annotations

import re

BOMS = ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
WIDE = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-16", "utf-32"})

_SNIFF = 4096
_SHARE = 0.3  # of the code units whose high bytes are NUL, at least, for a wide form to be considered
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
    if head.count(0) < len(head) * _SHARE / 4 or len(head) < 4:
        return None
    # (codec, code unit size, {byte slot: least share of NULs}, the slot that is NUL only for U+0000)
    for codec, unit, zero_slots, low_slot in (("utf-32-le", 4, {3: 0.99, 2: 0.9}, 0),
                                              ("utf-32-be", 4, {0: 0.99, 1: 0.9}, 3),
                                              ("utf-16-le", 2, {1: _SHARE}, 0), ("utf-16-be", 2, {0: _SHARE}, 1)):
        units = len(head) // unit
        if units < 2:
            continue
        zeros = [head[slot:units * unit:unit].count(0) / units for slot in range(unit)]
        if zeros[low_slot] > 0.05 or any(zeros[slot] < share for slot, share in zero_slots.items()):
            continue
        text = _strict(data[:len(data) - len(data) % unit], codec)
        if text is not None and len(_CONTROL.findall(text[:_SNIFF])) <= len(text[:_SNIFF]) // 200:
            return codec
    return None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None
