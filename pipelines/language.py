"""Whether a reading of some bytes is plausible writing in the script its codec is for, for every script.

`pipelines.plausibility` judges Chinese finely (common hanzi, one script). For the rest this module asks
charset-normalizer, which already measures what we need and is maintained for it:
- `mess_ratio`: the share of a text that looks like a wrong decoding (accents piled up, letters of two scripts in
  one word, symbols among letters, unprintables). Real text scores near 0; charset-normalizer gives up on a reading
  above 0.2, and so do we.
- `coherence_ratio`: how well the frequency order of a text's letters matches each language's (Russian, Greek,
  Hebrew, Thai...), which tells the single-byte Cyrillic code pages apart: KOI8-R read as windows-1251 is all
  Cyrillic letters, none of them in Russian's order.
- `from_bytes`: detection among candidate codecs, when no label holds and the bytes are not Chinese.

The double-byte scripts get one check each that their readings as GBK never pass: Korean has Hangul among its
hanzi, Japanese has kana. EUC-KR bytes read as GBK land on common hanzi, and EUC-JP's kana rows are GBK's too, so
`korean_reading` and `japanese_reading` look for the Korean or Japanese reading of bytes a Chinese model accepts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from charset_normalizer.cd import coherence_ratio
from charset_normalizer.constant import FREQUENCIES
from charset_normalizer.md import mess_ratio

from pipelines.encodings import canonical, decode_strict
from pipelines.plausibility import HANZI

#: Above this mess a reading is not text (charset-normalizer's own default threshold).
MESSY = 0.2
#: A rival codec's reading must beat the declared one by this much coherence to overturn it.
CLEARLY_MORE_COHERENT = 0.2
_SAMPLE = 16 * 1024  # characters judged: enough for any of these measures

HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_FULL_WIDTH_KANA = re.compile("[\u3040-\u30ff]")
KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# C0 and C1 controls other than tab, newlines, form feed and escape, and noncharacters: no writer types them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffe\uffff]")

#: Single-byte code pages of one script, each of which a page labelled with another of them may really be in.
RIVALS: dict[str, tuple[str, ...]] = {
    "cyrillic": ("cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic"),
    "greek": ("cp1253", "iso8859-7"),
    "hebrew": ("cp1255", "iso8859-8"),
    "arabic": ("cp1256", "iso8859-6"),
    "latin": ("cp1252", "cp1250", "iso8859-2", "cp1254", "cp1257"),
}
_SCRIPT_OF = {codec: script for script, codecs in RIVALS.items() for codec in codecs}

KOREAN = ("cp949", "johab", "iso2022_kr")
JAPANESE = ("cp932", "euc_jp", "iso2022_jp*")
_JAPANESE_PREFIXES = ("shift_jis", "euc_jis", "iso2022_jp", "cp932", "euc_jp")


def is_japanese(codec: str) -> bool:
    """Any of Python's Japanese codecs (Shift_JIS, EUC-JP and ISO-2022-JP, with their JIS X 0213 variants)."""
    return codec.startswith(_JAPANESE_PREFIXES)

#: What detection chooses among when the bytes are neither UTF-8 nor Chinese (browser supersets only: windows-1252
#: for Latin-1, cp949 for EUC-KR...).
DETECTABLE = ("utf_8", "gb18030", "big5hkscs", "cp932", "euc_jp", "cp949", "johab", "cp1252", "cp1250", "cp1251",
              "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp874", "koi8_r", "koi8_u", "iso8859_2",
              "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_13", "iso8859_15", "mac_roman",
              "mac_cyrillic", "cp437", "cp850", "cp866", "cp855")


@dataclass(frozen=True)
class Reading:
    """One codec's reading of a sample and how it scores."""

    codec: str
    text: str
    mess: float
    coherence: float


def score(text: str, codec: str = "") -> Reading:
    sample = text[:_SAMPLE]
    languages = coherence_ratio(sample)
    return Reading(codec, sample, mess_ratio(sample, 1.0), languages[0][1] if languages else 0.0)


def coherent(text: str) -> bool:
    """Clean text whose letters follow some language's frequency order (mess <= 0.05, coherence >= 0.3)."""
    reading = score(text)
    return reading.mess <= 0.05 and reading.coherence >= 0.3


def controls(text: str) -> int:
    return len(_CONTROL.findall(text[:_SAMPLE]))


def implausible(text: str, codec: str, sample: bytes) -> str | None:
    """Why `text` (a strict reading of a document by `codec`, whose sample bytes are `sample`) is not plausible in
    its own script, or None when it is."""
    head = text[:_SAMPLE]
    if controls(head) > max(1, len(head) // 200):
        return "yields control characters"
    if codec in KOREAN:
        return _not_korean(head)
    reading = score(head, codec)
    if reading.mess > MESSY:
        return f"yields implausible text (mess {reading.mess:.2f})"
    script = _SCRIPT_OF.get(codec)
    for rival in RIVALS.get(script, ()):
        if rival == codec:
            continue
        other = decode_strict(sample, rival)
        if other is None or other[:_SAMPLE] == head[:len(other[:_SAMPLE])]:
            continue
        challenger = score(other, rival)
        if _clearly_better(challenger, reading):
            return f"but the body reads better as {rival}"
    return None


def _clearly_better(challenger: Reading, reading: Reading) -> bool:
    if challenger.mess + 0.05 < reading.mess and challenger.coherence >= reading.coherence:
        return True
    return (challenger.coherence >= reading.coherence + CLEARLY_MORE_COHERENT
            and challenger.mess <= reading.mess + 0.01)


#: Korean's most frequent syllables, by charset-normalizer's model: about a quarter of real Korean text, a few
#: per cent of a wrong reading that happens to land on Hangul (Big5 bytes read as UHC, EUC-KR read as Johab).
FREQUENT_HANGUL = frozenset(FREQUENCIES["Korean"])


def _not_korean(text: str) -> str | None:
    syllables = HANGUL.findall(text)
    hangul, hanja = len(syllables), len(HANZI.findall(text))
    if hangul + hanja >= 20 and hangul < 0.6 * (hangul + hanja):
        return "yields hanja without hangul"
    frequent = sum(map(FREQUENT_HANGUL.__contains__, syllables))
    if hangul >= 10 and frequent < max(2, 0.08 * hangul):
        return f"yields Hangul in no Korean order ({frequent} of {hangul} syllables frequent)"
    return None


def plausible_east_asian(text: str) -> bool:
    """Japanese (kana among the kanji) or Korean (Hangul in Korean's order) enough to tell from a wrong reading."""
    head = text[:_SAMPLE]
    kana, hanzi, hangul = len(KANA.findall(head)), len(HANZI.findall(head)), len(HANGUL.findall(head))
    if kana >= 10 and kana >= 0.2 * (kana + hanzi):
        return True
    return hangul >= 20 and _not_korean(head) is None and score(head).mess <= MESSY


def korean_reading(sample: bytes, chinese: str) -> Reading | None:
    """The Korean reading of bytes that also read as Chinese (`chinese`), when it is clearly the better one: mostly
    Hangul, and less messy than the Chinese reading."""
    return _rival_script(sample, chinese, KOREAN[:2], lambda text: _not_korean(text) is None
                         and len(HANGUL.findall(text[:_SAMPLE])) >= 10)


def japanese_reading(sample: bytes, chinese: str) -> Reading | None:
    """The Japanese reading of bytes that also read as Chinese, when it is clearly the better one: the Chinese
    reading holds kana (real Chinese almost never does: EUC-JP's kana rows are GBK's), or the Japanese reading is a
    fifth full-width kana (Shift_JIS kana are rare GBK hanzi; GBK read as Shift_JIS gives half-width katakana,
    which do not count), and the Japanese reading is no messier."""
    kana, hanzi = len(KANA.findall(chinese[:_SAMPLE])), len(HANZI.findall(chinese[:_SAMPLE]))
    if kana >= 5 and kana >= 0.05 * (kana + hanzi):
        return _rival_script(sample, chinese, JAPANESE[:2], lambda text: len(KANA.findall(text[:_SAMPLE])) >= 5)
    return _rival_script(sample, chinese, JAPANESE[:2], _mostly_kana)


def _mostly_kana(text: str) -> bool:
    kana, hanzi = len(_FULL_WIDTH_KANA.findall(text[:_SAMPLE])), len(HANZI.findall(text[:_SAMPLE]))
    return kana >= 10 and kana >= 0.2 * (kana + hanzi)


def _rival_script(sample: bytes, chinese: str, codecs: tuple[str, ...], fits) -> Reading | None:
    best = None
    for codec in codecs:
        text = decode_strict(sample, codec)
        if text is None or not fits(text):
            continue
        reading = score(text, codec)
        if best is None or reading.mess < best.mess:
            best = reading
    if best is None or best.mess > MESSY:
        return None
    return best if best.mess <= score(chinese).mess else None


_LOST = re.compile("[\ufffd\ue000-\uf8ff]")  # replacement characters and private use
_LATIN_DETECTABLE = ("cp1252", "cp1250", "cp1254", "cp1257", "iso8859_2", "iso8859_13", "iso8859_15", "mac_roman",
                     "cp437", "cp850")
"""The Latin-script code pages of `DETECTABLE`, in its order."""
_NOT_CHINESE = tuple(codec for codec in DETECTABLE if codec not in ("utf_8", "gb18030", "big5hkscs"))


def doubtful_chinese(text: str) -> bool:
    """Whether a reading that passes the common-hanzi model may still be another script's bytes: it lost
    characters, or charset-normalizer finds it messy (real Chinese scores near 0; Thai, Cyrillic, Greek or Korean
    bytes read as GBK score 0.15 to 2)."""
    return bool(_LOST.search(text[:_SAMPLE])) or score(text).mess > 0.1


def non_chinese_reading(sample: bytes) -> tuple[str, float] | None:
    """A reading of `sample` in a non-Chinese encoding that charset-normalizer finds clean and coherent in some
    language (mess <= 0.1, coherence >= 0.3): (codec, confidence), or None."""
    best = _best(from_bytes(sample, cp_isolation=list(_NOT_CHINESE)))
    if best is None or best.chaos > 0.1 or best.coherence < 0.3:
        return latin_reading(sample)
    return canonical(best.encoding), _confidence(best)


def latin_reading(sample: bytes, *, flawless: bool = False) -> tuple[str, float] | None:
    """The Latin code page whose reading is clean, coherent and free of `oddities`, scored on the whole reading.
    charset-normalizer judges chunks of the bytes and can reject every reading of a text whose letters sit where
    the chunks cut (a Polish article in ISO-8859-2 came back with none); the whole reading's mess and coherence,
    its own measures, still tell. ``flawless`` keeps only a reading without any oddity."""
    readings = []
    for rank, codec in enumerate(_LATIN_DETECTABLE):
        text = decode_strict(sample, codec)
        if text is not None:
            reading = score(text, codec)
            if reading.mess <= 0.1 and reading.coherence >= 0.3:
                readings.append((oddities(text), reading.mess, rank, reading))
    if not readings or (flawless and min(readings)[0]):
        return None
    reading = min(readings)[-1]
    return reading.codec, max(0.0, 1.0 - reading.mess)


def detect(sample: bytes) -> tuple[str, float] | None:
    """(codec, confidence) of charset-normalizer's best reading of `sample` among `DETECTABLE`, or None."""
    best = _best(from_bytes(sample, cp_isolation=list(DETECTABLE)))
    return None if best is None else (canonical(best.encoding), _confidence(best))


def _best(matches):
    """charset-normalizer's best match, with two corrections. Among the readings nearly as clean and coherent as
    its first, those with the fewest `oddities` stay: its measures part such readings by hundredths, while a letter
    or a symbol that no writer would put there is a surer sign. Their ties (as clean and as coherent as the best of
    them) go to `DETECTABLE`'s order, which puts the encodings the web uses most first (windows-1252 before
    windows-1250, Windows before DOS and Mac)."""
    if not matches:
        return None
    first = matches[0]
    near = [match for match in matches
            if match.chaos <= first.chaos + _NEAR_CHAOS and match.coherence >= first.coherence - _NEAR_COHERENCE]
    odd = [oddities(str(match)) for match in near]
    plain = [match for match, count in zip(near, odd) if count == min(odd)]
    best = plain[0]
    tied = [match for match in plain
            if match.chaos <= best.chaos + 0.005 and match.coherence >= best.coherence - 0.02]
    order = {codec: index for index, codec in enumerate(DETECTABLE)}
    return min(tied, key=lambda match: order.get(match.encoding, len(order)))


_NEAR_CHAOS = 0.02
_NEAR_COHERENCE = 0.05
_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0386\u0388-\u03ce\u0400-\u045f"
"""Latin, Greek and Cyrillic letters: the scripts of the single-byte code pages."""
_BETWEEN_LETTERS = re.compile(f"(?<=[{_LETTERS}])[^\x00-\x7f\u00b7{_LETTERS}](?=[{_LETTERS}])")
"""A non-ASCII character between two letters (`syntyv‰t`, `est‡n`); the middle dot is Catalan's `l·l`."""


_CAPITAL_INSIDE = re.compile("(?<=[a-z\u00df-\u00f6\u00f8-\u00ff\u03ac-\u03ce\u0430-\u045f])"
                             "[\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f\u0386\u0388-\u038f\u0391-\u03ab\u0400-\u042f]")
"""A non-ASCII capital right after a small letter (`BlanchardÕs`, `απΆτον`): how windows-1252 reads a Mac's curly
quotes and dashes (`’` is `Õ`, `“` `Ò`, `—` `Ñ`), and windows-1253 ISO-8859-7's apostrophe, never how a word is
spelt (Latin Extended-A mixes capitals and small letters: only the capitals count)."""


def oddities(text: str) -> int:
    """Signs of a wrong single-byte code page in a Latin text: accented letters that no one alphabet holds together
    (`stray_letters`), symbols or superscripts inside words (dashes, quotes and apostrophes may sit there; others
    do not), and accented capitals inside words."""
    sample = text[:_SAMPLE]
    glued = sum(1 for char in _BETWEEN_LETTERS.findall(sample)
                if unicodedata.category(char)[0] in "SC" or unicodedata.category(char) in ("Po", "No"))
    return stray_letters(text) + glued + sum(map(str.isupper, _CAPITAL_INSIDE.findall(sample)))


_LATIN_ALPHABETS = [frozenset(letters) for name, letters in json.loads(
    (Path(__file__).with_name("latin_alphabets.json")).read_text(encoding="utf-8")).items() if not name.startswith("_")]
_LATIN_LETTER = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def stray_letters(text: str) -> int:
    """How many accented Latin letters of `text` the one alphabet that holds most of them lacks: 0 for text one
    language could have written (`latin_alphabets.json`), more when a wrong code page put another language's
    letters in it."""
    letters = Counter(letter.lower() for letter in _LATIN_LETTER.findall(text[:_SAMPLE]))
    if not letters:
        return 0
    total = sum(letters.values())
    return total - max(sum(count for letter, count in letters.items() if letter in alphabet)
                       for alphabet in _LATIN_ALPHABETS)


def _confidence(match) -> float:
    return max(0.0, 1.0 - match.chaos) * (1.0 if match.coherence else 0.5)
