"""Our repair on ftfy's own test cases (tests/cases/ftfy): Latin-script mojibake from tweets and the Common Crawl.

ftfy is the reference for Latin-script mojibake, and `repair` hands that kind to it (`repair/mojibake_latin.py`), so
on ftfy's cases it must give what ftfy gives, while every other fixer of ours (CJK mojibake, phantoms, pinyin,
punctuation, Traditional → Simplified) must leave them alone. The whitespace fixers are ours alone: a non-breaking
space becomes a space, trailing spaces go (for search and deduplication), which ftfy's negative cases would count as
changes, so the comparison turns them off and a second test checks that they are the only difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.repair import RepairConfig, repair

CASES = json.loads((Path(__file__).parent / "cases" / "ftfy" / "test_cases.json").read_text(encoding="utf-8"))
PASSING = [case for case in CASES if case["expect"] == "pass"]
WHITESPACE = ("nbsp", "trailing_spaces", "indentation", "line_breaks")
WITHOUT_WHITESPACE = RepairConfig(**{name: False for name in WHITESPACE})
LOSSY = {"For goodness' sake. We can come close to fixing this, but fail in the last step"}
"""ftfy ends this pile-up in replacement characters; we stop one step short of them, keeping the text as it is."""


def _wanted(case: dict) -> tuple[str, str]:
    return case["fixed"], case.get("fixed-encoding", case["fixed"])


@pytest.mark.parametrize("case", [case for case in PASSING if case["label"] not in LOSSY],
                         ids=lambda case: case["label"][:60])
def test_repair_gives_what_ftfy_gives(case):
    repaired, _ = repair(case["original"], WITHOUT_WHITESPACE)
    assert repaired in _wanted(case)


def test_the_lossy_case_is_not_made_worse():
    [case] = [case for case in PASSING if case["label"] in LOSSY]
    repaired, _ = repair(case["original"], WITHOUT_WHITESPACE)
    assert "\ufffd" not in repaired and len(repaired) < len(case["original"])


def test_only_the_whitespace_fixers_differ_with_the_defaults():
    changed = set()
    for case in PASSING:
        repaired, explanation = repair(case["original"])
        if repaired not in _wanted(case) and case["label"] not in LOSSY:
            changed |= {name for name in explanation if name != "lost"}
            assert repaired.replace("\xa0", " ").strip() in {text.replace("\xa0", " ").strip()
                                                             for text in _wanted(case)}, case["label"]
    assert changed <= {"latin_mojibake", *WHITESPACE}
