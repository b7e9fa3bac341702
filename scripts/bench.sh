#!/usr/bin/env bash
# `make bench`: measures issue 7's targets on the real stack, release builds, in one run.
# It starts an actix-web hello-world (the baseline) and then the same stack as `make dev`
# (fresh Apache Kafka broker in var/bench/kafka, wiped first; a fresh database and Redis
# prefix) and drives it from a separate load-generator process (bench's `loadgen`). Then
# it synthesises an N-record topic (devtools' `bench-log`) for the projector catch-up
# (against a plain batched upsert of the same rows) and command-api's restore (from the
# log, and from the partition snapshots the first restore leaves behind). It prints
# one table and writes var/bench/<timestamp>.json and var/bench/latest.json. It measures;
# it never asserts. Everything it started is stopped on exit, failure included.
#
# Knobs (environment): BENCH_SECONDS (10, per load phase), BENCH_RECORDS (1000000),
# BENCH_SOAK_SECONDS (60; 600 for the full soak), BENCH_CONNECTIONS (32),
# BENCH_LATENCY_REQUESTS (500), BENCH_FRESH_RATE (1000), BENCH_FRESH_EVERY (5: track one
# create in N for freshness), BENCH_POLL_MS (1: how often a tracked id is polled),
# BENCH_PARTITIONS (12),
# BENCH_WARMUP_SECONDS (20, unrecorded creates that warm the broker's JIT: a profile
# of a 5 s warm-up still showed the JVM's C2 compiler threads at a quarter of the CPU),
# BENCH_KEEP_DB=1 (keep the bench databases), BENCH_SKIP_BUILD=1, BENCH_PERF=1 (a
# system-wide `perf` profile of the creates phase into the run directory).
#
# Beside the figures it records why they are what they are: CPU ticks per process and for
# the whole machine at both edges of every phase (cpu.tsv), and command-api's write-path
# stage sums and the projector's batch sums around the phases that need them (stages.tsv).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"

seconds=${BENCH_SECONDS:-10}
records=${BENCH_RECORDS:-1000000}
soak_seconds=${BENCH_SOAK_SECONDS:-60}
warmup_seconds=${BENCH_WARMUP_SECONDS:-20}
conns=${BENCH_CONNECTIONS:-32}
latency_requests=${BENCH_LATENCY_REQUESTS:-500}
fresh_rate=${BENCH_FRESH_RATE:-1000}
fresh_every=${BENCH_FRESH_EVERY:-5}
poll_ms=${BENCH_POLL_MS:-1}
partitions=${BENCH_PARTITIONS:-12}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tag=$(date -u +%H%M%S)$$
out="$CG_VAR/bench"
run="$out/runs/$stamp"
bin="$CG_ROOT/target/release"
kafka_dir="$out/kafka"
mkdir -p "$run/logs"

bash scripts/ensure-deps.sh
bash scripts/services.sh up
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  say "building release binaries (services, loadgen, hello, bench-log)"
  cargo build --release -q -p command-api -p projector -p query-api -p log-consumer -p bench \
    -p devtools --bin command-api --bin projector --bin query-api --bin log-consumer \
    --bin loadgen --bin hello --bin report --bin bench-log
fi

source "$CG_ROOT/scripts/stack.sh"
STACK_DIR="$run/stack"
PORT_BASE=18080 DB_NAME="cg_bench_$tag" REDIS_PREFIX="cgbench:$tag:"
command_url="http://127.0.0.1:18080" query_url="http://127.0.0.1:18081"
projector_port=18082 hello_port=18090 replay_port=18092 restore_port=18094
replay_db="cg_bench_replay_$tag" upsert_db="cg_bench_upsert_$tag"
STACK_TOKEN="cg-bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export CG_TOKEN=$STACK_TOKEN
extra_pids=()
samplers=()

sql() { mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -N -B -e "$1"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
json_num() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p" "$2" | head -n1; }

stop_everything() {
  local status=$?
  trap - INT TERM EXIT
  set +e
  for pid in "${samplers[@]}" "${extra_pids[@]}"; do
    kill "$pid" 2>/dev/null && wait_gone "$pid"
  done
  stack_stop
  bash "$CG_ROOT/scripts/kafka.sh" stop "$kafka_dir" >/dev/null 2>&1 && say "stopped Kafka"
  if [ "${BENCH_KEEP_DB:-0}" != 1 ]; then
    for db in "$DB_NAME" "$replay_db" "$upsert_db"; do sql "DROP DATABASE IF EXISTS \`$db\`" 2>/dev/null; done
    redis-cli -h 127.0.0.1 --scan --pattern "cgbench:$tag:*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 del >/dev/null
  fi
  [ "$status" -eq 0 ] || printf 'bench failed (exit %s); logs in %s\n' "$status" "${run#"$CG_ROOT"/}" >&2
  exit "$status"
}
trap stop_everything INT TERM EXIT

# spawn NAME COMMAND...: a process of this script outside the stack, stopped on exit.
spawn() {
  local name=$1; shift
  "$@" >"$run/logs/$name.log" 2>&1 &
  extra_pids+=("$!")
  LAST_PID=$!
}

stop_pid() { kill "$1" 2>/dev/null && wait_gone "$1"; }

loadgen() { "$bin/loadgen" run "$@"; }

# phase NAME ARGS...: one load-generator run written to NAME.json, its edges marked.
phase() {
  local name=$1; shift
  phase_edges "$name" start
  loadgen "$@" --out "$run/$name.json"
  phase_edges "$name" end
}

# perf_start/perf_stop PHASE: with BENCH_PERF=1, a system-wide call-graph profile of the
# phase, summarised per process and library into PHASE.perf.txt (and per symbol for
# command-api into PHASE.perf-command-api.txt).
perf_start() {
  PERF_PID=""
  [ "${BENCH_PERF:-0}" = 1 ] && command -v perf >/dev/null || return 0
  perf record -a -g -F 499 -o "$run/$1.perf.data" >"$run/logs/perf-$1.log" 2>&1 &
  PERF_PID=$!
}
perf_stop() {
  [ -n "${PERF_PID:-}" ] || return 0
  kill -INT "$PERF_PID" 2>/dev/null; wait "$PERF_PID" 2>/dev/null || true
  perf report -i "$run/$1.perf.data" --stdio --no-children --sort comm,dso --percent-limit 0.5 -g none \
    >"$run/$1.perf.txt" 2>/dev/null || true
  perf report -i "$run/$1.perf.data" --stdio --no-children --dsos command-api --sort sym --percent-limit 0.4 -g none \
    >"$run/$1.perf-command-api.txt" 2>/dev/null || true
}

# rss LABEL: one line per service (and the broker) into rss.tsv.
rss() {
  local t0=$1 label=$2 pid name kb
  while read -r pid name; do
    [ "$pid" = kafka ] && pid=$(cat "$kafka_dir/kafka.pid" 2>/dev/null) && name=kafka
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || continue
    [ -n "$kb" ] && printf '%s\t%s\t%s\t%s\n' "$label" "$name" "$kb" "$(elapsed "$t0")" >>"$run/rss.tsv"
  done < <(cat "$STACK_DIR/pids"; echo "kafka kafka")
}

# sample_rss LABEL PERIOD: samples in the background until killed.
sample_rss() {
  local t0
  t0=$(now)
  (while true; do rss "$t0" "$1"; sleep "$2"; done) &
  samplers+=("$!")
}

# projector_lag: the projector's lag gauge summed over partitions (empty if unreadable).
projector_lag() {
  { curl -fsS "http://127.0.0.1:$projector_port/metrics" 2>/dev/null || true; } \
    | awk '/^clustergenie_projector_lag_records[{ ]/ { s += $NF; n++ } END { if (n) print s }'
}

# sample_lag PHASE: the projector's summed lag gauge every 0.25 s into lag.tsv.
sample_lag() {
  local t0
  t0=$(now)
  (while true; do
    lag=$(projector_lag)
    [ -n "$lag" ] && printf '%s\t%s\t%s\n' "$1" "$(elapsed "$t0")" "$lag" >>"$run/lag.tsv"
    sleep 0.25
  done) &
  samplers+=("$!")
}

# cpu_mark PHASE EDGE: CPU ticks (USER_HZ) used so far by each service, the broker,
# MariaDB and Redis, the whole machine's busy and total ticks, the kernel's CPU and I/O
# stall totals (PSI, µs), and the wall clock, into
# cpu.tsv. The report subtracts a phase's `start` from its `end`.
cpu_mark() {
  local phase=$1 edge=$2 pid name
  {
    while read -r pid name; do
      [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || continue
      printf '%s\t%s\t%s\t%s\n' "$phase" "$edge" "$name" "$(awk '{ print $14 + $15 }' "/proc/$pid/stat")"
    done < <(cpu_processes)
    # busy leaves out `nice` time: a niced background job yields to the stack.
    awk -v p="$phase" -v e="$edge" '/^cpu / { busy = $2 + $4 + $7 + $8 + $9
      printf "%s\t%s\tmachine.busy\t%s\n%s\t%s\tmachine.nice\t%s\n", p, e, busy, p, e, $3
      printf "%s\t%s\tmachine.all\t%s\n", p, e, busy + $3 + $5 + $6 }' /proc/stat
    # Pressure stall information: microseconds some task waited for a CPU or for I/O.
    for resource in cpu io; do
      [ -r "/proc/pressure/$resource" ] || continue
      awk -v p="$phase" -v e="$edge" -v r="$resource" '$1 == "some" { split($5, t, "="); printf "%s\t%s\tstall.%s\t%s\n", p, e, r, t[2] }' "/proc/pressure/$resource"
    done
    printf '%s\t%s\twall\t%s\n' "$phase" "$edge" "$(now)"
  } >>"$run/cpu.tsv"
}

# The processes cpu_mark follows, as `pid name` lines (CPU_EXTRA adds more).
cpu_processes() {
  grep -v '^kafka ' "$STACK_DIR/pids" 2>/dev/null || true
  echo "$(cat "$kafka_dir/kafka.pid" 2>/dev/null) kafka"
  echo "$(pgrep -xo mariadbd || pgrep -xo mysqld) mariadb"
  echo "$(pgrep -xo redis-server) redis"
  [ -z "${CPU_EXTRA:-}" ] || echo "$CPU_EXTRA"
}

# stages PHASE EDGE: command-api's write-path stage sums/counts per command (append ack,
# read-back; `metric|command`), the server time of POST /droplets, and the projector's
# batch sums/counts into stages.tsv.
stages() {
  local edge=$2
  {
    { curl -fsS "$command_url/metrics" 2>/dev/null || true; }
    { curl -fsS "http://127.0.0.1:$projector_port/metrics" 2>/dev/null || true; }
  } | awk -v p="$1" -v e="$edge" '
    /^clustergenie_writer_(append_ack|read_back)_duration_seconds_(sum|count)[{ ]/ ||
    /^clustergenie_projector_batch_duration_seconds_(sum|count)[{ ]/ ||
    /^clustergenie_projector_records_total[{ ]/ ||
    (/^http_server_request_duration_seconds_(sum|count)[{ ]/ && /http_request_method="POST"/ && /http_route="\/api\/v1\/droplets"/) {
      split($1, name, "{"); key = name[1]
      if (match($0, /command="[^"]*"/)) key = key "|" substr($0, RSTART + 9, RLENGTH - 10)
      sum[key] += $NF }
    END { for (k in sum) printf "%s\t%s\t%s\t%s\n", p, e, k, sum[k] }' >>"$run/stages.tsv"
}

# phase_edges NAME start|end: both marks at one edge of a phase.
phase_edges() { cpu_mark "$1" "$2"; stages "$1" "$2"; }

stop_samplers() {
  for pid in "${samplers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
  samplers=()
}

# quiesce: waits (up to 60 s) until command-api's command counter stands still for 1 s
# and the projector has no lag, so a phase does not start while the provisioner or the
# projector is still working off the last one (the latency phase needs an idle system).
commands_total() {
  { curl -fsS "$command_url/metrics" 2>/dev/null || true; } | awk '/^clustergenie_commands_total[{ ]/ { s += $NF } END { print s + 0 }'
}
quiesce() {
  local deadline=$((SECONDS + 60)) a b
  a=$(commands_total)
  while (( SECONDS < deadline )); do
    sleep 1
    b=$(commands_total)
    [ "$a" = "$b" ] && [ "$(projector_lag)" = 0 ] && return 0
    a=$b
  done
}

cat >"$run/meta.json" <<JSON
{"stamp": "$stamp", "git": "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- command-api projector query-api crates proto || echo -dirty)",
 "seconds": $seconds, "records": $records, "soak_seconds": $soak_seconds, "connections": $conns,
 "partitions": $partitions, "cores": $(nproc), "profile": "release"}
JSON

# ---- baseline: actix-web hello-world, same generator, same connections -------------------
say "baseline: hello-world at $conns connections for ${seconds}s"
spawn hello "$bin/hello" "$hello_port"
hello_pid=$LAST_PID
wait_for "hello" 20 curl -fsS "http://127.0.0.1:$hello_port/hello"
CPU_EXTRA="$hello_pid hello"
phase hello --url "http://127.0.0.1:$hello_port" --kind hello -c "$conns" --seconds "$seconds"
phase hello-latency --url "http://127.0.0.1:$hello_port" --kind hello -c 1 --requests "$latency_requests" --warmup 100
CPU_EXTRA=""
stop_pid "$hello_pid"

# ---- the stack --------------------------------------------------------------------------
say "starting a fresh Apache Kafka broker and the release stack"
bash scripts/kafka.sh wipe "$kafka_dir" >/dev/null 2>&1 || true
KAFKA_BROKERS=$(bash scripts/kafka.sh start "$kafka_dir" 19192 19193)
export CG_PROVISIONER__PROVISIONING_DELAY_MS=0 CG_PROVISIONER__DELETION_DELAY_MS=0
# The limiter still runs (its Redis round trip is part of every request) but never binds.
export CG_RATE_LIMIT__QUOTA_SCALE=1000000
export CG_PROJECTOR__LAG_INTERVAL_MS=250 CG_KAFKA__PARTITIONS=$partitions
export RUST_LOG=${RUST_LOG:-warn}
BUILD_PROFILE=release stack_start
quiesce
rss "$(now)" idle

say "warm-up: creates at $conns connections for ${warmup_seconds}s (not recorded; the broker's JIT)"
loadgen --url "$command_url" --kind create -c "$conns" --seconds "$warmup_seconds" --prefix "warm-$tag" \
  --out "$run/warmup.out" >/dev/null
quiesce

say "1. throughput: creates at $conns connections for ${seconds}s"
sample_rss load 2
sample_lag creates
perf_start creates
phase creates --url "$command_url" --kind create -c "$conns" --seconds "$seconds" --ids-out "$run/ids.txt"
perf_stop creates
stop_samplers
quiesce

say "1. throughput: mixed commands at $conns connections for ${seconds}s"
sample_rss load 2
sample_lag mixed
phase mixed --url "$command_url" --kind mixed -c "$conns" --seconds "$seconds" --ids "$run/ids.txt"
stop_samplers
quiesce

# Idle-system latency after the throughput phases, once everything has settled: a broker
# is a long-running JVM, and a freshly started one answers its first thousands of
# requests before the JIT has compiled its hot paths.
say "2. the broker's floor: one acknowledged append at a time"
"$bin/bench-log" acks "$KAFKA_BROKERS" "floor-$tag." 1000 "$run/acks.json" >/dev/null

say "2. latency: $latency_requests creates, one at a time"
phase latency --url "$command_url" --kind create -c 1 --requests "$latency_requests" --warmup 100
quiesce

# fresh_run NAME RATE: creates at RATE/s open loop for the phase, each tracked one polled
# through query-api until visible; the projector's lag sampled throughout.
fresh_run() {
  say "3. freshness: creates at $2/s open loop, visible through query-api ($1)"
  sample_lag "$1"
  phase "$1" --url "$command_url" --kind create -c 64 --rate "$2" --seconds "$seconds" \
    --fresh-url "$query_url" --fresh-every "$fresh_every" --poll-ms "$poll_ms"
  stop_samplers
}

# drained_within SECONDS LIMIT: whether the projector's lag falls to LIMIT records or
# fewer within SECONDS of now.
drained_within() {
  local deadline=$((SECONDS + $1)) lag
  while true; do
    lag=$(projector_lag)
    [ -n "$lag" ] && awk -v l="$lag" -v m="$2" 'BEGIN { exit !(l <= m) }' && return 0
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

fresh_run fresh1000 "$fresh_rate"
quiesce

# The highest sustainable rate (target 3's second half): from 80 % of the closed-loop
# maximum, a fifth lower per try (at most 4 tries), until a run with the pollers sustains
# its rate: command-api accepted at least 97 % of it, and the projector's lag drains to a
# quarter second of records within 2 s of the run's end (bounded, not growing). Every try
# is kept (freshmax-N.json); freshsearch.json names the sustained one (else the last).
max_rate=$(json_num ok_per_second "$run/creates.json")
rate=$(awk -v r="${max_rate:-0}" 'BEGIN { v = int(r * 0.8); print (v < 10 ? 10 : v) }')
tries="" try=0 sustained=false
while (( try < 4 )); do
  try=$((try + 1))
  fresh_run "freshmax-$try" "$rate"
  accepted=$(json_num ok_per_second "$run/freshmax-$try.json")
  ok=false
  if awk -v a="${accepted:-0}" -v r="$rate" 'BEGIN { exit !(a >= 0.97 * r) }' &&
    drained_within 2 "$(awk -v r="$rate" 'BEGIN { print int(r / 4) }')"; then
    ok=true
  fi
  tries+="${tries:+, }{\"phase\": \"freshmax-$try\", \"rate\": $rate, \"accepted\": ${accepted:-0}, \"sustained\": $ok}"
  quiesce
  if [ "$ok" = true ]; then sustained=true; break; fi
  rate=$(awk -v r="$rate" 'BEGIN { v = int(r * 0.8); print (v < 10 ? 10 : v) }')
done
cat >"$run/freshsearch.json" <<JSON
{"phase": "freshmax-$try", "rate": $rate, "sustained": $sustained, "tries": [$tries]}
JSON

say "5. reads: get by id and list pages at $conns connections, then get at half load"
phase get --url "$query_url" --kind get -c "$conns" --seconds "$seconds" --ids "$run/ids.txt"
half=$(awk -v r="$(json_num ok_per_second "$run/get.json")" 'BEGIN { v = int(r / 2); print (v < 10 ? 10 : v) }')
phase get-open --url "$query_url" --kind get -c "$conns" --rate "$half" --seconds "$seconds" --ids "$run/ids.txt"
phase list --url "$query_url" --kind list -c "$conns" --seconds "$seconds"

say "7. soak: actions on existing droplets (no creates: a fixed data set) for ${soak_seconds}s, RSS every 5 s"
quiesce
sample_rss soak 5
sample_lag soak
phase soak --url "$command_url" --kind actions -c "$conns" --seconds "$soak_seconds" --ids "$run/ids.txt"
stop_samplers
stack_stop

# ---- the N-record topic: projector catch-up, its baseline, command-api restore -----------
replay_prefix="replay-$tag."
say "4. synthesising $records droplet creates into ${replay_prefix}cluster-events"
"$bin/bench-log" synth "$KAFKA_BROKERS" "$replay_prefix" "$records" "$partitions" "$run/synth.json" >/dev/null
total=$(json_num total_offsets "$run/synth.json")

say "4. projector catch-up over $total offsets (fresh database $replay_db)"
sql "CREATE DATABASE \`$replay_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
t0=$(now)
CG_HTTP__PORT=$replay_port CG_KAFKA__TOPIC_PREFIX=$replay_prefix CG_PROJECTOR__GROUP_ID="bench-replay-$tag" \
  CG_DATABASE__URL="$CG_DB_SERVER_URL/$replay_db" CG_REDIS__KEY_PREFIX="cgbench:$tag:replay:" \
  spawn replay-projector "$bin/projector"
replay_pid=$LAST_PID
CPU_EXTRA="$replay_pid replay-projector"
cpu_mark catchup start
checkpoint() {
  sql "SELECT COALESCE(SUM(next_offset), 0) FROM \`$replay_db\`.projection_checkpoint WHERE projection = 'read_models_v1'" 2>/dev/null || echo 0
}
first_progress=""
deadline=$((SECONDS + 3600))
while applied=$(checkpoint); [ "$applied" -lt "$total" ]; do
  (( SECONDS < deadline )) || die "the projector did not catch up within an hour"
  kill -0 "$replay_pid" 2>/dev/null || die "the projector exited (see ${run#"$CG_ROOT"/}/logs/replay-projector.log)"
  [ -n "$first_progress" ] || [ "$applied" -eq 0 ] || first_progress=$(elapsed "$t0")
  sleep 0.2
done
catchup_seconds=$(elapsed "$t0")
cpu_mark catchup end
CPU_EXTRA=""
stop_pid "$replay_pid"
rows=$(sql "SELECT COUNT(*) FROM \`$replay_db\`.droplet")
cat >"$run/catchup.json" <<JSON
{"records": $records, "offsets": $total, "seconds": $catchup_seconds, "droplet_rows": $rows,
 "first_progress_seconds": ${first_progress:-0},
 "events_per_second": $(awk -v n="$records" -v s="$catchup_seconds" 'BEGIN { printf "%.1f", n / s }'),
 "events_per_second_after_start": $(awk -v n="$records" -v s="$catchup_seconds" -v f="${first_progress:-0}" 'BEGIN { printf "%.1f", n / (s - f) }')}
JSON

say "4. baseline: upserting the same $records rows straight into MariaDB ($upsert_db)"
sql "CREATE DATABASE \`$upsert_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
cpu_mark upsert start
"$bin/bench-log" upsert "$CG_DB_SERVER_URL/$upsert_db" "$records" "$partitions" "$run/upsert.json" >/dev/null
cpu_mark upsert end

# snapshots_written: command-api on $restore_port has stored a snapshot of every partition.
snapshots_written() {
  curl -fsS "http://127.0.0.1:$restore_port/metrics" |
    awk -v want="$partitions" '/^clustergenie_snapshots_total\{/ && /outcome="written"/ { n += $NF } END { exit !(n >= want) }'
}

# restore_time PREFIX NAME [SNAPSHOT_EVERY]: seconds from spawning command-api on topic
# PREFIX until its /readyz is 200 (every partition restored and claimed); sets RESTORE_KB
# to its RSS then, and RESTORE_FROM_SNAPSHOT to the partitions it restored from a snapshot.
# With SNAPSHOT_EVERY > 0 it then waits (unmeasured) until every
# partition's snapshot is stored, for the next restore to start from.
restore_time() {
  local t0 pid every=${3:-0}
  t0=$(now)
  CG_HTTP__PORT=$restore_port CG_KAFKA__TOPIC_PREFIX=$1 CG_WRITER__GROUP_ID="bench-$2-$tag" \
    CG_WRITER__ADVERTISED_URL="http://127.0.0.1:$restore_port" CG_REDIS__KEY_PREFIX="cgbench:$tag:$2:" \
    CG_PROVISIONER__ENABLED=false CG_NODE_POOLS__ENABLED=false CG_WRITER__SNAPSHOT_EVERY=$every \
    RUST_LOG=info spawn "$2-command-api" "$bin/command-api"
  pid=$LAST_PID
  CPU_EXTRA="$pid command-api"
  cpu_mark "$2" start
  wait_for "command-api to restore ($2)" 3600 curl -fsS "http://127.0.0.1:$restore_port/readyz"
  RESTORE_SECONDS=$(elapsed "$t0")
  cpu_mark "$2" end
  CPU_EXTRA=""
  RESTORE_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
  RESTORE_FAULTS=$(awk '{ print $10 }' "/proc/$pid/stat")
  # Partitions restored from a snapshot, as command-api's restore histogram counts them.
  RESTORE_FROM_SNAPSHOT=$(curl -fsS "http://127.0.0.1:$restore_port/metrics" | awk '
    /^clustergenie_partition_restore_duration_seconds_count\{/ && /source="snapshot"/ { n += $NF }
    END { print n + 0 }')
  if [ "$every" -gt 0 ]; then
    wait_for "command-api to snapshot every partition ($2)" 3600 snapshots_written
  fi
  stop_pid "$pid"
}

say "6. command-api start-up on an empty topic, then restore over the $records-record topic (from the log, then from the snapshots that run leaves)"
restore_time "empty-$tag." empty
empty_seconds=$RESTORE_SECONDS
restore_time "$replay_prefix" restore 1
cat >"$run/restore.json" <<JSON
{"records": $records, "seconds": $RESTORE_SECONDS, "rss_mib": $((RESTORE_KB / 1024)), "empty_seconds": $empty_seconds,
 "minor_faults": $RESTORE_FAULTS,
 "events_per_second": $(awk -v n="$records" -v s="$RESTORE_SECONDS" 'BEGIN { printf "%.1f", n / s }'),
 "events_per_second_net": $(awk -v n="$records" -v s="$RESTORE_SECONDS" -v e="$empty_seconds" 'BEGIN { printf "%.1f", (s > e) ? n / (s - e) : 0 }')}
JSON

restore_time "$replay_prefix" restore-snapshot
from_snapshot=$RESTORE_FROM_SNAPSHOT
cat >"$run/restore_snapshot.json" <<JSON
{"records": $records, "seconds": $RESTORE_SECONDS, "rss_mib": $((RESTORE_KB / 1024)), "empty_seconds": $empty_seconds,
 "minor_faults": $RESTORE_FAULTS, "partitions": $partitions, "partitions_from_snapshot": ${from_snapshot:-0},
 "events_per_second": $(awk -v n="$records" -v s="$RESTORE_SECONDS" 'BEGIN { printf "%.1f", n / s }'),
 "events_per_second_net": $(awk -v n="$records" -v s="$RESTORE_SECONDS" -v e="$empty_seconds" 'BEGIN { printf "%.1f", (s > e) ? n / (s - e) : 0 }')}
JSON

# ---- the table ------------------------------------------------------------------------
say "results (${run#"$CG_ROOT"/})"
"$bin/report" "$run" "$out/$stamp.json"
cp "$out/$stamp.json" "$out/latest.json"
printf '\nwritten: var/bench/%s.json and var/bench/latest.json\n' "$stamp"
