# The two commands a newcomer needs: `make run` (the main job) and `make test` (the test suite).
# `make test` runs the whole suite on two processes (pytest-xdist).
# The developer loop: `make lint`, `make test-fast` (SQLite only: no R, browser, PostgreSQL
# or slow test; in parallel), `make bench`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint bench clean

# `make run` installs the product alone; the developer targets add the test and benchmark
# tools and PySpark (the `spark` extra: the tests also run the estimation pass on Spark).
$(BIN)/decentwork: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/decentwork

$(VENV)/.dev: $(BIN)/decentwork
	$(BIN)/pip install --quiet -e '.[test,bench,spark]'
	touch $(VENV)/.dev

run: $(BIN)/decentwork
	$(BIN)/decentwork demo

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n 2

test-fast: $(VENV)/.dev
	$(BIN)/pytest -n 2 -m "not oracle and not slow and not postgresql" --ignore=tests/web/browser -q

bench: $(VENV)/.dev
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
