# medchain: the two commands are `make demo` and `make test`. Both install whatever is missing first,
# from PyPI and npm only (see README "Toolchain"), then do their job.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
APE := $(VENV)/bin/ape

# Never let uv fetch a Python build from outside the registries: use the machine's interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# The toolchain environment (the virtualenv's start-up hook sets the same for ape run outside make).
export SOLCX_BINARY_PATH := $(CURDIR)/toolchain/bin
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

PY_STAMP := $(VENV)/.medchain-installed
NODE_STAMP := node_modules/.medchain-installed
# The benchmark's own npm project (EAS sources and solc 0.8.29): installed by `make bench` only.
EAS_DIR := bench/eas
EAS_STAMP := $(EAS_DIR)/node_modules/.medchain-installed

.PHONY: help setup compile test demo bench clean

help:
	@echo "make demo     install what is missing, start a local chain, deploy, register a sample consortium"
	@echo "make test     install what is missing, compile, run the whole test suite on anvil"
	@echo "make setup    install only (Python venv from uv.lock, npm packages from package-lock.json)"
	@echo "make compile  compile the contracts"
	@echo "make bench    gas of ConsentRegistry and RecordAnchor next to the Ethereum Attestation Service, and of DrugProvenance, on anvil"

setup: $(PY_STAMP) $(NODE_STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(PY_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/python -m medchain.toolchain
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(EAS_STAMP): $(EAS_DIR)/package.json $(EAS_DIR)/package-lock.json
	cd $(EAS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

compile: setup
	$(APE) compile

test: compile
	$(APE) test tests/ $(ARGS)

demo: compile
	$(APE) run demo

bench: compile $(EAS_STAMP)
	$(VENV)/bin/python scripts/bench_consent.py
	$(VENV)/bin/python scripts/bench_records.py
	$(VENV)/bin/python scripts/bench_provenance.py

clean:
	rm -rf .build contracts/.cache .pytest_cache .hypothesis
