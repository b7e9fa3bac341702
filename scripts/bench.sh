#!/usr/bin/env bash
# `make bench`: the benchmark on real parts — a fresh Apache Kafka broker of its own
# (var/bench/kafka, wiped first, stopped afterwards), MariaDB and Redis — with the
# release build of devtools' `bench`. It measures; it never asserts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"
bash scripts/ensure-deps.sh
bash scripts/services.sh up
kafka_dir="$CG_VAR/bench/kafka"
bash scripts/kafka.sh wipe "$kafka_dir" >/dev/null 2>&1 || true
CG_TEST_KAFKA_BROKERS=$(bash scripts/kafka.sh start "$kafka_dir" 19192 19193)
trap 'bash "$CG_ROOT/scripts/kafka.sh" stop "$kafka_dir" >/dev/null 2>&1' EXIT
export CG_TEST_KAFKA_BROKERS CG_BENCH_BROKER_KIND="Apache Kafka 4.4 (single-node KRaft, fresh)"
export CG_TEST_DATABASE_URL=$CG_DB_SERVER_URL CG_TEST_REDIS_URL=$CG_REDIS_URL
cargo run --release -q -p devtools --bin bench
