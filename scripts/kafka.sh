#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker (KRaft, broker and controller in one JVM) for
# development and tests, from the Maven Central jars that scripts/kafka/pom.xml names: no
# Docker, no tarball. The jars are resolved once into var/kafka/lib; later runs are offline.
#
#   kafka.sh fetch                               resolve the jars (exit 3 if java/mvn/network lack)
#   kafka.sh start DIR [PORT] [CONTROLLER_PORT]  start (or find) the broker of DIR, wait until it
#                                                is ready, print its bootstrap 127.0.0.1:PORT
#   kafka.sh stop DIR                            SIGTERM, up to 60 s, then SIGKILL
#   kafka.sh kill DIR                            SIGKILL at once (crash tests)
#   kafka.sh status DIR                          print the bootstrap and exit 0 if running and ready
#   kafka.sh wipe DIR                            stop, then delete DIR/data and DIR/cluster-id
#
# DIR holds server.properties, data/, cluster-id, kafka.log (kafka.log.1: the previous run's) and
# kafka.pid. The broker listens on 127.0.0.1 only. This script never signals a process that is
# not the java broker started from that same DIR, never deletes anything outside DIR/data,
# DIR/cluster-id and var/kafka, and never downloads anything but through mvn in `fetch`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KAFKA_CONF="$CG_ROOT/scripts/kafka"
KAFKA_POM="$KAFKA_CONF/pom.xml"
KAFKA_LIB="$CG_VAR/kafka/lib"
KAFKA_M2="$CG_VAR/kafka/m2"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
START_TIMEOUT="${CG_KAFKA_START_TIMEOUT:-120}"
INSTALL_HINT="apt-get install openjdk-17-jre-headless maven (or run scripts/ensure-deps.sh)"

info() { say "$@" >&2; }
fail() { local code=$1; shift; printf 'error: %s\n' "$*" >&2; exit "$code"; }
now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
usage() {
  fail 2 "usage: kafka.sh fetch | start DIR [PORT] [CONTROLLER_PORT] | stop DIR | kill DIR | status DIR | wipe DIR"
}

# ---- jars -------------------------------------------------------------------------------------

# The marker names the Kafka version and the pom it came from: editing the pom fetches again.
marker() { echo "kafka $KAFKA_VERSION pom $(sha256sum "$KAFKA_POM" | cut -c1-16)"; }
fetched() { [ "$(cat "$KAFKA_LIB/.complete" 2>/dev/null)" = "$(marker)" ]; }

need_tools() {
  local lacking=()
  command -v java >/dev/null 2>&1 || lacking+=("java")
  [ "${1:-}" != with-mvn ] || command -v mvn >/dev/null 2>&1 || lacking+=("mvn")
  local what="${lacking[*]:-}"
  [ -z "$what" ] || fail 3 "missing ${what// / and } (needed for Kafka): $INSTALL_HINT"
  local major
  major="$(java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')"
  [ "${major:-0}" -ge 17 ] || fail 3 "Kafka $KAFKA_VERSION needs Java 17 or newer, java is ${major:-unknown}: $INSTALL_HINT"
}

fetch() {
  fetched && return 0
  need_tools with-mvn
  mkdir -p "$CG_VAR/kafka"
  (
    # Two starts at once (two test brokers) must not resolve into the same directory together.
    flock 9
    fetched && exit 0
    local t0 tmp="$CG_VAR/kafka/lib.partial"
    t0="$(now)"
    info "fetching Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIB"
    rm -rf "$tmp"
    # -q still prints bare colour resets; strip them (pipefail keeps mvn's status).
    if ! mvn -B -q -f "$KAFKA_POM" -Dmaven.repo.local="$KAFKA_M2" \
        "$DEPENDENCY_PLUGIN:copy-dependencies" -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 \
        | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^$/d' >&2 \
        || [ ! -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]; then
      rm -rf "$tmp"
      fail 3 "fetching the Kafka $KAFKA_VERSION jars with mvn failed (output above); it needs Maven Central, java and mvn: $INSTALL_HINT"
    fi
    marker >"$tmp/.complete"
    rm -rf "$KAFKA_LIB"
    mv "$tmp" "$KAFKA_LIB"
    info "fetched $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIB" | cut -f1)) in $(since "$t0")s"
  ) 9>"$CG_VAR/kafka/.fetch.lock"
}

# ---- the broker of DIR ------------------------------------------------------------------------

# set_dir DIR [create]: DIR becomes the absolute, physical path; without create, a missing
# directory is fine (nothing runs there).
set_dir() {
  [ -n "${1:-}" ] || usage
  if [ "${2:-}" = create ]; then mkdir -p "$1"; fi
  if [ -d "$1" ]; then DIR="$(cd "$1" && pwd -P)"; else DIR="$1"; fi
  case "$DIR" in
    /|"$CG_ROOT"|"${HOME:-/}") fail 2 "refusing to use $DIR as a Kafka directory" ;;
  esac
}

# alive PID: the process exists and is not a zombie.
alive() {
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# ours PID: a java process whose arguments include DIR/server.properties.
ours() {
  local args
  args="$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [ "$(basename "$(head -n1 <<<"$args")")" = java ] && grep -qxF "$DIR/server.properties" <<<"$args"
}

# broker_pid: prints the pid of the broker running from DIR; fails if there is none.
broker_pid() {
  local pid
  pid="$(cat "$DIR/kafka.pid" 2>/dev/null)" || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" && ours "$pid" && echo "$pid"
}

configured_port() { sed -n 's|^listeners=PLAINTEXT://127\.0\.0\.1:\([0-9]*\),.*|\1|p' "$DIR/server.properties" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ready() { grep -q 'Kafka Server started' "$DIR/kafka.log" 2>/dev/null && port_open "$1"; }
log_tail() { [ ! -f "$DIR/kafka.log" ] || tail -n 30 "$DIR/kafka.log" >&2; }

check_port() {
  [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 && $1 < 65536 )) || fail 2 "not a port: $1"
}

write_config() {
  local port=$1 cport=$2
  cat >"$DIR/server.properties.tmp" <<EOF
# Written by scripts/kafka.sh start; rewritten at every start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data

# One node: every internal topic with one replica, or groups and transactions wait forever
# for a coordinator.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
default.replication.factor=1

# Light: fewer internal partitions to create and load, a cleaner buffer sized for a 768 MiB heap.
offsets.topic.num.partitions=10
transaction.state.log.num.partitions=10
share.coordinator.state.topic.num.partitions=10
log.cleaner.dedupe.buffer.size=33554432

# After a kill -9 the restarted node can register only once the old registration's session
# has expired (default 9 s, so 13 s to ready); heartbeats are in-process, so 4 s is safe.
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000

# Tests: groups form at once; topics exist only when created on purpose.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  mv "$DIR/server.properties.tmp" "$DIR/server.properties"
}

format_once() {
  [ ! -f "$DIR/data/meta.properties" ] || return 0
  local id
  if [ -s "$DIR/cluster-id" ]; then
    id="$(cat "$DIR/cluster-id")"
  else
    # A Kafka Uuid: 16 random bytes, URL-safe base64 without padding, not starting with '-'.
    id=-
    while [[ $id == -* ]]; do id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
    echo "$id" >"$DIR/cluster-id"
  fi
  info "formatting $DIR/data (cluster id $id)"
  local out
  if ! out="$(java -Dlog4j2.configurationFile="$KAFKA_CONF/log4j2.properties" -cp "$KAFKA_LIB/*" \
      kafka.tools.StorageTool format --standalone -g -t "$id" -c "$DIR/server.properties" 2>&1 9>&-)"; then
    printf '%s\n' "$out" | tail -n 30 >&2
    fail 1 "formatting $DIR/data failed"
  fi
}

# launch: starts the JVM in the background, detached, and sets PID.
launch() {
  [ ! -f "$DIR/kafka.log" ] || mv "$DIR/kafka.log" "$DIR/kafka.log.1"
  rm -f "$DIR/kafka.pid"
  # The wrapper writes its own pid and then becomes the JVM, so kafka.pid is the java pid
  # whether or not setsid has to fork. New session: no terminal, no SIGHUP from it. Every fd of
  # the background job is redirected, so nothing here waits on it.
  (
    cd "$DIR"
    exec setsid bash -c 'echo $$ >kafka.pid.tmp && mv kafka.pid.tmp kafka.pid && exec "$@"' kafka \
      java -Xms256m -Xmx768m \
        -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
        -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$KAFKA_CONF/log4j2.properties" \
        -cp "$KAFKA_LIB/*" kafka.Kafka "$DIR/server.properties"
  ) </dev/null >"$DIR/kafka.log" 2>&1 9>&- &
  local deadline=$((SECONDS + 10))
  until [ -s "$DIR/kafka.pid" ]; do
    (( SECONDS < deadline )) || { log_tail; fail 1 "the Kafka JVM for $DIR did not start"; }
    sleep 0.05
  done
  PID="$(cat "$DIR/kafka.pid")"
}

start() {
  (( $# >= 1 && $# <= 3 )) || usage
  local port=${2:-9092} cport=${3:-9093}
  check_port "$port"; check_port "$cport"
  [ "$port" != "$cport" ] || fail 2 "PORT and CONTROLLER_PORT must differ"
  set_dir "$1" create
  fetch
  lock_dir
  local t0 pid
  t0="$(now)"
  if pid="$(broker_pid)"; then
    local running
    running="$(configured_port)"
    [ "$running" = "$port" ] \
      || fail 1 "the broker of $DIR (pid $pid) already runs on 127.0.0.1:$running, not $port; stop it first"
    info "Kafka broker of $DIR already running (pid $pid)"
  else
    need_tools
    local p
    for p in "$port" "$cport"; do
      ! port_open "$p" || fail 1 "127.0.0.1:$p is already in use by another process (not a broker of $DIR)"
    done
    write_config "$port" "$cport"
    format_once
    launch
    pid=$PID
    info "started Kafka $KAFKA_VERSION (pid $pid), waiting for it (log: $DIR/kafka.log)"
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until ready "$port"; do
    if ! alive "$pid"; then
      log_tail
      rm -f "$DIR/kafka.pid"
      fail 1 "the Kafka broker of $DIR exited during startup (last lines of $DIR/kafka.log above)"
    fi
    if (( SECONDS >= deadline )); then
      log_tail
      fail 1 "the Kafka broker of $DIR was not ready within ${START_TIMEOUT}s; pid $pid left running (log: $DIR/kafka.log)"
    fi
    sleep 0.2
  done
  info "Kafka ready at 127.0.0.1:$port after $(since "$t0")s"
  echo "127.0.0.1:$port"
}

# wait_gone PID SECONDS: true once the process is gone, false if it outlives the deadline.
wait_gone() {
  local deadline=$((SECONDS + $2))
  while alive "$1"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

stop_broker() {
  local pid t0
  pid="$(broker_pid)" || { rm -f "$DIR/kafka.pid"; info "no Kafka broker running from $DIR"; return 0; }
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 60; then
    info "Kafka broker of $DIR (pid $pid) still running after 60s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || fail 1 "Kafka broker of $DIR (pid $pid) survived SIGKILL"
  fi
  rm -f "$DIR/kafka.pid"
  info "stopped the Kafka broker of $DIR (pid $pid) in $(since "$t0")s"
}

kill_broker() {
  local pid
  pid="$(broker_pid)" || { rm -f "$DIR/kafka.pid"; info "no Kafka broker running from $DIR"; return 0; }
  kill -KILL "$pid" 2>/dev/null || true
  wait_gone "$pid" 30 || fail 1 "Kafka broker of $DIR (pid $pid) survived SIGKILL"
  rm -f "$DIR/kafka.pid"
  info "killed the Kafka broker of $DIR (pid $pid)"
}

status() {
  local pid port
  pid="$(broker_pid)" || fail 1 "no Kafka broker running from $DIR"
  port="$(configured_port)"
  [ -n "$port" ] && ready "$port" || fail 1 "the Kafka broker of $DIR (pid $pid) is not ready"
  echo "127.0.0.1:$port"
}

# Serialises start/stop/kill/wipe of one DIR (the broker itself never holds the lock: fd 9 is
# closed for it).
lock_dir() {
  [ -d "$DIR" ] || return 0
  exec 9>"$DIR/.lock"
  flock 9
}

cmd="${1:-}"
shift || true
case "$cmd" in
  fetch)
    (( $# == 0 )) || usage
    if fetched; then info "Kafka $KAFKA_VERSION jars already in $KAFKA_LIB"; else fetch; fi
    ;;
  start)  start "$@" ;;
  stop)   (( $# == 1 )) || usage; set_dir "$1"; lock_dir; stop_broker ;;
  kill)   (( $# == 1 )) || usage; set_dir "$1"; lock_dir; kill_broker ;;
  status) (( $# == 1 )) || usage; set_dir "$1"; status ;;
  wipe)
    (( $# == 1 )) || usage; set_dir "$1"; lock_dir; stop_broker
    rm -rf "$DIR/data" "$DIR/cluster-id"
    info "wiped $DIR/data and $DIR/cluster-id"
    ;;
  *) usage ;;
esac
