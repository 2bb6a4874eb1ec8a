"""Extraction scoring (pipelines.evaluate) and its command, ``newsarchive eval extraction``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsarchive.cli.eval import eval_group
from pipelines import evaluate, evaluate_metadata

CASES = json.loads((Path(__file__).parent / "cases" / "extract" / "evaluate_scores.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["char_scores"], ids=[c["label"] for c in CASES["char_scores"]])
def test_char_scores(case):
    assert evaluate.char_scores(case["ours"], case["reference"]) == pytest.approx(case["expected"], abs=1e-4)


@pytest.mark.parametrize("case", CASES["leaks"], ids=[c["label"] for c in CASES["leaks"]])
def test_find_leaks(case):
    assert dict(evaluate.find_leaks(case["paragraphs"], case["reference"])) == case["expected"]


def test_parse_reference_splits_headline_and_unescapes():
    title, body = evaluate.parse_reference("<p>标题 &amp; 副题</p>\n<p>第一段。</p><p> </p><p>第<b>二</b>段。</p>")
    assert (title, body) == ("标题 & 副题", ["第一段。", "第二段。"])


@pytest.fixture
def pairs_dir(tmp_path: Path) -> Path:
    (tmp_path / "html").mkdir()
    (tmp_path / "reference").mkdir()
    page = "<html><head><title>新桥通车_新闻</title></head><body><h1>新桥通车</h1><div><p>{}</p></div></body></html>"
    for name, body in {"a": "新桥今天正式通车，市民出行更方便了。", "b": "大桥全长八百米，历时两年建成，是重点工程。"}.items():
        (tmp_path / "html" / name).write_text(page.format(body), encoding="utf-8")
        (tmp_path / "reference" / name).write_text(f"<p>新桥通车</p><p>{body}</p>", encoding="utf-8")
    (tmp_path / "html" / "orphan").write_text("<p>没有参考</p>", encoding="utf-8")
    return tmp_path


def test_evaluate_generic_on_a_small_directory(pairs_dir):
    report = evaluate.evaluate(pairs_dir, evaluate.generic_extractor, "generic")
    assert [d.name for d in report.docs] == ["a", "b"], "a page without a reference is not scored"
    assert report.f1 == 1.0 and report.title_accuracy == 1.0
    assert report.summary()["leaks"] == {} and report.empty == 0 and report.errors == 0


def test_an_extractor_that_raises_is_an_error_not_a_crash(pairs_dir):
    def broken(html: bytes):
        raise ValueError("boom")

    report = evaluate.evaluate(pairs_dir, broken, "broken")
    assert report.errors == 2 and report.empty == 2 and report.f1 == 0.0
    assert report.docs[0].error == "ValueError: boom"


def test_unknown_baseline_name_is_rejected():
    with pytest.raises(KeyError):
        evaluate.extractor_named("goose")


def test_cli_json(pairs_dir):
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--extractor", "generic", "--format",
                                             "json", "--show-worst", "1"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["extractor"] == "generic" and payload["documents"] == 2 and payload["f1"] == 1.0
    assert len(payload["worst"]) == 1


def test_cli_table(pairs_dir):
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--extractor", "generic"])
    assert result.exit_code == 0, result.output
    assert "char F1         1.0000" in result.output and "docs/s" in result.output


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
def test_cli_missing_or_empty_dir_is_one_line_exit_2(tmp_path, make):
    result = CliRunner().invoke(eval_group, ["extraction", str(make(tmp_path))])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "no html/NAME + reference/NAME pairs" in result.output


def test_readability_scores_like_its_published_figure(daniel_dir):
    """The scoring reproduces the published per-document char F1 of readability-lxml (0.911) on the same pages."""
    report = evaluate.evaluate(daniel_dir, evaluate.readability_extractor, "readability")
    assert report.f1 == pytest.approx(0.911, abs=0.005)


def test_cli_baselines_side_by_side(pairs_dir):
    """--baselines scores readability and trafilatura beside ours in the same run; one that is not installed is
    a note, not a failure."""
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--extractor", "generic", "--baselines"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line for line in lines if line.split() and line.split()[0] == "generic")
    f1 = next(line for line in lines if line.startswith("char F1")).split()[2:]
    title = next(line for line in lines if line.startswith("title accuracy")).split()[2:]
    assert len(f1) == len(title) == len(header.split()) and f1[0] == "1.0000" and title[0] == "1.0000"
    for baseline in evaluate.BASELINE_NAMES:
        assert baseline in header.split() or f"{baseline}: not installed" in result.output


def test_cli_baselines_json(pairs_dir):
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--extractor", "generic", "--baselines",
                                             "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload[0]["extractor"] == "generic" and payload[0]["f1"] == 1.0 and payload[0]["title_accuracy"] == 1.0
    assert len(payload) == 1 + len(evaluate.BASELINE_NAMES)


def test_gzipped_pages_pair_with_their_reference(tmp_path):
    import gzip

    (tmp_path / "html").mkdir()
    (tmp_path / "reference").mkdir()
    page = "<html><body><h1>新桥通车</h1><p>新桥今天正式通车，市民出行更方便了。</p></body></html>".encode()
    (tmp_path / "html" / "a.html.gz").write_bytes(gzip.compress(page))
    (tmp_path / "reference" / "a.html").write_text("<p>新桥通车</p><p>新桥今天正式通车，市民出行更方便了。</p>",
                                                    encoding="utf-8")
    [pair] = evaluate.load_pairs(tmp_path)
    assert pair.name == "a.html" and pair.html == page and pair.body == ["新桥今天正式通车，市民出行更方便了。"]


# --- metadata against labels (pipelines.evaluate_metadata) -------------------------------------------------------

LABELS = Path(__file__).parent / "cases" / "extract" / "daniel_labels.json"


def test_metadata_fields_are_scored_where_the_label_states_them():
    want = {"published_at": "2012-01-12 08:05", "updated_at": None, "authors": ["李一", "王二"], "editor": "劉威 楊倩",
            "source": None}
    got = {"published_at": "2012-01-12T23:59:00+08:00", "authors": ["李一", "王二"], "editor": "劉威、楊倩",
           "source": "新华网"}
    scored = evaluate_metadata.score_fields(got, want)
    assert scored["published_at"].right, "a date is right to the day"
    assert scored["authors"].right and scored["editor"].right, "editors are the same names whatever joins them"
    assert not scored["updated_at"].labelled and not scored["updated_at"].stated
    assert scored["source"].stated and not scored["source"].labelled and not scored["source"].right
    assert not evaluate_metadata.score_fields({"authors": ["王二", "李一"]}, want)["authors"].right, "page order counts"
    assert not evaluate_metadata.score_fields({"published_at": "2012-01-13"}, want)["published_at"].right


def test_metadata_report_counts_right_labelled_and_spurious(pairs_dir):
    labels = {"a": {"published_at": "2020-10-22", "authors": ["李一"], "editor": None, "source": None},
              "b": {"published_at": None, "authors": [], "editor": None, "source": None}}
    answers = iter([{"published_at": "2020-10-22T10:00:00+08:00", "authors": []},
                    {"published_at": "2020-10-23T10:00:00+08:00"}])
    pairs = evaluate.load_pairs(pairs_dir)
    report = evaluate_metadata.evaluate_metadata(pairs, labels, lambda html: next(answers), "fake")
    assert (report.labelled("published_at"), report.right("published_at"), report.spurious("published_at")) == (1, 1, 1)
    assert (report.labelled("authors"), report.right("authors")) == (1, 0)
    assert [d.name for d in report.misses("authors")] == ["a"]
    assert report.summary()["published_at"] == {"labelled": 1, "right": 1, "accuracy": 1.0, "spurious": 1}


def test_an_unlabelled_page_is_not_scored_and_a_raising_extractor_states_nothing(pairs_dir):
    def broken(html: bytes):
        raise ValueError("boom")

    pairs = evaluate.load_pairs(pairs_dir)
    report = evaluate_metadata.evaluate_metadata(pairs, {"a": {"authors": ["李一"]}}, broken, "broken")
    assert [d.name for d in report.docs] == ["a"] and report.errors == 1 and report.right("authors") == 0


def test_cli_scores_metadata_with_labels(pairs_dir, tmp_path):
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"a": {"published_at": None, "authors": [], "editor": None, "source": None}}),
                      encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--labels", str(labels), "--format", "json"])
    assert result.exit_code == 0, result.output
    metadata = json.loads(result.output)["metadata"]
    assert metadata["documents"] == 1 and metadata["authors"]["labelled"] == 0
    table = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--labels", str(labels)])
    assert "dates (to the day)" in table.output and "authors (exact)" in table.output


@pytest.mark.parametrize("content", ["[1, 2]", "{not json"])
def test_cli_bad_labels_is_one_line_exit_2(pairs_dir, tmp_path, content):
    labels = tmp_path / "labels.json"
    labels.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(eval_group, ["extraction", str(pairs_dir), "--labels", str(labels)])
    assert result.exit_code == 2 and "--labels" in result.output


def test_dev_set_metadata_meets_issue_11_targets(daniel_dir):
    """Dates right to the day on >= 95% of the labelled pages that show one, authors exact on >= 85% of those that
    name one (labels: tests/cases/extract/daniel_labels.json, judged by a person; see daniel_labels.md)."""
    labels = evaluate_metadata.load_labels(LABELS)
    report = evaluate_metadata.evaluate_metadata(evaluate.load_pairs(daniel_dir), labels,
                                                 evaluate_metadata.clean_page_metadata, "ours")
    assert report.labelled("published_at") == 97 and report.labelled("authors") == 56
    assert report.accuracy("published_at") >= 0.95
    assert report.accuracy("authors") >= 0.85
