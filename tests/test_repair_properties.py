"""Properties of the repair composition on the DAnIEL reference paragraphs (../shared, GPL: read, never copied).

What is asserted, precisely:

- Clean documents: `repair_segments(T) == T` for every reference document, up to one documented normalisation
  (no-break space → space, which `fix_nbsp` exists to make). The unit is the document because the gates are
  document-level: a lone paragraph such as `百度:请尊重个人隐私` cannot be told from a width-folded one.
- Mirror artifact: the mirror copies Simplified text, so the base text S is the reference in Simplified (OpenCC t2s,
  the identity on mainland references). The corpus's width folding erases whether S had `,` or `，`, so a
  repaired paragraph is compared with `expected(S)`: S folded, then given full width back by the very rule the
  repair uses (`restore_fullwidth`, under the same document gate). Everything else (characters, annotations,
  phantoms, Traditional → Simplified) is compared exactly.
- Misaligned phantoms: a phantom is recovered only when one candidate byte clearly wins; otherwise it is left in
  place (`?syllable)` stays in the text) and counted in `lost`. So the property is: every recoverable paragraph
  comes back exactly, or still shows its unrecovered phantom and its document reports `lost > 0`; never a
  different text without a flag. The share that comes back exactly is measured, not asserted (see below).
- A paragraph whose corruption destroyed information (`Corrupted.recoverable` is False: a character GBK cannot
  hold, a byte pair decoded as `?`, t2s(s2t(S)) != S) is not expected back; its document must instead report
  `lost > 0` when a phantom could not be recovered.

`python -m tests.test_repair_properties [DIR]` prints the same measures over every document and paragraph.
"""

from __future__ import annotations

import html
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.decode import decode
from pipelines.repair import repair_segments
from pipelines.repair.phantoms import SITE
from pipelines.repair.punctuation import looks_folded, restore_fullwidth
from pipelines.repair.readings import to_simplified
from replica.corrupt import (
    fold_width,
    gbk_as_big5,
    latin1_mojibake,
    mirror_artifact,
    mirror_dictionary,
    mixed_encoding_page,
    utf8_as_big5,
    utf8_as_gbk,
)

_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)


def load_documents(directory: Path) -> list[list[str]]:
    """Each reference document as its list of paragraphs (headline first)."""
    return [
        [html.unescape(p) for p in _PARAGRAPH.findall(path.read_text(encoding="utf-8"))]
        for path in sorted((directory / "reference").iterdir())
    ]


def normalise_clean(paragraph: str) -> str:
    return paragraph.replace("\xa0", " ")


@dataclass
class MirrorTrial:
    """One document through one mirror and back: per paragraph, (recoverable, exact)."""

    outcomes: list[tuple[bool, bool]] = field(default_factory=list)
    lost: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (expected, got) of recoverable misses

    @property
    def wrong(self) -> list[tuple[str, str]]:
        """Recoverable paragraphs that came back different and show no phantom left: a guess, never allowed."""
        return [(expected, got) for expected, got in self.pairs if not SITE.search(got)]


def mirror_trial(document: list[str], seed: int, misaligned: bool) -> MirrorTrial:
    rng = random.Random(seed)
    base = [to_simplified(p) for p in document]
    joined = "\n".join(base)
    dictionary = mirror_dictionary(joined, rng, misaligned=misaligned)
    damaged = [mirror_artifact(p, rng, misaligned=misaligned, dictionary=dictionary) for p in base]
    repaired, explanation = repair_segments([c.data for c in damaged])
    document_fixed = "pinyin_annotations" in explanation or "phantom_bytes" in explanation
    folded_document = looks_folded(fold_width(joined))
    trial = MirrorTrial(lost=explanation.lost)
    for paragraph, corrupted, got in zip(base, damaged, repaired):
        expected = fold_width(paragraph)
        if folded_document:
            expected = restore_fullwidth(expected)[0]
        recoverable = corrupted.recoverable and document_fixed
        exact = got == expected
        trial.outcomes.append((recoverable, exact))
        if recoverable and not exact:
            trial.pairs.append((expected, got))
    return trial


# --- tests ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def documents(daniel_dir) -> list[list[str]]:
    return load_documents(daniel_dir)


def test_clean_documents_are_left_alone(documents):
    changed = []
    for index, document in enumerate(documents):
        repaired, explanation = repair_segments(document)
        if repaired != [normalise_clean(p) for p in document]:
            changed.append((index, dict(explanation)))
    assert changed == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=99), seed=st.integers(min_value=0, max_value=2**16))
def test_mirror_artifact_is_undone(documents, index, seed):
    trial = mirror_trial(documents[index % len(documents)], seed, misaligned=False)
    assert trial.pairs == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=99), seed=st.integers(min_value=0, max_value=2**16))
def test_misaligned_phantoms_are_undone_or_counted(documents, index, seed):
    trial = mirror_trial(documents[index % len(documents)], seed, misaligned=True)
    assert trial.wrong == []
    if trial.pairs:
        assert trial.lost > 0


# --- the full measure -----------------------------------------------------------------------------------------


def measure(directory: Path, seeds: range = range(3)) -> dict:
    documents = load_documents(directory)
    report: dict = {"documents": len(documents), "paragraphs": sum(map(len, documents))}
    visible = whitespace = 0
    for document in documents:
        repaired, _ = repair_segments(document)
        if repaired != document:
            if repaired == [normalise_clean(p) for p in document]:
                whitespace += 1
            else:
                visible += 1
    report["clean_false_positive_documents"] = visible
    report["clean_nbsp_normalised_documents"] = whitespace
    for misaligned in (False, True):
        recoverable = exact = unrecoverable = unflagged = wrong = false_flags = 0
        for seed in seeds:
            for document in documents:
                trial = mirror_trial(document, seed, misaligned)
                wrong += len(trial.wrong)
                false_flags += trial.lost > 0 and all(r and e for r, e in trial.outcomes)
                recoverable += sum(1 for r, _ in trial.outcomes if r)
                exact += sum(1 for r, e in trial.outcomes if r and e)
                bad = sum(1 for r, _ in trial.outcomes if not r)
                unrecoverable += bad
                unflagged += bad if (bad and not trial.lost) else 0
        kind = "mirror_misaligned" if misaligned else "mirror"
        report[kind] = {
            "recoverable_paragraphs": recoverable,
            "exact": exact,
            "exact_rate": round(exact / recoverable, 4) if recoverable else None,
            "wrong_without_flag": wrong,
            "unrecoverable_paragraphs": unrecoverable,
            "unrecoverable_in_unflagged_documents": unflagged,
            "documents_flagged_though_exact": false_flags,
        }
    for generator in (utf8_as_gbk, utf8_as_big5, gbk_as_big5, latin1_mojibake):
        report[generator.__name__] = _mojibake_measure(documents, generator)
    report["mixed_encoding_page"] = _mixed_page_measure(documents)
    return report


def _mojibake_measure(documents: list[list[str]], generator) -> dict:
    """Every paragraph damaged, each document repaired whole; a paragraph counts where its damage is recoverable."""
    recoverable = exact = 0
    for document in documents:
        damaged = [generator(p) for p in document]
        repaired, _ = repair_segments([c.data for c in damaged])
        for paragraph, corrupted, got in zip(document, damaged, repaired):
            if corrupted.recoverable:
                recoverable += 1
                exact += got == normalise_clean(paragraph)
    return {"recoverable_paragraphs": recoverable, "exact": exact,
            "exact_rate": round(exact / recoverable, 4) if recoverable else None}


def _mixed_page_measure(documents: list[list[str]]) -> dict:
    """Each document as one page of UTF-8 and GBK paragraphs, through the decoder and the repairs."""
    pages = exact = 0
    for index, document in enumerate(documents):
        page = mixed_encoding_page(document, random.Random(index))
        if not page.recoverable:
            continue
        pages += 1
        text = decode(page.data).text
        paragraphs = [html.unescape(p) for p in _PARAGRAPH.findall(text)]
        exact += repair_segments(paragraphs)[0] == [normalise_clean(p) for p in document]
    return {"recoverable_pages": pages, "exact": exact, "exact_rate": round(exact / pages, 4) if pages else None}


if __name__ == "__main__":
    import json

    default = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata" / "daniel-zh-dev"
    print(json.dumps(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else default), indent=1, ensure_ascii=False))
