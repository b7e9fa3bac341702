#!/usr/bin/env bash
# The browser test: the whole system from built binaries on its own ports, database,
# Redis prefix and topics (on the run's shared Kafka, CG_TEST_KAFKA_BROKERS, or a
# broker of its own), driven by real Chromium through web/e2e/smoke.mjs (signs in,
# creates a droplet, a cluster that must reach 3 running nodes, and a sleep job watched
# live: progress and log tail while it runs, then succeeded). Prints
# "1 passed, 0 failed" or "0 passed, 1 failed" as its last line.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$CG_ROOT/scripts/stack.sh"
cd "$CG_ROOT"
export KAFKA_BROKERS=${CG_TEST_KAFKA_BROKERS:-}
suffix=$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
export STACK_DIR="$CG_VAR/browser-test" PORT_BASE=18080 DB_NAME="cg_test_browser_$suffix" REDIS_PREFIX="cg:browser-test:$suffix:"
export TOPIC_PREFIX="browser-$suffix." KAFKA_DIR="$CG_VAR/browser-test/kafka" KAFKA_PORT=18092
export STACK_TOKEN="cg-browser-test-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# One user clicks through every page as fast as Chromium can: the walk once overran the
# default "minute" policy (250 requests a minute per user) and got a 429 for its diagnosis.
# The limits have their own tests (platform ratelimit, command-api, the SPA's 429 views);
# here they keep running, ten times wider.
export CG_RATE_LIMIT__QUOTA_SCALE=10
trap stack_stop EXIT

cargo build --workspace --bins -q || exit 1
(cd web && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run -s build >/dev/null) || exit 1
( stack_start ) || { echo "0 passed, 1 failed"; exit 1; }
if CG_WEB_URL="http://127.0.0.1:$((PORT_BASE + 1))/" CG_TOKEN=$STACK_TOKEN node web/e2e/smoke.mjs; then
  echo "1 passed, 0 failed"
else
  echo "logs: $STACK_DIR/logs"; echo "0 passed, 1 failed"; exit 1
fi
