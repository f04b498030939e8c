#!/usr/bin/env bash
# Sustained MQTT ingest rate (issue 8): the simulator publishes at full speed (QoS 1) and a
# subscriber stores every reading in a fresh, migrated database. Three subscribers, in one run:
#   runtime  `cityflow up` with the ingest component (tried at several --mqtt-concurrency)
#   native   bench/native-ingest --mode ceiling: same validation and SQL, natively (the ceiling)
#   seed     bench/native-ingest --mode seed: one INSERT per reading, like the seed's collector
#   database bench/native-ingest --database-only: the ingest statement alone, one transaction
#            per message, no broker, no Redis, no parsing: what Postgres itself takes on this
#            machine, the bound of any subscriber that commits a message before acking it
# each with single readings and with batches of 100. Rate = readings / (time from the first
# publish to the last row committed); zero loss is checked by counting rows (a run that does
# not store exactly what was sent fails the bench). Writes bench/results/ingest.{md,json}.
#
# The broker is a private Mosquitto (the system's binary) on a free loopback port, started with
# a config that never drops queued QoS 1 messages: the shared broker on 1883 carries other
# people's traffic, and a limit raised there by a reload (SIGHUP) was seen not to take effect
# (its log still says "Outgoing messages are being dropped" past ~1000 queued messages).
#
# Needs: Postgres, Redis on loopback, the mosquitto binary, a built target/release/cityflow and
# the ingest component (make build), .env sourced (SPIN_VARIABLE_DB_URL). Tunables:
#   BENCH_SINGLE_MESSAGES (20000)  BENCH_BATCH_MESSAGES (2000)  BENCH_BATCH_SIZE (100)
#   BENCH_RUNTIME_CONCURRENCY ("1 4 8")  BENCH_DATABASE_CONCURRENCY ("4 8 16", the best is kept)
#   BENCH_TIMEOUT (90 s per case)
#   BENCH_STALL (10 s: a case whose row count stops growing that long is reported as stalled)
#   BENCH_MQTT_PORT: use the broker already on 127.0.0.1:PORT instead of a private one
#   BENCH_STRICT=1 exits non-zero when a target is missed (loss always does)
#   BENCH_RESULTS (bench/results)
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh" # bench_figure and bench_rss (for make bench's report)

: "${SPIN_VARIABLE_DB_URL:?set SPIN_VARIABLE_DB_URL (source .env)}"
SINGLE_MESSAGES=${BENCH_SINGLE_MESSAGES:-20000}
BATCH_MESSAGES=${BENCH_BATCH_MESSAGES:-2000}
BATCH_SIZE=${BENCH_BATCH_SIZE:-100}
RUNTIME_CONCURRENCY=${BENCH_RUNTIME_CONCURRENCY:-1 4 8}
DATABASE_CONCURRENCY=${BENCH_DATABASE_CONCURRENCY:-4 8 16}
TIMEOUT=${BENCH_TIMEOUT:-90}
STALL=${BENCH_STALL:-10}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
RUNTIME=$ROOT/target/release/cityflow
NATIVE=$ROOT/target/release/native-ingest
MQTT_HOST=127.0.0.1 MQTT_PORT=${BENCH_MQTT_PORT:-}
# Issue 8's targets on this 2-core machine.
TARGET_SINGLE_MSGS=5000
TARGET_BATCH_READINGS=50000
# Sensors of the generated city: every message goes to `{prefix}/{first sensor}`, and the
# subscribers keep per-topic order, so enough distinct topics are needed for concurrency to
# matter (batches: sensors / batch size topics).
SINGLE_SENSORS=1000
BATCH_SENSORS=$((BATCH_SIZE * 20))

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

db_url_for() { # URL with the database name replaced by $1 (query string kept)
  local url=${SPIN_VARIABLE_DB_URL%%\?*} query=""
  [[ $SPIN_VARIABLE_DB_URL == *\?* ]] && query="?${SPIN_VARIABLE_DB_URL#*\?}"
  echo "${url%/*}/$1$query"
}
ADMIN_URL=$(db_url_for postgres)
RUN_ID=ingest$$
REDIS_PREFIX="cityflow-bench-$RUN_ID:"
REDIS_URL=redis://127.0.0.1:6379

WORK=$(mktemp -d)
SUB_PID="" CASE_DB="" SESSIONS=() BROKER_PID=""
stop_subscriber() {
  if [ -n "$SUB_PID" ] && kill -0 "$SUB_PID" 2>/dev/null; then
    kill -TERM "$SUB_PID" 2>/dev/null || true
    wait "$SUB_PID" 2>/dev/null || true
  fi
  SUB_PID=""
}
drop_case_db() {
  [ -n "$CASE_DB" ] || return 0
  psql -q -X "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$CASE_DB\" WITH (FORCE)" >/dev/null 2>&1 \
    || say "could not drop database $CASE_DB"
  CASE_DB=""
}
end_sessions() { # a clean-session connect discards each persistent session we created
  local id
  for id in "${SESSIONS[@]}"; do
    timeout 5 mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" -i "$id" -t "cityflow-bench/none" -E >/dev/null 2>&1 \
      || say "could not end MQTT session $id"
  done
  SESSIONS=()
}
cleanup() {
  stop_subscriber
  drop_case_db
  if [ -n "$BROKER_PID" ]; then
    kill -TERM "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
  else
    end_sessions
  fi
  # The runtime's ingest published live events under our own Redis prefix: remove them.
  redis-cli --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null | xargs -r redis-cli DEL >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# --- tools -------------------------------------------------------------------------------
for tool in psql jq python3 mosquitto mosquitto_sub redis-cli; do
  command -v $tool >/dev/null || die "$tool is missing (scripts/setup.sh installs it)"
done
[ -x "$RUNTIME" ] || die "$RUNTIME is missing; run make build"
[ -f "$ROOT/target/wasm32-wasip2/component/ingest.wasm" ] || die "the ingest component is not built; run make build"
if [ -z "$MQTT_PORT" ]; then
  bench_private_broker
  say "private mosquitto on $MQTT_HOST:$MQTT_PORT"
fi
say "building native-ingest"
cargo build --release --quiet -p native-ingest

# The runtime serves only the ingest component, as spin.toml declares it, on a topic of its
# own (the rest of the application would take CPU and a `make up` beside would get our
# messages). Variables keep spin.toml's definitions; the topic is the only change.
ingest_manifest() { # $1 = topic filter
  python3 - "$ROOT/spin.toml" "$1" <<'PY'
import json, pathlib, sys, tomllib
app = tomllib.load(open(sys.argv[1], "rb"))
component = app["component"]["ingest"]
mqtt = app["application"]["trigger"]["mqtt"]
names = lambda text: {n.strip() for n in text.replace("}}", "{{").split("{{")[1::2]}
used = set()
for template in list(component.get("variables", {}).values()) + component.get("allowed_outbound_hosts", []) + list(mqtt.values()):
    used |= names(template)
s = json.dumps  # a JSON string is a valid TOML basic string
inline = lambda table: "{ " + ", ".join(f"{k} = {s(v) if isinstance(v, str) else str(v).lower()}" for k, v in table.items()) + " }"
[trigger] = [t for t in app["trigger"]["mqtt"] if t["component"] == "ingest"]
print('spin_manifest_version = 2\n[application]\nname = "ingest-bench"')
print("[application.trigger.mqtt]")
for key, value in mqtt.items():
    print(f"{key} = {s(value)}")
print("[variables]")
for name in sorted(used):
    print(f"{name} = {inline(app['variables'][name])}")
print(f"[[trigger.mqtt]]\ncomponent = \"ingest\"\ntopic = {s(sys.argv[2])}\nqos = {s(trigger['qos'])}")
print("[component.ingest]")
print(f"source = {s(str(pathlib.Path(sys.argv[1]).parent / component['source']))}")
print(f"allowed_outbound_hosts = {s(component.get('allowed_outbound_hosts', []))}")
print(f"variables = {inline(component.get('variables', {}))}")
PY
}

now() { date +%s.%N; }
row_count() { psql -tAX "$1" -c "SELECT count(*) FROM traffic_raw"; }
wait_for_line() { # $1 = pid, $2 = regex, $3... = files
  local _ pid=$1 regex=$2
  shift 2
  for _ in $(seq 300); do
    grep -q -- "$regex" "$@" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# One measured case: $1 = runtime|native|seed, $2 = single|batch, $3 = concurrency.
# Appends a JSON object to $WORK/cases.jsonl and sets LAST_RATE (readings/s). Not run in a
# subshell, so the EXIT trap always knows the current database, process and sessions.
CASE_N=0 FAILURES=()
run_case() {
  local kind=$1 workload=$2 concurrency=$3
  CASE_N=$((CASE_N + 1))
  local messages batch sensors
  if [ "$workload" = single ]; then messages=$SINGLE_MESSAGES batch=1 sensors=$SINGLE_SENSORS
  else messages=$BATCH_MESSAGES batch=$BATCH_SIZE sensors=$BATCH_SENSORS; fi
  local readings=$((messages * batch))
  local topic_prefix="cityflow-bench/$RUN_ID-$CASE_N/traffic"
  CASE_DB="cityflow_bench_${RUN_ID}_$CASE_N"
  local url; url=$(db_url_for "$CASE_DB")
  "$RUNTIME" migrate --create-database --database-url "$url" >"$WORK/migrate.log" 2>&1 \
    || { cat "$WORK/migrate.log" >&2; die "migrating $CASE_DB failed"; }

  local out="$WORK/$CASE_N.out" err="$WORK/$CASE_N.err" client ready
  if [ "$kind" = runtime ]; then
    client="cityflow-bench-$RUN_ID-$CASE_N"
    SESSIONS+=("$client-ingest-0")
    ingest_manifest "$topic_prefix/#" >"$WORK/ingest-bench.toml"
    SPIN_VARIABLE_DB_URL=$url SPIN_VARIABLE_REDIS_PREFIX=$REDIS_PREFIX \
      SPIN_VARIABLE_MQTT_HOST=$MQTT_HOST SPIN_VARIABLE_MQTT_PORT=$MQTT_PORT CITYFLOW_LOG=${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn} \
      "$RUNTIME" up -f "$WORK/ingest-bench.toml" --runtime-config-file runtime-config.toml \
      --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
      --mqtt-client-prefix "$client" --mqtt-concurrency "$concurrency" >"$out" 2>"$err" &
    SUB_PID=$!
    ready="mqtt connected; subscribing"
  else
    client="cityflow-bench-$RUN_ID-$CASE_N-$kind"
    SESSIONS+=("$client")
    # The ceiling publishes live events like the component (Redis is a tenth of the CPU of
    # the batch case); the seed approach only inserts.
    local mode_args=(--mode ceiling --redis-url "$REDIS_URL" --redis-prefix "$REDIS_PREFIX")
    [ "$kind" = seed ] && mode_args=(--mode seed)
    "$NATIVE" --database-url "$url" --mqtt-host "$MQTT_HOST" --mqtt-port "$MQTT_PORT" \
      --topic "$topic_prefix/#" --client-id "$client" "${mode_args[@]}" \
      --concurrency "$concurrency" >"$out" 2>"$err" &
    SUB_PID=$!
    ready="^subscribed"
  fi
  wait_for_line "$SUB_PID" "$ready" "$out" "$err" \
    || { tail -20 "$err" >&2; die "$kind did not subscribe"; }
  # The runtime logs before its SUBSCRIBE is acknowledged: leave the broker a moment.
  sleep 1
  # CPU time spent before the load (the runtime compiles the component at start), so the
  # report's CPU per reading counts ingesting only.
  local cpu_ticks_ready; cpu_ticks_ready=$(awk '{ print $14 + $15 }' "/proc/$SUB_PID/stat" 2>/dev/null || echo 0)

  local t0 t1 count=0 deadline last=-1 progressed status=complete
  t0=$(now)
  "$RUNTIME" simulate --sensors "$sensors" --interval 0s --batch "$batch" --count "$readings" --quiet \
    --broker "mqtt://$MQTT_HOST:$MQTT_PORT" --topic-prefix "$topic_prefix" >"$WORK/$CASE_N.sim" 2>&1 \
    || { cat "$WORK/$CASE_N.sim" >&2; die "the simulator failed"; }
  grep -q " 0 not;" "$WORK/$CASE_N.sim" || { cat "$WORK/$CASE_N.sim" >&2; die "the broker did not acknowledge every publish"; }
  deadline=$(( $(date +%s) + TIMEOUT )) progressed=$(date +%s)
  while :; do
    count=$(row_count "$url")
    [ "$count" -ge "$readings" ] && { t1=$(now); break; }
    [ "$count" != "$last" ] && { last=$count progressed=$(date +%s) t1=$(now); }
    [ "$(date +%s)" -ge "$deadline" ] && { status=timeout; break; }
    [ $(( $(date +%s) - progressed )) -ge "$STALL" ] && { status=stalled; break; }
    kill -0 "$SUB_PID" 2>/dev/null || { status=died; break; }
    sleep 0.05
  done
  local cpu_s=""
  [ -r "/proc/$SUB_PID/stat" ] && cpu_s=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$SUB_PID/stat")
  local cpu_ingest_s=""
  [ -r "/proc/$SUB_PID/stat" ] && cpu_ingest_s=$(awk -v hz="$(getconf CLK_TCK)" -v t0="$cpu_ticks_ready" '{ printf "%.2f", ($14 + $15 - t0) / hz }' "/proc/$SUB_PID/stat")
  # Resident memory of the subscriber: its peak (VmHWM) and now, right after the last row.
  local rss_peak="" rss_after=""
  [ -r "/proc/$SUB_PID/status" ] && read -r rss_peak rss_after <<<"$(bench_rss "$SUB_PID")"
  stop_subscriber
  # Anything still arriving after the deadline would not change a loss verdict, but count
  # once more after the subscriber stopped so the number is final.
  count=$(row_count "$url")
  local rejected; rejected=$(cat "$out" "$err" | grep -c "rejected message\|DROPPED" || true)
  if [ -n "$BROKER_PID" ] && grep -q "being dropped" "$WORK/mosquitto.log" 2>/dev/null; then
    die "the broker dropped messages (see its log): the configuration is wrong"
  fi
  drop_case_db

  local seconds rate msgs loss=$((readings - count))
  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  rate=$(awk -v n="$count" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  msgs=$(awk -v n="$count" -v b="$batch" -v s="$seconds" 'BEGIN { printf "%.0f", n / b / s }')
  say "$(printf '%-8s %-6s c=%-2s %6d msgs %7d readings in %7ss: %7s readings/s %6s msgs/s, %d missing (%s), %d rejected, cpu %ss' \
    "$kind" "$workload" "$concurrency" "$messages" "$count" "$seconds" "$rate" "$msgs" "$loss" "$status" "$rejected" "${cpu_s:-?}")"
  jq -nc --arg kind "$kind" --arg workload "$workload" --argjson concurrency "$concurrency" \
    --argjson messages "$messages" --argjson batch "$batch" --argjson sent "$readings" --argjson stored "$count" \
    --argjson seconds "$seconds" --argjson rate "$rate" --argjson msgs "$msgs" --argjson rejected "$rejected" \
    --arg cpu "${cpu_s:-}" --arg status "$status" --arg rss_peak "$rss_peak" --arg rss_after "$rss_after" --arg cpu_ingest "$cpu_ingest_s" \
    '{kind: $kind, workload: $workload, concurrency: $concurrency, status: $status, messages: $messages, batch: $batch,
      readings_sent: $sent, readings_stored: $stored, lost: ($sent - $stored), rejected: $rejected,
      seconds: $seconds, readings_per_s: $rate, messages_per_s: $msgs,
      subscriber_cpu_s: (if $cpu == "" then null else ($cpu | tonumber) end),
      subscriber_cpu_ingest_s: (if $cpu_ingest == "" then null else ($cpu_ingest | tonumber) end),
      subscriber_rss_peak_kb: (if $rss_peak == "" then null else ($rss_peak | tonumber) end),
      subscriber_rss_after_kb: (if $rss_after == "" then null else ($rss_after | tonumber) end)}' >>"$WORK/cases.jsonl"
  [ "$rejected" = 0 ] || die "$kind $workload: $rejected messages rejected; the simulator's readings must all be valid"
  # A missing reading fails the bench, after the table is printed. With QoS 1 a stalled
  # subscriber has not lost them yet (they wait unacknowledged at the broker), but it has
  # stopped ingesting, which is the same failure for a live city.
  if [ "$loss" != 0 ]; then
    FAILURES+=("$kind $workload (concurrency $concurrency): $loss of $readings readings not stored ($status after ${seconds}s)")
    LAST_RATE=0
  else
    LAST_RATE=$rate
  fi
}

# Postgres alone: $1 = single|batch, $2 = concurrency. The same messages' sizes and statement
# as the other cases, generated in memory and stored as fast as the connections commit them;
# appends to cases.jsonl like run_case. Run at several concurrencies: the best one is the bound.
run_database_case() {
  local workload=$1 concurrency=$2 messages batch
  CASE_N=$((CASE_N + 1))
  if [ "$workload" = single ]; then messages=$SINGLE_MESSAGES batch=1
  else messages=$BATCH_MESSAGES batch=$BATCH_SIZE; fi
  CASE_DB="cityflow_bench_${RUN_ID}_$CASE_N"
  local url line count; url=$(db_url_for "$CASE_DB")
  "$RUNTIME" migrate --create-database --database-url "$url" >"$WORK/migrate.log" 2>&1 \
    || { cat "$WORK/migrate.log" >&2; die "migrating $CASE_DB failed"; }
  line=$("$NATIVE" --database-only --database-url "$url" --concurrency "$concurrency" \
    --messages "$messages" --batch "$batch" --sensors "$SINGLE_SENSORS") || die "native-ingest --database-only failed"
  count=$(row_count "$url")
  drop_case_db
  say "$(printf '%-8s %-6s c=%-2s ' database "$workload" "$concurrency")${line#database: }"
  # "database: M messages, R readings, S stored in T s: X msgs/s, Y readings/s"
  read -r seconds msgs rate < <(sed -E 's/.* in ([0-9.]+) s: ([0-9]+) msgs\/s, ([0-9]+) readings\/s/\1 \2 \3/' <<<"$line")
  [ "$count" = $((messages * batch)) ] || die "database $workload: $count rows for $((messages * batch)) readings"
  jq -nc --arg workload "$workload" --argjson concurrency "$concurrency" --argjson messages "$messages" \
    --argjson batch "$batch" --argjson stored "$count" --argjson seconds "$seconds" --argjson rate "$rate" --argjson msgs "$msgs" \
    '{kind: "database", workload: $workload, concurrency: $concurrency, status: "complete", messages: $messages, batch: $batch,
      readings_sent: $stored, readings_stored: $stored, lost: 0, rejected: 0, seconds: $seconds,
      readings_per_s: $rate, messages_per_s: $msgs, subscriber_cpu_s: null}' >>"$WORK/cases.jsonl"
}

# --- measure -----------------------------------------------------------------------------
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A BEST_CONCURRENCY
for workload in single batch; do
  best=0 best_c=""
  for c in $RUNTIME_CONCURRENCY; do
    run_case runtime "$workload" "$c"
    if [ "$LAST_RATE" -gt "$best" ]; then best=$LAST_RATE best_c=$c; fi
  done
  # None stored everything: the highest setting tried stands for the runtime.
  [ -n "$best_c" ] || best_c=$c
  BEST_CONCURRENCY[$workload]=$best_c
  # The references run at the runtime's best setting, so only the runtime differs.
  run_case native "$workload" "$best_c"
  run_case seed "$workload" "$best_c"
  for c in $DATABASE_CONCURRENCY; do run_database_case "$workload" "$c"; done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ------------------------------------------------------------------------------
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
MEM=$(free -h | awk '/^Mem:/ { print $2 }')
MACHINE="$(nproc) CPU ($MODEL), $MEM RAM, $(uname -sr)"
NOTE="shared machine: load average $LOAD_BEFORE before, $LOAD_AFTER after"

jq -s --arg date "$DATE" --arg machine "$MACHINE" --arg note "$NOTE" \
  --argjson ts "$TARGET_SINGLE_MSGS" --argjson tb "$TARGET_BATCH_READINGS" \
  --argjson cs "${BEST_CONCURRENCY[single]}" --argjson cb "${BEST_CONCURRENCY[batch]}" '
  def pick(k; w; c): map(select(.kind == k and .workload == w and .concurrency == c)) | .[0];
  {benchmark: "ingest", date: $date, machine: $machine, note: $note,
   targets: {single_messages_per_s: $ts, batch_readings_per_s: $tb},
   best_runtime_concurrency: {single: $cs, batch: $cb},
   verdict: {
     single: (pick("runtime"; "single"; $cs) | if .lost == 0 and .messages_per_s >= $ts then "PASS" else "MISS" end),
     batch: (pick("runtime"; "batch"; $cb) | if .lost == 0 and .readings_per_s >= $tb then "PASS" else "MISS" end)},
   cases: .}' "$WORK/cases.jsonl" >"$WORK/ingest.json"

table() {
  jq -r '
    .cases as $c | .best_runtime_concurrency as $b | .targets as $t | .verdict as $v |
    def row(k; w; name): ($c | map(select(.kind == k and .workload == w and (k == "database" or .concurrency == $b[w])))
        | max_by(.readings_per_s)) as $r |
      "| \(name) | \(w) | \($r.concurrency) | \($r.messages) × \($r.batch) | \($r.lost)\(if $r.status == "complete" then "" else " (" + $r.status + ")" end) | \($r.seconds) | **\($r.messages_per_s)** | **\($r.readings_per_s)** | \($r.subscriber_cpu_s // "?") |";
    "| subscriber | messages | concurrency | sent | not stored | seconds | msgs/s | readings/s | subscriber CPU s |",
    "|---|---|---|---|---|---|---|---|---|",
    row("runtime"; "single"; "runtime (Wasm ingest)"), row("native"; "single"; "native ceiling"), row("seed"; "single"; "seed approach"),
    row("database"; "single"; "Postgres alone (no broker, no Redis)"),
    row("runtime"; "batch"; "runtime (Wasm ingest)"), row("native"; "batch"; "native ceiling"), row("seed"; "batch"; "seed approach"),
    row("database"; "batch"; "Postgres alone (no broker, no Redis)"),
    "",
    "Targets: single readings ≥ \($t.single_messages_per_s) msgs/s: **\($v.single)**; batches ≥ \($t.batch_readings_per_s) readings/s: **\($v.batch)**",
    "",
    "Runtime at each --mqtt-concurrency:",
    "",
    "| messages | concurrency | outcome | seconds | msgs/s | readings/s | runtime CPU s |",
    "|---|---|---|---|---|---|---|",
    ($c[] | select(.kind == "runtime") | "| \(.workload) | \(.concurrency) | \(if .lost == 0 then "all stored" else "\(.lost) of \(.readings_sent) not stored (\(.status))" end) | \(.seconds) | \(.messages_per_s) | \(.readings_per_s) | \(.subscriber_cpu_s // "?") |")
  ' "$WORK/ingest.json"
}

mkdir -p "$RESULTS"
cp "$WORK/ingest.json" "$RESULTS/ingest.json"
{
  echo "# Ingest benchmark (issue 8)"
  echo
  echo "- date: $DATE"
  echo "- machine: $MACHINE"
  echo "- $NOTE"
  echo "- simulator at full speed (\`--interval 0s\`, QoS 1) to Mosquitto; rate = readings stored / time from the first publish to the last row committed; loss counted in \`traffic_raw\` (0 required)"
  echo "- single: $SINGLE_MESSAGES messages of 1 reading ($SINGLE_SENSORS sensors/topics); batch: $BATCH_MESSAGES messages of $BATCH_SIZE readings ($((BATCH_SENSORS / BATCH_SIZE)) topics)"
  echo "- native ceiling: bench/native-ingest, the component's validation, statement and Redis EVAL; seed approach: one INSERT per reading, no Redis; both at the runtime's best concurrency (the highest tried when none stored everything)"
  echo "- Postgres alone: the component's statement on generated messages of the same size, one transaction per message at its best of $DATABASE_CONCURRENCY connections, with no broker, no Redis and no parsing: the most this machine's Postgres commits while it has both cores to itself, so no subscriber that commits each message before acknowledging it can go faster here"
  echo
  table
} >"$RESULTS/ingest.md"

echo
table
echo
say "results in $RESULTS/ingest.md and ingest.json"

# Figures of make bench's report (bench/report.py); nothing when this script runs alone. Each
# at the runtime's best --mqtt-concurrency, where the references ran too.
case_field() { # kind workload field
  jq -r --arg k "$1" --arg w "$2" --arg f "$3" '.best_runtime_concurrency[$w] as $c
    | .cases | map(select(.kind == $k and .workload == $w and ($k == "database" or .concurrency == $c)))
    | (max_by(.readings_per_s) // {})[$f] // ""' "$RESULTS/ingest.json"
}
CEILING_REF="native ceiling (bench/native-ingest: same validation, SQL and Redis, natively)"
SEED_REF="seed approach (one INSERT per reading, no Redis)"
DATABASE_REF="Postgres alone (the ingest statement, one commit per message, no broker, no Redis: this machine's bound)"
incomplete() { # workload kinds...: a note naming the cases that did not store everything
  local kind lost text=""
  for kind in "${@:2}"; do
    lost=$(case_field "$kind" "$1" lost)
    [ -n "$lost" ] && [ "$lost" != 0 ] && text+="${text:+; }$kind stored all but $lost readings ($(case_field "$kind" "$1" status)): its rate is over what it stored"
  done
  echo "$text"
}
cpu_per_reading() { # kind workload -> µs of subscriber CPU per reading stored, from subscription on
  local cpu stored
  cpu=$(case_field "$1" "$2" subscriber_cpu_ingest_s) stored=$(case_field "$1" "$2" readings_stored)
  [ -n "$cpu" ] && [ "${stored:-0}" -gt 0 ] && awk -v c="$cpu" -v n="$stored" 'BEGIN { printf "%.1f", c * 1e6 / n }'
  return 0
}
# Why a target is out of this machine's reach: the cores Postgres alone needs at the target
# rate, plus what the subscribers themselves spend per reading at that rate.
core_budget() { # workload target_readings_per_s
  local db_rate; db_rate=$(case_field database "$1" readings_per_s)
  [ -n "$db_rate" ] || return 0
  awk -v t="$2" -v d="$db_rate" -v n="$(nproc)" -v r="$(cpu_per_reading runtime "$1")" -v c="$(cpu_per_reading native "$1")" 'BEGIN {
    printf "at %d readings/s Postgres alone needs %.2f of the %d cores; the runtime adds %.2f cores (the native ceiling %.2f) before the broker, Redis and the publisher", t, t / d * n, n, t * r / 1e6, t * c / 1e6 }'
}
# The rate beside each reference: single readings in messages/s, batches in readings/s.
for workload in single batch; do
  if [ $workload = single ]; then label="single readings: messages/s" field=messages_per_s unit=msgs/s target=$TARGET_SINGLE_MSGS
  else label="batches of $BATCH_SIZE: readings/s" field=readings_per_s unit=readings/s target=$TARGET_BATCH_READINGS; fi
  for ref in native seed database; do
    name=$CEILING_REF; [ $ref = seed ] && name=$SEED_REF; [ $ref = database ] && name=$DATABASE_REF
    bench_figure ingest "$label stored (c=${BEST_CONCURRENCY[$workload]})" "$(case_field runtime $workload $field)" $unit \
      "$name" "$(case_field $ref $workload $field)" "value >= $target" \
      --note "$(incomplete $workload runtime $ref)$([ $ref = database ] && core_budget $workload "$target")"
  done
done
for workload in single batch; do
  label="single readings"; [ $workload = batch ] && label="batches of $BATCH_SIZE"
  bench_figure ingest "$label: subscriber CPU per reading stored" "$(cpu_per_reading runtime $workload)" µs \
    "$CEILING_REF" "$(cpu_per_reading native $workload)" \
    --note "user + system CPU of the subscriber process from its subscription to the last row, ÷ readings: unlike the rates it barely moves with the machine's load"
done
for workload in single batch; do
  label="single readings"; [ $workload = batch ] && label="batches of $BATCH_SIZE"
  peak=$(case_field runtime $workload subscriber_rss_peak_kb) after=$(case_field runtime $workload subscriber_rss_after_kb)
  ref_peak=$(case_field native $workload subscriber_rss_peak_kb) ref_after=$(case_field native $workload subscriber_rss_after_kb)
  bench_figure memory "ingest, $label: runtime peak RSS (VmHWM)" "${peak:+$(bench_mib "$peak")}" MiB \
    "native ceiling's peak RSS" "${ref_peak:+$(bench_mib "$ref_peak")}"
  bench_figure memory "ingest, $label: runtime RSS right after the last row (VmRSS)" "${after:+$(bench_mib "$after")}" MiB \
    "native ceiling's RSS at the same point" "${ref_after:+$(bench_mib "$ref_after")}"
done

if [ ${#FAILURES[@]} -gt 0 ]; then
  for f in "${FAILURES[@]}"; do say "FAILED: $f"; done
  die "readings were not all stored: see above"
fi
if [ "${BENCH_STRICT:-0}" = 1 ] && jq -e '.verdict | to_entries | any(.value == "MISS")' "$RESULTS/ingest.json" >/dev/null; then
  die "a target was missed"
fi
