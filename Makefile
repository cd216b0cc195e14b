# The README's commands. `make run` starts CalmDesk on SQLite with demo data; `make test` runs
# lint, type check and the whole test suite. Both create .venv on first use and install the
# versions pinned in constraints.txt: `run` CalmDesk with speech to text (the `asr` extra),
# `test` with the `dev` extra.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet -c constraints.txt
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest screenshots bench constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[asr]'
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/calmdesk demo --if-empty
	$(BIN)/calmdesk serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

# The README's pictures in docs/screenshots/ (a plain test run writes none).
screenshots: $(DEV_STAMP)
	$(BIN)/python -m pytest tests/web/test_browser.py tests/web/test_browser_console.py tests/web/test_browser_reports.py --screenshots

bench: $(RUN_STAMP)
	$(BIN)/calmdesk bench

# Re-pin constraints.txt to the newest releases pyproject.toml allows; then `make test`.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet -e '.[dev]'
	sed -n '/^#/p' constraints.txt > constraints.new
	.venv-constraints/bin/python -m pip freeze --exclude-editable >> constraints.new
	mv constraints.new constraints.txt
	rm -rf .venv-constraints

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
