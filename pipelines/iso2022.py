"""The 7-bit CJK encodings that switch character sets by escape sequences: ISO-2022-JP/KR/CN, and HZ.

Their bytes are all ASCII, so every ASCII-compatible codec "decodes" them and leaves the escapes in the text; they
are recognised instead by their designation sequences (RFC 1468, 1557, 1922) and decoded by the codec named.

- ISO-2022-JP comes in variants (half-width katakana by `ESC ( I`, JIS X 0212, JIS X 0213...): Python has one codec
  per variant, and `decode_iso2022` takes the first that reads the bytes whole.
- ISO-2022-CN has no Python codec. Its GB 2312 set (`ESC $ ) A`, ISO-IR-165 read as GB 2312) is decoded here; CNS
  11643 planes (`ESC $ ) G`, `ESC $ * H`) have no table in Python, so their characters become U+FFFD and are counted
  as losses like any other.
"""

from __future__ import annotations

import re

ISO2022_JP = "iso2022_jp*"  # any ISO-2022-JP variant Python has
ISO2022_CN = "iso2022_cn"
_JP_VARIANTS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3")

# Designations that only the encoding named uses, checked in this order (ESC ( B, back to ASCII, is in all).
_SIGNS = (
    ("iso2022_kr", re.compile(rb"\x1b\$\)C")),
    (ISO2022_CN, re.compile(rb"\x1b\$(?:\)[AGE]|\*H|\+[I-M])")),
    (ISO2022_JP, re.compile(rb"\x1b(?:\$[@B]|\$\(D|\$\([OPQ]|\([IJ])")),
)
_HZ = re.compile(rb"~\{[\x21-\x7e\n]*?~\}")
_CN_TOKEN = re.compile(rb"\x1b\$\)[AGE]|\x1b\$\*H|\x1b\$\+[I-M]|\x1bN..|\x1bO..|[\x0e\x0f\n]|[\x21-\x7e]{2}|.", re.S)
_SNIFF = 64 * 1024


def sniff(data: bytes) -> str | None:
    """The escape-switched encoding `data` is in, judging by its first 64 KB, or None. Only 7-bit data qualifies."""
    head = data[:_SNIFF]
    if not head.isascii():
        return None
    if b"\x1b" in head:
        for codec, sign in _SIGNS:
            if sign.search(head):
                return codec
    if b"~{" in head and _HZ.search(head):
        return "hz"
    return None


def decode_iso2022(data: bytes, codec: str, errors: str = "strict") -> str:
    """Decode by one of the two codecs this module stands for (`ISO2022_JP`, `ISO2022_CN`)."""
    if codec == ISO2022_CN:
        return _decode_cn(data, errors)
    for variant in _JP_VARIANTS:
        try:
            return data.decode(variant)
        except UnicodeDecodeError:
            continue
    if errors == "strict":
        data.decode(_JP_VARIANTS[0])  # raises the first variant's error
    return data.decode("iso2022_jp_ext", errors="replace")


def _decode_cn(data: bytes, errors: str) -> str:
    """ISO-2022-CN: SO shifts to the set last designated to G1 until SI; a line end resets the designations."""
    out, g1, shifted = [], None, False
    position = 0
    while position < len(data):
        token = _CN_TOKEN.match(data, position).group()
        position += len(token)
        if token.startswith(b"\x1b$)"):
            g1 = "gb2312" if token[3:] in (b"A", b"E") else None
        elif token.startswith(b"\x1b$"):
            continue  # a G2/G3 designation (CNS 11643 planes): used only through single shifts
        elif token.startswith((b"\x1bN", b"\x1bO")):
            out.append("\ufffd")  # a single-shifted CNS 11643 character: no table
        elif token == b"\x0e":
            shifted = True
        elif token == b"\x0f":
            shifted = False
        elif token == b"\n":
            out.append("\n")
            g1, shifted = None, False
        elif shifted and len(token) == 2:
            out.append(bytes(b | 0x80 for b in token).decode("gb2312", errors) if g1 else "\ufffd")
        elif shifted and token != b"\r":
            # a lone byte inside a shift: the pair is broken
            if errors == "strict":
                raise UnicodeDecodeError("iso2022_cn", data, position - 1, position, "broken double-byte pair")
            out.append("\ufffd")
        else:
            for byte in token:
                if byte >= 0x80 and errors == "strict":
                    raise UnicodeDecodeError("iso2022_cn", data, position - 1, position, "not 7-bit")
                out.append(chr(byte) if byte < 0x80 else "\ufffd")
    return "".join(out)
