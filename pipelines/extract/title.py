"""The headline of a page of unknown layout, and never the site's name.

Three places state a headline: a heading element in the page (h1-h3, or an element whose class says title),
``og:title`` and ``<title>``. The last two usually carry the site's name as well (``标题_新闻_新浪网``,
``Title | Site``, ``Title - Site``), and on blogs and some portals the page's ``<h1>`` or ``og:title`` *is* the
site's name. So the site's names are gathered first (``og:site_name``, ``application-name``, the text of links to
the home page, a ``<title>`` part the home link repeats) and no candidate equal to one of them is taken; a heading
element wins when ``<title>`` or ``og:title`` confirms it, else ``og:title`` or ``<title>`` less its site parts.
When even that is only the site's name, the caller asks :func:`heading_before` for the heading right above the body.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

from pipelines.extract.dom import normalize_space, text_of
from pipelines.extract.generic_rules import Rules, class_tokens

TITLE_MIN_OVERLAP = 0.8
"""A heading is confirmed by ``<title>`` when at least this share of its characters are there (sites shorten or
reword the ``<title>``)."""
MAX_SITE_NAME = 40
MAX_TITLE_CHARS = 120
PERMALINK_COVER = 1000.0
HEADING_BEFORE_CHARS = 300
"""How far above the body (in characters of text) a heading still counts as the body's own headline."""

_SITE_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site")
_SPACE = re.compile(r"\s+")
_HYPHEN_TAIL = re.compile(r"\s*[-－]\s*[^-－\s]{2,12}$")


def _key(text: str) -> str:
    return _SPACE.sub("", text).casefold()


def site_names(body, meta: dict, url: str | None, page_title: str = "") -> frozenset[str]:
    """Normalised names the site goes by: its meta names and the short texts of links to its home page.

    A meta name that ``<title>`` and ``og:title`` both repeat whole is not trusted: templates that fill every head
    field with the headline exist, and a link to the home page still tells a blog's name."""
    stated = {_key(t) for t in (page_title, meta.get("og:title", ""))}
    names = {_key(meta[k].lstrip("@")) for k in _SITE_META if meta.get(k)}
    if len(stated) == 1:
        names -= stated
    home = _home_paths(url)
    for link in body.iter("a"):
        href = link.get("href")
        if href and href.strip() in home:
            text = _key(text_of(link)) or _key(" ".join(i.get("alt") or "" for i in link.iter("img")))
            if 2 <= len(text) <= MAX_SITE_NAME:
                names.add(text)
    return frozenset(n for n in names if n)


def _home_paths(url: str | None) -> frozenset[str]:
    """The hrefs that point at the site's home page, written out so that a link is tested by one set lookup."""
    paths = ("/", "/index.html", "/index.htm", "/index.shtml", "/index.php")
    if not url:
        return frozenset(paths)
    host = urlsplit(url).netloc
    roots = [f"{scheme}//{host}" for scheme in ("http:", "https:", "")]
    return frozenset(paths + tuple(roots) + tuple(root + path for root in roots for path in paths))


def strip_site(title: str, r: Rules, sites: frozenset[str] = frozenset()) -> str:
    """A ``<title>`` less its site parts: parts that are a known site name go, then the longest part is the
    headline (it outweighs channel and site names), then short ``-频道-网站`` tails, which a bare hyphen cannot
    split off safely (``EC-225直升机``)."""
    parts = [p.strip() for p in r.title_separators.split(title) if p.strip()]
    kept = [p for p in parts if _key(p) not in sites] or parts
    head = max(kept, key=len) if kept else title.strip()
    for _ in range(2):
        shorter = _HYPHEN_TAIL.sub("", head)
        if len(shorter) < 4 or len(shorter) < len(head) - len(shorter) or _key(shorter) in sites:
            break
        head = shorter
    return head


def find_title(body, page_title: str, meta: dict, r: Rules, sites: frozenset[str] = frozenset(),
               url: str | None = None, totals: dict | None = None, titled: list | None = None):
    """(title, the element it came from or None, whether it is only the site's name).

    A heading element wins when ``<title>`` or og:title confirms it: it is part of one of them, or most of its
    characters are; a heading that links to the page's own URL (a permalink) is confirmed above all, since on a
    page of several posts it names the one the page is. Among confirmed elements the one covering most characters
    wins; one that is a site name never does. Otherwise og:title, unless it is a site name or a mere part of ``<title>``, then ``<title>`` less its site
    parts, then the first ``<h1>``; when all of them are site names, ``("", None, True)``. ``totals`` (text
    length by element) and ``titled`` (the title-classed elements), when the caller has them, spare a pass.
    """
    og_title = meta.get("og:title", "")
    stated = [t for t in (page_title, og_title) if t and _key(t) not in sites]
    squeezed = [_SPACE.sub("", t) for t in stated]
    references = [(Counter(t), frozenset(t)) for t in squeezed]
    here = _plain_url(url) if url else None
    best, best_element, best_cover = "", None, 0.0
    for element in _title_elements(body, titled):
        if totals is not None and totals.get(element, 0) > MAX_TITLE_CHARS:
            continue  # a container that only says title in its class: its text is not read
        text = normalize_space(text_of(element))
        plain = _SPACE.sub("", text)
        if not 2 <= len(plain) <= MAX_TITLE_CHARS or plain.casefold() in sites:
            continue
        if any(plain in s for s in squeezed):
            cover = float(len(plain))
        elif len(plain) >= 6 and references:
            need = TITLE_MIN_OVERLAP * len(plain)
            shared = max((sum((Counter(plain) & chars).values()) for chars, seen in references
                          if sum(ch in seen for ch in plain) >= need), default=0)  # the set test is an upper bound
            cover = shared if shared >= need else 0.0
        else:
            cover = 0.0
        if here and _links_to(element, here):
            cover += PERMALINK_COVER
        if cover > best_cover:
            best, best_element, best_cover = text, element, cover
    if best_element is not None:
        return best, best_element, False
    head = strip_site(page_title, r, sites) if page_title else ""
    og = strip_site(og_title, r, sites) if og_title else ""
    if og and _key(og) not in sites and not (head and og in head and len(og) < len(head) / 2):
        return og, None, False
    if head and _key(head) not in sites:
        return head, None, False
    h1 = body.find(".//h1")
    if h1 is not None:
        text = normalize_space(text_of(h1))
        if text and _key(text) not in sites:
            return text, h1, False
    return "", None, True


def _plain_url(url: str) -> str:
    """A URL without scheme, fragment and trailing slash, for comparing links to the page's own."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}{'?' + parts.query if parts.query else ''}"


def _links_to(element, here: str) -> bool:
    for link in element.iter("a"):
        href = link.get("href")
        if href and not href.startswith("#") and _plain_url(urljoin("http://" + here, href.strip())) == here:
            return True
    return False


_TITLE_WORDS = frozenset(("title", "headline", "biaoti"))


def says_title(tokens: tuple[str, ...]) -> bool:
    """Whether class/id tokens name a headline (``postTitle``, ``news-headline``; not ``subtitle``)."""
    return not _TITLE_WORDS.isdisjoint(tokens)


def _title_elements(body, titled=None):
    """Headings, then elements whose class or id says title (``titled`` when the caller has collected them, in
    document order, else found here)."""
    yield from body.iter("h1", "h2", "h3")
    if titled is None:
        titled = (e for e in body.iter() if isinstance(e.tag, str) and says_title(class_tokens(e)[1]))
    for element in titled:
        if element.tag not in ("h1", "h2", "h3"):
            yield element


def heading_before(first_node, offsets: dict, totals: dict, sites: frozenset[str]):
    """(text, element) of the last heading that ends at most :data:`HEADING_BEFORE_CHARS` characters above the
    body's first node (or opens it), or ``("", None)``: a blog post's own title when the page only names the blog."""
    start = offsets.get(first_node)
    if start is None:
        return "", None
    found = ("", None)
    for element in first_node.getroottree().getroot().iter("h1", "h2", "h3", "h4"):
        at = offsets.get(element)
        if at is None or at > start:  # a heading that opens the body itself still counts
            break
        end = at + totals.get(element, 0)
        text = normalize_space(text_of(element))
        if start - end <= HEADING_BEFORE_CHARS and 2 <= len(text) <= 120 and _key(text) not in sites:
            found = (text, element)
    return found
