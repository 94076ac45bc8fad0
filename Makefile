# The executable documentation of aggregator. `make run` and `make test` set everything up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every install is from a lock file with hashes (`make lock`, `make upgrade`); pyproject.toml
# keeps the ranges. The editable install adds only aggregator itself, built by the locked
# setuptools (no build isolation, so nothing unhashed is fetched for the build).
LOCK := requirements-dev.lock
LATEST := .venv-latest

.PHONY: help install run fetch test check lint typecheck format settings-docs bench lock upgrade drift test-latest clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
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

settings-docs: $(STAMP)  ## rewrite the README's settings tables from their definitions
	$(BIN)/python -m aggregator.config_docs README.md

bench: $(STAMP)  ## all benchmarks, each against its baselines in the same run (takes minutes)
	$(BIN)/pip install --quiet --require-hashes -r requirements-bench.lock
	$(BIN)/python bench/fetch.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/related.py
	$(BIN)/python bench/serve.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/signin.py
	$(BIN)/python bench/gate.py

# The lock files are compiled for every Python that requires-python admits, on every platform,
# with the build backend (from [build-system]) and pip in them. UV_FLAGS=--upgrade refreshes.
BUILD_REQUIRES := $(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], "pip", sep="\n")'
COMPILE := $(BIN)/uv pip compile --quiet --universal --generate-hashes --custom-compile-command 'make lock' $(UV_FLAGS) pyproject.toml -

# Compiled beside the lock (starting from its pins) and moved over it only if it changed, so
# that an unchanged lock does not make the next `make test` reinstall.
define compile
	[ ! -f $(2) ] || cp $(2) $(2).new
	$(BUILD_REQUIRES) | $(COMPILE) $(1) -o $(2).new
	cmp -s $(2).new $(2) && rm $(2).new || mv $(2).new $(2)
endef

lock:  ## bring the lock files in line with pyproject.toml, keeping the pins that still fit
	$(call compile,,requirements.lock)
	$(call compile,--extra dev,requirements-dev.lock)
	$(call compile,--extra dev --extra bench,requirements-bench.lock)

upgrade:  ## refresh the lock files to the newest releases pyproject.toml allows, and install them
	$(MAKE) lock UV_FLAGS=--upgrade
	$(MAKE) install

drift:  ## install the newest releases pyproject.toml allows in .venv-latest and list what moved
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install --quiet --upgrade pip setuptools
	$(LATEST)/bin/pip install --quiet --upgrade -e '.[dev]'
	$(LATEST)/bin/python .ci/drift.py $(LOCK)

test-latest: drift  ## the whole test suite against the newest releases (does not touch .venv)
	$(LATEST)/bin/pytest -q $(PYTEST_ARGS)

clean:  ## remove the virtualenvs and caches (keeps var/)
	rm -rf $(VENV) $(LATEST) .mypy_cache .ruff_cache .pytest_cache .hypothesis
