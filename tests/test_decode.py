"""The decoder: byte cases as data (tests/cases/decode/), the charset corpus, and properties on real paragraphs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.decode import Decoded, codec_for_label, count_losses, decode
from pipelines.plausibility import HANZI

CASES = json.loads((Path(__file__).parent / "cases" / "decode" / "decode.json").read_text(encoding="utf-8"))
FAMILY = {"gb2312": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs"}
_DECLARATION = re.compile(rb"(encoding|charset)\s*=\s*[\"']?[\w-]+[\"']?", re.I)


def build(parts: list[list[str]]) -> bytes:
    """A case's bytes: each part is [text, codec], or [hex digits, "hex"] for bytes no codec writes."""
    return b"".join(bytes.fromhex(text) if codec == "hex" else text.encode(codec) for text, codec in parts)


@pytest.mark.parametrize("case", CASES, ids=[case["label"] for case in CASES])
def test_case(case):
    result = decode(build(case["input"]), case["content_type"])
    expected = case["expected"]
    if expected["text"] is not None:
        assert result.text == expected["text"]
    assert result.encoding == expected["encoding"]
    assert result.source == expected["source"]
    for field in ("declared", "rejected", "losses", "runs", "looks_binary"):
        if field in expected:
            assert getattr(result, field) == expected[field], field
    if "rejected_contains" in expected:
        assert expected["rejected_contains"] in (result.rejected or "")
    if "max_confidence" in expected:
        assert result.confidence <= expected["max_confidence"]


def test_cases_cover_the_brief():
    labels = {case["label"] for case in CASES}
    needed = {"http utf-8 on a gbk body", "meta gb2312 on a utf-8 body", "mixed utf-8 and gbk runs", "binary junk"}
    assert needed <= labels


@pytest.mark.parametrize(
    ("label", "codec"),
    [("gb2312", "gb18030"), ("GBK", "gb18030"), ("x-gbk", "gb18030"), ("chinese", "gb18030"), ("csgb2312", "gb18030"),
     ("iso-ir-58", "gb18030"), ("gb_2312-80", "gb18030"), ("big5", "big5hkscs"), ("big5-hkscs", "big5hkscs"),
     ("cn-big5", "big5hkscs"), ("x-x-big5", "big5hkscs"), ("latin1", "cp1252"), ("iso-8859-1", "cp1252"),
     ("ascii", "cp1252"), ("UTF8", "utf-8"), ('"utf-8"', "utf-8"), ("shift_jis", "cp932"), ("nonsense", None)],
)
def test_whatwg_labels(label, codec):
    assert codec_for_label(label) == codec


def test_evidence_has_the_contract_fields():
    evidence = decode("新闻".encode("gb18030"), "text/html; charset=gb2312").evidence()
    assert evidence == {"encoding": "gb18030", "source": "http", "declared": "gb2312", "rejected": None,
                        "confidence": 1.0, "losses": 0, "runs": 0}


@pytest.mark.parametrize("data", [b"", b"\x00" * 1000, bytes(range(256)) * 40, b"\xff\xfe", b"\xef\xbb", b"\x81",
                                  b"<meta charset=", b"\xe4\xb8" * 5000, b"<?xml encoding='"])
def test_odd_bytes_never_raise(data):
    result = decode(data, "text/html; charset=")
    assert isinstance(result, Decoded)
    assert 0.0 <= result.confidence <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "text/html; charset=utf-8", "charset=gbk", "charset=big5"]))
def test_any_bytes_never_raise(data, content_type):
    result = decode(data, content_type)
    assert isinstance(result.text, str)


def test_large_binary_is_flagged_quickly():
    result = decode(bytes(range(256)) * 200_000)  # 51 MB
    assert result.looks_binary and result.confidence == 0.0


def test_losses_count_runs():
    assert count_losses("a锟斤拷锟斤拷b\ufffd\ufffdc\ufffd") == 3
    assert count_losses("clean 文字") == 0


# The charset corpus: every file decodes in its folder's family, with its own label, without any, and under a lie.

def _corpus(charsets_dir: Path):
    return [path for path in sorted(charsets_dir.glob("*/*")) if path.parent.name in FAMILY]


@pytest.mark.parametrize("content_type", [None, "text/html; charset=utf-8", "text/html; charset=iso-8859-1"])
@pytest.mark.parametrize("strip_labels", [False, True])
def test_charset_corpus(charsets_dir, content_type, strip_labels):
    files = _corpus(charsets_dir)
    assert len(files) >= 40
    for path in files:
        data = path.read_bytes()
        if strip_labels:
            data = _DECLARATION.sub(b"", data)
        result = decode(data, content_type)
        assert result.encoding == FAMILY[path.parent.name], (path.name, result.evidence())
        assert result.losses == 0, path.name


def test_charset_corpus_under_the_other_chinese_label(charsets_dir):
    for path in _corpus(charsets_dir):
        expected = FAMILY[path.parent.name]
        lie = "big5" if expected == "gb18030" else "gbk"
        result = decode(_DECLARATION.sub(b"", path.read_bytes()), f"text/html; charset={lie}")
        assert result.encoding == expected, (path.name, result.evidence())


def test_daniel_pages_take_the_fast_path(daniel_dir):
    for path in sorted((daniel_dir / "html").iterdir()):
        data = path.read_bytes()
        result = decode(data, "text/html; charset=utf-8")
        assert (result.encoding, result.source) == ("utf-8", "http")
        # the same page re-encoded as GBK under the same header lie still reads right; a page that already holds
        # damage (U+FFFD, with mojibake beside it) is left out: its GBK bytes can spell better UTF-8 than the page
        text = result.text
        if "\ufffd" in text:
            continue
        try:
            gbk = text.encode("gb18030")
        except UnicodeEncodeError:
            continue
        assert decode(gbk, "text/html; charset=utf-8").text == text, path.name


# Properties on real paragraphs (fewer than five hanzi say too little for any detector).

def _paragraphs(daniel_dir: Path) -> list[str]:
    paragraphs = []
    for path in sorted((daniel_dir / "reference").iterdir()):
        paragraphs += re.findall(r"<p>(.*?)</p>", path.read_text(encoding="utf-8"), re.S)
    return [p for p in paragraphs if len(HANZI.findall(p)) >= 5]


@pytest.fixture(scope="module")
def paragraphs(daniel_dir):
    return _paragraphs(daniel_dir)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_roundtrip_with_and_without_labels(paragraphs, data):
    text = data.draw(st.sampled_from(paragraphs))
    codec = data.draw(st.sampled_from(["utf-8", "gb18030", "big5hkscs"]))
    try:
        encoded = text.encode(codec)
    except UnicodeEncodeError:
        return
    label = data.draw(st.sampled_from([None, "utf-8", "gbk", "gb2312", "big5", "iso-8859-1"]))
    content_type = None if label is None else f"text/html; charset={label}"
    assert decode(encoded, content_type).text == text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_page_of_mixed_runs_decodes_back(paragraphs, data):
    chosen = data.draw(st.lists(st.sampled_from(paragraphs), min_size=2, max_size=6))
    codecs = data.draw(st.lists(st.sampled_from(["utf-8", "gb18030"]), min_size=len(chosen), max_size=len(chosen)))
    parts = [("<html><body>", "ascii")]
    for paragraph, codec in zip(chosen, codecs):
        parts += [("<p>", "ascii"), (paragraph, codec), ("</p>\n", "ascii")]
    parts.append(("</body></html>", "ascii"))
    page = "".join(text for text, _ in parts)
    try:
        data_bytes = b"".join(text.encode(codec) for text, codec in parts)
    except UnicodeEncodeError:
        return
    result = decode(data_bytes)
    assert result.text == page
    if len(set(codecs)) == 2:
        assert result.source == "mixed" and result.runs >= 2


_LONG_ASCII = "The trackpad reports its vendor, its product and its version number to the system log.\n" * 300


@pytest.mark.parametrize("word, codec", [
    ("Blanchard’s", "mac_roman"),  # chardet's MacRoman test file: one curly apostrophe in 750 KB of ASCII
    ("Blanchard’s", "cp1252"),
    ("café", "cp1252"),
    ("naïve café", "mac_roman"),
])
def test_a_few_accents_in_a_long_ascii_text(word, codec):
    """With one or two non-ASCII bytes in a long text, the words around them decide, not a lone CJK pair
    (`\\xd5s` is a Big5 character)."""
    data = (_LONG_ASCII + f"Daniel {word} trackpad.\n" + _LONG_ASCII).encode(codec)
    assert decode(data).text == data.decode(codec)


@pytest.mark.parametrize("text, codec", [
    # chardet's ISO-8859-7 test file: windows-1253 reads its apostrophe (0xA2) as Ά inside a word, its Ά (0xB6) as ¶
    ("Άνεμοι και Μήνυμα. Κάθισε πίσω απ’τον πάγκο, πάνω σ’ένα κρεβάτι, και περίμενε ώσπου να έρθει το πρωί. "
     "Ύστερα σηκώθηκε, άνοιξε το παράθυρο και κοίταξε τον δρόμο που έβγαζε στη θάλασσα.", "iso8859_7"),
    # chardet's IBM855 files: DOS Cyrillic, which the GBK and UTF-8 run reader took for mixed Chinese
    ("Вгиманазия. Сегодня в городе прошло заседание совета, на котором обсуждали планы строительства новой школы "
     "и ремонт дорог в центральном районе. Жители просили ускорить работы до начала зимы.", "cp855"),
])
def test_single_byte_code_pages_of_chardets_files(text, codec):
    data = text.encode(codec)
    assert decode(data).text == text


@pytest.mark.parametrize("text", [
    "วันนี้มีการประชุมสภาในเมืองเพื่อหารือเกี่ยวกับแผนการสร้างโรงเรียนใหม่และการซ่อมถนน",  # Thai: high byte 0E
    "आजशहरमेंपरिषदकीबैठकहुईऔरनईस्कूलकीयोजनापरचर्चाहुई",  # Devanagari: 09, a tab
])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bom_less_utf16_without_a_nul(text, codec):
    """Without spaces or digits such UTF-16 has no NUL byte, and every byte is ASCII: strict UTF-8 "succeeds"."""
    assert decode(text.encode(codec)).text == text


def test_hangul_composed_by_eight_bytes():
    """KS X 1001's filler sequences (`쓔` outside its 2,350 syllables) read as the syllable, as Python's euc_kr
    writes them, not as four jamo (windows-949's reading): found when a property test drew the Python docs'
    `날아라 쓔쓔쓩~ 닁큼!`."""
    text = "파이썬은 배우기 쉽고 강력한 프로그래밍 언어입니다. 첫가끝: 날아라 쓔쓔쓩~ 닁큼!"
    assert decode(text.encode("euc_kr")).text == text
    assert decode(text.encode("euc_kr"), "text/html; charset=euc-kr").text == text
