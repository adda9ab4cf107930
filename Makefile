# The two commands a newcomer needs: `make run` (the main job) and `make test` (the test suite).
# The developer loop: `make lint`, `make test-fast` (SQLite only: no R, browser, PostgreSQL
# or slow test; in parallel), `make bench`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint bench clean

$(BIN)/decentwork: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/decentwork

# The tests also run the estimation pass on Spark: PySpark (the `spark` extra) is installed
# for them only, so that `make run` needs nothing of Spark.
$(VENV)/.spark: $(BIN)/decentwork
	$(BIN)/pip install --quiet -e '.[test,bench,spark]'
	touch $(VENV)/.spark

run: $(BIN)/decentwork
	$(BIN)/decentwork demo

lint: $(BIN)/decentwork $(VENV)/.spark
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

test-fast: $(BIN)/decentwork $(VENV)/.spark
	$(BIN)/pytest -n 2 -m "not oracle and not slow and not postgresql" --ignore=tests/web/browser -q

bench: $(BIN)/decentwork
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
