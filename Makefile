# medchain: the two commands are `make demo` and `make test`. Both install whatever is missing first,
# from PyPI and npm only (see docs/toolchain.md), then do their job. `make check` runs the assurance
# gates (docs/assurance.md): static analysis, coverage, invariant fuzzing and the gas snapshot.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
APE := $(VENV)/bin/ape
FORGE := node_modules/.bin/forge
# forge's configuration lives in forge/ (a foundry.toml at the root would make ape read the project
# as a Foundry one); the gates set this themselves, the forge-test target here.
FORGE_ENV := FOUNDRY_CONFIG=$(CURDIR)/forge/foundry.toml
ASSURANCE := $(VENV)/bin/python -m medchain_dev.assurance

# Never let uv fetch a Python build from outside the registries: use the machine's interpreter.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Install packages with their bytecode compiled: where PYTHONDONTWRITEBYTECODE is set (as on CI
# machines) Python would otherwise recompile ~1,400 modules in every process, ~2 s of each `ape run`.
export UV_COMPILE_BYTECODE := 1
# The toolchain environment (the virtualenv's start-up hook sets the same for ape run outside make).
export SOLCX_BINARY_PATH := $(CURDIR)/toolchain/bin
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

PY_STAMP := $(VENV)/.medchain-installed
NODE_STAMP := node_modules/.medchain-installed
# The benchmark's own npm project (EAS sources and solc 0.8.29): installed by `make bench` only.
EAS_DIR := bench/eas
EAS_STAMP := $(EAS_DIR)/node_modules/.medchain-installed

.PHONY: help setup compile abi test demo bench docs lint consortium-engine test-consortium clean check slither coverage invariants gas gas-snapshot forge-test browser

help:
	@echo "make demo     install what is missing, start a local chain, deploy, and run the story of every contract"
	@echo "make test     install what is missing, compile, run the whole test suite on anvil"
	@echo "make setup    install only (Python venv from uv.lock, npm packages from package-lock.json)"
	@echo "make compile  compile the contracts;  make abi   also rewrite the ABIs shipped in medchain/abi/ and the SDK classes"
	@echo "make bench    gas per operation next to EAS and Etherisc GIF, bulk-claim throughput, audit indexing, on anvil;"
	@echo "              then the real CLIs (claims submit, audit sync, start-up) timed end to end next to the node's floor"
	@echo "make docs     build the documentation site (mkdocs, --strict) into site/"
	@echo "make lint     ruff (lint and format), mypy over medchain/, deptry, forge fmt --check, solhint"
	@echo "make consortium-engine   build the consortium chain engine (Cosmos EVM evmd, Go) into .cache/; consortium/net.sh runs it"
	@echo "make test-consortium     the suite on four validators of that engine, one of them killed mid-run; prints figures"
	@echo "make check    the assurance gates: slither (triaged), coverage per file, invariant fuzzing, gas snapshot (docs/assurance.md)"
	@echo "make slither | coverage | invariants | gas   one gate;  make forge-test ARGS=...   the forge tests, quickly"
	@echo "make gas-snapshot   measure gas per benchmark operation and write gas-snapshot.json (commit it)"

setup: $(PY_STAMP) $(NODE_STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(PY_STAMP): pyproject.toml uv.lock medchain_dev/toolchain.py | $(UV)
	$(UV) sync --frozen --all-extras --python $(PYTHON)
	$(VENV)/bin/python -m medchain_dev.toolchain
	@touch $@

# anvil, forge and cast: npm installs the build of this platform (linux or macOS, x64 or arm64) among the
# optional dependencies, and links it in node_modules/.bin.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@for tool in anvil forge cast; do test -x node_modules/.bin/$$tool || { echo "npm has no $$tool build for $$(uname -sm) (linux and macOS, x64 and arm64 are published)"; exit 1; }; done
	@touch $@

$(EAS_STAMP): $(EAS_DIR)/package.json $(EAS_DIR)/package-lock.json
	cd $(EAS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

compile: setup
	$(APE) compile

# The ABIs shipped in the package (medchain/abi/) and the SDK's classes written from them
# (medchain/contracts/generated.py): rewrite them after changing a contract's interface, and commit
# them (tests hold them equal to the build's and to the generator's).
abi: compile
	$(VENV)/bin/python -m medchain_dev.abi_export
	$(VENV)/bin/python -m medchain_dev.sdk_codegen
	@$(VENV)/bin/python -m compileall -q medchain medchain_dev scripts >/dev/null  # the project's own bytecode (see UV_COMPILE_BYTECODE)

# The audit report's render test needs a headless browser: Debian's chromium, from Debian's own
# archive (a registry this project may use). Installed when missing and possible (root + apt-get);
# otherwise that one test skips and says why.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium (headless) for the audit report's render test"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
	    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; } \
	    || echo "could not install chromium: the report's render test will skip"; \
	else echo "chromium is missing (apt-get install chromium): the report's render test will skip"; fi

test: compile browser
	$(APE) test tests/ $(ARGS)

demo: compile
	$(APE) run demo

# The benchmarks are medchain_dev's (in the checkout, not in the wheel): hence PYTHONPATH.
BENCH := PYTHONPATH=$(CURDIR) $(VENV)/bin/python

bench: compile $(EAS_STAMP)
	$(BENCH) -m medchain_dev.bench consent
	$(BENCH) -m medchain_dev.bench records
	$(BENCH) -m medchain_dev.bench claims
	$(BENCH) -m medchain_dev.bench provenance
	$(BENCH) -m medchain_dev.bench exchange
	$(BENCH) -m medchain_dev.bench audit
	$(BENCH) -m medchain_dev.bench speed

docs: setup
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --quiet

# The code's conventions, checked: ruff's lint rules and formatting (pyproject.toml), the types of the
# SDK (mypy), declared dependencies (deptry: every import of the wheel's code is declared, none unused),
# the Solidity formatting (forge fmt, forge/foundry.toml [fmt]) and lint rules (solhint, .solhint.json:
# the recommended set without NatSpec checks it cannot follow through @inheritdoc, gas hints the code
# answers deliberately, and the ban on inline assembly: each block is memory-safe and commented).
lint: setup
	$(VENV)/bin/ruff check medchain medchain_dev scripts tests
	$(VENV)/bin/ruff format --check medchain medchain_dev scripts tests
	$(VENV)/bin/mypy
	$(VENV)/bin/deptry medchain
	$(FORGE_ENV) $(FORGE) fmt --check contracts forge
	node_modules/.bin/solhint --disc --noPoster --max-warnings 0 'contracts/**/*.sol'

# The consortium chain engine: Cosmos EVM's evmd (CometBFT consensus, a geth fork's EVM with Cancun),
# built from the Go module proxy at the versions consortium/evmd/go.sum pins, with our own main
# (consortium/evmd/cmd/medevmd: the EVM chain id from $$EVMD_EVM_CHAIN_ID). Built once, cached under
# .cache/ (about 10 minutes and 4 GB of Go caches from empty); consortium/net.sh runs four validators.
GO ?= $(shell command -v go || echo /usr/local/go/bin/go)
EVMD := .cache/evmd/medevmd-v0.3.2
consortium-engine: $(EVMD)
$(EVMD): consortium/evmd/go.mod consortium/evmd/go.sum consortium/evmd/cmd/medevmd/main.go
	cd consortium/evmd && GOFLAGS=-mod=readonly $(GO) build -trimpath -ldflags '-s -w' -o $(CURDIR)/$(EVMD) ./cmd/medevmd

# The suite on four validators of that engine (tests/consortium): deploy as an operator does, the demo
# story, a bulk claim run through the loss of a validator, and the figures on that chain.
test-consortium: compile $(EVMD)
	MEDCHAIN_TEST_CONSORTIUM=1 $(APE) test tests/consortium -p no:cacheprovider $(ARGS)

# The assurance gates. `check` runs all four and fails if any fails (each reports on its own). The gas
# gate measures ape's build of the contracts, hence `compile`.
check: compile
	@status=0; \
	$(ASSURANCE) slither || status=1; \
	$(ASSURANCE) coverage || status=1; \
	$(ASSURANCE) invariants || status=1; \
	$(ASSURANCE) gas || status=1; \
	exit $$status

slither: setup
	$(ASSURANCE) slither

coverage: setup
	$(ASSURANCE) coverage

invariants: setup
	$(ASSURANCE) invariants

# Gas per benchmark operation against the committed gas-snapshot.json (1 % tolerance, assurance.toml).
gas: compile
	$(ASSURANCE) gas

# Measure and write gas-snapshot.json; commit it with the change that moved the figures.
gas-snapshot: compile
	$(ASSURANCE) gas --update

# Unit, fuzz and (short) invariant tests under forge's default profile, e.g. ARGS="--match-path 'forge/unit/*'".
forge-test: setup
	$(FORGE_ENV) $(FORGE) test $(ARGS)

clean:
	rm -rf .build contracts/.cache .pytest_cache .hypothesis .forge
