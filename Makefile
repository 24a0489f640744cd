# Two commands on a fresh machine with only python3: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/baoku: setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

.PHONY: run test bench
run: $(BIN)/baoku  ## index seeds/ (changed files only), then serve search on http://127.0.0.1:8000/
	$(BIN)/baoku index seeds
	$(BIN)/baoku search 郑好融
	$(BIN)/baoku serve

test: $(BIN)/baoku  ## lint, then the whole test suite (installs chromium for the browser test)
	bash .ci/ensure-chromium
	$(BIN)/ruff check search tests bench
	$(BIN)/pytest

bench: $(BIN)/baoku  ## full-corpus benchmark (minutes; not a test)
	$(BIN)/python bench/run.py
