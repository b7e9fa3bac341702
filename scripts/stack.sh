# Starting and stopping a whole local ClusterGenie from built binaries: the dev broker
# (unless KAFKA_BROKERS is set), projector, command-api, query-api and log-consumer.
# Sourced by dev.sh and browser-test.sh. Every process it starts is recorded in
# $STACK_DIR/pids, and stack_stop stops exactly those.
#
# Inputs (environment): STACK_DIR, PORT_BASE (command-api; the others follow), DB_NAME,
# REDIS_PREFIX, STACK_TOKEN, and optionally KAFKA_BROKERS.

stack_start() {
  mkdir -p "$STACK_DIR/logs"
  : >"$STACK_DIR/pids"
  local command_port=$PORT_BASE query_port=$((PORT_BASE + 1)) projector_port=$((PORT_BASE + 2)) logs_port=$((PORT_BASE + 3))
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    STACK_BROKERS=$KAFKA_BROKERS
    export CG_KAFKA__CREATE_TOPICS=true
  else
    rm -f "$STACK_DIR/kafka.bootstrap"
    stack_spawn dev-broker "$CG_ROOT/target/debug/dev-broker" "$STACK_DIR/kafka.bootstrap" 12
    wait_for "the dev broker" 30 test -s "$STACK_DIR/kafka.bootstrap"
    STACK_BROKERS=$(cat "$STACK_DIR/kafka.bootstrap")
  fi
  if [ -z "${KAFKA_BROKERS:-}" ]; then
    # The dev broker starts with an empty log, so read models of an earlier log would be
    # wrong (and their checkpoints would skip the new records): start them afresh too.
    mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
    redis-cli -h 127.0.0.1 --scan --pattern "${REDIS_PREFIX}*" | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
  fi
  mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" \
    -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  export CG_KAFKA__BROKERS=$STACK_BROKERS
  export CG_DATABASE__URL="$CG_DB_SERVER_URL/$DB_NAME"
  export CG_REDIS__URL=$CG_REDIS_URL CG_REDIS__KEY_PREFIX=$REDIS_PREFIX
  export CG_AUTH__TOKENS="$STACK_TOKEN=dev:admin"
  export CG_WEB_DIR="$CG_ROOT/web/dist" CG_COMMAND_API_URL="http://127.0.0.1:$command_port"
  export CG_WRITER__ADVERTISED_URL="http://127.0.0.1:$command_port"
  CG_HTTP__PORT=$projector_port stack_spawn projector "$CG_ROOT/target/debug/projector"
  wait_for "projector" 60 stack_ready "$projector_port"
  CG_HTTP__PORT=$command_port stack_spawn command-api "$CG_ROOT/target/debug/command-api"
  wait_for "command-api (claiming partitions)" 90 stack_ready "$command_port"
  CG_HTTP__PORT=$query_port stack_spawn query-api "$CG_ROOT/target/debug/query-api"
  wait_for "query-api" 60 stack_ready "$query_port"
  CG_HTTP__PORT=$logs_port stack_spawn log-consumer "$CG_ROOT/target/debug/log-consumer"
  wait_for "log-consumer" 30 stack_ready "$logs_port"
}

# stack_spawn NAME COMMAND...: runs in the background, logging to $STACK_DIR/logs/NAME.log.
stack_spawn() {
  local name=$1; shift
  "$@" >"$STACK_DIR/logs/$name.log" 2>&1 &
  echo "$! $name" >>"$STACK_DIR/pids"
}

stack_ready() { curl -fsS "http://127.0.0.1:$1/readyz"; }

stack_stop() {
  [ -f "$STACK_DIR/pids" ] || return 0
  tac "$STACK_DIR/pids" | while read -r pid name; do
    kill "$pid" 2>/dev/null && say "stopped $name"
  done
  rm -f "$STACK_DIR/pids"
}
