"""The byline of a Korean page: the name right before 기자 (reporter) or 특파원 (correspondent).

Korean news writes its reporters as `홍길동 기자`, in the lead's dateline (`(서울=연합뉴스) 홍길동 김철수 기자 = …`),
under the headline, or closing the body with an address (`홍길동 기자 hong@yna.co.kr`). A name is two to four
Hangul syllables; the words that also stand before 기자 (사진기자, a photographer; 취재기자; 인턴기자) are roles.
"""

from __future__ import annotations

import re

_NAME = "[가-힣]{2,4}"
_BYLINE = re.compile(rf"(?<![가-힣])(?P<names>{_NAME}(?:\s*[·,]\s*{_NAME}|\s+{_NAME}(?=\s*[·,]|\s+{_NAME}|\s*"
                     rf"(?:선임|수석|전문|객원|편집위원)?\s*(?:기자|특파원)))*)\s*(?:선임|수석|전문|객원|편집위원)?\s*"
                     rf"(?:기자|특파원)(?![가-힣])")
NOT_NAMES = frozenset({"사진", "취재", "영상", "인턴", "수습", "본지", "전문", "선임", "수석", "객원", "담당", "일보",
                       "뉴스", "연합뉴스", "방송", "신문", "기사", "모든", "여러", "다른", "해당"})
"""Words that stand before 기자 without being a name: the reporter's kind (`선임`, `사진`), the outlet's, or a
determiner (`모든 기자`): left out of the names."""
_SEPARATOR = re.compile(r"\s*[·,]\s*|\s+")
MAX_CHARS = 400
"""Where a byline can stand in a header or a lead: further on, a 기자 is someone the story is about."""


def korean_byline(text: str | None) -> list[str]:
    """The reporters the first `… 기자` of ``text`` names, in order; [] when there is none."""
    if not text:
        return []
    found = _BYLINE.search(text, 0, MAX_CHARS)
    if found is None:
        return []
    return [name for name in _SEPARATOR.split(found["names"]) if name and name not in NOT_NAMES]
