#!/usr/bin/env bash
# Load benchmark of `GET /transports`: the cityflow runtime (Wasm component) against a native
# Rust server (bench/native-transport: same SQL, same JSON, same pool), in one run.
#
# Prints req/s, p50 and p99 for both, the throughput ratio and the runtime's own per-request
# instantiation p50/p99, with PASS/MISS against issue 2's targets; writes
# bench/results/transport-rest.{json,md}.
#
# Run by `make bench` (after scripts/setup.sh and a build, with .env sourced). Tunables:
#   BENCH_DURATION (5s per round)  BENCH_ROUNDS (3)  BENCH_WARMUP (5s)
#   BENCH_CONNECTIONS (32)  BENCH_THREADS (2)
#   BENCH_MANIFEST (default: the transport part of spin.toml, see below)
#   CITYFLOW_LOG (runtime log filter; unset = runtime default)
#   BENCH_STRICT=1 exits non-zero when a target is missed (default: report only)
#   BENCH_RESULTS (bench/results) where the JSON and markdown results go
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh" # bench_figure and bench_rss (for make bench's report)

: "${SPIN_VARIABLE_DB_URL:?set SPIN_VARIABLE_DB_URL (source .env, or run make bench)}"
DURATION=${BENCH_DURATION:-5s}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-5s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
MANIFEST=${BENCH_MANIFEST:-}
RUNTIME=$ROOT/target/release/cityflow
NATIVE=$ROOT/target/release/native-transport
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
# The default page (limit 100) is filled so the response is a realistic ~20 KB list.
ROWS=100

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "need root for: $*" >&2; return 1; fi
}

# --- database URLs: same server and credentials, a database of our own --------------------
db_url_for() { # URL with the database name replaced by $1 (query string kept)
  local url=${SPIN_VARIABLE_DB_URL%%\?*} query=""
  [[ $SPIN_VARIABLE_DB_URL == *\?* ]] && query="?${SPIN_VARIABLE_DB_URL#*\?}"
  echo "${url%/*}/$1$query"
}
BENCH_DB=cityflow_bench_$$
BENCH_URL=$(db_url_for "$BENCH_DB")
ADMIN_URL=$(db_url_for postgres)

WORK=$(mktemp -d)
RUNTIME_PID="" NATIVE_PID="" DB_CREATED=""
cleanup() {
  local pid
  for pid in "$RUNTIME_PID" "$NATIVE_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ -n "$DB_CREATED" ]; then
    psql -q -X "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 \
      || say "could not drop database $BENCH_DB"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------------------
[ -x "$RUNTIME" ] || die "$RUNTIME is missing; run make build"
command -v psql >/dev/null || die "psql is missing (scripts/setup.sh installs it)"
command -v jq >/dev/null || die "jq is missing"
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 \
    || { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1; } \
    || say "wrk is not installable here"
fi
if command -v wrk >/dev/null; then LOADGEN=wrk
elif command -v oha >/dev/null; then LOADGEN=oha
else die "no load generator: install wrk (apt-get install wrk) or oha"
fi

say "building native-transport"
cargo build --release --quiet -p native-transport

# --- database ----------------------------------------------------------------------------
say "creating database $BENCH_DB"
DB_CREATED=1
"$RUNTIME" migrate --create-database --database-url "$BENCH_URL" >"$WORK/migrate.log" 2>&1 \
  || { cat "$WORK/migrate.log" >&2; die "migrating $BENCH_DB failed"; }
# Fill the default page: the migration seeds 13 lines, add synthetic ones up to $ROWS.
psql -q -X -v ON_ERROR_STOP=1 "$BENCH_URL" >/dev/null <<SQL
INSERT INTO transports (mode, route, status)
SELECT (ARRAY['Bus','Métro','Tramway','Train','Vélo','Taxi'])[1 + n % 6],
       'Ligne bench ' || n || ' - Gare de l''Est → Porte d''Italie',
       (ARRAY['operationnel','en_maintenance','hors_service','retard'])[1 + n % 4]
FROM generate_series(1, $ROWS - (SELECT count(*) FROM transports)) AS n;
SQL

# --- servers -----------------------------------------------------------------------------
wait_for_address() { # $1 = stdout file, $2 = pid; prints the served base URL
  local _
  for _ in $(seq 600); do
    if grep -q '^Serving http://' "$1" 2>/dev/null; then
      sed -n 's/^Serving \(http:\/\/[^ ]*\).*/\1/p' "$1" | head -1
      return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The runtime serves only the transport component, exactly as spin.toml declares it: the rest of
# the application (MQTT subscribers with stable client ids, cron jobs, other components) would
# take CPU during the measurement and could steal MQTT sessions from a `make up` running beside.
transport_manifest() {
  python3 - "$ROOT/spin.toml" <<'PY'
import json, pathlib, sys, tomllib
app = tomllib.load(open(sys.argv[1], "rb"))
component = app["component"]["transport"]
used = set()
for template in component.get("variables", {}).values():
    used.update(name.strip() for name in template.replace("}}", "{{").split("{{")[1::2])
for host in component.get("allowed_outbound_hosts", []):
    used.update(name.strip() for name in host.replace("}}", "{{").split("{{")[1::2])
s = json.dumps  # a JSON string is a valid TOML basic string
inline = lambda table: "{ " + ", ".join(f"{k} = {s(v) if isinstance(v, str) else str(v).lower()}" for k, v in table.items()) + " }"
print('spin_manifest_version = 2\n[application]\nname = "transport-bench"\n[variables]')
for name in sorted(used):
    print(f"{name} = {inline(app['variables'][name])}")
for trigger in app["trigger"]["http"]:
    if trigger.get("component") == "transport":
        print(f"[[trigger.http]]\nroute = {s(trigger['route'])}\ncomponent = \"transport\"")
print("[component.transport]")
print(f"source = {s(str(pathlib.Path(sys.argv[1]).parent / component['source']))}")
print(f"allowed_outbound_hosts = {s(component.get('allowed_outbound_hosts', []))}")
print(f"variables = {inline(component.get('variables', {}))}")
PY
}
if [ -z "$MANIFEST" ]; then
  MANIFEST=$WORK/transport-bench.toml
  transport_manifest >"$MANIFEST"
fi
# Newer runtimes also serve an admin port (default 9090); take any free one.
ADMIN_ARGS=()
"$RUNTIME" up --help | grep -q -- '--admin-listen' && ADMIN_ARGS=(--admin-listen 127.0.0.1:0)

say "starting the runtime ($MANIFEST)"
SPIN_VARIABLE_DB_URL=$BENCH_URL "$RUNTIME" up --listen 127.0.0.1:0 -f "$MANIFEST" "${ADMIN_ARGS[@]}" \
  --runtime-config-file runtime-config.toml >"$WORK/runtime.out" 2>"$WORK/runtime.err" &
RUNTIME_PID=$!
RUNTIME_BASE=$(wait_for_address "$WORK/runtime.out" "$RUNTIME_PID") \
  || { tail -20 "$WORK/runtime.err" >&2; die "the runtime did not start"; }

say "starting native-transport"
"$NATIVE" --listen 127.0.0.1:0 --database-url "$BENCH_URL" --pool-size 16 \
  >"$WORK/native.out" 2>"$WORK/native.err" &
NATIVE_PID=$!
NATIVE_BASE=$(wait_for_address "$WORK/native.out" "$NATIVE_PID") \
  || { tail -20 "$WORK/native.err" >&2; die "native-transport did not start"; }

# --- same answer, byte for byte ----------------------------------------------------------
# The measured request, plus filters, paging and a rejected parameter: the baseline must be the
# component's twin, not just for the one URL under load.
CHECKS=("/transports" "/transports?mode=metro&status=operationnel" "/transports?skip=5&limit=7"
        "/transports?limit=0" "/transports?colour=red")
for i in "${!CHECKS[@]}"; do
  for target in runtime native; do
    base=RUNTIME_BASE; [ $target = native ] && base=NATIVE_BASE
    code=$(curl -sS -o "$WORK/$target.$i.body" -w '%{http_code}' "${!base}${CHECKS[$i]}")
    echo "$code" >"$WORK/$target.$i.code"
  done
  cmp -s "$WORK/runtime.$i.code" "$WORK/native.$i.code" && cmp -s "$WORK/runtime.$i.body" "$WORK/native.$i.body" \
    || die "GET ${CHECKS[$i]}: the servers differ (runtime $(cat "$WORK/runtime.$i.code"): $(head -c 200 "$WORK/runtime.$i.body"); native $(cat "$WORK/native.$i.code"): $(head -c 200 "$WORK/native.$i.body"))"
done
[ "$(cat "$WORK/runtime.0.code")" = 200 ] || die "GET /transports answered $(cat "$WORK/runtime.0.code")"
cp "$WORK/runtime.0.body" "$WORK/runtime.body"
LINES=$(jq length "$WORK/runtime.body")
[ "$LINES" = "$ROWS" ] || die "expected $ROWS lines in the body, got $LINES"
BODY_BYTES=$(wc -c <"$WORK/runtime.body")
say "identical status and bodies for ${#CHECKS[@]} requests; GET /transports: $LINES lines, $BODY_BYTES bytes"

# --- load --------------------------------------------------------------------------------
to_ms() { # wrk latency ("812.00us", "1.23ms", "1.01s") to milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.3f", n }'
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # user + system time of a process

# Prints "req_per_s p50_ms p99_ms requests cpu_us_per_request" for one measured run against $1
# (server pid $3). CPU time per request is the server's own user+system time over the run
# divided by the requests served: unlike req/s it barely moves when other work shares the cores.
load() {
  local t0 t1 stats
  t0=$(cpu_ticks "$3")
  stats=$(run_load "$1" "$2")
  t1=$(cpu_ticks "$3")
  awk -v s="$stats" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(s, f, " "); printf "%s %.0f\n", s, (t1 - t0) / hz * 1e6 / f[4] }'
}

run_load() {
  local url=$1/transports out=$2
  if [ $LOADGEN = wrk ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" >"$out"
    if grep -q 'Non-2xx or 3xx responses' "$out"; then cat "$out" >&2; die "errors during the run against $url"; fi
    grep -q 'Socket errors' "$out" && say "$(grep 'Socket errors' "$out" | sed 's/^ *//') against $url"
    local rps p50 p99 total
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    total=$(awk '/requests in/ {print $1}' "$out")
    echo "$rps $(to_ms "$p50") $(to_ms "$p99") $total"
  else
    oha -z "$DURATION" -c "$CONNECTIONS" --no-tui -j "$url" >"$out"
    jq -e '(.statusCodeDistribution | keys) == ["200"]' "$out" >/dev/null \
      || { cat "$out" >&2; die "errors during the run against $url"; }
    jq -r '"\(.summary.requestsPerSec) \(.latencyPercentiles.p50 * 1000) \(.latencyPercentiles.p99 * 1000) \(.statusCodeDistribution["200"])"' "$out"
  fi
}

warm() {
  if [ $LOADGEN = wrk ]; then wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$1/transports" >/dev/null
  else oha -z "$WARMUP" -c "$CONNECTIONS" --no-tui "$1/transports" >/dev/null
  fi
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# "req_per_s p50_ms p99_ms requests cpu_us_per_request" over a target's rounds: mean req/s
# (rounds are equally long), median p50 and p99, total requests, CPU per request over all.
summarise() {
  local rps p50 p99
  rps=$(awk '{ s += $1 } END { printf "%.2f", s / NR }' "$1")
  p50=$(cut -d' ' -f2 "$1" | median)
  p99=$(cut -d' ' -f3 "$1" | median)
  awk -v rps="$rps" -v p50="$p50" -v p99="$p99" '{ n += $4; cpu += $4 * $5 }
    END { printf "%s %s %s %d %.0f\n", rps, p50, p99, n, cpu / n }' "$1"
}

# The runs alternate runtime, native, runtime, ... so that whatever else loads the machine
# (builds, other benchmarks) weighs on both; the throughput ratio is the median of the ratios
# of adjacent rounds.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "warm-up: $WARMUP per server; then $ROUNDS alternating rounds of $DURATION at $CONNECTIONS connections ($LOADGEN)"
# Resident memory of both servers before any load (after start-up and the answer check).
read -r _ RT_IDLE_KB <<<"$(bench_rss "$RUNTIME_PID")"
read -r _ NA_IDLE_KB <<<"$(bench_rss "$NATIVE_PID")"
warm "$RUNTIME_BASE"
warm "$NATIVE_BASE"
: >"$WORK/runtime.rounds"
: >"$WORK/native.rounds"
for round in $(seq "$ROUNDS"); do
  load "$RUNTIME_BASE" "$WORK/runtime.load.$round" "$RUNTIME_PID" >>"$WORK/runtime.rounds"
  load "$NATIVE_BASE" "$WORK/native.load.$round" "$NATIVE_PID" >>"$WORK/native.rounds"
  say "round $round: runtime $(cut -d' ' -f1 <(tail -1 "$WORK/runtime.rounds")) req/s, native $(cut -d' ' -f1 <(tail -1 "$WORK/native.rounds")) req/s"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
# Peak (VmHWM) and current (VmRSS) resident memory right after the load, of both servers.
read -r RT_PEAK_KB RT_AFTER_KB <<<"$(bench_rss "$RUNTIME_PID")"
read -r NA_PEAK_KB NA_AFTER_KB <<<"$(bench_rss "$NATIVE_PID")"
read -r RT_RPS RT_P50 RT_P99 RT_REQS RT_CPU <<<"$(summarise "$WORK/runtime.rounds")"
read -r NA_RPS NA_P50 NA_P99 NA_REQS NA_CPU <<<"$(summarise "$WORK/native.rounds")"
RATIO=$(paste -d' ' "$WORK/runtime.rounds" "$WORK/native.rounds" \
  | awk '{ print $1 / $6 }' | median | awk '{ printf "%.3f", $1 }')

# Stop the runtime now: on SIGTERM it prints its own instantiation histogram.
kill -TERM "$RUNTIME_PID"
wait "$RUNTIME_PID" || true
RUNTIME_PID=""
INST_LINE=$(grep -E '^instantiation count=' "$WORK/runtime.err" | tail -1) \
  || die "the runtime printed no instantiation line"
inst_field() { sed -n "s/.*[ ]$1=\([0-9]*\).*/\1/p" <<<"$INST_LINE"; }
INST_COUNT=$(inst_field count) INST_P50=$(inst_field p50_us) INST_P90=$(inst_field p90_us)
INST_P99=$(inst_field p99_us) INST_MAX=$(inst_field max_us)

# --- verdicts and report -----------------------------------------------------------------
CPU_RATIO=$(awk -v a="$NA_CPU" -v b="$RT_CPU" 'BEGIN { printf "%.3f", a / b }')
THROUGHPUT_OK=$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.5) ? "PASS" : "MISS" }')
INST_OK=$([ "$INST_P50" -lt 100 ] && echo PASS || echo MISS)
MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
MEM=$(free -h | awk '/^Mem:/ {print $2}')
MACHINE="$(nproc) CPU ($MODEL), $MEM RAM, $(uname -sr)"
DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
SHARED="runtime, native server, Postgres and $LOADGEN all share these $(nproc) cores; load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
LOADDESC="$LOADGEN -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds per server alternating, after a $WARMUP warm-up each; GET /transports ($LINES lines, $BODY_BYTES bytes)"

table() {
  printf '| %-8s | %10s | %9s | %9s | %9s | %17s |\n' target 'req/s' 'p50 ms' 'p99 ms' requests 'server CPU us/req'
  printf '|----------|-----------:|----------:|----------:|----------:|------------------:|\n'
  printf '| %-8s | %10.0f | %9.3f | %9.3f | %9s | %17s |\n' runtime "$RT_RPS" "$RT_P50" "$RT_P99" "$RT_REQS" "$RT_CPU"
  printf '| %-8s | %10.0f | %9.3f | %9.3f | %9s | %17s |\n' native "$NA_RPS" "$NA_P50" "$NA_P99" "$NA_REQS" "$NA_CPU"
  echo
  echo "- throughput runtime/native (median of adjacent rounds): $RATIO (target >= 0.5): $THROUGHPUT_OK"
  echo "- server CPU per request native/runtime: $CPU_RATIO (the same ratio with the load noise taken out)"
  echo "- instantiation (runtime's own measurement, $INST_COUNT instances): p50 ${INST_P50} µs, p90 ${INST_P90} µs, p99 ${INST_P99} µs, max ${INST_MAX} µs (target p50 < 100 µs): $INST_OK"
}

mkdir -p "$RESULTS"
{
  echo "# GET /transports: cityflow runtime vs native server"
  echo
  echo "- date: $DATE"
  echo "- machine: $MACHINE"
  echo "- load: $LOADDESC"
  echo "- note: $SHARED"
  echo
  table
} >"$RESULTS/transport-rest.md"

jq -n \
  --arg date "$DATE" --arg machine "$MACHINE" --arg loadgen "$LOADGEN" --arg note "$SHARED" \
  --arg duration "$DURATION" --arg warmup "$WARMUP" --argjson rounds "$ROUNDS" \
  --argjson connections "$CONNECTIONS" --argjson threads "$THREADS" \
  --argjson lines "$LINES" --argjson body_bytes "$BODY_BYTES" \
  --argjson rt_rps "$RT_RPS" --argjson rt_p50 "$RT_P50" --argjson rt_p99 "$RT_P99" --argjson rt_reqs "$RT_REQS" \
  --argjson rt_cpu "$RT_CPU" \
  --argjson na_rps "$NA_RPS" --argjson na_p50 "$NA_P50" --argjson na_p99 "$NA_P99" --argjson na_reqs "$NA_REQS" \
  --argjson na_cpu "$NA_CPU" \
  --argjson ratio "$RATIO" --arg throughput_ok "$THROUGHPUT_OK" --argjson cpu_ratio "$CPU_RATIO" \
  --argjson inst_count "$INST_COUNT" --argjson inst_p50 "$INST_P50" --argjson inst_p90 "$INST_P90" \
  --argjson inst_p99 "$INST_P99" --argjson inst_max "$INST_MAX" --arg inst_ok "$INST_OK" \
  '{
    benchmark: "transport-rest", date: $date, machine: $machine, note: $note,
    load: {generator: $loadgen, threads: $threads, connections: $connections, rounds: $rounds, round_duration: $duration,
           warmup: $warmup, request: "GET /transports", lines: $lines, body_bytes: $body_bytes},
    runtime: {req_per_s: $rt_rps, p50_ms: $rt_p50, p99_ms: $rt_p99, requests: $rt_reqs, cpu_us_per_request: $rt_cpu},
    native: {req_per_s: $na_rps, p50_ms: $na_p50, p99_ms: $na_p99, requests: $na_reqs, cpu_us_per_request: $na_cpu},
    throughput_ratio: {value: $ratio, target_min: 0.5, verdict: $throughput_ok},
    cpu_per_request_ratio_native_over_runtime: $cpu_ratio,
    instantiation_us: {count: $inst_count, p50: $inst_p50, p90: $inst_p90, p99: $inst_p99, max: $inst_max,
                       target_p50_max: 100, verdict: $inst_ok}
  }' >"$RESULTS/transport-rest.json"

# Figures of make bench's report (bench/report.py); nothing when this script runs alone.
NATIVE_REF="native server (tokio + hyper + tokio-postgres, same SQL and JSON)"
bench_figure http "REST GET /transports: throughput (wrk, $CONNECTIONS connections)" "$RT_RPS" req/s \
  "$NATIVE_REF" "$NA_RPS" "ratio >= 0.5" --ratio "$RATIO" \
  --note "ratio is the median of the ratios of adjacent runtime/native rounds ($ROUNDS each), as bench/run.sh prints it"
bench_figure http "REST GET /transports: p50 latency" "$RT_P50" ms "$NATIVE_REF" "$NA_P50"
bench_figure http "REST GET /transports: p99 latency" "$RT_P99" ms "$NATIVE_REF" "$NA_P99"
bench_figure http "REST GET /transports: server CPU per request" "$RT_CPU" µs "$NATIVE_REF" "$NA_CPU" \
  --note "user + system CPU of the server process over the rounds ÷ requests served: the steadiest figure on a shared machine"
bench_figure instantiation "instantiation p50 (runtime's own histogram, $INST_COUNT instances)" "$INST_P50" µs \
  "runtime CPU per GET /transports request" "$RT_CPU" "value < 100" \
  --note "ratio = the share of a request's server CPU spent instantiating (the store set-up and teardown are not in it)"
bench_figure instantiation "instantiation p99" "$INST_P99" µs "runtime CPU per GET /transports request" "$RT_CPU"
bench_figure memory "REST load: runtime peak RSS (VmHWM)" "$(bench_mib "$RT_PEAK_KB")" MiB \
  "native server's peak RSS" "$(bench_mib "$NA_PEAK_KB")" \
  --note "VmHWM is the peak since the process started, start-up included (the runtime loads the component from wasmtime's compilation cache or compiles it); idle before the load: runtime $(bench_mib "$RT_IDLE_KB") MiB, native $(bench_mib "$NA_IDLE_KB") MiB"
bench_figure memory "REST load: runtime RSS right after the load (VmRSS)" "$(bench_mib "$RT_AFTER_KB")" MiB \
  "native server's RSS after the load" "$(bench_mib "$NA_AFTER_KB")"

echo
echo "GET /transports — $LOADDESC"
echo "Note: $SHARED."
echo
table
echo
echo "Written: $RESULTS/transport-rest.md, $RESULTS/transport-rest.json"

# A measurement on a shared machine is not a test: MISS fails the run only when asked.
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$THROUGHPUT_OK$INST_OK" != PASSPASS ]; then
  die "a target was missed (BENCH_STRICT=1)"
fi
