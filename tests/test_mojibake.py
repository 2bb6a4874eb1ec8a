"""The mojibake fixers: cases as data, zero false positives on clean text, recovery rates, and properties."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftfy

from bench.decode_repair import (
    CORRUPTIONS,
    LEFT_TO_FTFY,
    RECOVERABLE_HANZI,
    corrupt,
    false_positives,
    recovery_rates,
    replica_paragraphs,
)
from bench.latin_mojibake import build_cases, load_cases, load_sources, outcome
from pipelines.plausibility import (
    COMMON_SIMPLIFIED,
    COMMON_TRADITIONAL,
    HANZI,
    clearly_more_plausible,
    common_share,
    script_share,
)
from pipelines.repair.mojibake import fix_cjk_mojibake, fix_latin_mojibake

CASES_DIR = Path(__file__).parent / "cases"
FIXERS = {"mojibake": fix_cjk_mojibake, "latin": fix_latin_mojibake}
CASES = [(name, case) for name in FIXERS for case in json.loads((CASES_DIR / f"{name}.json").read_text("utf-8"))]


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{name}: {case['label']}" for name, case in CASES])
def test_case(name, case):
    """Each file's fixer repairs its cases; the other fixer leaves them alone."""
    for fixer_name, fixer in FIXERS.items():
        fixed, count = fixer(case["input"])
        expected = case["expected"] if fixer_name == name else case["input"]
        assert fixed == expected, fixer.__name__
        assert (count > 0) == (fixed != case["input"])


def test_case_files_are_balanced():
    assert len(CASES) >= 45
    negatives = sum(case["input"] == case["expected"] for _, case in CASES)
    assert negatives * 3 >= len(CASES)
    for _, case in CASES:
        assert set(case) == {"label", "input", "expected", "comment"}


def test_common_sets_are_generated():
    assert len(COMMON_SIMPLIFIED) == 3755 and len(COMMON_TRADITIONAL) == 5401
    assert "发" in COMMON_SIMPLIFIED and "發" in COMMON_TRADITIONAL and "鍙" not in COMMON_SIMPLIFIED


def test_plausibility_orders_readings():
    assert common_share("发布时间") == (1.0, 4)
    assert common_share("鍙戝竷鏃堕棿")[0] < 0.5
    assert script_share("臺北市政府今日宣布")[0] == 1.0
    assert clearly_more_plausible("发布时间", "鍙戝竷鏃堕棿")
    assert not clearly_more_plausible("鍙戝竷鏃堕棿", "发布时间")


def test_lost_characters_are_left_for_the_caller():
    text = "原文" + "锟斤拷" * 2 + "\ufffd丢失"
    assert fix_cjk_mojibake(text) == (text, 0)
    assert fix_latin_mojibake(text) == (text, 0)


def test_cjk_kinds_on_the_projects_own_text():
    """The CJK kinds on news paragraphs generated from the replica's committed word lists: runs without ../shared.
    At least 0.99 of whole paragraphs and 0.98 of clauses inside clean text; no clean paragraph or clause changed."""
    paragraphs = replica_paragraphs()
    cjk = [row for row in CORRUPTIONS if row[3] is fix_cjk_mojibake]
    rates = recovery_rates(paragraphs, cjk)
    for name in ("utf-8 read as gbk", "gbk read as big5"):
        row = rates[name]
        assert row["recoverable"] >= 10 and row["embedded"] >= 50, name
        assert row["exact"] >= 0.99 * row["recoverable"], (name, row)
        assert row["embedded_exact"] >= 0.98 * row["embedded"], (name, row)
    assert false_positives(paragraphs) == {"fix_cjk_mojibake": 0, "fix_latin_mojibake": 0}
    clauses = [clause for p in paragraphs for clause in re.findall(r"[^，。；：！？、]+", p)]
    assert [c for c in clauses if fix_cjk_mojibake(c)[0] != c] == []


# The developers' corpus: every paragraph is clean, every lossless corruption of one is a test.

def _paragraphs(daniel_dir: Path) -> list[str]:
    paragraphs = []
    for path in sorted((daniel_dir / "reference").iterdir()):
        paragraphs += re.findall(r"<p>(.*?)</p>", path.read_text(encoding="utf-8"), re.S)
    return paragraphs


@pytest.fixture(scope="module")
def paragraphs(daniel_dir):
    return _paragraphs(daniel_dir)


def test_no_false_positives_on_clean_paragraphs(paragraphs):
    assert len(paragraphs) > 900
    assert false_positives(paragraphs) == {"fix_cjk_mojibake": 0, "fix_latin_mojibake": 0}


def test_no_false_positives_on_clean_clauses(paragraphs):
    clauses = [clause for p in paragraphs for clause in re.findall(r"[^，。；：！？、]+", p)]
    assert [c for c in clauses if fix_cjk_mojibake(c)[0] != c] == []


def test_no_false_positives_on_the_charset_corpus(charsets_dir):
    from pipelines.decode import decode

    for path in sorted(charsets_dir.glob("*/*")):
        text = decode(path.read_bytes()).text
        assert fix_cjk_mojibake(text)[0] == text, path.name
        assert fix_latin_mojibake(text)[0] == text, path.name


# Recovery over ALL reference paragraphs; the figures are printed for the closing note (pytest -s).
MINIMUM_RATE = {"whole": 0.99, "embedded": 0.9}


def test_recovery_rates(paragraphs):
    rates = recovery_rates(paragraphs)
    for name, row in rates.items():
        print(f"{name}: whole {row['exact']}/{row['recoverable']}, clause {row['embedded_exact']}/{row['embedded']},"
              f" shorter {row['short_exact']}/{row['short']}")
        if row["recoverable"] and name not in LEFT_TO_FTFY:
            assert row["exact"] / row["recoverable"] >= MINIMUM_RATE["whole"], name
        if row["embedded"] and name not in LEFT_TO_FTFY:
            assert row["embedded_exact"] / row["embedded"] >= MINIMUM_RATE["embedded"], name
    for name in ("utf-8 read as latin-1", "utf-8 read as windows-1252", "utf-8 read as windows-1250"):
        assert rates[name]["embedded_exact"] == rates[name]["embedded"] > 800, name  # no `å¹´` left behind
    bare = [(name, codec, wrong, lambda text: (ftfy.fix_encoding(text), 0))
            for name, codec, wrong, _ in CORRUPTIONS if name in LEFT_TO_FTFY]
    for name, row in recovery_rates(paragraphs, bare).items():  # there, at least what a bare ftfy gets back
        assert rates[name]["exact"] >= row["exact"] and rates[name]["embedded_exact"] >= row["embedded_exact"], name
    for name in ("utf-8 read as gbk", "gbk read as big5", "big5 read as gbk"):  # issue 10: the CJK kinds
        row = rates[name]
        assert row["exact"] >= 0.99 * row["recoverable"] and row["embedded_exact"] >= 0.98 * row["embedded"], name
    assert rates["utf-8 read as gbk"]["recoverable"] >= 50
    assert rates["gbk read as big5"]["recoverable"] >= 200
    assert rates["big5 read as gbk"]["recoverable"] >= 200


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_clean_substrings_stay(paragraphs, data):
    paragraph = data.draw(st.sampled_from([p for p in paragraphs if len(p) >= 2]))
    start = data.draw(st.integers(0, len(paragraph) - 2))
    piece = paragraph[start:data.draw(st.integers(start + 2, min(len(paragraph), start + 60)))]
    assert fix_cjk_mojibake(piece)[0] == piece
    assert fix_latin_mojibake(piece)[0] == piece


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_recoverable_corruptions_are_repaired(paragraphs, data):
    """Recoverable: the wrong decoding was lossless and the paragraph has enough hanzi to judge by. UTF-8 misreads
    are repaired exactly. A swap between GBK and Big5 maps character to character, so each character of its result
    is either the damaged one or the original one (never a third); exactness is measured in test_recovery_rates."""
    name, codec, wrong, fixer = data.draw(st.sampled_from(CORRUPTIONS))
    paragraph = data.draw(st.sampled_from([p for p in paragraphs if len(HANZI.findall(p)) >= RECOVERABLE_HANZI]))
    damaged = corrupt(paragraph, codec, wrong)
    if damaged is None or damaged == paragraph:
        return
    fixed = fixer(damaged)[0]
    if name in ("gbk read as big5", "big5 read as gbk"):
        assert len(fixed) == len(paragraph)
        assert all(f in (d, p) for f, d, p in zip(fixed, damaged, paragraph))
    elif name in LEFT_TO_FTFY:  # repaired, or left alone where ftfy sees no mojibake: never made worse
        assert fixed in (paragraph, damaged)
    else:
        assert fixed == paragraph


# The generated Latin-mojibake set (bench/latin_mojibake.py): real text in 39 languages misread by every single-byte
# codec ftfy knows, whole and inside clean text, held against a bare ftfy.fix_encoding.

def test_generated_latin_set_is_current():
    assert load_cases() == build_cases(load_sources()), "run: python -m bench.latin_mojibake --write"
    assert len(load_cases()) > 700


def test_generated_latin_set_at_least_as_well_as_ftfy():
    """Where ftfy gets the text back, so do we; where it leaves a text alone, so do we; ours is never broken where
    ftfy's is not; clean texts stay; and overall we get back more."""
    ours_fixed = ftfy_fixed = 0
    for case in load_cases():
        ours, theirs = fix_latin_mojibake(case["original"])[0], ftfy.fix_encoding(case["original"])
        mine, its = outcome(ours, case), outcome(theirs, case)
        if theirs == case["fixed"]:
            assert ours == case["fixed"], case["label"]
        if theirs == case["original"]:
            assert ours == case["original"], case["label"]
        if mine == "broken":
            assert its == "broken", case["label"]
        ours_fixed += mine == "fixed"
        ftfy_fixed += its == "fixed"
    assert ours_fixed >= ftfy_fixed + 100, (ours_fixed, ftfy_fixed)


_LATIN_LIKE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2600), max_size=12)


@settings(max_examples=2000, deadline=None)
@given(text=_LATIN_LIKE)
def test_latin_precheck_loses_nothing(text):
    """The pre-check in front of ftfy: a text without an anchor is one ftfy's badness (and so fix_encoding) passes."""
    from ftfy.badness import is_bad

    from pipelines.repair.mojibake_latin import ANCHORS

    if not re.search(f"[{ANCHORS}]", text):
        assert not is_bad(text)
        assert fix_latin_mojibake(text) == (text, 0)


def test_latin_precheck_on_the_generated_set():
    from ftfy.badness import is_bad

    from pipelines.repair.mojibake_latin import ANCHORS

    for case in load_cases():
        if is_bad(case["original"]):
            assert re.search(f"[{ANCHORS}]", case["original"]), case["label"]
