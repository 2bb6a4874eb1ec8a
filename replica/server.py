"""The replica's loopback HTTP server: ``serve()`` for tests, ``ReplicaServer`` for anything that needs control.

HTTP/1.1 with keep-alive and a thread per connection, over pages the ``Replica`` renders once and caches, so a
crawl is limited by the crawler and not by the server. Besides the site it answers ``/_truth/manifest.json``
(the truth records), ``/_truth/stats.json`` (requests counted by kind, so a test can see what a crawl fetched)
and ``/_truth/reset``. robots.txt forbids ``/_truth/``, and its requests are not counted.

A replica built with ``mirrors=True`` also gets a second loopback server, the spam mirror: it answers the mirror
copies at the portal's own paths (``mirror_url`` + path), as a real mirror on a foreign host does.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from replica.mirrors import MIRROR_BASE
from replica.model import ORIGIN, Page
from replica.site import Replica

CHINA = timezone(timedelta(hours=8))
STAT_KINDS = {"list": "list", "article": "article", "robots": "robots"}
# Pages whose absolute URLs are written with ``replica.model.ORIGIN``, answered with the server's own origin.
ABSOLUTE_KINDS = ("robots", "sitemap", "feed")


def http_date(moment) -> str:
    return format_datetime(moment.replace(tzinfo=CHINA).astimezone(timezone.utc), usegmt=True)


class Stats:
    """Request counts: by kind (list/article/robots/other), by status, and by request target."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.kinds: Counter = Counter()
            self.statuses: Counter = Counter()
            self.targets: Counter = Counter()

    def record(self, target: str, kind: str, status: int | str) -> None:
        with self._lock:
            self.kinds[STAT_KINDS.get(kind, "other")] += 1
            self.statuses[str(status)] += 1
            self.targets[target] += 1

    def snapshot(self, paths: bool = False) -> dict:
        with self._lock:
            out = {k: self.kinds.get(k, 0) for k in ("list", "article", "robots", "other")}
            out["total"] = sum(self.kinds.values())
            out["status"] = dict(sorted(self.statuses.items()))
            if paths:
                out["paths"] = dict(sorted(self.targets.items()))
            return out


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsarchive-replica/1"
    server: "_Server"
    head_only = False
    # One buffered write per response (flushed by the base class after each request) and no Nagle delay:
    # unbuffered header and body writes meet the client's delayed ACK and cost 40 ms per request.
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """Silent: a crawl makes thousands of requests and the tests read stats, not logs."""

    def do_GET(self):
        self._dispatch(head=False)

    def do_HEAD(self):
        self._dispatch(head=True)

    def do_POST(self):
        self.head_only = False
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if urlsplit(self.path).path == "/_truth/reset":
            return self._json({"reset": True}, reset=True)
        self._send(405, "text/plain; charset=utf-8", b"method not allowed\n")

    def _dispatch(self, head: bool) -> None:
        self.head_only = head
        parts = urlsplit(self.path)
        if self.server.mirror:
            return self.respond_page(self.server.owner.replica.mirror_page(self.path))
        if parts.path.startswith("/_truth/"):
            return self._truth(parts.path, parse_qs(parts.query))
        faults = self.server.owner.replica.http_faults
        if faults is not None:
            return faults.respond(self, parts.path)
        page = self.server.owner.replica.page(self.path)
        if page.kind in ABSOLUTE_KINDS:
            page = dataclasses.replace(page, body=page.body.replace(ORIGIN.encode(), self.server.owner.base_url.encode()))
        self.respond_page(page)

    def record(self, kind: str, status: int | str) -> None:
        self.server.owner.stats.record(self.path, kind, status)

    def respond_page(self, page: Page) -> None:
        """The page as a normal server sends it: validators, 304 when they match, the body otherwise."""
        status = self._conditional(page)
        self.record(page.kind, status)
        if status == 304:
            return self._send(304, None, b"", self._validators(page))
        self._send(page.status, page.content_type, page.body, self._validators(page) + list(page.headers))

    def _truth(self, path: str, query: dict) -> None:
        owner = self.server.owner
        if path == "/_truth/manifest.json":
            return self._send(200, "application/json; charset=utf-8", owner.manifest())
        if path == "/_truth/stats.json":
            return self._json(owner.stats.snapshot(paths="paths" in query))
        if path == "/_truth/reset":
            return self._json({"reset": True}, reset=True)
        if path == "/_truth/faults.json" and owner.replica.http_faults is not None:
            return self._json(owner.replica.http_faults.plan())
        self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _json(self, data, reset: bool = False) -> None:
        if reset:
            self.server.owner.stats.reset()
        self._send(200, "application/json; charset=utf-8", json.dumps(data, ensure_ascii=False).encode())

    @staticmethod
    def _validators(page: Page) -> list[tuple[str, str]]:
        if page.last_modified is None:
            return []
        return [("Last-Modified", http_date(page.last_modified)), ("ETag", page.etag)]

    def _conditional(self, page: Page) -> int:
        """304 when the client's validators still match (If-None-Match wins over If-Modified-Since, RFC 9110)."""
        if page.last_modified is None or page.status != 200:
            return page.status
        tags = self.headers.get("If-None-Match")
        if tags is not None:
            return 304 if page.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*" else 200
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return 200
            if when.tzinfo is not None and page.last_modified.replace(tzinfo=CHINA) <= when:
                return 304
        return 200

    def send_raw(self, status: int, headers, body: bytes) -> None:
        """Exactly these headers and bytes, lies included (the fault mode's wrong lengths and bombs)."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if not self.head_only:
            self.wfile.write(body)

    def _send(self, status: int, content_type: str | None, body: bytes, headers=()) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not self.head_only and status != 304:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    owner: "ReplicaServer"
    mirror = False

    def handle_error(self, request, client_address):
        """A crawler that hangs up mid-response (a size limit, a kill, a timeout) is normal here, not an error."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class ReplicaServer:
    """A replica served on 127.0.0.1. ``port=0`` takes a free port.

    It starts serving from a background thread at once (``start=False`` to call ``serve_forever`` in the
    foreground instead); ``stop()`` ends it, as does leaving a ``with`` block. When the replica has ``mirrors``,
    the mirror server listens on ``mirror_port`` (0: a free port) and always serves from a thread.
    """

    def __init__(
        self, replica: Replica | None = None, host: str = "127.0.0.1", port: int = 0, *, start: bool = True,
        mirror_port: int = 0, **replica_options,
    ):
        self.replica = replica if replica is not None else Replica(**replica_options)
        self.stats = Stats()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        self._mirror: _Server | None = None
        if self.replica.mirrors:
            self.replica.mirror_copies  # made now, not on the first request (about 5 s for 2,000 articles)
            self._mirror = _Server((host, mirror_port), _Handler)
            self._mirror.owner, self._mirror.mirror = self, True
            threading.Thread(target=self._mirror.serve_forever, name="replica-mirror", daemon=True).start()
        self._thread: threading.Thread | None = None
        self._manifest: bytes | None = None
        if start:
            self.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def mirror_url(self) -> str | None:
        """The mirror server's base URL, or None when the replica has no mirrors."""
        if self._mirror is None:
            return None
        host, port = self._mirror.server_address[:2]
        return f"http://{host}:{port}"

    def manifest(self) -> bytes:
        if self._manifest is None:
            records = self.replica.truth(self.base_url, mirror_base=self.mirror_url or MIRROR_BASE)
            self._manifest = json.dumps(records, ensure_ascii=False).encode()
        return self._manifest

    def use(self, replica: Replica) -> None:
        """Serve another replica from now on, on the same port: e.g. ``revision=1`` of the same site, so that a
        second crawl of one base URL finds the updated articles (and the stats keep counting)."""
        if self.replica.http_faults is not None:
            self.replica.http_faults.release()
        self.replica = replica
        self._manifest = None

    def start(self) -> "ReplicaServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="replica-server", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the CLI's foreground mode)."""
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def stop(self) -> None:
        if self.replica.http_faults is not None:
            self.replica.http_faults.release()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()
        if self._mirror is not None:
            self._mirror.shutdown()
            self._mirror.server_close()

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def serve(articles: int = 200, seed: int = 1, *, port: int = 0, **options) -> Iterator[str]:
    """``with serve(articles=50) as base_url:`` runs a replica for the block and yields its base URL."""
    server = ReplicaServer(port=port, articles=articles, seed=seed, **options)
    try:
        yield server.base_url
    finally:
        server.stop()
