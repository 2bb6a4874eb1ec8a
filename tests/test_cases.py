"""Runs every repair case in tests/cases/*.json through `repair` with the default config.

A case file is a JSON list of `{"label", "input", "expected", "comment"}` (ftfy's test-case style). Other JSON in
tests/cases/ (extraction, scoring and store fixtures) has another shape and belongs to other tests; a file is a
repair case file when every entry has exactly these four keys, and the files named in `OWN` must be among them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.repair import repair

CASES = Path(__file__).resolve().parent / "cases"
KEYS = {"label", "input", "expected", "comment"}
OWN = {"pinyin", "phantoms", "simplified", "punctuation", "invisibles", "negative", "fastpath"}


def _case_files() -> list[Path]:
    found = []
    for path in sorted(CASES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list) and data and all(isinstance(c, dict) and set(c) == KEYS for c in data):
            found.append(path)
    return found


def _cases():
    for path in _case_files():
        for case in json.loads(path.read_text(encoding="utf-8")):
            yield pytest.param(case, id=f"{path.stem}:{case['label']}")


def test_own_case_files_are_found():
    assert OWN <= {path.stem for path in _case_files()}


def test_labels_are_unique_per_file():
    for path in _case_files():
        labels = [case["label"] for case in json.loads(path.read_text(encoding="utf-8"))]
        assert len(labels) == len(set(labels)), path.name


@pytest.mark.parametrize("case", list(_cases()))
def test_case(case):
    repaired, _ = repair(case["input"])
    assert repaired == case["expected"], case["comment"]
