"""``clean_page``: the one function that turns a fetched page or an extracted text into a clean article record.

The crawl, ``newsarchive clean``, ``import`` and ``reprocess`` all call it, so a record means the same thing
whichever way it entered the archive. It never raises: a page it cannot handle becomes ``Outcome(kind="failed")``
with the stage and the reason, and a page that is no article becomes ``Outcome(kind="skipped")``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field, fields

from pipelines import boilerplate, markup_limits, mirror, pagekind
from pipelines.decode import decode
from pipelines.extract import Extracted, extract
from pipelines.input_size import MAX_INPUT_BYTES
from pipelines.metadata.declared import declared_authors, declared_sites, wechat_account
from pipelines.metadata.korean_byline import korean_byline
from pipelines.metadata.latin_byline import latin_byline
from pipelines.metadata.people import HAN
from pipelines.metadata import (
    Page,
    agency_tag,
    byline,
    byline_in,
    choose_dates,
    clean_source,
    clean_title,
    editor_name,
    header_value,
    headline,
    join_names,
    label_value,
    parse_datetime,
    section_from_crumbs,
    unlabelled_source,
    updated_datetime,
    url_year,
)
from pipelines.profile import profile_for_text, profile_for_url
from pipelines.repair import Explanation, RepairConfig, repair_segments
from pipelines.urls import article_id, canonical_url, url_path

_HTML_SIGN = re.compile(r"<(?:!doctype|html|head|body|div|p|br|table|article|meta|title|span|a|h1)\b[^>]*>", re.I)
_HEADER_FIELDS = ("title", "time_text", "source_text", "author_text", "editor_text", "header_text")


@dataclass
class Article:
    id: str
    url: str | None
    canonical_url: str | None
    site: str | None
    section: str | None
    title: str | None
    published_at: str | None
    updated_at: str | None
    source: str | None
    author: str | None
    editor: str | None
    body: str
    images: list[str] = field(default_factory=list)
    extractor: str = "generic"
    mirror_of: str | None = None
    quality: dict = field(default_factory=dict)

    def as_record(self) -> dict:
        """The row stored in SQLite: lists and ``quality`` as JSON text. (Field by field: ``asdict`` deep-copies
        ``quality`` only for it to become text, which cost bulk work's single writer a quarter of a millisecond.)"""
        record = {name: getattr(self, name) for name in _ARTICLE_FIELDS}
        record["images"] = json.dumps(self.images, ensure_ascii=False)
        record["quality"] = json.dumps(self.quality, ensure_ascii=False, sort_keys=True)
        return record


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


@dataclass
class Outcome:
    kind: str  # "article" | "skipped" | "failed"
    reason: str | None = None
    article: Article | None = None


class _Failure(Exception):
    """A document the pipeline cannot handle, with a message for the record (not a bug)."""


def _decode(data: bytes | str, content_type: str | None):
    if isinstance(data, str):
        return data, None
    if len(data) > MAX_INPUT_BYTES:
        raise _Failure(f"input too large ({len(data)} bytes, limit {MAX_INPUT_BYTES})")
    decoded = decode(bytes(data), content_type)
    if decoded.looks_binary:
        raise _Failure("not text (binary data)")
    return decoded.text, decoded.evidence()


def _input_kind(text: str, requested: str) -> str:
    if requested in ("html", "text"):
        return requested
    return "html" if _HTML_SIGN.search(text[:8192]) else "text"


def _check_text(text: str) -> None:
    if not text.strip():
        raise _Failure("empty input")


_LINE = re.compile(r"\r\n|\r|\n")
_SEPARATORS = "\x1c\x1d\x1e\x1f\x85\u2028\u2029"
_SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in _SEPARATORS)
"""What is stripped from a line's ends: whitespace, but not the controls and separators `str.strip` also takes."""


def _from_text(text: str) -> Extracted:
    """Already-extracted text (an import, the seed): one paragraph per non-blank line.

    Lines end at LF, CRLF and CR only. `str.splitlines` also ends them at C1 NEL (U+0085), U+2028, U+2029 and the
    file separators U+001C-001E: a NEL inside text is a cp1252 ellipsis misread (ftfy's C1 fixer brings it back),
    and the separators are the line-break fixer's to make LF, so they must reach the repair.
    """
    lines = (line.strip(_SPACES) for line in _LINE.split(text))
    return Extracted(paragraphs=[line for line in lines if line], extractor="text")


def _repair(extracted: Extracted, config, profile) -> Explanation:
    """Repair every text field in one call, so the document-level evidence (pinyin share, script) sees it all.

    A Simplified portal's Traditional text was converted by a mirror and goes back; a Traditional portal's text
    stays Traditional; for an unknown site the evidence decides (unless ``config`` says otherwise).
    """
    simplified_site = profile is not None and profile.simplified
    if config is None:
        config = RepairConfig(to_simplified=False if profile is not None and not profile.simplified else None)
    head = [getattr(extracted, name) or "" for name in _HEADER_FIELDS]
    lists = (extracted.breadcrumb, extracted.aside, extracted.paragraphs)
    repaired, explanation = repair_segments([*head, *(x for items in lists for x in items)], config, simplified_site)
    for name, value in zip(_HEADER_FIELDS, repaired):
        setattr(extracted, name, value or None)
    start = len(head)
    for name, items in zip(("breadcrumb", "aside", "paragraphs"), lists):
        setattr(extracted, name, repaired[start: start + len(items)])
        start += len(items)
    return explanation


def _confidence(encoding: dict | None, explanation: Explanation, extractor: str, body: str, signs: tuple) -> float:
    """How far to trust the record: the decoder's and the repairs' confidence, less for a generic extraction
    (no selector vouches for the body) and for a copy (a mirror may have altered what it copied)."""
    value = float((encoding or {}).get("confidence", 1.0)) * explanation.confidence(len(body))
    if extractor == "generic":
        value *= 0.9
    if signs:
        value *= 0.95
    return round(value, 2)


def clean_page(data: bytes | str, *, url: str | None = None, content_type: str | None = None, profile=None,
               input_kind: str = "auto", config=None) -> Outcome:
    """Decode, extract, repair, strip boilerplate, read metadata, detect mirrors and non-articles.

    ``profile`` defaults to the profile of the URL's host, or, for a foreign host whose path is a portal's article
    path (a mirror), that portal's. Given explicitly, it also vouches for the host (a crawl of the replica).
    """
    stage = "decode"
    try:
        text, encoding = _decode(data, content_type)
        _check_text(text)
        kind = _input_kind(text, input_kind)

        stage = "markup"  # before any parser: a page that would stall lxml is refused in linear time
        refused = markup_limits.problem(text) if kind == "html" else None
        if refused:
            raise _Failure(refused)

        stage = "extract"
        profile = profile or profile_for_url(url)
        original = None if profile is not None else mirror.original_of(url)
        profile = profile or (original[0] if original else None)
        extracted = extract(text, url, profile) if kind == "html" else _from_text(text)
        if extracted.extractor == "none":
            raise _Failure(extracted.reason or "unreadable document")

        stage = "repair"
        # As the page wrote them, to find them again in its HTML when dating it (repairs may change characters).
        raw_title, raw_paragraphs = extracted.title, extracted.paragraphs
        explanation = _repair(extracted, config, profile)
        if kind == "text":  # the line-break fixer made U+2028/U+2029 LF: they end paragraphs now
            extracted.paragraphs = [line for p in extracted.paragraphs for line in _from_text(p).paragraphs]

        stage = "boilerplate"
        # A copy without a URL (an imported text) still names its portal in the boilerplate it carried along.
        profile = profile or profile_for_text([*extracted.paragraphs, text if kind == "html" else ""])
        title = extracted.title
        title_is_spam = bool(title) and boilerplate.is_spam(title, profile)
        spam_title = title_is_spam or bool(extracted.page_title) and boilerplate.is_spam(extracted.page_title, profile)
        if title_is_spam:  # a mirror's keyword <title>: the headline is then the body's first line
            title = None
        stripped = boilerplate.strip(extracted.paragraphs, profile, title=title)
        if spam_title:
            stripped.removed["spam_title"] += 1
        paragraphs = stripped.paragraphs
        if not title:
            title = stripped.fields.get("title") or headline(paragraphs)
            if title and paragraphs and paragraphs[0] == title:
                paragraphs = paragraphs[1:]
        lead_names, paragraphs = _lead_byline(paragraphs)
        if lead_names:
            stripped.removed["byline"] += 1
        body = "\n".join(paragraphs)

        stage = "metadata"
        # What the body said first; then what the blocks the extractor left out said (a 责任编辑 block).
        fields = {**boilerplate.fields_of(extracted.aside), **stripped.fields}
        tz = _zone(profile, body)
        year = url_year(url)
        html = text if kind == "html" else None
        dates = choose_dates(Page(html=html, url=url, title=raw_title,
                                  paragraphs=raw_paragraphs, header_text=extracted.header_text, body_fields=fields,
                                  meta=extracted.meta), tz=tz)
        evidence = dict(dates.evidence)
        published_at = parse_datetime(extracted.time_text, year=year, tz=tz)
        updated_at = updated_datetime(extracted.time_text, year=year, tz=tz)
        evidence.update({k: "profile" for k, v in (("published_at", published_at), ("updated_at", updated_at)) if v})
        published_at, updated_at = published_at or dates.published_at, updated_at or dates.updated_at
        header_byline = _header_byline(extracted.header_text)
        body_byline = _body_byline(paragraphs)
        # Named by a label, then by a Chinese byline, then by another script's, then by what the page declares.
        chinese_byline = (header_byline or body_byline or [[]])[0]
        authors = (join_names(_field(extracted, fields, "author")) or "、".join(chinese_byline)
                   or "、".join(_other_authors(extracted, paragraphs, lead_names, html)) or None)
        match = profile.article_match(url_path(url)) if profile is not None else None
        section = (section_from_crumbs(extracted.breadcrumb) or fields.get("section")
                   or (profile.section_for(match[1].get("catid") or match[1].get("channel")) if match else None))

        stage = "mirror"
        found = mirror.detect(html, explanation, stripped.removed, original=original)

        stage = "pagekind"
        if extracted.page_kind != "article":
            return Outcome("skipped", extracted.reason or f"{extracted.page_kind} page")
        body_kind, reason = pagekind.body_kind(body, profile)
        if body_kind != "article":
            return Outcome("skipped", reason)

        removed = Counter(stripped.removed)
        removed.update({f"dom:{k}": v for k, v in extracted.dropped.items()})
        canonical = found.mirror_of or (canonical_url(url) if url else None)
        quality = {
            "encoding": encoding,
            "input": kind,
            "repairs": {k: v for k, v in explanation.items() if k != "lost"},
            "lost": explanation.lost,
            "boilerplate": dict(removed),
            "extractor": extracted.extractor,
            "dates": evidence,
            "mirror_of": found.mirror_of,
            "mirror_signs": list(found.signs),
            "repaired": explanation.repaired,
            "confidence": _confidence(encoding, explanation, extracted.extractor, body, found.signs),
        }
        if extracted.missed:  # only on drifting pages, so a healthy record's quality stays as it was
            quality["selectors_missed"] = extracted.missed
        article = Article(
            id=article_id(canonical) if canonical else _content_id(title, body),
            url=url,
            canonical_url=canonical,
            site=profile.site if profile is not None else None,
            section=section,
            title=clean_title(title, profile.title_suffixes if profile is not None else ()),
            published_at=published_at,
            updated_at=updated_at,
            source=clean_source(_field(extracted, fields, "source")) or (header_byline or (None, None))[1]
            or unlabelled_source(extracted.header_text) or (agency_tag(paragraphs[0]) if paragraphs else None)
            or (body_byline or (None, None))[1] or wechat_account(html),
            author=authors,
            editor=editor_name(_field(extracted, fields, "editor")),
            body=body,
            images=extracted.images,
            extractor=extracted.extractor,
            mirror_of=found.mirror_of,
            quality=quality,
        )
        return Outcome("article", None, article)
    except _Failure as exc:
        return Outcome("failed", f"{stage}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad document must never stop a crawl or an import
        return Outcome("failed", f"{stage}: {type(exc).__name__}: {exc}")


ZONE_SAMPLE_CHARS = 200


def _zone(profile, body: str) -> str | None:
    """The zone dates are read in: the profile's; for a page of no known site, China's when it is written in
    Chinese (a time it states in UTC is shown to its readers in Beijing time), else None (an offset the page
    states is kept: a New York paper's `20:03Z` is still the 6th there; ``pipelines.metadata.dates``)."""
    if profile is not None:
        return profile.timezone
    sample = body[:ZONE_SAMPLE_CHARS]
    letters = sum(map(str.isalpha, sample))
    return "+08:00" if letters and len(HAN.findall(sample)) * 2 > letters else None


def _field(extracted: Extracted, fields: dict, name: str) -> str | None:
    """A field from its own header element, else from the header line, else from a body line that stated it."""
    return (header_value(getattr(extracted, f"{name}_text"), name) or label_value(extracted.header_text, name)
            or fields.get(name))


_HEADER_TOKENS = 6


def _header_byline(header: str | None) -> tuple[list[str], str | None] | None:
    """A byline inside the header area (`2012-01-12 中國時報 石文南／台北報導`): the longest run of its words,
    from the earliest word, that is one."""
    tokens = (header or "").split()
    for i in range(len(tokens)):
        for j in range(min(len(tokens), i + _HEADER_TOKENS), i, -1):
            found = byline(" ".join(tokens[i:j]))
            if found and not (j < len(tokens) and tokens[j] in ("摄", "攝")):  # `快報記者 施向輝 攝`: a photo
                return found
    return None


def _body_byline(paragraphs: list[str]) -> tuple[list[str], str | None] | None:
    """A byline no label names, in the body: the lead's (`人民网北京12月15日电（记者 张帆）`), else a closing one
    (`…原因。（记者左娅）`, `…之一。编译/记者 林晨音 尹晓琳`)."""
    for paragraph in paragraphs[:3]:
        found = byline_in(paragraph, lead=True)
        if found:
            return found
    for paragraph in reversed(paragraphs[-3:]):
        found = byline_in(paragraph, tail=True)
        if found:
            return found
    return None


LEAD_BYLINE_CHARS = 100


def _other_authors(extracted: Extracted, paragraphs: list[str], lead_names: list[str], html: str | None) -> list[str]:
    """The authors of a page no Chinese byline names: an English or Korean byline, else what the page declares
    for machines (asked only when the cheaper readings found nobody)."""
    return (lead_names or latin_byline(extracted.header_text) or _korean_byline(extracted.header_text, paragraphs)
            or declared_authors(html, extracted.meta, declared_sites(extracted.meta, extracted.page_title, html)))


def _korean_byline(header: str | None, paragraphs: list[str]) -> list[str]:
    """A Korean page's `홍길동 기자`: under the headline, in the lead's dateline, or on a short closing line."""
    closing = paragraphs[-1] if paragraphs and len(paragraphs[-1]) <= LEAD_BYLINE_CHARS else None
    return korean_byline(header) or korean_byline(paragraphs[0] if paragraphs else None) or korean_byline(closing)


def _lead_byline(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """(names, the rest) when the body opens with a `By …` line of its own (an English page whose byline the
    extractor kept in the body), else ([], paragraphs)."""
    first = paragraphs[0] if paragraphs else ""
    if len(first) <= LEAD_BYLINE_CHARS and first.startswith(("By ", "BY ", "By:")):
        names = latin_byline(first)
        if names:
            return names, paragraphs[1:]
    return [], paragraphs


def _content_id(title: str | None, body: str) -> str:
    """The id of a text that came without a URL: derived from its content, so a re-import finds the same row."""
    return hashlib.sha1(f"{title or ''}\n{body}".encode("utf-8")).hexdigest()[:16]
