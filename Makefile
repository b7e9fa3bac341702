# ClusterGenie developer commands. The two that matter: `make dev` and `make test`.
.PHONY: dev down test bench build migrate lint fmt web

dev:            ## Run the whole system locally (installs and starts what is missing)
	@bash scripts/dev.sh

down:           ## Stop what `make dev` started
	@bash scripts/down.sh

test:           ## Every test suite on real MariaDB, Redis, Kafka mock, Prometheus tooling
	@bash scripts/test.sh

bench:          ## Command throughput, latency and freshness against a hello-world baseline
	@bash scripts/ensure-deps.sh && bash scripts/services.sh up
	@CG_TEST_DATABASE_URL=mysql://clustergenie:clustergenie@127.0.0.1:3306 cargo run --release -q -p devtools --bin bench

build:          ## Build every binary
	cargo build --workspace --bins

web:            ## Build the SPA into web/dist
	cd web && npm ci --no-audit --no-fund && npm run build

lint:           ## Formatting and clippy
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
