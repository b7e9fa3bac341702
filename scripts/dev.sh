#!/usr/bin/env bash
# `make dev`: runs the whole system on embedded defaults. Installs what is missing,
# starts MariaDB and Redis if needed, a dev Kafka broker (unless KAFKA_BROKERS names a
# real Kafka), the four services and the SPA, seeds a few droplets, and prints the URLs
# and a dev token. Ctrl-C (or `make down`) stops only what this script started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"
run="$CG_VAR/dev"
mkdir -p "$run/logs"
: >"$run/pids"

bash scripts/ensure-deps.sh
bash scripts/services.sh up

say "building the services"
cargo build --workspace --bins -q
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
say "building the SPA"
(cd web && npm run -s build >/dev/null)

start() { # start NAME COMMAND...: runs in the background, logs to var/dev/logs/NAME.log
  local name=$1; shift
  "$@" >"$run/logs/$name.log" 2>&1 &
  echo "$! $name" >>"$run/pids"
}

stop_all() {
  trap - INT TERM EXIT
  bash "$CG_ROOT/scripts/down.sh"
}
trap stop_all INT TERM EXIT

if [ -n "${KAFKA_BROKERS:-}" ]; then
  brokers=$KAFKA_BROKERS
  export CG_KAFKA__CREATE_TOPICS=true
  say "using Kafka at $brokers"
else
  rm -f "$run/kafka.bootstrap"
  start dev-broker target/debug/dev-broker "$run/kafka.bootstrap" 12
  wait_for "the dev broker" 30 test -s "$run/kafka.bootstrap"
  brokers=$(cat "$run/kafka.bootstrap")
  say "dev broker (in memory) at $brokers"
fi

[ -s "$run/token" ] || head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/cg-dev-/' >"$run/token"
token=$(cat "$run/token")
export CG_KAFKA__BROKERS=$brokers
export CG_DATABASE__URL="$CG_DB_SERVER_URL/clustergenie"
export CG_REDIS__URL=$CG_REDIS_URL
export CG_AUTH__TOKENS="$token=dev:admin"
export CG_WEB_DIR="$CG_ROOT/web/dist"

healthy() { curl -fsS "http://127.0.0.1:$1/readyz"; }
start projector target/debug/projector
wait_for "projector" 60 healthy 8082
start command-api target/debug/command-api
wait_for "command-api (claiming partitions)" 90 healthy 8080
start query-api target/debug/query-api
wait_for "query-api" 60 healthy 8081
start log-consumer target/debug/log-consumer
wait_for "log-consumer" 30 healthy 8083

say "seeding demo droplets"
for name in web-1 web-2 db-1; do
  curl -fsS -o /dev/null -X POST "http://127.0.0.1:8081/api/v1/droplets" \
    -H "Authorization: Bearer $token" -H "Content-Type: application/json" -H "Idempotency-Key: seed-$name" \
    -d "{\"name\":\"$name\",\"region\":\"nyc1\",\"size\":\"s-1vcpu-1gb\",\"image\":\"ubuntu-24-04-x64\"}" || true
done

cat <<MSG

  ClusterGenie is running (logs in var/dev/logs/).
    SPA and API      http://127.0.0.1:8081/        (query-api; mutations are relayed to command-api)
    command-api      http://127.0.0.1:8080/readyz
    projector        http://127.0.0.1:8082/readyz
    log-consumer     http://127.0.0.1:8083/readyz
    metrics          http://127.0.0.1:808{0,1,2,3}/metrics
    Kafka            $brokers $( [ -n "${KAFKA_BROKERS:-}" ] || echo "(dev broker: events live in memory only)")

  Dev API token (admin):  $token
    curl -H "Authorization: Bearer $token" http://127.0.0.1:8081/api/v1/droplets

  Press Ctrl-C to stop everything this command started (or run 'make down').
MSG
wait -n || true
say "a service exited; see var/dev/logs/"
