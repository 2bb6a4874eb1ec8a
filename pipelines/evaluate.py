"""Scoring extraction against hand-made references, the way published extractor comparisons score it.

A reference directory holds ``html/NAME`` (the page) and ``reference/NAME`` (the article as ``<p>`` paragraphs:
the first is the headline, the rest the body), as in the DAnIEL Chinese dev set. Each body is scored by
character precision, recall and F1 over the multiset of its non-whitespace characters (bag of characters, so
paragraph splits and spacing do not matter), averaged per document: a long page then weighs no more than a short
one. Boilerplate that survives into a body is counted by kind, since a high F1 can still hide a 责任编辑 line.

An *extractor* is any callable ``(html: bytes) -> (title, paragraphs)``, so baselines (readability-lxml,
trafilatura) are scored by the very same code as ours.
"""

from __future__ import annotations

import gzip
import html as htmllib
import importlib
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Extractor = Callable[[bytes], tuple[str | None, Sequence[str]]]

LEAK_PATTERNS: dict[str, re.Pattern] = {
    # Why each pattern is anchored to a short line or a bracket: the same words occur in real reporting
    # (an article about 版权 law, a 编辑 interviewed), which is not boilerplate.
    "editor": re.compile(r"^\W{0,3}(责任编辑|责编|编辑|编审|值班编辑|編輯|責任編輯)\s*[:：]|[(（\[【]\s*(责任编辑|责编|编辑|編輯|責任編輯)\s*[:：]"
                         r"|[(（\[【][^)）\]】]{0,20}(责任编辑|责编|编辑|編輯|責任編輯)\s*[)）\]】]\W*$"),
    "copyright": re.compile(
        r"版权所有|版权声明|免责声明|版权归.{0,12}所有|Copyright|All rights reserved|©|"
        r"未经.{0,20}(授权|许可|同意).{0,12}(不得|禁止).{0,6}(转载|复制|使用)",
        re.IGNORECASE,
    ),
    "related": re.compile(r"^\W{0,3}(相关新闻|相关阅读|相关推荐|相关文章|相关链接|相关报道|延伸阅读|热点推荐|热门推荐)"),
    "prev_next": re.compile(r"(上一篇|下一篇)\s*[:：]?"),
    "share": re.compile(r"分享到|扫一扫|扫描二维码|一键分享"),
    "icp": re.compile(r"ICP\s*(备|证)|[京沪粤渝川浙苏]ICP"),
}
"""Boilerplate kinds counted in extracted bodies. A match whose text the reference body also holds is not a leak."""


@dataclass(frozen=True)
class Pair:
    name: str
    html: bytes
    title: str
    body: list[str]


@dataclass
class DocScore:
    name: str
    precision: float
    recall: float
    f1: float
    title_ok: bool
    leaks: Counter = field(default_factory=Counter)
    empty: bool = False
    error: str | None = None
    seconds: float = 0.0


class RunTotals:
    """What every report over timed documents (``docs``, each with ``error`` and ``seconds``) counts alike."""

    docs: list

    @property
    def errors(self) -> int:
        return sum(d.error is not None for d in self.docs)

    @property
    def docs_per_second(self) -> float:
        """Documents per second of extraction time alone (scoring is not the extractor's cost)."""
        spent = sum(d.seconds for d in self.docs)
        return len(self.docs) / spent if spent > 0 else 0.0


@dataclass
class Report(RunTotals):
    """Per-document averages over a directory, and the documents themselves for drill-down."""

    extractor: str
    docs: list[DocScore]

    @property
    def precision(self) -> float:
        return _mean(d.precision for d in self.docs)

    @property
    def recall(self) -> float:
        return _mean(d.recall for d in self.docs)

    @property
    def f1(self) -> float:
        return _mean(d.f1 for d in self.docs)

    @property
    def title_accuracy(self) -> float:
        return _mean(float(d.title_ok) for d in self.docs)

    @property
    def leaks(self) -> Counter:
        total: Counter = Counter()
        for doc in self.docs:
            total.update(doc.leaks)
        return total

    @property
    def empty(self) -> int:
        return sum(d.empty for d in self.docs)

    def worst(self, n: int) -> list[DocScore]:
        return sorted(self.docs, key=lambda d: d.f1)[:n]

    def summary(self) -> dict:
        return {
            "extractor": self.extractor,
            "documents": len(self.docs),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "title_accuracy": round(self.title_accuracy, 4),
            "leaks": dict(sorted(self.leaks.items())),
            "empty": self.empty,
            "errors": self.errors,
            "docs_per_s": round(self.docs_per_second, 1),
        }


_P = re.compile(r"<p\b[^>]*>(.*?)</p>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def parse_reference(text: str) -> tuple[str, list[str]]:
    """(headline, body paragraphs) of a reference file."""
    paragraphs = [htmllib.unescape(_TAG.sub("", p)).strip() for p in _P.findall(text)]
    paragraphs = [p for p in paragraphs if p]
    return (paragraphs[0] if paragraphs else ""), paragraphs[1:]


def load_pairs(directory: str | Path) -> list[Pair]:
    """The (html, reference) pairs of a directory, sorted by name; files without a partner are ignored. A page
    stored gzipped (``html/NAME.gz``, large pages kept in the repository) pairs with ``reference/NAME``."""
    root = Path(directory)
    pairs = []
    for page in sorted((root / "html").glob("*")):
        name = page.name[:-3] if page.name.endswith(".gz") else page.name
        reference = root / "reference" / name
        if not page.is_file() or not reference.is_file():
            continue
        title, body = parse_reference(reference.read_text(encoding="utf-8", errors="replace"))
        data = page.read_bytes()
        pairs.append(Pair(name, gzip.decompress(data) if page.name.endswith(".gz") else data, title, body))
    return pairs


def _chars(text: str) -> Counter:
    return Counter(_SPACE.sub("", text))


def char_scores(ours: str, reference: str) -> tuple[float, float, float]:
    """Bag-of-characters precision, recall and F1; two empty texts agree perfectly."""
    got, want = _chars(ours), _chars(reference)
    if not got and not want:
        return 1.0, 1.0, 1.0
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def find_leaks(paragraphs: Sequence[str], reference: Sequence[str] = ()) -> Counter:
    """Boilerplate paragraphs by kind; a paragraph the reference body keeps as it is does not count."""
    kept = {_SPACE.sub("", p) for p in reference}
    leaks: Counter = Counter()
    for paragraph in paragraphs:
        if _SPACE.sub("", paragraph) in kept:
            continue
        for kind, pattern in LEAK_PATTERNS.items():
            if pattern.search(paragraph):
                leaks[kind] += 1
    return leaks


def _same_title(ours: str | None, reference: str) -> bool:
    return bool(ours) and _SPACE.sub("", ours) == _SPACE.sub("", reference)


def score_document(pair: Pair, extractor: Extractor) -> DocScore:
    """Run one extractor on one page; an exception is recorded as the document's error, not raised."""
    start = time.perf_counter()
    try:
        title, paragraphs = extractor(pair.html)
    except Exception as exc:  # noqa: BLE001 - scoring must survive any extractor
        return DocScore(pair.name, 0.0, 0.0, 0.0, False, empty=True, error=f"{type(exc).__name__}: {exc}",
                        seconds=time.perf_counter() - start)
    seconds = time.perf_counter() - start
    paragraphs = [p for p in paragraphs if p and p.strip()]
    precision, recall, f1 = char_scores("".join(paragraphs), "".join(pair.body))
    return DocScore(pair.name, precision, recall, f1, _same_title(title, pair.title),
                    leaks=find_leaks(paragraphs, pair.body), empty=not paragraphs, seconds=seconds)


def evaluate(directory: str | Path, extractor: Extractor | None = None, name: str | None = None,
             pairs: Sequence[Pair] | None = None) -> Report:
    """Score ``extractor`` (default: :func:`default_extractor`) over every pair of ``directory``."""
    if extractor is None:
        name, extractor = default_extractor()
    pairs = load_pairs(directory) if pairs is None else pairs
    docs = [score_document(pair, extractor) for pair in pairs]
    return Report(name or getattr(extractor, "__name__", "extractor"), docs)


def generic_extractor(html: bytes) -> tuple[str | None, list[str]]:
    """The generic extractor alone."""
    from pipelines.extract.generic import extract_generic

    result = extract_generic(html)
    return result.title, result.paragraphs


def clean_page_extractor(html: bytes) -> tuple[str | None, list[str]]:
    """The whole cleaning path (decode, extract, repair, boilerplate): what the archive would store."""
    from pipelines.clean import clean_page

    outcome = clean_page(html, url=None, profile=None)
    article = getattr(outcome, "article", None)
    if article is None:
        return None, []
    return article.title, [line for line in (article.body or "").split("\n") if line.strip()]


def readability_extractor(html: bytes) -> tuple[str | None, list[str]]:
    """readability-lxml, its summary read as lines. A dev-only baseline (the ``bench`` extra), imported lazily:
    nothing in the cleaning path calls it."""
    import lxml.html
    from readability import Document

    document = Document(html.decode("utf-8", errors="replace"))
    summary = lxml.html.fromstring(document.summary(html_partial=True))
    return document.short_title(), summary.text_content().split("\n")


def trafilatura_extractor(html: bytes) -> tuple[str | None, list[str]]:
    """trafilatura with its defaults; a dev-only baseline like :func:`readability_extractor`."""
    import trafilatura

    text = html.decode("utf-8", errors="replace")
    title = getattr(trafilatura.extract_metadata(text), "title", None)
    return title, (trafilatura.extract(text) or "").split("\n")


def default_extractor() -> tuple[str, Extractor]:
    """The full cleaning path when ``pipelines.clean`` exists and runs, else the generic extractor alone."""
    try:
        clean_page_extractor("<html><body><h1>测试</h1><p>这是一个测试。</p></body></html>".encode())
    except Exception:  # noqa: BLE001 - a missing or broken clean path selects the fallback
        return "generic", generic_extractor
    return "ours (pipelines.clean.clean_page)", clean_page_extractor


EXTRACTOR_NAMES = ("ours", "generic", "readability", "trafilatura")
_BASELINES = {"readability": ("readability", readability_extractor),
              "trafilatura": ("trafilatura", trafilatura_extractor)}


def extractor_named(name: str) -> tuple[str, Extractor]:
    """(label, extractor) for one of :data:`EXTRACTOR_NAMES`. A baseline that is not installed raises
    ImportError here, before any page is scored."""
    if name == "ours":
        return default_extractor()
    if name == "generic":
        return "generic", generic_extractor
    module, extractor = _BASELINES[name]
    importlib.import_module(module)
    return name, extractor


BASELINE_NAMES = tuple(_BASELINES)


def compare(directory: str | Path, names: Sequence[str], pairs: Sequence[Pair] | None = None) -> list[Report | str]:
    """Score several extractors on the same pairs in one run, in the order given: a :class:`Report` each, or for
    a baseline that is not installed a one-line note in its place (so a comparison still runs without the bench
    extra). ``ours`` falling back to the generic extractor is scored once."""
    pairs = load_pairs(directory) if pairs is None else pairs
    out: list[Report | str] = []
    labels = set()
    for name in names:
        try:
            label, extractor = extractor_named(name)
        except ImportError as exc:
            out.append(f"{name}: not installed ({exc})")
            continue
        if label in labels:
            continue
        labels.add(label)
        out.append(evaluate(directory, extractor, label, pairs=pairs))
    return out


def median_docs_per_second(directory: str | Path, extractor: Extractor, passes: int = 3,
                           pairs: Sequence[Pair] | None = None) -> float:
    """Throughput over several timed passes (the median, so one noisy pass on a shared machine does not count)."""
    pairs = load_pairs(directory) if pairs is None else pairs
    rates = []
    for _ in range(passes):
        start = time.perf_counter()
        for pair in pairs:
            try:
                extractor(pair.html)
            except Exception:  # noqa: BLE001 - a failing page still costs its time
                pass
        rates.append(len(pairs) / max(time.perf_counter() - start, 1e-9))
    return statistics.median(rates)


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
