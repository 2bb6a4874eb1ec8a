"""``make bench``: every benchmark, each printing its figures beside a baseline measured in the same run.

Benchmarks never fail on time. A benchmark that cannot run (missing optional data) says why and the rest go on.
Run one alone with ``python -m bench NAME [OPTIONS]`` (names: those in ``BENCHES``); options go to a benchmark that
takes them (``python -m bench archive --articles 1000000``).
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback

BENCHES = ("decode_repair", "charsets", "latin_mojibake", "extract", "metadata", "crawl", "faults", "archive",
           "distributed", "parallel_clean", "startup")


def main(arguments: list[str]) -> int:
    # Names alone run those benchmarks; a name followed by options runs that one with them.
    options = any(argument.startswith("-") for argument in arguments)
    names, options = (arguments[:1], arguments[1:]) if options else (arguments, [])
    if options and names[0] not in BENCHES:
        print(f"unknown benchmark {names[0]!r}; names: {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    for name in names or BENCHES:
        print(f"\n## {name}", flush=True)
        started = time.monotonic()
        try:
            module = importlib.import_module(f"bench.{name}")
            for line in (module.main(options) if options else module.run()):
                print(line, flush=True)
        except Exception:
            print(f"benchmark {name} could not run:\n{traceback.format_exc()}", flush=True)
        print(f"({name}: {time.monotonic() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
