# The two commands a newcomer needs: `make run` (the main job) and `make test` (the test suite).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/decentwork: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $(BIN)/decentwork

run: $(BIN)/decentwork
	$(BIN)/decentwork demo

test: $(BIN)/decentwork
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

bench: $(BIN)/decentwork
	$(BIN)/python benchmarks/estimation.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
