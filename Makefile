# ClusterGenie developer commands. The two that matter: `make dev` and `make test`.
.PHONY: dev dev-reset down test bench build migrate lint fmt web

dev:            ## Run the whole system locally (installs and starts what is missing)
	@bash scripts/dev.sh

dev-reset:      ## Wipe the dev event log and the read models together (stops make dev first)
	@bash scripts/dev-reset.sh

down:           ## Stop what `make dev` started
	@bash scripts/down.sh

test:           ## Every test suite on real MariaDB, Redis, Apache Kafka, Prometheus tooling, Chromium
	@bash scripts/test.sh

bench:          ## Issue 7 targets on a release stack, one table vs a hello-world baseline (var/bench/latest.json)
	@bash scripts/bench.sh

build:          ## Build every binary
	cargo build --workspace --bins

web:            ## Build the SPA into web/dist
	cd web && npm ci --no-audit --no-fund && npm run build

lint:           ## Formatting and clippy
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
