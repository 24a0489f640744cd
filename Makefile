# Two commands on a fresh machine with only python3: `make run` and `make test`.
# baoku is installed into .venv as a user installs it (a wheel, not an editable
# checkout), so the tests and `make run` use exactly what ships; both reinstall it.
VENV ?= .venv
BIN := $(VENV)/bin

$(VENV)/.deps: setup.cfg pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q '.[test]'
	touch $@

.PHONY: install run test bench opensearch opensearch-stop
install: $(VENV)/.deps  ## (re)install this checkout into .venv as a wheel
	$(BIN)/python -m pip install -q --no-deps --force-reinstall .

run: install  ## index seeds/ (changed files only), then serve search on http://127.0.0.1:8000/
	$(BIN)/baoku index seeds
	$(BIN)/baoku search 郑好融
	$(BIN)/baoku serve

test: install  ## lint, types, import layers, then the whole test suite (installs chromium and a CJK font from Debian)
	bash .ci/ensure-debian
	$(BIN)/ruff check search tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: install  ## full-corpus benchmark of Whoosh, the 3-node cluster and a naive baseline (~25 min)
	python3 tests/cluster/opensearch.py start
	$(BIN)/python bench/run.py

opensearch:  ## start a 3-node OpenSearch cluster on 127.0.0.1:9200-9202 (Java 17 + Maven; state in .opensearch/)
	python3 tests/cluster/opensearch.py start

opensearch-stop:  ## stop it
	python3 tests/cluster/opensearch.py stop
