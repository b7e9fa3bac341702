#!/usr/bin/env bash
# `make test`: every suite on real parts — Rust unit and integration tests (MariaDB,
# Redis, Apache Kafka: one broker for the run, started here and shared, each test on
# topics of its own), the SPA's tests, the monitoring config checks (promtool), and a
# browser test in real Chromium against the whole system.
# Ends with one line counting every test that ran: "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"
bash scripts/ensure-deps.sh || exit 1
bash scripts/services.sh up || exit 1
mkdir -p "$CG_VAR"
export CG_TEST_DATABASE_URL=$CG_DB_SERVER_URL CG_TEST_REDIS_URL=$CG_REDIS_URL
passed=0 failed=0 status=0

# One Apache Kafka broker for the whole run, on a fresh data directory.
say "Apache Kafka for the tests"
test_kafka="$CG_VAR/test-kafka"
bash scripts/kafka.sh wipe "$test_kafka" >/dev/null 2>&1 || true
CG_TEST_KAFKA_BROKERS=$(bash scripts/kafka.sh start "$test_kafka" 19092 19093) || exit 1
export CG_TEST_KAFKA_BROKERS
trap 'bash "$CG_ROOT/scripts/kafka.sh" stop "$test_kafka" >/dev/null 2>&1' EXIT
rm -rf "$CG_VAR/test-brokers"

# Scratch databases of earlier runs (each test makes its own) are dropped up front.
mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -N \
  -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'cg\\_test\\_%'" |
  while read -r db; do mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -e "DROP DATABASE \`$db\`"; done

say "Rust workspace (cargo test)"
# A hung test must fail the run, not outlast CI: the whole cargo phase has a deadline
# (it takes ≈ 10 min here); what finished before it is still counted.
timeout -k 30 40m cargo test --workspace --no-fail-fast 2>&1 | tee "$CG_VAR/cargo-test.log"
cargo_status=${PIPESTATUS[0]}
[ "$cargo_status" -eq 0 ] || status=1
if [ "$cargo_status" -eq 124 ] || [ "$cargo_status" -eq 137 ]; then
  echo "cargo test passed its deadline: a test hung (see 'has been running for over' above)"
  failed=$((failed + 1))
fi
read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /passed;/) p += $(i-1); if ($i ~ /failed;/) f += $(i-1) } } END { print p+0, f+0 }' "$CG_VAR/cargo-test.log")
passed=$((passed + p)); failed=$((failed + f))

say "SPA (vitest)"
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npx vitest run --reporter=default) 2>&1 | tee "$CG_VAR/web-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
p=$(sed 's/\x1b\[[0-9;]*m//g' "$CG_VAR/web-test.log" | awk '/^ *Tests /{ for (i = 1; i <= NF; i++) if ($i == "passed") print $(i-1) }' | tail -1)
f=$(sed 's/\x1b\[[0-9;]*m//g' "$CG_VAR/web-test.log" | awk '/^ *Tests /{ for (i = 1; i <= NF; i++) if ($i == "failed") print $(i-1) }' | tail -1)
passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))

say "monitoring configuration (promtool, JSON, YAML)"
bash monitoring/check.sh 2>&1 | tee "$CG_VAR/monitoring-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
read -r p f < <(awk '/^[0-9]+ passed, [0-9]+ failed/ { p = $1; f = $3 } END { print p+0, f+0 }' "$CG_VAR/monitoring-test.log")
passed=$((passed + p)); failed=$((failed + f))

say "browser (Chromium against the whole system)"
bash scripts/browser-test.sh 2>&1 | tee "$CG_VAR/browser-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
read -r p f < <(awk '/^[0-9]+ passed, [0-9]+ failed/ { p = $1; f = $3 } END { print p+0, f+0 }' "$CG_VAR/browser-test.log")
passed=$((passed + p)); failed=$((failed + f))

[ "$failed" -eq 0 ] || status=1
echo
echo "$passed passed, $failed failed"
exit "$status"
