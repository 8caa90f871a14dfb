# Two commands for a fresh machine with Python 3.11+, git and make:
#   make run    set everything up and start the bot (terminal chat if no Telegram token)
#   make test   set everything up and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint check eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/hrbot run

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy
	$(BIN)/hrbot check
	$(BIN)/hrbot lint --strict
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/hrbot check

lint: $(STAMP)
	$(BIN)/hrbot lint --strict

eval: $(STAMP)
	$(BIN)/hrbot eval ../shared/eval/dev.yaml

bench: $(STAMP)
	$(BIN)/python bench/bench_match.py

clean:
	rm -rf $(VENV) build *.egg-info
