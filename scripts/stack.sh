# Starting and stopping a whole local ClusterGenie from built binaries: Apache Kafka
# (unless KAFKA_BROKERS names a cluster to use), projector, command-api, query-api and
# log-consumer. Sourced by dev.sh, bench and browser-test.sh. Every process it starts
# is recorded in $STACK_DIR/pids, and stack_stop stops exactly those (the broker with
# `scripts/kafka.sh stop`, which keeps its data).
#
# Inputs (environment): STACK_DIR, PORT_BASE (command-api; the others follow), DB_NAME,
# REDIS_PREFIX, STACK_TOKEN, optionally KAFKA_BROKERS (use that cluster), KAFKA_DIR
# (where the started broker keeps its data; default $STACK_DIR/kafka), KAFKA_PORT
# (default 9092), TOPIC_PREFIX, and BUILD_PROFILE (debug or release).

stack_start() {
  mkdir -p "$STACK_DIR/logs"
  : >"$STACK_DIR/pids"
  local command_port=$PORT_BASE query_port=$((PORT_BASE + 1)) projector_port=$((PORT_BASE + 2)) logs_port=$((PORT_BASE + 3))
  local bin="$CG_ROOT/target/${BUILD_PROFILE:-debug}"
  stack_kafka
  mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" \
    -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  # A caller's step between the broker and the services (make dev imports its history).
  if [ -n "${STACK_BEFORE_SERVICES:-}" ]; then "$STACK_BEFORE_SERVICES"; fi
  export CG_KAFKA__BROKERS=$STACK_BROKERS CG_KAFKA__TOPIC_PREFIX=${TOPIC_PREFIX:-}
  export CG_DATABASE__URL="$CG_DB_SERVER_URL/$DB_NAME"
  export CG_REDIS__URL=$CG_REDIS_URL CG_REDIS__KEY_PREFIX=$REDIS_PREFIX
  export CG_AUTH__TOKENS="$STACK_TOKEN=dev:admin"
  export CG_WEB_DIR="$CG_ROOT/web/dist" CG_COMMAND_API_URL="http://127.0.0.1:$command_port"
  export CG_WRITER__ADVERTISED_URL="http://127.0.0.1:$command_port"
  CG_HTTP__PORT=$projector_port stack_spawn projector "$bin/projector"
  wait_for "projector" 90 stack_ready "$projector_port"
  CG_HTTP__PORT=$command_port stack_spawn command-api "$bin/command-api"
  wait_for "command-api (claiming partitions)" 120 stack_ready "$command_port"
  CG_HTTP__PORT=$query_port stack_spawn query-api "$bin/query-api"
  wait_for "query-api" 60 stack_ready "$query_port"
  CG_HTTP__PORT=$logs_port stack_spawn log-consumer "$bin/log-consumer"
  wait_for "log-consumer" 30 stack_ready "$logs_port"
}

# Sets STACK_BROKERS: KAFKA_BROKERS if given, else an Apache Kafka broker started from
# its Maven jars (data kept in KAFKA_DIR across restarts). When Kafka cannot be had (no
# JDK or Maven, fetch failed) it falls back, loudly, to the in-memory dev broker.
stack_kafka() {
  STACK_BROKER_KIND="external Kafka"
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    STACK_BROKERS=$KAFKA_BROKERS
    return
  fi
  local dir=${KAFKA_DIR:-$STACK_DIR/kafka} port=${KAFKA_PORT:-9092}
  local status=0
  STACK_BROKERS=$(bash "$CG_ROOT/scripts/kafka.sh" start "$dir" "$port" "$((port + 1))") || status=$?
  if [ "$status" -eq 0 ]; then
    STACK_BROKER_KIND="Apache Kafka 4.4 (data in ${dir#"$CG_ROOT"/})"
    echo "kafka $dir" >>"$STACK_DIR/pids"
    return
  fi
  [ "$status" -eq 3 ] || die "Apache Kafka did not start (see $dir/kafka.log)"
  printf '\n\033[1;31m!!! WARNING: Apache Kafka is not available (see above); falling back to the\n!!! in-memory dev broker. Its log is LOST when it stops, so the read models are\n!!! reset on every start. Install the JDK and Maven to keep your data.\033[0m\n\n' >&2
  rm -f "$STACK_DIR/kafka.bootstrap"
  stack_spawn dev-broker "$CG_ROOT/target/${BUILD_PROFILE:-debug}/dev-broker" "$STACK_DIR/kafka.bootstrap" 12 "${TOPIC_PREFIX:-}"
  wait_for "the dev broker" 30 test -s "$STACK_DIR/kafka.bootstrap"
  STACK_BROKERS=$(cat "$STACK_DIR/kafka.bootstrap")
  STACK_BROKER_KIND="in-memory dev broker (events are lost when it stops)"
  # An empty log makes read models of an earlier log wrong: start them afresh too.
  mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
  redis-cli -h 127.0.0.1 --scan --pattern "${REDIS_PREFIX}*" | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
}

# stack_spawn NAME COMMAND...: runs in the background, logging to $STACK_DIR/logs/NAME.log.
stack_spawn() {
  local name=$1; shift
  "$@" >"$STACK_DIR/logs/$name.log" 2>&1 &
  echo "$! $name" >>"$STACK_DIR/pids"
}

stack_ready() { curl -fsS "http://127.0.0.1:$1/readyz"; }

# Stops what stack_start started, newest first; the broker last, cleanly, data kept.
stack_stop() {
  [ -f "$STACK_DIR/pids" ] || return 0
  tac "$STACK_DIR/pids" | while read -r pid name; do
    if [ "$pid" = kafka ]; then
      bash "$CG_ROOT/scripts/kafka.sh" stop "$name" >/dev/null && say "stopped Kafka"
    elif kill "$pid" 2>/dev/null; then
      wait_gone "$pid" && say "stopped $name"
    fi
  done
  rm -f "$STACK_DIR/pids"
}

# wait_gone PID: waits (up to 30 s) until the process has exited.
wait_gone() {
  local deadline=$((SECONDS + 30))
  while kill -0 "$1" 2>/dev/null; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}
