"""Parsing any HTML into an lxml tree without raising, and reading text out of a tree the way a reader sees it.

Pages arrive truncated, with unclosed tags, NUL bytes, 10 MB of nested ``<div>`` or as plain binary. lxml raises on
some of these (NUL and control characters in a str, an XML encoding declaration in a str, an empty document) and
libxml2 stops at a nesting depth of 256 unless ``huge_tree`` is set; everything here works iteratively so Python's
recursion limit never applies either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

MAX_INPUT_CHARS = 8_000_000
"""Longer inputs are cut before parsing: no news article needs more, and parsing time grows with the input."""

_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NONCHARACTERS = ("\ufffe".encode(), "\uffff".encode())
"""What libxml2 refuses as no XML character: C0 controls but tab and line ends, DEL, U+FFFE and U+FFFF. In UTF-8 a
control byte is never part of another character, so they are deleted from the bytes by one C-speed ``translate``
(a regex over the decoded text took a fifth of the parse)."""
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SPACE = re.compile(r"[\s\u3000\xa0\u200b\u200c\u200d\ufeff]+")

_PARSER = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True, default_doctype=False,
                           encoding="utf-8")
"""lxml's plain HTML parser, not ``lxml.html``'s: that one looks up a Python element class for every element the
code touches, which cost a tenth of the extraction time; nothing here needs ``HtmlElement``'s methods. It reads
UTF-8 bytes, the decoded text encoded again, whatever charset the page's meta tags name."""

BLOCK_BREAK = frozenset(
    "p div br li ul ol dl dt dd table tr td th tbody thead tfoot h1 h2 h3 h4 h5 h6 pre blockquote article section "
    "main header footer hr center address figure figcaption caption form fieldset legend details summary "
    "nav aside".split()
)
"""Elements that end a line of text: a paragraph never runs across one of them."""


def to_text(document: str | bytes) -> str:
    """Text of a document given as bytes: UTF-8 when it is valid UTF-8, else GB18030 (GBK's superset), lossy."""
    if isinstance(document, str):
        return document
    data = bytes(document)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def parse(document: str | bytes) -> tuple[etree._Element | None, str | None]:
    """(root element, None) or (None, reason). Never raises."""
    try:
        text = to_text(document)
    except Exception as exc:  # noqa: BLE001 - a document is data; bad data is a recorded failure
        return None, f"undecodable: {type(exc).__name__}"
    if len(text) > MAX_INPUT_CHARS:
        text = text[:MAX_INPUT_CHARS]
    text = _XML_DECLARATION.sub("", text, count=1)
    data = text.encode("utf-8", "replace").translate(None, _CONTROL_BYTES)
    for noncharacter in _NONCHARACTERS:
        if noncharacter in data:
            data = data.replace(noncharacter, b"")
    if not data or data.isspace():
        return None, "empty document"
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except Exception as exc:  # noqa: BLE001 - libxml2 refuses some inputs outright
        return None, f"unparsable: {type(exc).__name__}: {exc}"
    if root is None:
        return None, "unparsable: no root element"
    return root, None


def tag_of(element) -> str:
    """Lower-case tag name, or '' for comments and processing instructions (whose .tag is a function)."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def text_of(element) -> str:
    """All text inside an element (not its tail), as ``lxml.html``'s ``text_content()``: libxml2 joins it, a
    third of the time ``"".join(element.itertext())`` takes for the same string (a comment or processing
    instruction, which has no text inside, still raises as there)."""
    if not isinstance(element.tag, str):
        return "".join(element.itertext())
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def normalize_space(text: str) -> str:
    """One ASCII space for any run of whitespace (ideographic and no-break spaces included), trimmed."""
    return _SPACE.sub(" ", text).strip()


def iter_lines(roots, skip=frozenset()) -> Iterator[str]:
    """Lines of text under ``roots`` in document order, broken at block elements and ``<br>``.

    ``skip`` holds elements whose subtree is left out (their tail text still counts: it belongs to the parent).
    Iterative, so a 10 000-deep tree costs no recursion.
    """
    buffer: list[str] = []
    for root in roots:
        stack: list = [(root, False)]
        while stack:
            element, closing = stack.pop()
            tag = tag_of(element)
            if closing:
                if tag in BLOCK_BREAK:
                    yield from _flush(buffer)
                if element is not root and element.tail:
                    buffer.append(element.tail)
                continue
            if element in skip:
                if element is not root and element.tail:
                    buffer.append(element.tail)
                continue
            if tag in BLOCK_BREAK:
                yield from _flush(buffer)
            if tag and element.text:
                buffer.append(element.text)
            stack.append((element, True))
            stack.extend((child, False) for child in reversed(element))
        yield from _flush(buffer)


def _flush(buffer: list[str]) -> Iterator[str]:
    if buffer:
        line = normalize_space("".join(buffer))
        buffer.clear()
        if line:
            yield line


_CSS_NAME = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")


def css_path(element) -> str:
    """A CSS selector for an element, as a person would write it for a profile: the tag and classes (or id) of the
    element, else of its nearest ancestor that has any, joined by descendant combinators (``main.story h2``), so
    that it survives the small structure changes a cleaning pass makes. Empty for None."""
    parts = []
    while element is not None and isinstance(element.tag, str) and element.tag not in ("html", "body"):
        ident = element.get("id") or ""
        classes = [c for c in (element.get("class") or "").split() if _CSS_NAME.match(c)]
        if _CSS_NAME.match(ident):
            parts.append(f"{element.tag}#{ident}")
            break
        parts.append(element.tag + "".join(f".{c}" for c in classes))
        if classes:
            break
        element = element.getparent()
    return " ".join(reversed(parts))
