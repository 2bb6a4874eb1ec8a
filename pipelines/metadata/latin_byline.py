"""The byline of an English (or other Latin-script) page: `By Jeremy Herb, Lauren del Valle and Kara Scannell, CNN`.

Such a byline stands in the header between the headline and the body, often run together with the date and the
page's furniture (`… , CNN 7 minute read Updated 4:48 PM EST`). It starts with a capitalised `By` (or `Von`, `Par`,
`Por`, `Door`), never the `by` of a sentence; its names are runs of capitalised words with the particles that
surnames carry (`de la`, `van der`, `bin`), separated by commas and `and`; it ends at the first word that is no
part of a name. One word alone (`CNN`, `Reuters`, `Staff`) is an outlet or a desk, not a person.
"""

from __future__ import annotations

import re

_BY = re.compile(r"(?:^|(?<=[\s|•·—–-]))(?:By|BY|Von|Par|Por|Door)\s*:?\s+(?=[^\W\d_])")
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’\-]|\.(?=\s|$|[^\W\d_]))*\.?|[,;&|]|\S")
_SEPARATORS = frozenset({",", "and", "&", "und", "et", "y", "e", "en"})
_QUOTES = frozenset("\"“”‘’«»")
PARTICLES = frozenset({"de", "la", "le", "del", "della", "di", "da", "do", "dos", "das", "du", "van", "von", "der",
                       "den", "ter", "ten", "bin", "binti", "al", "el", "ibn", "mac", "st."})
NOT_NAMES = frozenset({
    "updated", "published", "posted", "photo", "photos", "video", "staff", "writer", "reporter", "correspondent",
    "editor", "contributor", "associated", "press", "news", "the", "and", "at", "on", "in", "for", "with", "from",
    "minute", "min", "read", "share", "follow", "email", "twitter", "facebook", "comments", "am", "pm",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat",
    "sun", "today", "yesterday",
})
"""Capitalised words a header puts right after the names: they end the byline (`… Scannell, CNN Updated …`)."""
MAX_NAME_WORDS = 5
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")


def latin_byline(text: str | None) -> list[str]:
    """The people a `By …` byline in ``text`` names, in order; [] when there is none."""
    if not text:
        return []
    found = _BY.search(text)
    if found is None:
        return []
    names: list[str] = []
    current: list[re.Match] = []

    def close() -> None:
        words = [m for m in current if m.group()[0] not in _QUOTES]
        if 2 <= len(words) <= MAX_NAME_WORDS and words[-1].group().lower() not in PARTICLES:
            names.append(" ".join(text[current[0].start():current[-1].end()].split()))
        current.clear()

    for m in _TOKEN.finditer(text, found.end(), found.end() + 300):
        token = m.group()
        word = token.lower()
        if word in _SEPARATORS:
            close()
        elif (current and token in _QUOTES) or _name_word(token, word, bool(current)):
            current.append(m)  # a quoted nickname stays inside the name: `Amanda "Tania Mae" Tan`
        else:
            break
    close()
    return names


def _name_word(token: str, word: str, inside: bool) -> bool:
    """Whether a word continues a name: a capitalised word that is no furniture and no acronym (`CNN`), initials
    (`A.`, `S.A.`), or a particle inside a name (`Lauren del Valle`)."""
    if _INITIALS.fullmatch(token):
        return True
    if inside and word in PARTICLES:
        return True
    return token[0].isupper() and not token.isupper() and word not in NOT_NAMES
