"""Deterministic generators of the damage that real pages carry, for tests and for the replica's fault modes.

Each generator takes clean text (and a `random.Random` where choices are made) and returns a `Corrupted`: the
damaged text or bytes, and whether a sound repair can bring the original back. "Recoverable" is decided while the
damage is done, from what the damage destroyed, never by running the repair: a test that asserts
repair(corrupt(T)) == T for every recoverable result, and `lost > 0` for the others, is then an honest test.

The mirror artifact follows portal.md §2 byte for byte: Simplified → Traditional (OpenCC s2t), GBK encoding,
byte-level insertion of `(syllable)` after each annotated character's bytes (sequential `bytes.replace`, one
character at a time, so a pattern also matches across character boundaries), decoding with a decoder that turns an
invalid pair, including a lead byte followed by `(`, into one `?`, and finally the width folding of the corpus.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc
from pypinyin import Style, pinyin

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_MIN_RATIO, _MAX_RATIO = 0.03, 0.40  # the mirror gate the repair uses (pipelines.repair.pinyin)
_INSERTED = b"\x01"
"""Stands for the `(` of an inserted annotation until decoding, so that a lead byte swallowing it (a phantom, which
the repair can undo) is told from one swallowing a `(` of the text (a loss)."""


@dataclass(frozen=True)
class Corrupted:
    data: str | bytes
    kind: str
    recoverable: bool
    reason: str | None = None  # why it is not recoverable


def fold_width(text: str) -> str:
    """The corpus's folding: full-width forms U+FF01–FF5E to ASCII, as NFKC does to them.

    Only this block: the seed keeps `……`, which full NFKC would have turned into `......`.
    """
    return text.translate(_FOLD)


_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def mirror_dictionary(text: str, rng: random.Random, ratio: float = 0.15, misaligned: bool = False) -> list[str]:
    """The characters a mirror annotates in `text`: about `ratio` of its Han characters, in random order.

    Only characters the Simplified → Traditional conversion changed, from common Simplified ones: on the seed all
    83 annotated characters are such (當 網 臺 內 報 …), and no character is annotated in one place and bare in
    another.

    `misaligned` adds some characters that the trail byte of one character and the lead byte of the next happen to
    spell, so that `?syllable)` phantoms appear, as on the seed.
    """
    traditional = _S2T.convert(text)
    chosen = _choose_dictionary(traditional, rng, ratio)
    if misaligned:
        chosen += _cross_boundary_characters([_gbk(c) for c in traditional], rng, chosen)
    rng.shuffle(chosen)
    return chosen


def mirror_artifact(
    text: str,
    rng: random.Random,
    ratio: float = 0.15,
    nfkc: bool = True,
    misaligned: bool = False,
    dictionary: list[str] | None = None,
) -> Corrupted:
    """A spam mirror's copy of `text`: Traditional, pinyin after about `ratio` of the Han characters.

    `misaligned` makes the insertion a byte replacement, which also matches across character boundaries (with the
    dictionary of `mirror_dictionary(misaligned=True)` it does so at least once). Pass one `dictionary` to corrupt
    a document's paragraphs one by one as one mirror would; the document gate (3–40% annotated) is then the
    caller's to judge, and only losses make a paragraph unrecoverable.
    """
    kind = "mirror_misaligned" if misaligned else "mirror"
    reasons = []
    traditional = _S2T.convert(text)
    if _T2S.convert(traditional) != text:
        reasons.append("t2s(s2t(T)) != T")
    encoded = [_gbk(c) for c in traditional]
    reasons += [f"{c!r} is not in GBK" for c, piece in zip(traditional, encoded) if piece == b"?" and c != "?"]
    data = b"".join(encoded)
    whole_document = dictionary is None
    if whole_document:
        dictionary = mirror_dictionary(text, rng, ratio, misaligned)
    if misaligned:
        for char in dictionary:
            pattern = char.encode("gbk")
            data = data.replace(pattern, pattern + _annotation(char))
    else:
        chosen = set(dictionary)
        data = b"".join(piece + _annotation(c) if c in chosen else piece for c, piece in zip(traditional, encoded))
    damaged, losses = _mirror_decode(data)
    if losses:
        reasons.append(f"{losses} byte pairs decoded as `?`")
    han = len(_HAN.findall(traditional))
    annotated = sum(traditional.count(c) for c in dictionary)
    gated = bool(han) and _MIN_RATIO <= annotated / han <= _MAX_RATIO
    if whole_document and not (dictionary and (gated or misaligned_sites(damaged))):
        reasons.append("too few or too many annotations to tell a mirror")
    if nfkc:
        damaged = fold_width(damaged)
    return Corrupted(damaged, kind, not reasons, "; ".join(reasons) or None)


def misaligned_sites(damaged: str) -> int:
    """How many `?syllable)` phantoms the damaged text holds."""
    return len(re.findall(r"\?[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)", damaged))


@lru_cache(maxsize=None)
def _gbk(char: str) -> bytes:
    """The character in GBK, or `?` as an encoder with replacement writes what GBK cannot hold."""
    try:
        return char.encode("gbk")
    except UnicodeEncodeError:
        return b"?"


@lru_cache(maxsize=None)
def _mirror_may_annotate(char: str) -> bool:
    """A Traditional character that s2t produced from a common Simplified one (GB2312 level 1), with a reading."""
    simplified = _T2S.convert(char)
    if simplified == char or not _HAN.match(char) or not _syllable(char):
        return False
    try:
        data = simplified.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0xB0 <= data[0] <= 0xD7


@lru_cache(maxsize=None)
def _syllable(char: str) -> str | None:
    """The reading a mirror writes: the first reading of the Simplified form, if pypinyin knows one."""
    reading = pinyin(_T2S.convert(char), style=Style.TONE, errors=lambda _: [None])[0][0]
    if not reading:
        return None
    try:
        reading.encode("gbk")
    except UnicodeEncodeError:
        return None
    return reading


def _annotation(char: str) -> bytes:
    return _INSERTED + _syllable(char).encode("gbk") + b")"


def _choose_dictionary(traditional: str, rng: random.Random, ratio: float) -> list[str]:
    """Characters the conversion changed, as on the seed, where all 83 annotated characters are such."""
    counts: dict[str, int] = {}
    for char in _HAN.findall(traditional):
        if _mirror_may_annotate(char):
            counts[char] = counts.get(char, 0) + 1
    budget = ratio * sum(counts.values())
    chosen, covered = [], 0
    for char in rng.sample(sorted(counts), len(counts)):
        if covered + counts[char] <= budget:
            chosen.append(char)
            covered += counts[char]
    return chosen


def _cross_boundary_characters(encoded: list[bytes], rng: random.Random, dictionary: list[str]) -> list[str]:
    """Han characters spelled by (trail byte, next lead byte) pairs: about one per 60 characters, at least one."""
    found = []
    for left, right in zip(encoded, encoded[1:]):
        if len(left) == 2 and len(right) == 2:
            try:
                char = bytes((left[1], right[0])).decode("gbk")
            except UnicodeDecodeError:
                continue
            if _mirror_may_annotate(char) and char not in dictionary and char not in found:
                found.append(char)
    if not found:
        return []
    return rng.sample(found, max(1, min(len(found), len(encoded) // 60)))


def _mirror_decode(data: bytes) -> tuple[str, int]:
    """Decode as the mirrors did: an invalid pair becomes one `?` and takes both bytes with it.

    Returns the text and the number of invalid pairs that destroyed information: a lead byte followed by the `(` of
    an inserted syllable is a phantom, which the repair can undo, and is not counted.
    """
    out, losses, i = [], 0, 0
    while i < len(data):
        byte = data[i]
        if byte < 0x80:
            out.append("(" if byte == _INSERTED[0] else chr(byte))
            i += 1
            continue
        if byte in (0x80, 0xFF) or i + 1 == len(data):
            out.append("?")
            losses += 1
            i += 1
            continue
        pair = data[i : i + 2]
        try:
            char = pair.decode("gb18030") if (0x40 <= pair[1] <= 0xFE and pair[1] != 0x7F) else None
        except UnicodeDecodeError:
            char = None
        if char is None or len(char) != 1:
            out.append("?")
            losses += pair[1] != _INSERTED[0]
        else:
            out.append(char)
        i += 2
    return "".join(out), losses


def utf8_as_gbk(text: str) -> Corrupted:
    """UTF-8 bytes read as GBK (gb18030), the commonest Chinese mojibake: `发布` → `鍙戝竷`."""
    return _misread(text, "utf-8", "gb18030", "utf8_as_gbk")


def utf8_as_big5(text: str) -> Corrupted:
    """UTF-8 bytes read as Big5-HKSCS."""
    return _misread(text, "utf-8", "big5hkscs", "utf8_as_big5")


def gbk_as_big5(text: str) -> Corrupted:
    """GBK bytes read as Big5-HKSCS."""
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        return Corrupted(text.encode("gbk", "replace").decode("big5hkscs", "replace"), "gbk_as_big5", False,
                         "not all of the text is in GBK")
    return _misread_bytes(data, "big5hkscs", "gbk_as_big5")


def latin1_mojibake(text: str) -> Corrupted:
    """UTF-8 bytes read as Windows-1252 where it can, Latin-1 elsewhere, as sloppy browsers did: `发布` → `å\x8f‘å¸ƒ`."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes((byte,)).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return Corrupted("".join(out), "latin1_mojibake", True)


def mixed_encoding_page(paragraphs: list[str], rng: random.Random) -> Corrupted:
    """An HTML page whose paragraphs are each UTF-8 or GBK at random, under a `<meta charset="gb2312">`.

    Recoverable when every paragraph is in GBK and each encoding occurs (else it is not mixed).
    """
    head = b'<html><head><meta charset="gb2312"><title>news</title></head><body>\n'
    parts, used, reasons = [head], set(), []
    for paragraph in paragraphs:
        codec = rng.choice(("utf-8", "gbk"))
        try:
            body = paragraph.encode(codec)
        except UnicodeEncodeError:
            body = paragraph.encode(codec, "replace")
            reasons.append("a paragraph is not in GBK")
        used.add(codec)
        parts.append(b"<p>" + body + b"</p>\n")
    parts.append(b"</body></html>\n")
    if len(used) < 2:
        reasons.append("one encoding only")
    return Corrupted(b"".join(parts), "mixed_encoding_page", not reasons, "; ".join(reasons) or None)


def _misread(text: str, written: str, read: str, kind: str) -> Corrupted:
    return _misread_bytes(text.encode(written), read, kind)


def _misread_bytes(data: bytes, read: str, kind: str) -> Corrupted:
    try:
        return Corrupted(data.decode(read), kind, True)
    except UnicodeDecodeError:
        return Corrupted(data.decode(read, "replace"), kind, False, f"the bytes are not valid {read}")
