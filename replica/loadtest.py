"""How many requests per second the replica server answers: ``python -m replica.loadtest [articles] [threads]``.

Keep-alive clients fetch every page of a fresh replica twice, first cold (each page rendered on demand), then warm
(from the page cache). The crawl benchmarks divide by the crawler's rate, so the server must stay far above it.
"""

from __future__ import annotations

import http.client
import sys
import threading
import time
from urllib.parse import urlsplit

from replica.server import ReplicaServer
from replica.site import Replica


def _fetch_all(host: str, port: int, paths: list[str], done: list[int]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    for path in paths:
        conn.request("GET", path)
        conn.getresponse().read()
    conn.close()
    done.append(len(paths))


def measure(articles: int = 2000, threads: int = 4, seed: int = 1) -> dict:
    """Requests per second, cold and warm, over every article, video and list page of the replica."""
    replica = Replica(articles=articles, seed=seed, faults=True)
    paths = [e.path for e in replica.entries if e.kind != "dead"]
    paths += [f"/list/{key}/{n}.html" for key in ("705", "5147", "5598", "4928") for n in range(1, 4)]
    result = {"articles": articles, "threads": threads, "requests": len(paths)}
    with ReplicaServer(replica) as server:
        parts = urlsplit(server.base_url)
        for label in ("cold", "warm"):
            done: list[int] = []
            workers = [
                threading.Thread(target=_fetch_all, args=(parts.hostname, parts.port, paths[i::threads], done))
                for i in range(threads)
            ]
            start = time.perf_counter()
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            result[f"{label}_per_s"] = round(sum(done) / (time.perf_counter() - start))
    return result


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(measure(*args))
