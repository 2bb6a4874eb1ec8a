"""Charset labels to codecs: the WHATWG Encoding Standard's table, as `webencodings` keeps it, read like a browser.

`webencodings.labels.LABELS` is generated from the standard's encodings.json: all 228 labels of its 40 encodings
(checked against the current standard: the UTF-16 aliases `unicode`, `ucs-2`, `csunicode`..., `ms932`, `koi8-ru`
and the UTF-8 aliases `unicode11utf8`... are there). What it lags in is the decoder behind a name, so `CODECS` says
which Python codec decodes each encoding as browsers do: GBK as gb18030 (the standard's GBK decoder *is* its
gb18030 decoder), Big5 as Big5-HKSCS, EUC-KR as cp949 (UHC), Shift_JIS as cp932.

Two deliberate extensions, because an archive wants the text rather than a browser's safe refusal:
- the standard maps `iso-2022-kr`, `iso-2022-cn` and `hz-gb-2312` to its "replacement" encoding (one U+FFFD for the
  whole document, against script injection in browsers); we decode them with their real codecs;
- a label the standard lacks but Python's codec registry knows (`johab`, `utf-32`, `cp437`, `iso-2022-jp-2`...) is
  used too, under Python's name for it. The label still has to read plausibly, like any other.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import webencodings
from webencodings.labels import LABELS as WHATWG_LABELS

from pipelines.iso2022 import ISO2022_CN, ISO2022_JP, decode_iso2022

#: The Python codec that decodes each WHATWG encoding as browsers do.
CODECS: dict[str, str] = {
    "utf-8": "utf-8", "ibm866": "cp866", "iso-8859-2": "iso8859-2", "iso-8859-3": "iso8859-3",
    "iso-8859-4": "iso8859-4", "iso-8859-5": "iso8859-5", "iso-8859-6": "iso8859-6", "iso-8859-7": "iso8859-7",
    "iso-8859-8": "iso8859-8", "iso-8859-8-i": "iso8859-8", "iso-8859-10": "iso8859-10",
    "iso-8859-13": "iso8859-13", "iso-8859-14": "iso8859-14", "iso-8859-15": "iso8859-15",
    "iso-8859-16": "iso8859-16", "koi8-r": "koi8-r", "koi8-u": "koi8-u", "macintosh": "mac-roman",
    "windows-874": "cp874", "windows-1250": "cp1250", "windows-1251": "cp1251", "windows-1252": "cp1252",
    "windows-1253": "cp1253", "windows-1254": "cp1254", "windows-1255": "cp1255", "windows-1256": "cp1256",
    "windows-1257": "cp1257", "windows-1258": "cp1258", "x-mac-cyrillic": "mac-cyrillic", "gbk": "gb18030",
    "gb18030": "gb18030", "big5": "big5hkscs", "euc-jp": "euc_jp", "iso-2022-jp": ISO2022_JP,
    "shift_jis": "cp932", "euc-kr": "cp949", "utf-16be": "utf-16-be", "utf-16le": "utf-16-le",
    "x-user-defined": "x-user-defined",
}
#: The labels of the standard's "replacement" encoding, decoded instead with the codec they name.
REPLACED: dict[str, tuple[str, str]] = {
    "csiso2022kr": ("iso-2022-kr", "iso2022_kr"), "iso-2022-kr": ("iso-2022-kr", "iso2022_kr"),
    "hz-gb-2312": ("hz-gb-2312", "hz"), "iso-2022-cn": ("iso-2022-cn", ISO2022_CN),
    "iso-2022-cn-ext": ("iso-2022-cn-ext", ISO2022_CN),
}
#: Python codecs whose superset browsers use instead (the WHATWG rule: Latin-1 is read as windows-1252...).
SUPERSET: dict[str, str] = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
                            "iso8859-11": "cp874", "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
                            "big5": "big5hkscs", "euc_kr": "cp949", "shift_jis": "cp932",
                            "iso2022_jp": ISO2022_JP}
#: Codecs in Python's registry that are not character encodings of documents.
_NOT_DOCUMENT_CODECS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "charmap",
                                  "mbcs", "oem"})
_WHATWG_NAME_OF_CODEC = {codec: name for name, codec in CODECS.items() if name not in ("iso-8859-8-i", "gbk")}
_WHATWG_NAME_OF_CODEC.update({"iso2022_kr": "iso-2022-kr", "hz": "hz-gb-2312", ISO2022_CN: "iso-2022-cn"})
_ASCII_WHITESPACE = "\t\n\f\r "


def codec_for_label(label: str) -> str | None:
    """The Python codec a browser would use for a charset label (or, for a label the standard lacks, the codec
    Python's registry knows by it), or None for a label nobody knows."""
    found = lookup(label)
    return found[1] if found else None


@lru_cache(maxsize=512)
def lookup(label: str) -> tuple[str, str] | None:
    """(encoding name, Python codec) for a label: the WHATWG name where the standard has the label, else the
    Python codec's own name; None when neither knows it."""
    key = label.strip(_ASCII_WHITESPACE).strip("\"'").strip(_ASCII_WHITESPACE).lower()
    if key in REPLACED:
        return REPLACED[key]
    name = WHATWG_LABELS.get(key)
    if name is not None:
        codec = CODECS.get(name)
        return (name, codec) if codec else None
    if not re.fullmatch(r"[a-z0-9._:+-]{1,40}", key):
        return None
    try:
        info = codecs.lookup(key)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_DOCUMENT_CODECS:
        return None
    codec = canonical(info.name)
    return _WHATWG_NAME_OF_CODEC.get(codec, codec), codec


def canonical(codec: str) -> str:
    """A Python codec name (charset-normalizer's `cp1251`, `koi8_r`, `utf_16_le`...) as this module spells it, with
    the browsers' superset in place of a subset."""
    if codec in (ISO2022_JP, ISO2022_CN, "x-user-defined"):
        return codec
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    name = {"utf-16le": "utf-16-le", "utf-16be": "utf-16-be", "utf-32le": "utf-32-le", "utf-32be": "utf-32-be",
            "iso8859-1": "latin-1"}.get(name, name)
    return SUPERSET.get(name, name)


def whatwg_name(codec: str) -> str:
    """The WHATWG name of the encoding a codec decodes (`big5hkscs` -> `big5`), else the codec's own name."""
    return _WHATWG_NAME_OF_CODEC.get(codec, codec)


def decode_strict(data: bytes, codec: str) -> str | None:
    """`data` decoded by `codec`, or None when the bytes are not valid in it (or the codec is unknown here)."""
    try:
        return _decode(data, codec, "strict")
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def decode_head(data: bytes, codec: str, size: int) -> str | None:
    """The first `size` bytes of `data` decoded strictly by `codec`, a character cut at the end forgiven; None when
    they are not valid in it. For judging a long document by its head in codecs whose trail bytes can be ASCII
    (Johab's run from 0x31), where a sample made of its non-ASCII runs would cut characters in two."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data[:size], final=False)
    except (UnicodeDecodeError, LookupError, ValueError):
        return None


def decode_lenient(data: bytes, codec: str) -> str:
    """`data` decoded by `codec`, each invalid sequence as U+FFFD."""
    try:
        return _decode(data, codec, "replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _decode(data: bytes, codec: str, errors: str) -> str:
    if codec in (ISO2022_JP, ISO2022_CN):
        return decode_iso2022(data, codec, errors)
    if codec == "x-user-defined":
        return webencodings.lookup("x-user-defined").codec_info.decode(data, errors)[0]
    if codec == "cp949" and _HANGUL_FILLER in data:
        composed = decode_strict(data, "euc_kr")
        if composed is not None:
            return composed
    return data.decode(codec, errors)


_HANGUL_FILLER = b"\xa4\xd4"
"""KS X 1001's Hangul filler, which opens the eight bytes that spell a syllable outside its 2,350 (`쓔` is filler,
ㅆ, ㅠ, filler): Python's euc_kr composes them, windows-949 (the web's EUC-KR) shows the four jamo. Bytes that are
all KS X 1001 read the same in both, so the composed reading is taken wherever euc_kr reads them at all."""
