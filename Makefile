# The executable documentation of aggregator. `make run` and `make test` set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install run fetch test check lint typecheck format bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install aggregator with its test tools

run: $(STAMP)  ## run the service on the embedded default (SQLite under var/)
	$(BIN)/aggregator run

fetch: $(STAMP)  ## one manual pass over the due feeds
	$(BIN)/aggregator fetch

test: $(STAMP)  ## run the whole test suite
	$(BIN)/pytest -q

check: $(STAMP) lint typecheck test  ## lint, type-check and test

lint: $(STAMP)  ## ruff on the package, tests and benchmarks
	$(BIN)/ruff check aggregator tests bench
	$(BIN)/ruff format --check aggregator tests bench

typecheck: $(STAMP)  ## mypy --strict on the package
	$(BIN)/mypy --strict aggregator

format: $(STAMP)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format aggregator tests bench
	$(BIN)/ruff check --fix aggregator tests bench

bench: $(STAMP)  ## all benchmarks, each against its baselines in the same run (takes minutes)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/fetch.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/related.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/cluster.py

clean:  ## remove the virtualenv and caches (keeps var/)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
