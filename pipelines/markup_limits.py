"""A cheap scan of a page's markup before any parser sees it: too many attributes, elements or levels is a failure.

lxml's parse time grows with the square of the attribute count of one element (libxml2 checks every new attribute
against the ones before it): 100k attributes on one tag take 30 s, a million more than two minutes, and nothing
can interrupt a C parser from inside its thread. No news page comes near these limits, so a page that exceeds one
is refused with a reason that names it, before it is parsed, in time linear in its length.

The scan is a tokenizer, not a parser: it reads start and end tags (quoted attribute values may hold ``>``), skips
comments and the raw text of ``script``/``style``/``textarea``/``title`` as an HTML parser does, and counts nesting
the way an HTML tree grows: void elements (``br``, ``img``…) and elements whose end tag is optional (``p``, ``li``,
``td``…, closed by their next sibling) add no level. It errs on the side of counting more, never less: the limits
leave room for that.
"""

from __future__ import annotations

import re

MAX_ATTRIBUTES_PER_ELEMENT = 1_000
"""The quadratic case. Real pages stay under 50; 1,000 on each of 200 elements still parses in half a second."""
MAX_ATTRIBUTES = 200_000
MAX_ELEMENTS = 200_000
"""A long article page holds a few thousand elements; 200k flat elements parse in about three seconds."""
MAX_DEPTH = 1_000
"""Pages nest 20–40 levels; libxml2 itself stops at 256 unless told otherwise (we tell it, see extract.dom)."""

_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*+)((?:[^>"'=]++|=\s*+"[^"]*+"|=\s*+'[^']*+'|[="'])*+)""")
"""A start or end tag: its name, then its attributes up to the ``>``. A quote opens a value only right after ``=``,
as in the HTML tokenizer; elsewhere it is a character of a name (real pages have ``type="text=""``, whose last
quote would otherwise pair with one a page further on and make the rest of the page one tag). Quoted values are
skipped whole, possessively, so an unterminated quote cannot make the scan backtrack."""
_ATTRIBUTE = re.compile(r"""[^\s"'=/>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'>]*+))?""")
_OPEN = re.compile(r"<(?:!--|[A-Za-z/])")
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "plaintext"})
_NO_LEVEL = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen basefont frame isindex "  # void
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rp html head body".split()
)


def problem(html: str) -> str | None:
    """Why this markup is refused (a sentence naming the limit), or None when it is within every limit."""
    elements = attributes = depth = deepest = 0
    pos = 0
    while True:
        found = _OPEN.search(html, pos)
        if found is None:
            return None
        start = found.start()
        if html.startswith("<!--", start):
            end = html.find("-->", start + 4)
            if end < 0:
                return None  # the rest is one comment
            pos = end + 3
            continue
        tag = _TAG.match(html, start)
        if tag is None:  # "</" or "<x" that is no tag: text
            pos = start + 1
            continue
        pos = tag.end()
        name = tag.group(2).lower()
        if tag.group(1):  # an end tag
            if name not in _NO_LEVEL and depth:
                depth -= 1
            continue
        elements += 1
        if elements > MAX_ELEMENTS:
            return f"too many elements (over {MAX_ELEMENTS:,})"
        count = _count_attributes(tag.group(3), MAX_ATTRIBUTES_PER_ELEMENT)
        if count > MAX_ATTRIBUTES_PER_ELEMENT:
            return f"too many attributes on one <{name[:20]}> element (over {MAX_ATTRIBUTES_PER_ELEMENT:,})"
        attributes += count
        if attributes > MAX_ATTRIBUTES:
            return f"too many attributes (over {MAX_ATTRIBUTES:,})"
        if name in _RAW_TEXT:
            end = _find_end(html, name, pos)
            if end < 0:
                return None  # the rest is the element's raw text
            pos = end
            continue
        if name not in _NO_LEVEL and not tag.group(3).rstrip().endswith("/"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return f"nested too deeply (over {MAX_DEPTH:,} levels)"


def _count_attributes(text: str, cap: int) -> int:
    """Attributes in a tag's text, counting no further than just past ``cap``."""
    count = 0
    for _ in _ATTRIBUTE.finditer(text):
        count += 1
        if count > cap:
            break
    return count


def _find_end(html: str, name: str, pos: int) -> int:
    """Where the end tag of a raw-text element starts, any letter case, or -1; without lower-casing the page."""
    end = re.compile(rf"</{name}", re.I).search(html, pos)
    return end.start() if end else -1
