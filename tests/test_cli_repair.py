"""``newsarchive repair``: text in, repaired text out; JSON with the repairs made; JSON lines in order; error
records for bad inputs and lines, never a traceback; the same switches as ``clean``."""

from __future__ import annotations

import json

from click.testing import CliRunner

from newsarchive.cli import cli
from tests.crawling import newsarchive

MIRROR = "當(dāng)前位置:首頁(yè) > 新聞"
LATIN = "据介绍，" + "发布时间是昨天".encode("utf-8").decode("latin-1")
GBK = "据介绍，" + "发布时间是昨天的".encode("utf-8").decode("gb18030")


def run(*args, stdin: str | bytes | None = None):
    return CliRunner().invoke(cli, ["repair", *args], input=stdin, catch_exceptions=False)


def test_text_from_a_file_and_stdin(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(MIRROR + "\n" + LATIN + "\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert result.output == "当前位置:首页 > 新闻\n据介绍，发布时间是昨天\n"  # full-width marks beside: not folded
    assert run("-", stdin=GBK).output == "据介绍，发布时间是昨天的"
    assert run(stdin=GBK).output == "据介绍，发布时间是昨天的"  # no path: standard input


def test_json_adds_the_explanation(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(LATIN, encoding="utf-8")
    record = json.loads(run("--format", "json", str(path)).output)
    assert record == {"input": str(path), "text": "据介绍，发布时间是昨天", "repairs": {"latin_mojibake": 7},
                      "lost": 0}
    records = json.loads(run("--format", "json", str(path), str(path)).output)
    assert [r["text"] for r in records] == ["据介绍，发布时间是昨天"] * 2


def test_jsonl_lines_in_order_with_error_records():
    lines = [json.dumps({"text": LATIN, "id": 1}, ensure_ascii=False), "not json",
             json.dumps({"title": "no text"}), "", json.dumps({"text": GBK}, ensure_ascii=False),
             json.dumps({"text": "重庆日报报业集团"}, ensure_ascii=False)]
    result = run("--jsonl", stdin="\n".join(lines).encode("utf-8") + b"\n\xff\xfe\n")
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.output.splitlines()]
    assert out[0] == {"text": "据介绍，发布时间是昨天", "id": 1, "repairs": {"latin_mojibake": 7}, "lost": 0}
    assert out[1]["line"] == 2 and out[1]["error"].startswith("not a JSON line")
    assert out[2] == {"input": "<stdin>", "line": 3, "error": 'expected an object {"text": "..."}'}
    assert out[3] == {"text": "据介绍，发布时间是昨天的", "repairs": {"cjk_mojibake": 1}, "lost": 0}
    assert out[4] == {"text": "重庆日报报业集团", "repairs": {}, "lost": 0}
    assert out[5]["line"] == 7 and "error" in out[5]
    assert len(out) == 6


def test_switches_are_those_of_clean():
    result = run("--jsonl", "--no-latin-mojibake", stdin=json.dumps({"text": LATIN}) + "\n")
    assert json.loads(result.output) == {"text": LATIN, "repairs": {}, "lost": 0}
    kept = run("--to-simplified", "no", stdin=MIRROR).output
    assert kept == "當前位置：首頁 > 新聞"
    assert run("--to-simplified", "yes", stdin="臺北市政府").output == "台北市政府"
    assert run(stdin="臺北市政府").output == "臺北市政府"  # genuine Traditional, no evidence: left alone
    clean_help = CliRunner().invoke(cli, ["clean", "--help"]).output
    repair_help = run("--help").output
    for flag in ("--no-latin-mojibake", "--no-cjk-mojibake", "--no-pinyin-annotations", "--to-simplified"):
        assert flag in clean_help and flag in repair_help


def test_clean_takes_the_switches(tmp_path):
    path = tmp_path / "a.txt"
    clean = "记者从江北区获悉，今年以来，江北区新建公共停车位3,000个，缓解了市民停车难问题。"
    path.write_text("江北区新建停车位三千个\n" + clean * 3 + "\nCafÃ© Ã  MontrÃ©al", encoding="utf-8")
    on = json.loads(CliRunner().invoke(cli, ["clean", str(path)]).output)
    off = json.loads(CliRunner().invoke(cli, ["clean", "--no-latin-mojibake", str(path)]).output)
    assert on["body"].endswith("Café à Montréal") and on["quality"]["repairs"]["latin_mojibake"]
    assert "Café" not in off["body"] and "latin_mojibake" not in off["quality"]["repairs"]


def test_bad_inputs_and_arguments(tmp_path):
    binary = tmp_path / "b.bin"
    binary.write_bytes(bytes(range(256)) * 40)
    result = CliRunner().invoke(cli, ["repair", str(tmp_path / "missing.txt"), str(binary)])
    assert result.exit_code == 1
    assert "missing.txt: No such file or directory" in result.output
    assert "binary" in result.output
    records = [json.loads(line) for line in
               CliRunner().invoke(cli, ["repair", "--format", "jsonl", str(tmp_path / "missing.txt")]).output
               .splitlines()]
    assert records == [{"input": str(tmp_path / "missing.txt"), "error": "No such file or directory"}]
    usage = CliRunner().invoke(cli, ["repair", "--jsonl", "--format", "text"])
    assert usage.exit_code == 2 and "--format text cannot go with it" in usage.output


def test_the_installed_command(tmp_path):
    """The command is registered and runs in its own process; the fixers load only when it runs."""
    path = tmp_path / "lines.jsonl"
    path.write_text(json.dumps({"text": GBK}, ensure_ascii=False) + "\n", encoding="utf-8")
    done = newsarchive("repair", "--jsonl", str(path), timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"text": "据介绍，发布时间是昨天的", "repairs": {"cjk_mojibake": 1}, "lost": 0}
