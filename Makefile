# vanban — two commands on a fresh Debian machine:
#   make demo   set everything up and render every notice in content/ into output/
#   make test   set everything up and run the whole test suite, ruff and mypy
# Also: make test-fast (the edit loop: tests not marked slow), make lock (refresh requirements/*.lock).
VENV ?= .venv
BIN := $(VENV)/bin
# The lock tool is pinned as well: another uv may resolve or write the files differently.
UV_VERSION := 0.13.9
# Resolve for the machine the byte-identical promise is made for (Debian 12, CPython 3.11, x86-64);
# "make lock" writes the command as the files' header and refreshes every pin to today's latest.
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--upgrade --quiet --custom-compile-command "make lock"

.PHONY: demo test test-fast setup setup-test lint lock bench clean

demo: setup
	$(BIN)/vanban build content --out output

test: setup-test
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow"

setup:
	VENV=$(VENV) scripts/bootstrap

setup-test:
	VENV=$(VENV) scripts/bootstrap --test

lint: setup-test
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

# The test lock is constrained to the run lock, so the packages both use have one version.
# Needs only a virtualenv with uv in it, not a working install (the old locks may be broken).
lock:
	[ -x $(BIN)/python ] || python3 -m venv $(VENV)
	$(BIN)/python -m pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml requirements/run.in -o requirements/run.lock
	$(BIN)/uv pip compile $(LOCK_FLAGS) pyproject.toml requirements/run.in --extra test \
		-c requirements/run.lock -o requirements/test.lock
	@echo "Locks refreshed: review 'git diff requirements/', then make test (it installs them)."

bench: setup-test
	$(BIN)/python bench/run

clean:
	rm -rf output $(VENV) dist build
