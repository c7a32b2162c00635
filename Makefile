# The two commands the README opens with. Each bootstraps .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lab clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pmkit run data/sample --owners data/sample-owners.csv --as-of "$$(date -u +%Y-%m-%dT%H:%M:%SZ)"

test: $(STAMP)
	$(BIN)/ruff check pmkit tests bench
	$(BIN)/ruff format --check pmkit tests bench
	$(BIN)/mypy
	$(BIN)/pytest

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
