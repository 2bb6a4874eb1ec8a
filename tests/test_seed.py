"""Issue 2's acceptance on the real seed: a spam-mirror copy of a cbg.cn article, cleaned from its raw bytes."""

from __future__ import annotations

import re

import opencc
import pytest

from pipelines.clean import clean_page

SYLLABLE = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
TONE_MARKS = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


@pytest.fixture(scope="module")
def raw(seed_path) -> bytes:
    return seed_path.read_bytes()


@pytest.fixture(scope="module")
def article(raw):
    outcome = clean_page(raw, input_kind="auto")
    assert outcome.kind == "article", outcome.reason
    return outcome.article


def test_fields(article):
    assert article.title == "主力军挺进主战场 走好全媒体时代群众路 重庆加快推进媒体深度融合发展"
    assert article.section == "新闻 › 重庆新闻"
    assert article.editor == "张静怡"
    assert article.body.startswith("今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。")


def test_body_is_clean_simplified_text(article):
    body = article.body
    assert not re.search(rf"\([{SYLLABLE}]+\)", body)
    assert not TONE_MARKS.search(body)
    converter = opencc.OpenCC("t2s")
    assert [c for c in set(body) if converter.convert(c) != c] == []
    assert "?" not in body


def test_no_boilerplate(article):
    for marker in ("当前位置", "责任编辑", "【版权声明】", "【免责声明】", "本网联系电话"):
        assert marker not in article.body
    lines = article.body.split("\n")
    assert lines[-1] != "重庆手机台"
    assert lines[0] != article.title


def test_numbers_and_recovered_words_intact(article):
    for phrase in ("9.83亿次", "32%", "我们仍有许多短板和不足", "重庆日报报业集团", "重数传媒"):
        assert phrase in article.body


def test_paragraphs_kept(raw, article):
    lines = article.body.split("\n")
    source_lines = [line for line in raw.decode("utf-8").splitlines() if line.strip()]
    # all but breadcrumb, title, editor line, copyright, disclaimer and app promo
    assert len(lines) == len(source_lines) - 6
    assert "建成主流舆论阵地——" in lines


def test_quality_accounts_for_every_syllable_and_question_mark(raw, article):
    text = raw.decode("utf-8")
    annotations = len(re.findall(rf"\([{SYLLABLE}]+\)", text))
    broken = len(re.findall(rf"\?[{SYLLABLE}]+\)", text))
    quality = article.quality
    # Syllables glued to a broken character go with the phantom-byte recovery; every other one is counted here.
    assert annotations - 2 * broken <= quality["repairs"]["pinyin_annotations"] <= annotations
    assert quality["repairs"]["phantom_bytes"] + quality["lost"] == broken
    assert quality["lost"] == 0
    assert quality["boilerplate"] == {"breadcrumb": 1, "editor_line": 1, "copyright": 1, "disclaimer": 1,
                                      "app_promo": 1}
    assert quality["repaired"] is True
    assert "pinyin" in quality["mirror_signs"]


def test_same_through_the_text_path(raw, article):
    outcome = clean_page(raw.decode("utf-8"), input_kind="text")
    assert outcome.article.body == article.body
    assert outcome.article.id == article.id
