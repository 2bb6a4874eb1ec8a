"""The repair fixers one by one, their composition, the seed page and the replica's mirror copies end to end.

`python -m tests.test_repair 1-20` prints the mirror-copy measure: copies cleaned exactly, per seed and per damage.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.repair import Explanation, RepairConfig, repair, repair_segments, run_fixers
from pipelines.repair.fastpath import untouched
from pipelines.repair.invisibles import (
    fix_doubled_punctuation,
    fix_indentation,
    fix_line_breaks,
    fix_nbsp,
    fix_trailing_spaces,
    fix_zero_width,
)
from pipelines.repair.phantoms import fix_phantoms, recover_phantoms
from pipelines.repair.pinyin import fix_pinyin_annotations, measure
from pipelines.repair.punctuation import fix_fullwidth_punctuation
from pipelines.repair.readings import SYLLABLE, to_simplified
from pipelines.repair.simplified import PHRASE_ONLY, convertible, fix_to_simplified
from tests.test_repair_properties import load_documents
from replica.corrupt import (
    fold_width,
    gbk_as_big5,
    latin1_mojibake,
    mirror_artifact,
    mixed_encoding_page,
    utf8_as_big5,
    utf8_as_gbk,
)

SEED_TITLE = "主力军挺进主战场 走好全媒体时代群众路 重庆加快推进媒体深度融合发展"


# --- each fixer reports what it changed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "fixer, text, expected, count",
    [
        (fix_pinyin_annotations, "當(dāng)前位置:首頁(yè) > 新聞", "當前位置:首頁 > 新聞", 2),
        (fix_pinyin_annotations, "床(chuáng)前(qián)明(míng)月(yuè)", "床(chuáng)前(qián)明(míng)月(yuè)", 0),
        (fix_phantoms, "重慶日?qǐng)?bào)報(bào)業", "重慶日報報業", 2),  # the in-step note goes with its run
        (fix_phantoms, "我們?nèi)杂性S多", "我們仍有許多", 1),
        (fix_to_simplified, "重慶日報", "重庆日报", 2),
        (fix_to_simplified, "重庆日报", "重庆日报", 0),
        (fix_fullwidth_punctuation, "記者:張三,報道", "記者：張三，報道", 2),
        (fix_fullwidth_punctuation, "記者：張三,報道", "記者：張三,報道", 0),
        (fix_line_breaks, "a\r\nb\rc", "a\nb\nc", 2),
        (fix_nbsp, "a\xa0b&nbsp;c&amp;nbsp;d", "a b c d", 3),
        (fix_zero_width, "重\u200b庆\u2060新\ufeff闻", "重庆新闻", 3),
        (fix_indentation, "\u3000\u3000第一段\n\u3000第二段", "第一段\n第二段", 2),
        (fix_trailing_spaces, "第一段 \n第二段\t", "第一段\n第二段", 2),
        (fix_doubled_punctuation, "好，，好。。好。。。", "好，好。好。。。", 2),
    ],
)
def test_fixer_counts(fixer, text, expected, count):
    assert fixer(text) == (expected, count)


def test_phantom_loss_is_counted_not_guessed():
    result = recover_phantoms("?nèi)杂性S多\n重慶?zzz)新聞")
    assert (result.text, result.recovered, result.lost) == ("?nèi)杂性S多\n重慶?zzz)新聞", 0, 2)


def test_annotation_ratio_gate():
    assert measure("當(dāng)前位置").is_mirror
    assert not measure("床(chuáng)前(qián)").is_mirror  # every character: teaching text
    assert not measure("公司(ltd)").is_mirror


# --- composition ----------------------------------------------------------------------------------------------


def test_explanation_names_what_fired():
    text, explanation = repair("當(dāng)前位置:首頁(yè)\u200b > 新聞,,重?cái)?shù)傳媒")
    assert text == "当前位置：首页 > 新闻，重数传媒"
    assert explanation == {
        "zero_width": 1,
        "phantom_bytes": 2,
        "pinyin_annotations": 2,
        "to_simplified": 5,
        "fullwidth_punctuation": 3,
        "doubled_punctuation": 1,
        "lost": 0,
    }
    assert explanation.repaired and explanation.confidence(len(text)) == 1.0


def test_clean_text_explanation_is_empty():
    text, explanation = repair("重庆市今年前三季度地区生产总值同比增长3.2%。")
    assert explanation == {"lost": 0} and not explanation.repaired


def test_each_fixer_can_be_switched_off():
    source = "當(dāng)前位置:首頁(yè) > 新聞"
    assert repair(source, RepairConfig(pinyin_annotations=False))[0] == source.replace(":", "：")
    assert repair(source, RepairConfig(fullwidth_punctuation=False))[0] == "当前位置:首页 > 新闻"
    assert repair(source, RepairConfig(to_simplified=False))[0] == "當前位置：首頁 > 新聞"
    assert repair("重?cái)?shù)傳媒", RepairConfig(phantom_bytes=False))[0] == "重?cái)?shù)傳媒"


def test_config_from_profile_switches():
    config = RepairConfig.from_dict({"to_simplified": True, "nbsp": False, "unknown": True})
    assert config.to_simplified is True and config.nbsp is False


def test_traditional_converted_only_on_evidence():
    taiwan = "行政院今天通過明年度總預算案，國防預算較今年增加百分之七。"
    assert repair(taiwan)[0] == taiwan
    assert repair(taiwan, simplified_site=True)[0] == to_simplified(taiwan)
    assert repair(taiwan, RepairConfig(to_simplified=True))[0] == to_simplified(taiwan)
    mirrored = "網(wǎng)絡電視臺記者從市委宣傳部獲悉"
    assert repair(mirrored, RepairConfig(to_simplified=False))[0] == "網絡電視臺記者從市委宣傳部獲悉"


def test_segments_are_gated_together_and_keep_their_shape():
    # The first paragraph alone (one annotation in many characters) would not pass the gate; the document does.
    segments = ["重慶新聞網記者今日從市委宣傳部獲悉", "當(dāng)前位置", "", "第一行\r\n第二行"]
    repaired, explanation = repair_segments(segments)
    assert repaired == ["重庆新闻网记者今日从市委宣传部获悉", "当前位置", "", "第一行\n第二行"]
    assert explanation["line_breaks"] == 1 and explanation["pinyin_annotations"] == 1


def test_segments_never_gain_or_lose_newlines():
    segments = ["a\nb", "重?cái)?shù)傳媒\n", "\n\n", "c"]
    repaired, _ = repair_segments(segments)
    assert [s.count("\n") for s in repaired] == [s.count("\n") for s in segments]


def test_bad_input_does_not_raise():
    assert repair(None)[0] == ""
    assert repair_segments([None, "重庆"])[0] == ["", "重庆"]


def test_confidence_falls_with_losses():
    assert Explanation(lost=0).confidence(100) == 1.0
    assert Explanation(lost=1).confidence(1000) == 0.99
    assert Explanation(lost=50).confidence(100) == 0.0


# --- the fast path ---------------------------------------------------------------------------------------------

# Pieces of text next to and on each condition of the fast path: clean words and marks, every fixer's trigger, and
# the characters that look like one (rare hanzi, Big5 and GBK marker pairs, `……`, phrase-only characters).
PIECES = [
    "重庆", "新闻", "记者", "今年", "发布", "时间", "中国", "报道", "我们", "的", "区",
    "，", "。", "、", "；", "：", "？", "！", "“", "”", "……", "——", "·", "（", "）", "－",
    ",", ";", ":", "!", "?", "(", ")", "%", "~", "a", "Q", "2", "10:30", "1,000", "http://a.cn/x?y=1", " ", "\t", "\n",
    "\r", "\r\n", "\xa0", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "👍", "🔥",
    "&nbsp;", "&amp;nbsp;", "&NBSP", "&amp;", "&",
    "當(dāng)", "前", "(yè)", "?nèi)", "杂性", "S多", "?bào)", "(ltd)", "(2020)", "(qq群)", "(dang1)",
    "重慶", "日報", "臺", "國", "為", "體", "網絡",
    "什么", "覆盖", "深沈", "憑藉", "瞭解", "甦醒", "彷彿", "衹", "哩", "俱", "坏",
    "綦", "碚", "忡", "璨", "撅", "酮", "頁", "㐀", "𠀀", "𠗣", "\ue000", "ㄅ", "│", "Ω", "а",
    "鍙戝竷", "鏃堕棿", "弊模漆", "Ã©", "å\x8f\x91", "é", "€", "°", "锟斤拷", "\ufffd",
]
CONFIGS = [RepairConfig(), RepairConfig(to_simplified=True), RepairConfig(to_simplified=False),
           RepairConfig(latin_mojibake=False, cjk_mojibake=False, line_breaks=False)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.booleans(), st.sampled_from(CONFIGS))
def test_fast_path_changes_no_result(text, simplified_site, config):
    assert repair(text, config, simplified_site) == run_fixers(text, config, simplified_site)


@pytest.fixture(scope="module")
def references(daniel_dir) -> list[str]:
    return ["\n".join(document) for document in load_documents(daniel_dir)]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fast_path_changes_no_result_on_the_references(references, data):
    text = data.draw(st.sampled_from(references))
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(st.sampled_from(PIECES)) + text[at:]
    simplified_site = data.draw(st.booleans())
    assert repair(text, simplified_site=simplified_site) == run_fixers(text, simplified_site=simplified_site)


def test_clean_references_take_the_fast_path(references):
    # 99 of 100 on 2026-11-26: the other has no-break spaces, which the nbsp fixer exists to make spaces
    assert sum(untouched(text) for text in references) >= 0.95 * len(references)


@pytest.mark.parametrize(
    "text",
    [
        "重庆綦江区、北碚区今日发布通知，綦江河水位平稳。",  # two rare hanzi near each other: a swap window
        "他说：“这……这是真的吗？”",  # `……`: a Latin-1 mojibake pair to MacRoman and windows-1252
        "星光璀璨，夺目耀眼。",  # 璨， spell a UTF-8 lead and continuation byte in Big5
        "请加入读者群(qq群号见文末)参与讨论。",  # `(q` may open an annotation
        "什么是覆盖率？",  # 么 and 覆 are changed by t2s inside some phrases
    ],
)
def test_clean_text_that_looks_like_a_trigger_takes_the_fast_path(text):
    assert untouched(text) and untouched(text, simplified=True)
    assert repair(text, simplified_site=True) == (text, {"lost": 0})


def test_fast_path_sends_evidence_the_long_way():
    assert not untouched("深沈的夜色", simplified=True)  # a t2s phrase: 深沈 → 深沉
    assert untouched("深沈的夜色")  # t2s does not run without evidence
    assert not untouched("重慶", simplified=True)
    assert not untouched("重庆𠗣", simplified=True)  # beyond the BMP: t2s makes it 㓆
    assert not untouched("第一段 \n第二段") and not untouched("正文\t") and not untouched("\u3000正文")


def test_phrase_only_characters_are_those_of_the_installed_opencc(tmp_path):
    """`PHRASE_ONLY` and `convertible()` must cover every character t2s changes, alone or in a phrase of its
    tables, for the fast path to be exact. The tables are read with the tool that OpenCC's package ships."""
    clib = Path(opencc.__file__).parent / "clib"
    tool, tables = clib / "bin" / "opencc_dict", clib / "share" / "opencc"
    if not tool.exists():
        pytest.skip("this build of OpenCC ships no opencc_dict tool to read its tables with")
    alone, needed = convertible(), set()
    for name in ("TSPhrases", "TSCharacters", "TSCharactersExt", "CJK_Compatibility_Ideographs"):
        dump = tmp_path / f"{name}.txt"
        subprocess.run([tool, "-i", tables / f"{name}.ocd2", "-o", dump, "-f", "ocd2", "-t", "text"], check=True)
        for line in dump.read_text(encoding="utf-8").splitlines():
            key = line.split("\t")[0]
            converted = to_simplified(key)
            assert len(converted) == len(key) or set(key) & (alone | set(PHRASE_ONLY)), key
            needed |= {k for k, c in zip(key, converted) if k != c and k not in alone}
    assert needed == set(PHRASE_ONLY)


# --- the seed --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def repaired_seed(seed_path):
    return repair(seed_path.read_text(encoding="utf-8"))


def test_seed_body_is_recovered(repaired_seed):
    text, _ = repaired_seed
    for phrase in ("我们仍有许多短板和不足", "重庆日报报业集团", "重数传媒", "9.83亿次", "32%"):
        assert phrase in text
    assert text.startswith("当前位置：首页 > 新闻 > 重庆新闻 > 正文\n")
    assert text.splitlines()[2] == SEED_TITLE
    assert "今年9月，中共中央办公厅、国务院办公厅印发《关于加快推进媒体深度融合发展的意见》。" in text


def test_seed_has_no_artifact_left(repaired_seed):
    text, _ = repaired_seed
    assert "?" not in text
    assert re.search(rf"\({SYLLABLE}\)", text) is None
    assert to_simplified(text) == text


def test_seed_explanation(repaired_seed):
    _, explanation = repaired_seed
    assert explanation["phantom_bytes"] == 11  # every ? of the seed
    assert explanation["pinyin_annotations"] == 428
    assert explanation["lost"] == 0
    assert explanation["to_simplified"] > 800 and explanation["fullwidth_punctuation"] > 100


# --- the corruption generators ---------------------------------------------------------------------------------


def test_mirror_artifact_is_deterministic_and_repairable():
    text = "记者从市委宣传部获悉，党的十九大以来，市委宣传部积极推进媒体融合向纵深发展，不断壮大主流舆论。"
    first = mirror_artifact(text, random.Random(7))
    assert first == mirror_artifact(text, random.Random(7))
    assert first.recoverable and re.search(rf"\({SYLLABLE}\)", first.data)
    assert "，" not in first.data  # folded
    assert repair(first.data)[0] == text


def test_misaligned_mirror_produces_phantoms():
    text = "我们仍有许多短板和不足。重庆日报报业集团负责人表示，将深入实施计划。" * 3
    damaged = mirror_artifact(text, random.Random(3), misaligned=True)
    assert re.search(rf"\?{SYLLABLE}\)", damaged.data)


def test_mirror_artifact_marks_losses():
    damaged = mirror_artifact("约翰・史密斯来到重庆，参观了解放碑和洪崖洞。", random.Random(1), ratio=0.3)
    assert not damaged.recoverable and "not in GBK" in damaged.reason


def test_width_folding_is_the_fullwidth_block_only():
    assert fold_width("，：（）？；！％……——“”") == ",:()?;!%……——“”"


@pytest.mark.parametrize(
    "generator, sample",
    [(utf8_as_gbk, "鍙戝竷"), (utf8_as_big5, None), (gbk_as_big5, None), (latin1_mojibake, "å")],
)
def test_mojibake_generators(generator, sample):
    damaged = generator("发布时间")
    assert damaged.data != "发布时间"
    if sample:
        assert sample in damaged.data


def test_mixed_encoding_page_mixes():
    page = mixed_encoding_page(["第一段新闻", "第二段新闻", "第三段新闻", "第四段新闻"], random.Random(2))
    assert isinstance(page.data, bytes) and page.recoverable
    assert "第一段新闻".encode("utf-8") in page.data or "第一段新闻".encode("gbk") in page.data


def test_lost_marks_are_counted_in_mirror_copies_only():
    mirrored = "當(dāng)前位置:約翰?史密斯來到重慶。你去哪裡?"
    assert repair(mirrored)[1]["lost"] == 1  # the ・ GBK could not hold; the question stays a question
    assert repair("约翰?史密斯来到重庆。")[1]["lost"] == 0  # no mirror: nothing to say about the ?


# --- the replica's mirror copies, end to end -------------------------------------------------------------------

MIRROR_FIELDS = ("title", "published_at", "source", "author", "editor", "section", "body", "mirror_of")


def clean_mirror_copies(seed: int, articles: int = 500) -> list[dict]:
    """Each mirror copy the replica serves for `seed`, cleaned: its damages, the fields that differ from the truth,
    and its `lost` count. Every copy is recoverable by construction (`replica/mirrors.py` passes over articles whose
    damage could not be undone), so every field must equal the truth."""
    from pipelines.clean import clean_page
    from replica import Replica, mirror_pages

    results = []
    for path, data, truth in mirror_pages(Replica(articles=articles, seed=seed, mirrors=True)):
        outcome = clean_page(data, url=truth["url"])
        record = outcome.article.as_record() if outcome.article else {}
        wrong = [f for f in MIRROR_FIELDS if record.get(f) != truth.get(f)] if record else ["<no article>"]
        lost = outcome.article.quality.get("lost", 0) if outcome.article else 0
        results.append({"path": path, "damages": truth["mirror"], "wrong": wrong, "lost": lost,
                        "got": {f: record.get(f) for f in wrong}, "truth": {f: truth.get(f) for f in wrong}})
    return results


@pytest.mark.parametrize("seed", [1, 3, 6])
def test_mirror_copies_clean_exactly(seed):
    results = clean_mirror_copies(seed)
    assert any("misaligned" in r["damages"] for r in results)  # phantoms were there to recover
    assert [(r["path"], r["wrong"], r["lost"]) for r in results if r["wrong"]] == []


def mirror_copy_measure(seeds) -> dict:
    """Per seed and per damage kind: copies cleaned exactly, of all; and the misses, split into those flagged
    (`lost > 0`) and those wrong without a flag (which must not exist)."""
    report: dict = {"seeds": {}, "damages": {}, "flagged": 0, "wrong_without_flag": 0, "misses": []}
    for seed in seeds:
        results = clean_mirror_copies(seed)
        report["seeds"][seed] = f"{sum(not r['wrong'] for r in results)}/{len(results)}"
        for r in results:
            for damage in r["damages"]:
                exact, total = report["damages"].get(damage, (0, 0))
                report["damages"][damage] = (exact + (not r["wrong"]), total + 1)
            if r["wrong"]:
                report["flagged" if r["lost"] else "wrong_without_flag"] += 1
                report["misses"].append({"seed": seed, **r})
    report["damages"] = {k: f"{e}/{t}" for k, (e, t) in sorted(report["damages"].items())}
    return report


if __name__ == "__main__":
    import json
    import sys

    first, _, last = (sys.argv[1] if len(sys.argv) > 1 else "1-6").partition("-")
    print(json.dumps(mirror_copy_measure(range(int(first), int(last or first) + 1)), indent=1, ensure_ascii=False))
