"""Search tokens that let SQLite's FTS5 find any substring of Chinese (or any other) text, with no C extension.

FTS5's ``unicode61`` tokenizer makes a whole run of hanzi one token, and ``trigram`` cannot match the two-character
words that most Chinese words are. So we index a *shadow* of each text instead: one token per character position,
the overlapping bigram that starts there (as Lucene's CJK analyzer does). The index keeps no positions
(``detail=none``, see fts.py), so a query of n >= 2 characters becomes the AND of its bigrams: for two characters
that is exactly the articles that hold them; for more, a superset that search.py verifies against the text with
LIKE. That is why search equals ``LIKE '%q%'`` exactly, for Chinese, Latin, digits, punctuation and spaces alike
(tests/test_search.py proves it with hypothesis).

Details that keep it exact:
- ASCII letters are lower-cased and nothing else is, because SQLite's ``LIKE`` folds ASCII case only.
- The table uses FTS5's ``ascii`` tokenizer, which keeps every non-ASCII character as a token character and splits on
  ASCII punctuation and spaces. A bigram made of ASCII letters/digits and non-ASCII characters is stored as itself
  (``重庆``, ``app``'s ``ap``, ``9月``); a bigram holding an ASCII space or punctuation is spelled as ``x`` plus the
  two code points in hex (``x00002e000039`` for ``.9``), so nothing is lost to the separators.
- The last character of a text gets a one-character token (itself, or ``x`` + its hex), so every character starts
  one token: a one-character query is then a prefix query. Bigram tokens are 2 or 13 characters long and the last
  one 1 or 7, so the lengths never collide. The prefix can over-match only when the query is a literal ``x``
  (every encoded token starts with it), so one-character queries are verified against the text (see search.py).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable

_SEPARATOR = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]")
"""The ASCII characters that are not letters or digits: the ascii tokenizer splits on them."""


def fold(text: str) -> str:
    """Lower-case ASCII letters only, as SQLite's LIKE and lower() do: 'Ａ' and 'É' keep their case.

    ``bytes.lower`` folds exactly the ASCII letters, and no byte of a multi-byte UTF-8 character is ASCII, so the
    round trip through UTF-8 does it in C: twenty times faster on Chinese text than ``str.translate``.
    """
    return text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _plain(char: str) -> bool:
    """True when the ascii tokenizer keeps the character inside a token."""
    return char > "\x7f" or char.isalnum()


def _bigram(a: str, b: str) -> str:
    if _plain(a) and _plain(b):
        return a + b
    return f"x{ord(a):06x}{ord(b):06x}"


def _last(char: str) -> str:
    return char if _plain(char) else f"x{ord(char):06x}"


def shadow(text: str | None) -> str:
    """The token string indexed for a text: its overlapping bigrams, then a token for its last character.

    >>> shadow("App与9.8")
    'ap pp p与 与9 x00003900002e x00002e000038 8'
    """
    folded = fold(text or "")
    if not folded:
        return ""
    # Every token is two characters and a space (the last one character): as code points, the text interleaved with
    # itself shifted by one and with spaces, which array slicing does in C (nine times faster than pairing strings).
    codes = array("I", folded.encode("utf-32-le", "surrogatepass"))
    spelled = array("I", [32]) * (3 * len(codes) - 2)
    spelled[0::3] = codes
    spelled[1::3] = codes[1:]
    plain = spelled.tobytes().decode("utf-32-le", "surrogatepass")
    # Then respell the few tokens that touch an ASCII separator: token i is plain[3i:3i+2].
    last = len(folded) - 1
    touched = sorted({at for match in _SEPARATOR.finditer(folded)
                      for at in (match.start() - 1, match.start()) if at >= 0})
    if not touched:
        return plain
    pieces, cursor = [], 0
    for at in touched:
        pieces.append(plain[cursor : 3 * at])
        pieces.append(_bigram(folded[at], folded[at + 1]) if at < last else _last(folded[at]))
        cursor = 3 * at + (2 if at < last else 1)
    pieces.append(plain[cursor:])
    return "".join(pieces)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for a literal substring query, or None for an empty query (which matches all).

    Two or more characters: every distinct bigram of them (exact for two, a superset for more: see
    ``index_is_exact``). One character: a prefix query over the tokens that start with it (a superset only for 'x').

    >>> match_expression("重庆市")
    '"重庆" "庆市"'
    >>> match_expression("年")
    '"年"* OR "x005e74"*'
    """
    folded = fold(query or "")
    if not folded:
        return None
    if len(folded) == 1:
        char = folded
        forms = [f'"{char}"*'] if _plain(char) else []
        forms.append(f'"x{ord(char):06x}"*')
        return " OR ".join(forms)
    bigrams = dict.fromkeys(_bigram(a, b) for a, b in zip(folded, folded[1:]))
    return " ".join(f'"{bigram}"' for bigram in bigrams)


def hit_counter(query: str) -> Callable[[bytes], int]:
    """A function that counts the hits of the query in a UTF-8 text as LIKE matches them: ASCII case folded, and
    overlapping hits counted, because each one is a phrase instance in the index (``哈哈`` is twice in ``哈哈哈``).

    It counts UTF-8 bytes, SQLite's own encoding of the text, which finds exactly what counting characters would
    (no character's encoding starts inside another's) and spares decoding every candidate into a string.

    >>> hit_counter("app")("App与APP".encode()), hit_counter("哈哈")("哈哈哈".encode())
    (2, 2)
    """
    needle = fold(query).encode("utf-8", "surrogatepass")
    folds = needle.islower()  # True exactly when the (folded) query holds an ASCII letter
    overlaps = any(needle[:size] == needle[-size:] for size in range(1, len(needle)))

    def count(text: bytes) -> int:
        if folds:
            text = text.lower()
        if not overlaps:
            return text.count(needle)
        hits, at = 0, text.find(needle)
        while at >= 0:
            hits += 1
            at = text.find(needle, at + 1)
        return hits

    return count


def prefix_is_exact(char: str) -> bool:
    """Whether the prefix query for one character matches only texts that hold it: all but x (see the docstring)."""
    return fold(char) != "x"


def index_is_exact(query: str) -> bool:
    """Whether the index's candidates for a query are exactly its matches, so none needs reading: a query of two
    characters (one bigram), or of one character other than x. Longer queries are an AND of bigrams without their
    order, which a text can hold apart (重庆 and 庆市 without 重庆市)."""
    folded = fold(query or "")
    return len(folded) == 2 or (len(folded) == 1 and prefix_is_exact(folded))


def like_pattern(query: str) -> str:
    """The LIKE pattern (with ESCAPE '\\') that matches the query as a literal substring."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
