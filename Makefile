# CityFlow: `make up` runs the whole system, `make test` runs every test.
# Both set up what is missing first (scripts/setup.sh).

SHELL := /bin/bash
CARGO ?= cargo
# Component crates (WebAssembly); everything else in the workspace is native.
COMPONENTS := transport air-quality emergency identity tourism ingest predictor rerouter gateway traffic-api traffic-partitions metrics-endpoint web
TEST_COMPONENTS := probe mqtt-probe cron-probe
LISTEN ?= 127.0.0.1:3000

.PHONY: up test setup setup-tests build build-runtime build-web build-components migrate bench soak clean

setup:
	@scripts/setup.sh

build-runtime:
	$(CARGO) build --release --locked -p cityflow

# The dashboard's sources (web/) -> web/dist, which the web component embeds: npm ci from the
# lockfile whenever it changes, then the small Node build script (no bundler).
web/node_modules/.package-lock.json: web/package-lock.json web/package.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix web --no-audit --no-fund

build-web: web/node_modules/.package-lock.json
	npm run build --prefix web

build-components: build-web
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

# Mixed load on the whole application (SOAK_DURATION, default 5m): zero 5xx, flat memory.
soak: setup build
	set -a; source .env; set +a; bench/soak.sh

clean:
	$(CARGO) clean
