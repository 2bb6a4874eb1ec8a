"""The replica's bundled data files (``replica/data/*.json``), read once.

The text ships inside the package because the demo must run offline on a fresh clone, where ``../shared`` is absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict:
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)
