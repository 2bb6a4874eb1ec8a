"""Shared fixtures.

Data in ../shared (the developers' corpus) is optional for users who clone the project alone: tests that need it
skip with a reason, except under CI, where its absence is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTIFACTS = ROOT / "test-artifacts"
"""What tests leave for people to look at (browser screenshots); ignored by git, listed at the end of a run."""


def require_shared(relative: str) -> Path:
    """The path of a file or folder in ../shared, or a skip (a failure under CI) when it is not there."""
    path = SHARED / relative
    if not path.exists():
        message = f"{path} is absent: this test scores against the developers' shared corpus"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def daniel_dir() -> Path:
    return require_shared("devdata/daniel-zh-dev")


@pytest.fixture(scope="session")
def charsets_dir() -> Path:
    return require_shared("devdata/charsets")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return require_shared("seeds/000_f20c698ef0dabe59.txt")


def pytest_terminal_summary(terminalreporter):
    files = sorted(path for path in ARTIFACTS.rglob("*") if path.is_file()) if ARTIFACTS.exists() else []
    if files:
        terminalreporter.write_line(f"test artefacts ({len(files)} files) in {ARTIFACTS}: "
                                    + ", ".join(str(path.relative_to(ARTIFACTS)) for path in files))
