"""The decoder beyond Chinese: every WHATWG label, every Python codec, BOMs and NUL patterns, ISO-2022 escapes.

The byte cases are built from real text committed in tests/cases/decode/texts.json (`tests.codec_cases`), encoded
at test time in every codec Python has that holds them; charset-normalizer's own test files
(../shared/devdata/charsets-world) are scored when present.
"""

from __future__ import annotations

import re

import pytest
from charset_normalizer import from_bytes
from hypothesis import given, settings
from hypothesis import strategies as st
from webencodings.labels import LABELS as WHATWG_LABELS

from pipelines.decode import decode
from pipelines.encodings import codec_for_label, decode_strict, lookup
from pipelines.language import _LATIN_DETECTABLE, DETECTABLE, KANA, is_japanese, oddities
from pipelines.plausibility import HANZI
from tests.codec_cases import FAMILIES, UNLABELLED, cases, texts
from tests.conftest import require_shared

ALL = cases()
NATURAL = cases(unlabelled_only=True)
#: Labelled cases whose text differs from Python's own codec for a reason of the standard's.
LABELLED_EXCEPTIONS = {
    # Python's euc_kr joins KS X 1001 jamo sequences (8 bytes) into syllables; browsers read EUC-KR as cp949
    "Korean/cpython:Lib/test/cjkencodings/euc_kr-utf8.txt/euc_kr",
    # Traditional Chinese in EUC-JP's JIS kanji and no kana: a label is not believed for hanzi without kana
    *(f"Chinese (Traditional)/cpython:Lib/test/cjkencodings/big5-utf8.txt/{codec}"
      for codec in ("euc_jp", "euc_jis_2004", "euc_jisx0213")),
}


def test_every_whatwg_label_names_a_codec():
    """All 228 labels of the standard (as webencodings generates them from encodings.json) are known; only the
    "replacement" label itself has no codec."""
    assert len(WHATWG_LABELS) >= 228
    missing = [label for label in WHATWG_LABELS if codec_for_label(label) is None]
    assert missing == ["replacement"]
    for label in ("windows-1255", "iso-8859-2", "iso-8859-5", "ISO-8859-7", "iso-8859-9", "tis-620", "IBM866",
                  "x-mac-cyrillic", "ucs-2", "unicodeFFFE", "koi8-ru", "ms932", " Latin1 "):
        assert codec_for_label(label) is not None, label
    assert lookup("iso-8859-9") == ("windows-1254", "cp1254")
    assert lookup("gb2312") == ("gbk", "gb18030")
    assert lookup("iso-2022-kr") == ("iso-2022-kr", "iso2022_kr")  # decoded, not the standard's replacement
    assert lookup("johab") == ("johab", "johab")  # beyond the standard: Python's registry
    assert lookup("hex") is None and lookup("idna") is None and lookup("nonsense") is None


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_labelled_text_in_every_codec_reads_back(family):
    wrong = [case.name for case in ALL if case.family == family and case.name not in LABELLED_EXCEPTIONS
             and decode(case.data, f"text/html; charset={case.codec}").text.removeprefix("\ufeff") != case.text]
    assert wrong == []


@pytest.mark.parametrize("family", sorted(set(FAMILIES) - {"latin", "ebcdic"}))
def test_unlabelled_text_in_its_own_codecs_reads_back(family):
    wrong = [(case.name, decode(case.data).encoding) for case in NATURAL if case.family == family
             and case.name not in LABELLED_EXCEPTIONS and decode(case.data).text.removeprefix("\ufeff") != case.text]
    assert wrong == []


def test_unlabelled_latin_at_least_as_well_as_charset_normalizer():
    """Latin texts with few accents read alike in several code pages, so neither detector gets all of them."""
    latin = [case for case in NATURAL if case.family == "latin"]
    ours = sum(decode(case.data).text == case.text for case in latin)
    theirs = sum(str(from_bytes(case.data).best()) == case.text for case in latin)
    assert ours >= theirs and ours >= 0.9 * len(latin), (ours, theirs, len(latin))


_SENTENCE = re.compile(r"[^.。!?！？]+[.。!?！？]?")


@st.composite
def text_and_codec(draw, natural_only: bool):
    item = draw(st.sampled_from(texts()))
    sentences = _SENTENCE.findall(item["text"])
    start = draw(st.integers(0, len(sentences) - 1))
    text = "".join(sentences[start:start + draw(st.integers(2, 4))]).strip()
    # unlabelled: not the Latin code pages, nor mac-cyrillic, which shares windows-1251's lowercase letters (a short
    # sentence may differ in one capital, and either reading is clean Cyrillic)
    pool = (sorted(UNLABELLED - set(FAMILIES["latin"]) - {"mac-cyrillic"}) if natural_only
            else [c for f in FAMILIES.values() for c in f])
    codec = draw(st.sampled_from(pool))
    return item["language"], text, codec


@settings(max_examples=300, deadline=None)
@given(text_and_codec(natural_only=False))
def test_property_labelled(drawn):
    language, text, codec = drawn
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    if (decode_strict(data, codec_for_label(codec)) or "").removeprefix("\ufeff") != text:
        return  # the label means another codec to a browser (Big5 is read as Big5-HKSCS, whose kana rows differ)
    if is_japanese(codec_for_label(codec)) and not KANA.search(text) and HANZI.search(text):
        return  # a Japanese label is not believed for kanji without kana (see LABELLED_EXCEPTIONS)
    assert decode(data, f"text/plain; charset={codec}").text.removeprefix("\ufeff") == text


@settings(max_examples=300, deadline=None)
@given(text_and_codec(natural_only=True))
def test_property_unlabelled(drawn):
    language, text, codec = drawn
    case = next((c for c in NATURAL if c.language == language and c.codec == codec), None)
    if case is None:  # not a codec this language is written in
        return
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:  # a text the codec cannot hold (ISO-2022-KR has no composed syllables: 쓔)
        return
    assert decode(data).text.removeprefix("\ufeff") == text


# Unicode forms and escapes.

RUSSIAN = "Все люди рождаются свободными и равными в своем достоинстве и правах."


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_bom_less_wide_forms_by_their_nul_pattern(codec):
    for text in (RUSSIAN, "<html><p>新闻 news</p></html>", "Ελληνικά κείμενα εδώ, και πάλι ελληνικά."):
        result = decode(text.encode(codec), "text/html; charset=iso-8859-1")
        assert (result.text, result.encoding, result.source) == (text, codec, "detected")
        assert "but the body is" in result.rejected and not result.looks_binary


def test_utf32_bom_before_utf16_bom():
    result = decode(b"\xff\xfe\x00\x00" + RUSSIAN.encode("utf-32-le"))
    assert (result.text, result.encoding, result.source) == (RUSSIAN, "utf-32-le", "bom")
    result = decode(b"\x00\x00\xfe\xff" + RUSSIAN.encode("utf-32-be"))
    assert (result.text, result.encoding) == (RUSSIAN, "utf-32-be")
    # FF FE then a NUL character in UTF-16-LE is not UTF-32: the rest does not decode as it
    result = decode(b"\xff\xfe" + "\x00ab".encode("utf-16-le"))
    assert result.encoding == "utf-16-le"


@pytest.mark.parametrize(("codec", "text"), [
    ("iso2022_jp", "すべての人間は、生まれながらにして自由である。"),
    ("iso2022_jp_ext", "ｶﾀｶﾅと漢字"),
    ("iso2022_kr", "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다."),
    ("hz", "人人生而自由，在尊严和权利上一律平等。"),
])
def test_escape_switched_encodings_are_decoded(codec, text):
    for content_type in (None, "text/plain; charset=utf-8"):
        result = decode(text.encode(codec), content_type)
        assert result.text == text and not result.looks_binary, codec
        assert "\x1b" not in result.text


def test_iso2022_cn_gb2312_part():
    # ESC $ ) A designates GB 2312 to G1; SO/SI shift in and out; 人人 is 4B CB 4B CB in GL
    data = b"\x1b$)A\x0e\x48\x4b\x48\x4b\x0fabc\n"
    result = decode(data, "text/plain; charset=iso-2022-cn")
    assert result.text == "人人abc\n" and result.source == "http"
    assert decode(data).text == "人人abc\n"


def test_korean_and_japanese_never_read_as_gbk():
    for item in texts():
        if item["language"] in ("Korean", "Japanese") and item["source"] == "udhr":
            for codec in ("euc_kr", "cp949", "johab") if item["language"] == "Korean" else ("euc_jp", "cp932"):
                result = decode(item["text"].encode(codec))
                assert result.text == item["text"], (codec, result.encoding)
                assert result.encoding not in ("gb18030", "big5hkscs")


def test_cyrillic_in_the_wrong_single_byte_label_is_caught():
    for true, label in (("koi8-r", "windows-1251"), ("cp1251", "koi8-r"), ("cp866", "windows-1251"),
                        ("iso8859-5", "koi8-r")):
        result = decode(RUSSIAN.encode(true), f"text/html; charset={label}")
        assert result.text == RUSSIAN, (true, label)
        assert result.rejected and label in result.rejected


def test_charsets_world():
    folder = require_shared("devdata/charsets-world")
    from bench.charsets import world_cases

    files = world_cases(folder)
    assert len(files) == 18
    for name, codec, data, expected in files:
        assert decode(data).text.removeprefix("\ufeff") == expected, name
        labelled = decode(data, f"text/plain; charset={codec}")
        assert labelled.text.removeprefix("\ufeff") == expected, name


@pytest.mark.parametrize(("text", "count"), [
    ("Árvíztűrő tükörfúrógép", 0),             # Hungarian: one alphabet holds every letter
    ("Árvíztûrõ tükörfúrógép", 1),             # read as windows-1252: no alphabet has both õ and û among the rest
    ("Zażółć gęślą jaźń", 0),                  # Polish
    ("Za¿ó³æ gê¶l± ja¼ñ", 5),                  # Polish ISO-8859-2 read as windows-1252: ¿ ³ ¶ ¼ inside words
    ("Kaikki ihmiset syntyv‰t vapaina", 1),    # Finnish windows-1252 read as MacRoman
    ("l'Institut d'Estudis Catalans, col·lecció", 0),  # Catalan's l·l and an apostrophe belong in words
    ("don’t — it’s a well‐known fact", 0),
])
def test_oddities_count_what_no_writer_puts_in_a_word(text, count):
    assert oddities(text) == count


def test_latin_code_pages_are_detectable():
    assert set(_LATIN_DETECTABLE) <= set(DETECTABLE)


def test_a_long_johab_document_is_judged_by_its_head():
    """Johab's trail bytes start at 0x31 (`／` is D9 3F), so the sample of non-ASCII runs cuts such characters in
    two; a long document (past the 16 KB sample) is still read as Korean, not as Chinese."""
    [korean] = [item["text"] for item in texts() if item["language"] == "Korean"][:1]
    text = "일반용／등록판\n" + "\n".join([korean] * (20_000 // len(korean.encode("johab")) + 2))
    assert len(text.encode("johab")) > 16 * 1024
    decoded = decode(text.encode("johab"))
    assert decoded.text == text and decoded.encoding == "johab"
