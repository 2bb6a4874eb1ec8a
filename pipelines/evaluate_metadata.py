"""Scoring metadata (dates, authors, editor, source) against hand labels, beside the body scoring of ``evaluate``.

A label file maps a page's file name to what a person read on the page::

    {"<file>": {"published_at": "YYYY-MM-DD[ HH:MM[:SS]]" | null, "updated_at": ... , "authors": [..],
                "editor": str | null, "source": str | null, "note": ...}}

Each field is scored where the label states it (a date *to the day*, authors as the exact list in page order, editor
as the same names whatever joins them, source exactly), so that the figures answer "when the page shows it, do we get it right?"; what an extractor
states where the label has nothing is counted apart as ``spurious``. A *metadata extractor* is any callable
``(html: bytes) -> dict`` with those keys, so baselines (trafilatura, htmldate) are scored by the same code.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.evaluate import RunTotals

MetadataExtractor = Callable[[bytes], dict]
FIELDS = ("published_at", "updated_at", "authors", "editor", "source")
_SPACE = re.compile(r"\s+")


def load_labels(path: str | Path) -> dict[str, dict]:
    """The labels of a file, by page name; a file that is no such mapping raises ValueError."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"{path}: expected an object of page name -> labels")
    return data


def _day(value: str | None) -> str | None:
    return value[:10] if value else None


def _text(value: str | None) -> str | None:
    value = _SPACE.sub(" ", value).strip() if value else None
    return value or None


def _editors(value: str | None) -> list[str] | None:
    return [n for n in re.split(r"[、，,\s]+", value) if n] or None if value else None


def _names(value) -> list[str]:
    return [_SPACE.sub(" ", n).strip() for n in (value or []) if n and n.strip()]


@dataclass
class FieldScore:
    """One field on one page: whether the label states it, whether we said something, and whether it was right."""

    labelled: bool
    stated: bool
    right: bool


@dataclass
class MetadataDoc:
    name: str
    fields: dict[str, FieldScore] = field(default_factory=dict)
    got: dict = field(default_factory=dict)
    want: dict = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


def score_fields(got: dict, want: dict) -> dict[str, FieldScore]:
    """Field by field: dates to the day, authors as the exact list, editor and source exactly (spaces normalised)."""
    out = {}
    for name in FIELDS:
        if name in ("published_at", "updated_at"):
            ours, theirs = _day(got.get(name)), _day(want.get(name))
        elif name == "authors":
            ours, theirs = _names(got.get(name)) or None, _names(want.get(name)) or None
        elif name == "editor":  # two editors are `劉威 楊倩` as shown or `劉威、楊倩` as stored: the same people
            ours, theirs = _editors(got.get(name)), _editors(want.get(name))
        else:
            ours, theirs = _text(got.get(name)), _text(want.get(name))
        out[name] = FieldScore(theirs is not None, ours is not None, theirs is not None and ours == theirs)
    return out


@dataclass
class MetadataReport(RunTotals):
    extractor: str
    docs: list[MetadataDoc]
    fields: tuple[str, ...] = FIELDS

    def labelled(self, name: str) -> int:
        return sum(d.fields[name].labelled for d in self.docs if name in d.fields)

    def right(self, name: str) -> int:
        return sum(d.fields[name].right for d in self.docs if name in d.fields)

    def spurious(self, name: str) -> int:
        """Pages where the label states nothing for the field but the extractor did."""
        return sum(d.fields[name].stated and not d.fields[name].labelled for d in self.docs if name in d.fields)

    def accuracy(self, name: str) -> float:
        n = self.labelled(name)
        return self.right(name) / n if n else 0.0

    def misses(self, name: str) -> list[MetadataDoc]:
        return [d for d in self.docs if name in d.fields and d.fields[name].labelled and not d.fields[name].right]

    def summary(self) -> dict:
        return {
            "extractor": self.extractor,
            "documents": len(self.docs),
            **{name: {"labelled": self.labelled(name), "right": self.right(name),
                      "accuracy": round(self.accuracy(name), 4), "spurious": self.spurious(name)}
               for name in self.fields},
            "errors": self.errors,
            "docs_per_s": round(self.docs_per_second, 1),
        }


def evaluate_metadata(pairs: Sequence, labels: dict[str, dict], extractor: MetadataExtractor, name: str,
                      fields: tuple[str, ...] = FIELDS) -> MetadataReport:
    """Score ``extractor`` on every labelled page of ``pairs`` (``evaluate.Pair``s); an exception is the page's
    error, scored as stating nothing. ``fields`` limits the report to what the extractor can state."""
    docs = []
    for pair in pairs:
        want = labels.get(pair.name, labels.get(pair.name.removesuffix(".html")))  # labels may name the page's stem
        if want is None:
            continue
        start = time.perf_counter()
        try:
            got, error = extractor(pair.html) or {}, None
        except Exception as exc:  # noqa: BLE001 - scoring must survive any extractor
            got, error = {}, f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - start
        scored = {k: v for k, v in score_fields(got, want).items() if k in fields}
        docs.append(MetadataDoc(pair.name, scored, got, want, error, seconds))
    return MetadataReport(name, docs, fields)


def split_stored_names(value: str | None) -> list[str]:
    """The names of a stored ``author`` field (joined by 、)."""
    return [n for n in (value or "").split("、") if n]


def clean_page_metadata(html: bytes) -> dict:
    """What the archive would store for the page (``pipelines.clean.clean_page``)."""
    from pipelines.clean import clean_page

    article = clean_page(html, url=None, profile=None).article
    if article is None:
        return {}
    return {"published_at": article.published_at, "updated_at": article.updated_at,
            "authors": split_stored_names(article.author), "editor": article.editor, "source": article.source}


def trafilatura_metadata(html: bytes) -> dict:
    """trafilatura's metadata (its date is htmldate's; ``sitename`` stands in for the source). Dev-only baseline."""
    import trafilatura

    meta = trafilatura.extract_metadata(html.decode("utf-8", errors="replace"))
    if meta is None:
        return {}
    authors = [a.strip() for a in re.split(r";|,|、", meta.author or "") if a.strip()]
    return {"published_at": meta.date, "authors": authors, "source": meta.sitename}


def htmldate_metadata(html: bytes) -> dict:
    """htmldate alone, as trafilatura's documentation recommends it for dates (original date, extensive search)."""
    from htmldate import find_date

    return {"published_at": find_date(html.decode("utf-8", errors="replace"), original_date=True,
                                      extensive_search=True)}


METADATA_EXTRACTORS: dict[str, tuple[str, MetadataExtractor, tuple[str, ...]]] = {
    "ours": ("ours (pipelines.clean.clean_page)", clean_page_metadata, FIELDS),
    "trafilatura": ("trafilatura", trafilatura_metadata, ("published_at", "authors", "source")),
    "htmldate": ("htmldate", htmldate_metadata, ("published_at",)),
}
"""Metadata extractors by name: (label, extractor, the fields it can state). readability states none."""
