"""The CJK decode kinds per document: mixed UTF-8/GBK pages, lying HTTP headers, lying meta tags.

Scored on the replica's generated articles (text committed in the repo, always run) and on the developers' real news
pages (../shared/devdata/daniel-zh-dev: skipped when absent, a failure under CI).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.decode import decode
from replica import Replica
from tests.decode_kinds import KINDS, score

#: Per-document share below which a kind fails (issue 10's bar). Every kind is at 100% of the real pages.
FLOOR = {kind: 0.99 for kind in KINDS}


def _replica_pages(count: int = 30) -> list[str]:
    replica = Replica(articles=count, seed=3)
    pages = (replica.page(entry.path) for entry in replica.entries)
    texts = [decode(page.body, page.content_type).text for page in pages if page.kind == "article"]
    return [text for text in texts if "\ufffd" not in text]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kinds_on_replica_articles(kind):
    pages = _replica_pages()
    assert len(pages) >= 10
    right, total = _one(kind, pages)
    assert right >= FLOOR[kind] * total, (kind, right, total)


def _one(kind: str, pages: list[str]) -> tuple[int, int]:
    from tests.decode_kinds import expected

    right = 0
    for page in pages:
        data, content_type = KINDS[kind](page)
        right += decode(data, content_type).text == expected(kind, page)
    return right, len(pages)


def test_kinds_on_real_news_pages(daniel_dir: Path):
    pages = [path.read_text(encoding="utf-8") for path in sorted((daniel_dir / "html").iterdir())]
    pages = [page for page in pages if "\ufffd" not in page]  # pages that already hold damage
    assert len(pages) >= 80
    for kind, (right, total) in score(pages, decode).items():
        assert right >= FLOOR[kind] * total, (kind, right, total)
