"""Every benchmark `make bench` runs can at least be imported: a rename elsewhere must not leave one broken until
someone runs the benchmarks (they are not part of the suite)."""

from __future__ import annotations

import importlib

import pytest

from bench.__main__ import BENCHES


@pytest.mark.parametrize("name", [*BENCHES, "soak"])
def test_each_benchmark_imports_and_has_an_entry_point(name):
    module = importlib.import_module(f"bench.{name}")
    assert callable(getattr(module, "run", None)) or callable(getattr(module, "main", None))
