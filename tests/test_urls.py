"""Canonical URLs and article ids: cases are data (tests/cases/extract/urls.json)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipelines.urls import article_id, canonical_url, url_path

CASES = json.loads((Path(__file__).parent / "cases" / "extract" / "urls.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_canonical_url(case):
    assert canonical_url(case["input"]) == case["expected"]


def test_id_is_sha1_prefix_of_the_canonical_url():
    url = "https://www.cbg.cn/show/705-204035.html"
    assert article_id(url) == hashlib.sha1(url.encode()).hexdigest()[:16]


def test_tracking_variants_share_one_id():
    ids = {article_id(c["input"]) for c in CASES if c["expected"] == "https://www.cbg.cn/show/705-204035.html"}
    assert len(ids) == 1


def test_different_articles_differ():
    assert article_id("https://www.cbg.cn/show/705-1.html") != article_id("https://www.cbg.cn/show/705-2.html")


def test_url_path():
    assert url_path("https://www.cbg.cn/show/705-1.html?x=1") == "/show/705-1.html"
    assert url_path(None) == ""
