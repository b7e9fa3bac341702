#!/usr/bin/env bash
# `make dev`: runs the whole system on embedded defaults. Installs what is missing,
# starts MariaDB and Redis if needed, Apache Kafka (single-node KRaft from its Maven
# jars, data under var/dev/kafka, kept across restarts; unless KAFKA_BROKERS names a
# cluster to use), the four services, the SPA, Prometheus and Alertmanager (alerts to a
# webhook sink that appends them to var/dev/alerts.log), seeds demo data, and
# prints the URLs, a signed-in SPA link and a dev token. Ctrl-C (or `make down`) stops only what this script
# started. `make dev-reset` wipes the log and the read models together.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"
run="$CG_VAR/dev"
mkdir -p "$run"

bash scripts/ensure-deps.sh
bash scripts/services.sh up

say "building the services"
cargo build --workspace --bins -q
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
say "building the SPA"
(cd web && npm run -s build >/dev/null)

source "$CG_ROOT/scripts/stack.sh"
stop_all() {
  trap - INT TERM EXIT
  bash "$CG_ROOT/scripts/down.sh"
}
trap stop_all INT TERM EXIT

[ -s "$run/token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/cg-dev-/' >"$run/token"
token=$(cat "$run/token")
# A month of droplet history (billing's usage; features.md §8 allows a seed event fixture),
# recorded by a real command-api on a manual clock that starts 30 days ago, is imported once
# into a fresh dev log, before any service writes to it. Keyed by the broker's cluster id,
# so `make dev-reset` (a new log) imports it again.
import_history() {
  local marker="$run/history.imported" id
  id=$(cat "$run/kafka/cluster-id" 2>/dev/null || echo "external:$STACK_BROKERS")
  [ "$(cat "$marker" 2>/dev/null)" = "$id" ] && return
  say "recording a month of droplet history into the fresh dev log (log: var/dev/logs/history.log)"
  local file="$run/history.records.jsonl"
  if CG_TEST_DATABASE_URL=$CG_DB_SERVER_URL CG_TEST_REDIS_URL=$CG_REDIS_URL RUST_LOG=warn \
    target/debug/record-history "$file" "$STACK_BROKERS" 12 dev 30 >"$run/logs/history.log" 2>&1 &&
    CG_KAFKA__BROKERS=$STACK_BROKERS CG_DATABASE__URL="$CG_DB_SERVER_URL/$DB_NAME" \
      target/debug/clustergenie import --in "$file" --topic cluster-events --create 12 >>"$run/logs/history.log" 2>&1; then
    echo "$id" >"$marker"
  else
    say "no history imported (the log is not fresh, or see var/dev/logs/history.log); the demo runs without it"
    echo "$id" >"$marker"
  fi
}

STACK_DIR=$run
STACK_BEFORE_SERVICES=import_history
PORT_BASE=8080 DB_NAME=clustergenie REDIS_PREFIX="cg:v1:" STACK_TOKEN=$token KAFKA_DIR="$run/kafka" stack_start
brokers=$STACK_BROKERS
stack_spawn prometheus prometheus --config.file="$CG_ROOT/monitoring/prometheus.yml" \
  --storage.tsdb.path="$run/prometheus" --web.listen-address=127.0.0.1:9090
wait_for "Prometheus" 30 curl -fsS http://127.0.0.1:9090/-/ready
# Alertmanager on 9095 (9093 is the dev broker's controller), no cluster listener; its one
# receiver is the webhook sink on 9096 (monitoring/alertmanager.yml).
stack_spawn alert-sink python3 "$CG_ROOT/scripts/alert-sink.py" 127.0.0.1 9096 "$run/alerts.log"
stack_spawn alertmanager prometheus-alertmanager --config.file="$CG_ROOT/monitoring/alertmanager.yml" \
  --storage.path="$run/alertmanager" --web.listen-address=127.0.0.1:9095 --cluster.listen-address=
wait_for "Alertmanager" 30 curl -fsS http://127.0.0.1:9095/-/ready

say "seeding demo data (in the background; log in var/dev/logs/seed.log)"
mkdir -p "$run/logs"
# A grandchild, not a child: `wait -n` below must only wake for the services.
(python3 scripts/seed.py http://127.0.0.1:8081 "$token" >"$run/logs/seed.log" 2>&1 &)

cat <<MSG

  ClusterGenie is running (logs in var/dev/logs/).
    SPA and API      http://127.0.0.1:8081/        (query-api; mutations are relayed to command-api)
    command-api      http://127.0.0.1:8080/readyz
    projector        http://127.0.0.1:8082/readyz
    log-consumer     http://127.0.0.1:8083/readyz
    Loki             ${CG_LOKI__URL:-off (no Loki here; set CG_LOKI__URL to push to one — lines still reach log_lines)}
    metrics          http://127.0.0.1:808{0,1,2,3}/metrics
    Prometheus       http://127.0.0.1:9090/         (scrapes all four, with the alert rules of monitoring/)
    Alertmanager     http://127.0.0.1:9095/         (alerts are appended to var/dev/alerts.log)
    Kafka            $brokers  ($STACK_BROKER_KIND)

  Open the SPA, already signed in:  http://127.0.0.1:8081/#token=$token
  API docs (Swagger UI)            http://127.0.0.1:8081/swagger-ui/
  Dev API token (admin):  $token
    curl -H "Authorization: Bearer $token" http://127.0.0.1:8081/api/v1/clusters

  Press Ctrl-C to stop everything this command started (or run 'make down').
MSG
wait -n || true
say "a service exited; see var/dev/logs/"
