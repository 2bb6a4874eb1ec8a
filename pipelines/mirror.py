"""Mirror copies: a portal's article re-served by a spam site, recognised so that copy and original are one article.

Such mirrors keep the portal's URL path on their own domain, convert the text to Traditional with pinyin syllables
after some characters, sprinkle empty tags with random short ids (`<menu id="w4oac">`) and prepend a spam keyword
line (see portal.md §2). Any one of these signs marks a copy; a path that matches a profile's article scheme also
names the original, whose URL and id the copy then takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipelines.profile import all_profiles, profile_for_url

# An opening tag whose only attribute is a short random id of letters and digits, as mirrors inject.
_JUNK_TAG = re.compile(r"<[a-z]+\s+id=[\"'](?=[a-z0-9]*\d)(?=[a-z0-9]*[a-z])[a-z0-9]{4,6}[\"']\s*>", re.IGNORECASE)
JUNK_TAGS_MIN = 3
# Repairs that only a mirror's conversion makes necessary (names of pipelines.repair fixers).
ARTIFACT_REPAIRS = ("pinyin_annotations", "phantom_bytes")


@dataclass(frozen=True)
class Mirror:
    signs: tuple[str, ...]
    mirror_of: str | None


def original_of(url: str | None):
    """(profile, canonical portal URL) for a URL on a foreign host whose path is a profile's article path."""
    if not url or profile_for_url(url) is not None:
        return None
    parts = urlsplit(url)
    for profile in all_profiles():
        if profile.article_match(parts.path):
            return profile, profile.base_url + parts.path
    return None


def junk_tags(html: str | None) -> int:
    return len(_JUNK_TAG.findall(html)) if html else 0


def detect(html: str | None, explanation: dict, removed: dict, *, original) -> Mirror:
    """The signs that a page is a mirror copy, and the original's URL when its path names one.

    ``original`` is what ``original_of`` said of the page's URL, or None when the caller vouched for the page's
    site (a crawl passes its profile), so that an offline replica on 127.0.0.1 is not taken for a foreign copy.
    """
    signs = []
    if original:
        signs.append("foreign_host")
    if any(explanation.get(name) for name in ARTIFACT_REPAIRS):
        signs.append("pinyin")
    if junk_tags(html) >= JUNK_TAGS_MIN:
        signs.append("junk_tags")
    if removed.get("spam_title"):
        signs.append("spam_title")
    return Mirror(tuple(signs), original[1] if original else None)
