"""Imports point one way: the CLI above ``crawler``, which is above ``archive``, which is above ``pipelines``.

Every import statement counts, including those inside functions: a lazy import still ties the packages together.
The table is the one in ``docs/architecture.md``; a change to either must change both.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the project packages and third-party roots it must never import
FORBIDDEN = {
    "pipelines": {"newsarchive", "crawler", "archive", "replica", "scrapy", "twisted", "scrapy_redis", "redis",
                  "sqlite_utils", "warcio", "datasette"},
    "archive": {"newsarchive", "crawler", "replica", "scrapy", "twisted", "scrapy_redis"},
    "crawler": {"newsarchive", "replica"},
    "replica": {"newsarchive", "crawler", "archive", "pipelines", "scrapy"},
}


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_down(package):
    offences = {str(path.relative_to(ROOT)): sorted(_imported_roots(path) & FORBIDDEN[package])
                for path in _modules(package)}
    assert {path: roots for path, roots in offences.items() if roots} == {}


def test_the_layer_rule_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from crawler.runner import run_crawl\n    import scrapy.http\n", encoding="utf-8")
    assert _imported_roots(module) == {"crawler", "scrapy"}


def test_every_package_is_covered():
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in ("tests", "bench")}
    assert packages == set(FORBIDDEN) | {"newsarchive"}
