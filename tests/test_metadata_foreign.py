"""Dates and authors on real pages in English and other languages (newspaper4k's test pages, our labels).

The Chinese dev set says little about pages that state their metadata for machines (JSON-LD ``author`` and
``datePublished`` with a UTC offset, author meta tags) and show a photo caption's date above the article's: these
pages do. The floors are today's figures (21 of 21 dates, 9 of 11 author lists); trafilatura gets 18 and 4.
"""

from __future__ import annotations

from pathlib import Path

from pipelines import evaluate, evaluate_metadata

PAGES = Path(__file__).parent / "cases" / "extract" / "newspaper4k"
DATES_FLOOR = 21 / 21
AUTHORS_FLOOR = 9 / 11
SPURIOUS_AUTHORS = 4
"""Pages whose label names nobody (or is not judged) where an author is stated: a desk, an agency, a meta name the
page does not show. No more than today."""


def _report():
    labels = evaluate_metadata.load_labels(PAGES / "metadata.json")
    return evaluate_metadata.evaluate_metadata(evaluate.load_pairs(PAGES), labels, evaluate_metadata.clean_page_metadata,
                                               "ours", fields=("published_at", "authors"))


def test_foreign_pages_dates_and_authors():
    report = _report()
    assert report.errors == 0
    assert report.labelled("published_at") == 21 and report.labelled("authors") == 11
    assert report.accuracy("published_at") >= DATES_FLOOR, [(d.name, d.got.get("published_at"))
                                                            for d in report.misses("published_at")]
    assert report.accuracy("authors") >= AUTHORS_FLOOR, [(d.name, d.got.get("authors")) for d in report.misses("authors")]
    assert report.spurious("authors") <= SPURIOUS_AUTHORS
