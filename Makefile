# Every target sets up .venv on first use, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test bench bench-data soak install clean

$(STAMP): pyproject.toml
	@echo "setting up $(VENV) (the first time only: a few minutes)…"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The benchmarks also run other extractors (trafilatura) beside ours; the tests do not need them.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsarchive demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

# Other projects' test files the benchmarks score when present (chardet's are LGPL, so not in this repository):
# downloaded once from PyPI into the cache; the benchmarks themselves touch no network.
CHARDET_CACHE := $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/newsarchive/chardet
bench-data: $(STAMP)
	$(BIN)/python -m pip download --quiet --no-binary :all: --no-deps chardet==5.2.0 -d $(CHARDET_CACHE)

# Kill-9 soak of a fleet, its writer and a local crawl (bench/soak.py): minutes, and it needs Redis.
soak: $(STAMP)
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) build *.egg-info
