"""Template drift: a run's articles counted by extractor, and the verdict when the profile's templates stopped matching.

The generic extractor archives a redesigned page as well as it can, so a redesign loses nothing; but unnoticed, it
slowly costs fields (dates, sources, editors) and confidence. Each stored article adds to the run's Scrapy stats:

- ``newsarchive/extractor/<name>``: articles by extractor (``profile:2020``, ``generic``…);
- ``newsarchive/articles_without/<title|published_at>``: articles stored without that field;
- ``newsarchive/selector_missed/<generation>:<field>``: articles on which that key selector matched nothing
  (``quality.selectors_missed``, see ``pipelines.extract.probe``);
- from the spider: ``newsarchive/lists_by_selectors`` and ``newsarchive/lists_selectors_missed``, list pages whose
  selectors found articles or found none (those were read by URL scheme, ``newsarchive/lists_by_url_scheme``, as
  are the pages of a profile without list selectors, which is no drift).

At the end of the run ``judge`` compares these with the run's list pages and with recent runs, and its verdict is
stored in the run's stats as ``newsarchive/drift``; ``archive.health.assess`` turns an alert into exit code 3.
"""

from __future__ import annotations

import json
import statistics
from typing import Any, Mapping

PREFIX = "newsarchive/"
VERDICT = PREFIX + "drift"
FIELDS = ("title", "published_at")
MIN_ARTICLES = 5       # fewer articles say nothing about a template
GENERIC_SHARE = 0.5    # more than this share to the generic extractor: the templates no longer match
JUMP = 0.25            # a share of records without a field this much above recent runs' median
NAMED_SHARE = 0.2      # a selector is named when it missed on at least this share of the run's articles
HISTORY = 5


def stat_keys(envelope: Any) -> list[str]:
    """The stats an envelope adds to (none for anything but an article)."""
    if not isinstance(envelope, dict) or envelope.get("kind") != "article" or not isinstance(envelope.get("record"), dict):
        return []
    record = envelope["record"]
    keys = [f"{PREFIX}extractor/{record.get('extractor') or 'unknown'}"]
    keys += [f"{PREFIX}articles_without/{f}" for f in FIELDS if not record.get(f)]
    quality = record.get("quality")
    if isinstance(quality, str):
        try:
            quality = json.loads(quality)
        except ValueError:
            quality = {}
    missed = quality.get("selectors_missed", []) if isinstance(quality, dict) else []
    keys += [f"{PREFIX}selector_missed/{name}" for name in missed if isinstance(name, str)]
    return keys


def _by(stats: Mapping[str, Any], group: str) -> dict[str, int]:
    head = f"{PREFIX}{group}/"
    return {k[len(head):]: int(v) for k, v in stats.items() if k.startswith(head)}


def _shares(stats: Mapping[str, Any]) -> dict[str, float] | None:
    articles = sum(_by(stats, "extractor").values())
    if articles < MIN_ARTICLES:
        return None
    without = _by(stats, "articles_without")
    return {f: without.get(f, 0) / articles for f in FIELDS}


def recent_stats(archive, run_id: int) -> list[dict]:
    """The stats of the last finished runs before this one with the same options (same profile and origin)."""
    rows = archive.conn.execute(
        "SELECT stats FROM crawl_runs WHERE id < ? AND status = 'finished' AND stats IS NOT NULL AND options IS "
        "(SELECT options FROM crawl_runs WHERE id = ?) ORDER BY id DESC LIMIT ?", [run_id, run_id, HISTORY]).fetchall()
    out = []
    for (text,) in rows:
        try:
            out.append(json.loads(text))
        except ValueError:
            continue
    return out


def judge(stats: Mapping[str, Any], earlier: list[Mapping[str, Any]], selectors: Mapping[str, str]) -> dict[str, Any]:
    """The run's drift verdict: ``alert`` (bool), ``reasons`` (sentences), ``selectors`` that matched nothing
    (``{"selector": "2020:body", "css": "div.article-content", "pages": 101}``, most missed first), and the
    figures it was judged on. ``selectors`` maps ``generation:field`` and ``list:field`` names to their CSS."""
    extractors = _by(stats, "extractor")
    articles = sum(extractors.values())
    reasons: list[str] = []
    named: dict[str, int] = {}
    generic = extractors.get("generic", 0)
    if articles >= MIN_ARTICLES and generic / articles > GENERIC_SHARE:
        reasons.append(f"{generic} of {articles} articles fell to the generic extractor")
    shares = _shares(stats)
    usual = [s for s in map(_shares, earlier) if s is not None]
    if shares is not None and len(usual) >= 2:
        for f in FIELDS:
            median = statistics.median(s[f] for s in usual)
            if shares[f] - median >= JUMP:
                reasons.append(f"{shares[f]:.0%} of the articles have no {f}, against {median:.0%} in recent runs")
    if reasons:
        for name, count in _by(stats, "selector_missed").items():
            if count >= max(1, NAMED_SHARE * articles):
                named[name] = count
    by_scheme = int(stats.get(f"{PREFIX}lists_selectors_missed", 0))
    by_selectors = int(stats.get(f"{PREFIX}lists_by_selectors", 0))
    if by_scheme and by_scheme >= by_selectors:
        reasons.append(f"the list selectors found no article on {by_scheme} of {by_scheme + by_selectors} list pages "
                       "(read by URL scheme instead)")
        for name in ("list:item", "list:link", "list:next"):
            named.setdefault(name, by_scheme)
    found = [{"selector": name, "css": selectors.get(name), "pages": count}
             for name, count in sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {"alert": bool(reasons), "reasons": reasons, "selectors": found, "articles": articles,
            "extractors": extractors, "without": _by(stats, "articles_without"),
            "discovered_by": _by(stats, "discovered_by")}


def message(verdict: Mapping[str, Any]) -> str:
    """One sentence for the operator: why, and which selectors to fix (each CSS once)."""
    seen: dict[str, list[str]] = {}
    for s in verdict.get("selectors", ()):
        seen.setdefault(s.get("css") or "?", []).append(f"{s['selector']} ({s['pages']} pages)")
    names = "; ".join(f"`{css}` = {', '.join(where)}" for css, where in seen.items())
    text = "template drift: " + "; ".join(verdict.get("reasons", ()))
    return text + (f". Selectors that matched nothing: {names}" if names else "")
