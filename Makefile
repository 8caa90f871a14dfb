# Commands for a fresh machine with Python 3.11+, git and make:
#   make run       set everything up and start the bot (terminal chat if no Telegram token)
#   make test      set everything up and run the quick checks and tests (while you work, about
#                  a minute): no tests marked slow, and `hrbot lint --quick`
#   make test-all  everything, as CI runs it (.ci/run): the slow tests too (the wheel, the bot
#                  as a process) and the full `hrbot lint --strict` with its cross-validations
# and one for whoever changes the dependencies in pyproject.toml:
#   make lock   refresh the lock files (make lock LOCK_FLAGS=--upgrade moves every pin to the newest)
#
# Every package is installed from a lock file that pins its version and hashes, resolved for
# Python 3.11 on Linux x86_64 (CI): requirements.lock is what the bot needs to run (the container
# uses it), requirements-dev.lock adds the test and lint tools (make setup, make test, CI).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_FLAGS ?=
# pytest-xdist processes. A third of the suite's time is waiting (retries, timeouts, file
# watchers), so two processes overlap it with the rest; 0 runs everything in one process. With
# worksteal an idle process takes tests from the other, so neither is left with a long tail.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS)

.PHONY: run test test-all static setup lock lint check eval bench clean

$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@$(BIN)/pip check > /dev/null || { $(BIN)/pip check; \
		echo "The lock files do not match pyproject.toml: run make lock"; exit 1; }
	touch $(STAMP)

setup: $(STAMP)

lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(PIP_COMPILE) --output-file $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint $(LOCK) --output-file $(DEV_LOCK) pyproject.toml
	$(MAKE) setup

run: $(STAMP)
	$(BIN)/hrbot run

# What both test targets check before the tests.
static: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/hrbot check

# --quick leaves out lint's cross-validations (about a minute): confusable intents, with the
# library trained 20 times, and the safety corpus in 5 folds (notes, which never fail --strict).
# The confusable-intents rule's other half, each example typed as written, is a pytest test.
test: static
	$(BIN)/hrbot lint --strict --quick
	$(PYTEST) -m "not slow"

test-all: static
	$(BIN)/hrbot lint --strict
	$(PYTEST)

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
