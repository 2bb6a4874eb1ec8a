"""The decode kinds of a Chinese crawl, made from clean pages: a page's text, its bytes as served, and the header.

Each kind takes one clean page (text) and returns (bytes, Content-Type) whose right reading is that text:
- `mixed`: every other paragraph in GBK, the rest in UTF-8 (a page spliced from two templates), no label;
- `header utf-8 on gbk`, `header gbk on utf-8`, `header big5 on gbk`: the HTTP charset lies about the body;
- `meta utf-8 on gbk`, `meta gb2312 on utf-8`, `meta big5 on gbk`: the page's own meta tag lies, no header.
`tests/test_decode_kinds.py` scores them per document on real news pages (the developers' corpus) and on the
replica's generated articles; `bench.decode_repair` prints the same rates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_META = re.compile(r"<meta[^>]*charset[^>]*>", re.I)
_PARAGRAPH_END = re.compile(r"(</p>)", re.I)


def _gbk(text: str) -> bytes:
    try:
        return text.encode("gbk")
    except UnicodeEncodeError:
        return text.encode("gb18030")


def _with_meta(text: str, label: str) -> str:
    """The page with its charset declarations replaced by one `<meta charset>` naming `label`."""
    text = _META.sub("", text)
    head = re.search(r"<head[^>]*>", text, re.I)
    tag = f'<meta charset="{label}">'
    return text[:head.end()] + tag + text[head.end():] if head else tag + text


def mixed(text: str) -> tuple[bytes, str | None]:
    pieces = _PARAGRAPH_END.split(_META.sub("", text))
    return b"".join(_gbk(piece) if index % 4 == 2 else piece.encode("utf-8")
                    for index, piece in enumerate(pieces)), None


def _served(codec: str, label: str) -> Callable[[str], tuple[bytes, str | None]]:
    def kind(text: str) -> tuple[bytes, str | None]:
        body = _META.sub("", text)
        return (_gbk(body) if codec == "gbk" else body.encode(codec)), f"text/html; charset={label}"
    return kind


def _meta(codec: str, label: str) -> Callable[[str], tuple[bytes, str | None]]:
    def kind(text: str) -> tuple[bytes, str | None]:
        page = _with_meta(text, label)
        return (_gbk(page) if codec == "gbk" else page.encode(codec)), None
    return kind


KINDS: dict[str, Callable[[str], tuple[bytes, str | None]]] = {
    "mixed utf-8/gbk": mixed,
    "header utf-8 on gbk": _served("gbk", "utf-8"),
    "header gbk on utf-8": _served("utf-8", "gbk"),
    "header big5 on gbk": _served("gbk", "big5"),
    "meta utf-8 on gbk": _meta("gbk", "utf-8"),
    "meta gb2312 on utf-8": _meta("utf-8", "gb2312"),
    "meta big5 on gbk": _meta("gbk", "big5"),
}


def expected(kind: str, text: str) -> str:
    """The text a right reading gives: the page as served (declarations stripped or replaced, as the kind did)."""
    if kind.startswith("meta"):
        return _with_meta(text, kind.split()[1])
    return _META.sub("", text)


def score(pages: list[str], decode) -> dict[str, tuple[int, int]]:
    """Per kind: (documents decoded exactly, documents), for pages whose text survives GB18030 whole."""
    rates = {}
    for kind, make in KINDS.items():
        right = total = 0
        for page in pages:
            data, content_type = make(page)
            total += 1
            right += decode(data, content_type).text == expected(kind, page)
        rates[kind] = (right, total)
    return rates
