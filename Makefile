# The two commands of the quick start are `make run` and `make test`; both install first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint bench clean mutate

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock clients/python/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[test]" -e clients/python
	touch $(STAMP)

run: install
	$(BIN)/openani serve --host 127.0.0.1 --port 8080 --database-url sqlite:///./data/openani.db

lint: install
	$(BIN)/ruff check src tests scripts benchmarks clients/python
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy --strict clients/python/src clients/python/examples

test: install lint
	$(BIN)/python -m pytest -q

# Mutation testing (slow: see docs/mutation.md). A subset: make mutate MODULES="tenancy.py";
# re-test only the survivors of the last run: make mutate MUTATE_ARGS=--resume.
MUTATE_STAMP := $(VENV)/.mutate-stamp
MODULES ?=
MUTATE_ARGS ?=

$(MUTATE_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c requirements.lock -e ".[test,mutate]"
	touch $(MUTATE_STAMP)

mutate: $(MUTATE_STAMP)
	$(BIN)/python scripts/mutate.py $(MUTATE_ARGS) $(MODULES)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache .mutmut-cache .mutmut-reports
