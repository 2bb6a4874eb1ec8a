"""Text-level boilerplate: the cases are data (tests/cases/extract/boilerplate.json)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines.boilerplate import strip
from pipelines.profile import load_profile

CASES = json.loads((Path(__file__).parent / "cases" / "extract" / "boilerplate.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_boilerplate_case(case):
    profile = SimpleNamespace(boilerplate={"last_line_promos": case["promos"]}) if "promos" in case else None
    if "profile" in case:
        profile = load_profile(case["profile"])
    result = strip(case["input"], profile, title=case.get("title"))
    assert result.paragraphs == case["expected"]
    assert result.fields == case["fields"]
    assert dict(result.removed) == case["removed"]


def test_every_removed_line_is_counted():
    case = next(c for c in CASES if c["label"] == "copyright, disclaimer, contact and promo")
    profile = SimpleNamespace(boilerplate={"last_line_promos": case["promos"]})
    result = strip(case["input"], profile)
    assert len(result.paragraphs) + sum(result.removed.values()) == len(case["input"])


def test_profile_line_patterns_extend_the_rules():
    profile = SimpleNamespace(boilerplate={"line_patterns": [{"kind": "weather", "pattern": "^今日天气"}]})
    result = strip(["今日天气：晴", "正文第一段，内容充实。"], profile)
    assert result.paragraphs == ["正文第一段，内容充实。"]
    assert result.removed == {"weather": 1}


def test_blank_and_whitespace_lines_vanish_without_counting():
    result = strip(["", "  \u3000 ", "正文　第一段。"])
    assert result.paragraphs == ["正文 第一段。"]
    assert not result.removed
