# vanban — two commands on a fresh Debian machine:
#   make demo   set everything up and render every notice in content/ into output/
#   make test   set everything up and run the whole test suite
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test setup setup-test lint bench clean

demo: setup
	$(BIN)/vanban build content --out output

test: setup-test
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

setup:
	VENV=$(VENV) scripts/bootstrap

setup-test:
	VENV=$(VENV) scripts/bootstrap --test

lint: setup-test
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

bench: setup-test
	$(BIN)/python bench/run

clean:
	rm -rf output $(VENV) dist build
