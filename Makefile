# CityFlow: `make up` runs the whole system, `make test` runs every test.
# Both set up what is missing first (scripts/setup.sh).

SHELL := /bin/bash
CARGO ?= cargo
# Component crates (WebAssembly); everything else in the workspace is native.
COMPONENTS := transport air-quality emergency identity tourism ingest predictor rerouter gateway
TEST_COMPONENTS := probe mqtt-probe cron-probe
LISTEN ?= 127.0.0.1:3000

.PHONY: up test setup setup-tests build build-runtime build-components migrate bench clean

setup:
	@scripts/setup.sh

build-runtime:
	$(CARGO) build --release --locked -p cityflow

build-components:
	$(CARGO) build --locked --target wasm32-wasip2 --profile component $(addprefix -p ,$(COMPONENTS) $(TEST_COMPONENTS))

build: build-runtime build-components

migrate: build-runtime
	set -a; source .env; set +a; target/release/cityflow migrate --create-database

up: setup build migrate
	@echo "First admin (once): target/release/cityflow user add --email you@example.org --role admin"
	LISTEN=$(LISTEN) exec scripts/up.sh

setup-tests:
	@scripts/setup.sh --for-tests

test: setup-tests build
	set -a; source .env; set +a; \
	$(CARGO) test --release --locked --no-fail-fast --workspace $(addprefix --exclude ,$(COMPONENTS) $(TEST_COMPONENTS))

bench: setup build
	set -a; source .env; set +a; bench/all.sh

clean:
	$(CARGO) clean
