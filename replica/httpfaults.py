"""Issue 6's fault mode: the ways servers and links misbehave, served deterministically per URL.

Each faulty path has one fault. *Transient* faults fail the first ``attempts`` requests for that path and then
serve the page, so a crawler that retries finishes; *permanent* faults never serve it, and the truth marks those
articles ``broken`` (a sound crawl records them as failures, with the reason). ``plan()`` (``/_truth/faults.json``)
lists every faulty path. Attempt counters live as long as the server, and ``/_truth/reset`` leaves them alone.

Besides per-URL faults, every page links to traps a crawler must not follow (other ports and hosts, other
schemes, an endless calendar) and to its neighbours again with tracking parameters (``?utm_source=…&spm=…``).
"""

from __future__ import annotations

import random
import re
import socket
import struct
import threading
import zlib
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from functools import cache

from replica.html import document, link
from replica.model import Page

TRANSIENT = ("flaky_5xx", "rate_limited", "reset", "hang", "truncated", "wrong_length")
PERMANENT = ("always_5xx", "gzip_bomb", "oversize", "binary_junk", "redirect_loop")
SHARE = {**{k: 0.02 for k in TRANSIENT}, **{k: 0.01 for k in PERMANENT}}
BOMB_BYTES = 120 * 1024 * 1024
OVERSIZE_BYTES = 12 * 1024 * 1024
TRACKING = "utm_source=wechat&utm_medium=social&utm_campaign=share&spm=a2h0c.8166622.news.d_title"
CALENDAR_RE = re.compile(r"^/list/(\d+)/calendar/(\d{4}-\d\d-\d\d)\.html$")
CALENDAR_START = date(2026, 5, 14)
OFFSITE = (
    "http://127.0.0.1:1/show/705-1.html",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "javascript:void(0)",
    "mailto:news@cbg.cn",
    "ftp://127.0.0.1/pub/",
    "//evil.example.invalid/a.html",
)
LIST_ITEM = re.compile(rb"(?<=<ul class=\"news-list\">\n)<li>.*?</li>\n|(?<=<div class=\"list_news\"><ul>\n)<li>.*?</li>\n")
TAIL_MARKERS = (b'class="related"', b'class="recommend"', b'class="right_news"')
NEIGHBOUR_HREF = re.compile(rb'href="(/(?:show|a|hotnews|html)/[^"?]+\.s?html)"')


def _tracked(html: bytes) -> bytes:
    """Every article link in ``html`` with share-tracking parameters appended: same page, another URL."""
    query = TRACKING.replace("&", "&amp;").encode()
    return NEIGHBOUR_HREF.sub(lambda m: b'href="' + m.group(1) + b"?" + query + b'"', html)


@cache
def gzip_bomb() -> bytes:
    """About 120 KB of gzip that inflates to 120 MB of spaces: a client must cap decompressed size."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b" " * (1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(BOMB_BYTES // len(chunk))) + packer.flush()


def _junk(path: str, size: int = 64 * 1024) -> bytes:
    rng = random.Random(path)
    return bytes(rng.getrandbits(8) for _ in range(size))


class HttpFaults:
    """The fault plan for one replica and the behaviour behind it."""

    def __init__(self, replica, seed: int, hang_seconds: float = 30.0):
        self.replica = replica
        self.hang_seconds = hang_seconds
        self._attempts: Counter = Counter()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._decorated: dict[str, Page] = {}
        self.faults = self._plan(seed)

    # -- the plan ------------------------------------------------------------------------------------------------
    def _plan(self, seed: int) -> dict[str, tuple[str, int]]:
        rng = random.Random(f"httpfaults:{seed}")
        articles = [e for e in self.replica.entries if e.kind == "article" and not e.faults]
        rng.shuffle(articles)
        plan: dict[str, tuple[str, int]] = {}
        for name in TRANSIENT + PERMANENT:
            for _ in range(max(1, round(len(articles) * SHARE[name] / max(1, len(self.replica.sites))))):
                if not articles:
                    break
                entry = articles.pop()
                attempts = rng.randint(1, 2) if name == "flaky_5xx" else 1
                plan[entry.path] = (name, attempts if name in TRANSIENT else 0)
        for site in self.replica.sites:
            starts = site.start_paths
            plan[starts[1 % len(starts)]] = ("flaky_5xx", 1)
            plan[starts[2 % len(starts)]] = ("rate_limited", 1)
        return plan

    def plan(self) -> dict:
        return {
            path: {"fault": name, "attempts": attempts, "permanent": name in PERMANENT}
            for path, (name, attempts) in sorted(self.faults.items())
        }

    def annotate(self, records: list[dict]) -> None:
        for record in records:
            name, _ = self.faults.get(record["path"], (None, 0))
            record["http_faults"] = [name] if name else []
            record["broken"] = name in PERMANENT

    def release(self) -> None:
        """End every hanging response at once (the server is stopping)."""
        self._released.set()

    # -- serving -------------------------------------------------------------------------------------------------
    def respond(self, handler, path: str) -> None:
        match = CALENDAR_RE.match(path)
        if match:
            return handler.respond_page(self._calendar(match.group(1), match.group(2)))
        name, attempts = self.faults.get(path, (None, 0))
        with self._lock:
            attempt = self._attempts[path]
            self._attempts[path] += 1
        if name is None or (name in TRANSIENT and attempt >= attempts):
            return handler.respond_page(self._decorate(path))
        getattr(self, "_" + name)(handler, path, attempt)

    def _decorate(self, path: str) -> Page:
        """The normal page plus the traps: off-site links, tracking-parameter duplicates, the endless calendar."""
        page = self._decorated.get(path)
        if page is not None:
            return page
        page = self.replica.page(path)
        body = page.body
        if page.kind in ("list", "article") and body.endswith(b"</body>\n</html>\n"):
            cut = min((body.find(m) for m in TAIL_MARKERS if m in body), default=len(body))
            body = body[:cut] + _tracked(body[cut:])
            first = LIST_ITEM.search(body)
            if first:  # the list's first story again, "pinned", under a tracking URL
                body = body[: first.start()] + _tracked(first.group(0)) + body[first.start() :]
            traps = " ".join(link(href, f"link{i}") for i, href in enumerate(OFFSITE))
            m = re.match(r"^/list/(\d+)/1\.html$", path)
            if m:
                traps += " " + link(f"/list/{m.group(1)}/calendar/{CALENDAR_START}.html", "calendar", class_="calendar")
            end = body.rindex(b"</body>")
            body = body[:end] + f'<div class="partners">{traps}</div>\n'.encode() + body[end:]
        page = replace(page, body=body)
        self._decorated[path] = page
        return page

    def _calendar(self, catid: str, day: str) -> Page:
        """A day's archive that always links the day before: pagination without end for a link-following crawler."""
        try:
            previous = date.fromisoformat(day) - timedelta(days=1)
        except (ValueError, OverflowError):
            return self.replica.page("/no-such-day")
        nav = link(f"/list/{catid}/calendar/{previous}.html", "前一天", class_="next")
        body = f'<ul class="news-list">\n</ul>\n<div class="pages">{nav}</div>\n'
        html = document(title=f"{day}_视界网", charset_meta='<meta charset="utf-8">', body=body)
        return Page(200, "text/html; charset=utf-8", html.encode(), "trap")

    def _kind(self, path: str) -> str:
        return self.replica.page(path).kind

    # -- the faults (one method per name) ------------------------------------------------------------------------
    def _flaky_5xx(self, handler, path, attempt):
        status = (503, 502, 500, 504)[attempt % 4]
        handler.record(self._kind(path), status)
        handler.send_raw(status, [("Content-Type", "text/html"), ("Content-Length", "0")], b"")

    def _always_5xx(self, handler, path, attempt):
        self._flaky_5xx(handler, path, 2)

    def _rate_limited(self, handler, path, attempt):
        handler.record(self._kind(path), 429)
        handler.send_raw(429, [("Retry-After", "1"), ("Content-Type", "text/plain"), ("Content-Length", "0")], b"")

    def _reset(self, handler, path, attempt):
        """Close with RST before any byte of the answer."""
        handler.record(self._kind(path), "reset")
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()  # the descriptor closes, with RST, once the handler drops its file objects
        handler.close_connection = True

    def _hang(self, handler, path, attempt):
        """Headers and a first chunk, then silence for ``hang_seconds`` (bounded), then a closed connection."""
        page = self.replica.page(path)
        handler.record(self._kind(path), "hang")
        handler.send_raw(200, [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))], b"")
        handler.wfile.write(page.body[:512])
        handler.wfile.flush()
        self._released.wait(self.hang_seconds)
        handler.close_connection = True

    def _truncated(self, handler, path, attempt):
        page = self.replica.page(path)
        handler.record(self._kind(path), "truncated")
        headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))]
        handler.send_raw(200, headers, page.body[: len(page.body) // 2])
        handler.close_connection = True

    def _wrong_length(self, handler, path, attempt):
        page = self.replica.page(path)
        handler.record(self._kind(path), "wrong_length")
        headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body) + 1000))]
        handler.send_raw(200, headers, page.body)
        handler.close_connection = True

    def _gzip_bomb(self, handler, path, attempt):
        bomb = gzip_bomb()
        handler.record(self._kind(path), "gzip_bomb")
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"), ("Content-Length", str(len(bomb)))]
        handler.send_raw(200, headers, bomb)

    def _oversize(self, handler, path, attempt):
        page = self.replica.page(path)
        pad = b"<!-- " + b"x" * (OVERSIZE_BYTES - len(page.body)) + b" -->\n"
        body = page.body.replace(b"</body>", pad + b"</body>", 1)
        handler.record(self._kind(path), "oversize")
        handler.send_raw(200, [("Content-Type", page.content_type), ("Content-Length", str(len(body)))], body)

    def _binary_junk(self, handler, path, attempt):
        body = _junk(path)
        handler.record(self._kind(path), "binary_junk")
        handler.send_raw(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], body)

    def _redirect_loop(self, handler, path, attempt):
        """A 302 to the same path with ``?loop=1``, which redirects back: a cycle of two URLs."""
        target = path if "loop=1" in handler.path else path + "?loop=1"
        handler.record(self._kind(path), 302)
        handler.send_raw(302, [("Location", target), ("Content-Length", "0")], b"")
