#!/usr/bin/env bash
# `make soak` (issue 13): a mixed load on the whole application for SOAK_DURATION (5m).
#
# The whole spin.toml runs on the runtime (HTTP, MQTT and cron triggers) against a throw-away
# migrated database, a Redis key prefix of its own and a private Mosquitto, while at once:
#   - the simulator publishes SOAK_SENSORS (100) sensors every 2 s at SOAK_SPEEDUP (10x) speed;
#   - wrk drives GET /transports (REST), GetAirQualityMeasures (SOAP), { attractions } (GraphQL)
#     and the gateway's city dashboard, and h2load drives gRPC GetVehicles over h2c, each with
#     SOAK_CONNECTIONS (4) connections, counting every response by status (bench/count-status.lua
#     on top of the benches' request scripts; h2load's per-request log);
#   - the runtime's resident memory (VmRSS) is sampled every SOAK_SAMPLE (5) seconds.
# The bars: zero server errors (HTTP 5xx, gRPC non-OK statuses), counted by the clients and by
# the runtime's own /metrics; zero readings lost; flat memory: the mean RSS of the last minute
# within SOAK_MAX_DRIFT_PCT (5) % of the first minute's after a minute of warm-up (in a soak
# shorter than 5 minutes, windows of a fifth of it). Writes bench/results/soak.md and the soak
# section of bench/results/report.{md,json}; exits non-zero when a bar is missed.
#
# Needs: make build (runtime and every component of spin.toml), Postgres, Redis, the mosquitto
# binary, wrk and h2load (installed when missing), .env sourced (SPIN_VARIABLE_DB_URL).
set -euo pipefail
shopt -s inherit_errexit

source "$(dirname "$0")/lib.sh"
bench_init soak
DURATION=${SOAK_DURATION:-5m}
CONNECTIONS=${SOAK_CONNECTIONS:-4}
SAMPLE=${SOAK_SAMPLE:-5}
MAX_DRIFT_PCT=${SOAK_MAX_DRIFT_PCT:-5}
SENSORS=${SOAK_SENSORS:-100}
SPEEDUP=${SOAK_SPEEDUP:-10}
REDIS_PREFIX="cityflow-soak-$$:"
MQTT_HOST=127.0.0.1

seconds_of() { # 300, 300s, 5m, 1h -> 300
  case $1 in
    *h) echo $(( ${1%h} * 3600 )) ;;
    *m) echo $(( ${1%m} * 60 )) ;;
    *s) echo "${1%s}" ;;
    *) echo "$1" ;;
  esac
}
SECS=$(seconds_of "$DURATION" 2>/dev/null || true)
[[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -ge 30 ] || die "SOAK_DURATION=$DURATION: give seconds, or a number with s, m or h; at least 30s"
# Warm-up, then the first and the last window of the same length are compared.
WINDOW=$(( SECS / 5 < 60 ? SECS / 5 : 60 ))

FIGURE_DIR=$WORK/figures
mkdir -p "$FIGURE_DIR"
BENCH_FIGURES=$FIGURE_DIR/soak.jsonl
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

PIDS=() BROKER_PID=""
soak_cleanup() {
  local pid
  for pid in "${PIDS[@]}" "$BROKER_PID"; do
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  redis-cli --scan --pattern "${REDIS_PREFIX}*" 2>/dev/null | xargs -r redis-cli DEL >/dev/null 2>&1 || true
  bench_cleanup
}
trap soak_cleanup EXIT

# --- tools, components, database, broker -------------------------------------------------
bench_require --tools wrk h2load psql curl jq mosquitto mosquitto_sub redis-cli python3
for wasm in $(grep -o 'target/wasm32-wasip2/component/[A-Za-z0-9_-]*\.wasm' "$ROOT/spin.toml" | sort -u); do
  [ -f "$ROOT/$wasm" ] || die "$wasm is missing; run make build"
done
bench_database
PG_HOST=${PG_AUTHORITY%:*} PG_PORT=5432
[[ $PG_AUTHORITY == *:* ]] && PG_PORT=${PG_AUTHORITY##*:}

# A private broker: spin.toml's topic (cityflow/traffic/#) stays as it is without meeting a
# `make up` on the shared broker; no persistence, no queue limit (QoS 1 is never dropped).
bench_private_broker

# --- the whole application ---------------------------------------------------------------
bench_start_runtime "$ROOT/spin.toml" \
  SPIN_VARIABLE_DB_URL="$BENCH_URL" SPIN_VARIABLE_PG_HOST="$PG_HOST" SPIN_VARIABLE_PG_PORT="$PG_PORT" \
  SPIN_VARIABLE_JWT_SECRET="$(bench_secret)" SPIN_VARIABLE_REDIS_PREFIX="$REDIS_PREFIX" \
  SPIN_VARIABLE_MQTT_HOST="$MQTT_HOST" SPIN_VARIABLE_MQTT_PORT="$MQTT_PORT" \
  CITYFLOW_LOG="${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn}" \
  -- --mqtt-client-prefix "cityflow-soak-$$" --mqtt-concurrency "${SOAK_MQTT_CONCURRENCY:-8}"
# Ready = Postgres, Redis and the MQTT session answer (the admin listener's readiness).
for _ in $(seq 100); do
  curl -sf -o /dev/null "$ADMIN_BASE/readyz" && break
  sleep 0.2
done
curl -sf -o /dev/null "$ADMIN_BASE/readyz" || die "the runtime is not ready: $(curl -s "$ADMIN_BASE/readyz")"
sleep 1 # the SUBSCRIBE's acknowledgement

# Every endpoint answers correctly before the load starts.
SOAP_LUA=$ROOT/bench/soap-get-measures.lua
GRAPHQL_LUA=$ROOT/bench/graphql-attractions.lua
GRPC_URL="$BASE/emergency.EmergencyService/GetVehicles"
GRPC_HEADERS=(-H 'content-type: application/grpc' -H 'te: trailers')
printf '\0\0\0\0\0' >"$WORK/get-vehicles.bin" # an empty EmptyRequest in one frame
curl -sf -o /dev/null "$BASE/transports" || die "GET /transports failed"
code=$(curl -s -o "$WORK/probe.soap" -w '%{http_code}' -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "urn:cityflow:air-quality/GetAirQualityMeasures"' \
  --data-binary "$(sed -n '/^wrk.body = \[\[/,/\]\]$/p' "$SOAP_LUA" | sed '1s/^wrk.body = \[\[//; $s/\]\]$//')" "$BASE/air-quality")
[ "$code" = 200 ] || die "GetAirQualityMeasures answered $code: $(head -c 300 "$WORK/probe.soap")"
gql=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
  --data-binary '{"query":"{ attractions { id name status } }"}' "$BASE/graphql")
[ "$(tail -n1 <<<"$gql")" = 200 ] && ! grep -q '"errors"' <<<"$gql" || die "the GraphQL query failed: $gql"
curl -s --http2-prior-knowledge -D "$WORK/probe.grpc" -o /dev/null "${GRPC_HEADERS[@]}" \
  --data-binary @"$WORK/get-vehicles.bin" "$GRPC_URL" || die "GetVehicles failed"
grep -qi '^grpc-status: *0' "$WORK/probe.grpc" || die "GetVehicles: no grpc-status 0"
dashboard=$(curl -sf "$BASE/api/orchestration/city-dashboard") || die "the dashboard failed"
grep -q '"degraded":false' <<<"$dashboard" || die "the dashboard is degraded before the load: $dashboard"
read -r _ IDLE_KB <<<"$(bench_rss "$RUNTIME_PID")"

# --- the load ----------------------------------------------------------------------------
say "$DURATION: simulator ($SENSORS sensors, ${SPEEDUP}x) + REST, SOAP, GraphQL, gRPC and dashboard load ($CONNECTIONS connections each)"
T0=$(date +%s.%N)
( while kill -0 "$RUNTIME_PID" 2>/dev/null; do
    printf '%s %s\n' "$(date +%s.%N)" "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$RUNTIME_PID/status" 2>/dev/null)"
    sleep "$SAMPLE"
  done ) >"$WORK/rss.samples" &
SAMPLER_PID=$!
PIDS+=("$SAMPLER_PID")

"$RUNTIME" simulate --sensors "$SENSORS" --speedup "$SPEEDUP" --duration "${SECS}s" --quiet \
  --broker "mqtt://$MQTT_HOST:$MQTT_PORT" >"$WORK/simulate.out" 2>&1 &
SIM_PID=$!
PIDS+=("$SIM_PID")

wrk_load() { # name url [request script] [body mark]
  WRK_REQUEST=${3:-} WRK_BODY_MARK=${4:-} wrk -t1 -c"$CONNECTIONS" -d"${SECS}s" --timeout 30s \
    -s "$ROOT/bench/count-status.lua" "$2" >"$WORK/load.$1.txt" 2>&1 &
  PIDS+=($!)
  LOAD_PIDS+=($!)
}
LOAD_PIDS=()
wrk_load rest "$BASE/transports"
wrk_load soap "$BASE/air-quality" "$SOAP_LUA"
wrk_load graphql "$BASE/graphql" "$GRAPHQL_LUA"
wrk_load dashboard "$BASE/api/orchestration/city-dashboard" "" '"degraded":true'
h2load -t1 -c2 -m"$CONNECTIONS" -D"$SECS" --log-file="$WORK/grpc.log" "${GRPC_HEADERS[@]}" \
  -d "$WORK/get-vehicles.bin" "$GRPC_URL" >"$WORK/load.grpc.txt" 2>&1 &
PIDS+=($!)
LOAD_PIDS+=($!)

for pid in "${LOAD_PIDS[@]}"; do wait "$pid" || say "a load generator exited non-zero (pid $pid)"; done
wait "$SIM_PID" || { cat "$WORK/simulate.out" >&2; die "the simulator failed"; }
T1=$(date +%s.%N)
kill -0 "$RUNTIME_PID" 2>/dev/null || { tail -30 "$WORK/up.err" >&2; die "the runtime died during the soak"; }
read -r PEAK_KB AFTER_KB <<<"$(bench_rss "$RUNTIME_PID")"
kill -TERM "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true

# --- ingest: everything published is stored ----------------------------------------------
PUBLISHED=$(sed -n 's/^simulate: [0-9]* messages (\([0-9]*\) readings.*/\1/p' "$WORK/simulate.out" | tail -1)
[ -n "$PUBLISHED" ] || { cat "$WORK/simulate.out" >&2; die "no summary from the simulator"; }
grep -q " 0 not;" "$WORK/simulate.out" || { cat "$WORK/simulate.out" >&2; die "the broker did not acknowledge every publish"; }
stored() { psql -tAX "$BENCH_URL" -c "SELECT count(*) FROM traffic_raw"; }
STORED=$(stored) last=-1 progressed=$(date +%s)
while [ "$STORED" -lt "$PUBLISHED" ] && [ $(( $(date +%s) - progressed )) -lt 30 ]; do
  sleep 0.5
  STORED=$(stored)
  [ "$STORED" != "$last" ] && { last=$STORED progressed=$(date +%s); }
done
LOST=$((PUBLISHED - STORED))
[ "$LOST" -ge 0 ] || LOST=0
REJECTED=$(grep -c 'rejected message' "$WORK/up.err" || true)

# --- the runtime's own count, then stop it -----------------------------------------------
curl -sf "$ADMIN_BASE/metrics" >"$WORK/metrics.txt" || die "no /metrics from the runtime"
kill -TERM "$RUNTIME_PID"
wait "$RUNTIME_PID" || true
RUNTIME_PID=""
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

metric_sum() { # metric name, then label=value filters; sums the matching series
  local name=$1; shift
  awk -v name="$name" -v filters="$*" '
    index($0, name "{") == 1 {
      n = split(filters, f, " "); ok = 1
      for (i = 1; i <= n; i++) if (index($0, f[i]) == 0) ok = 0
      if (ok) s += $NF }
    END { printf "%d", s }' "$WORK/metrics.txt"
}
SERVER_TOTAL=$(metric_sum cityflow_http_requests_total)
SERVER_5XX=$(metric_sum cityflow_http_requests_total 'status="5xx"')
SERVER_4XX=$(metric_sum cityflow_http_requests_total 'status="4xx"')
server_by_component() {
  awk 'index($0, "cityflow_http_requests_total{") == 1 {
         match($0, /component="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12)
         match($0, /status="[^"]*"/); s = substr($0, RSTART + 8, RLENGTH - 9)
         n[c, s] += $NF; comps[c] = 1 }
       END { for (c in comps) printf "| %s | %d | %d | %d | %d |\n", c, n[c, "2xx"], n[c, "3xx"], n[c, "4xx"], n[c, "5xx"] }' \
    "$WORK/metrics.txt" | sort
}
trigger_rows() {
  awk 'index($0, "cityflow_trigger_invocations_total{") == 1 {
         match($0, /trigger="[^"]*"/); t = substr($0, RSTART + 9, RLENGTH - 10)
         match($0, /component="[^"]*"/); c = substr($0, RSTART + 11, RLENGTH - 12)
         match($0, /outcome="[^"]*"/); o = substr($0, RSTART + 9, RLENGTH - 10)
         printf "| %s | %s | %s | %d |\n", t, c, o, $NF }' "$WORK/metrics.txt" | sort
}
REDELIVERIES=$(metric_sum cityflow_trigger_redeliveries_total)
GUEST_FAILURES=$(metric_sum cityflow_guest_failures_total)

# --- the clients' count ------------------------------------------------------------------
# Per endpoint: "responses 2xx 3xx 4xx 5xx other p50 p99" (other = socket errors and timeouts
# for wrk; responses without an HTTP status for h2load).
wrk_counts() {
  awk '$1 == "count" && $2 == "status" { c = int($3 / 100); n[c] += $4; total += $4 }
       $1 == "count" && $2 == "errors" { other = $3 + $4 + $5 + $6 }
       $1 == "count" && $2 == "latency" { p50 = $3; p99 = $4 }
       END { printf "%d %d %d %d %d %d %.2f %.2f\n", total, n[2], n[3], n[4], n[5], other, p50, p99 }' "$WORK/load.$1.txt"
}
grpc_counts() {
  sort -t$'\t' -k3,3n "$WORK/grpc.log" | awk -F'\t' '
    { d[NR] = $3; c = int($2 / 100); if (c >= 2 && c <= 5) n[c]++; else other++ }
    END { p50 = NR ? d[int(NR * 0.5 + 0.999999)] / 1000 : 0; p99 = NR ? d[int(NR * 0.99 + 0.999999)] / 1000 : 0
          printf "%d %d %d %d %d %d %.2f %.2f\n", NR - other, n[2], n[3], n[4], n[5], other, p50, p99 }'
}
ENDPOINTS=(rest soap graphql grpc dashboard)
declare -A LABEL=(
  [rest]="GET /transports | REST/JSON | wrk"
  [soap]="POST /air-quality GetAirQualityMeasures | SOAP 1.1 | wrk"
  [graphql]="POST /graphql { attractions { id name status } } | GraphQL | wrk"
  [grpc]="EmergencyService/GetVehicles | gRPC over h2c | h2load"
  [dashboard]="GET /api/orchestration/city-dashboard | JSON, 5 chained calls | wrk"
)
declare -A COUNTS
RESPONSES=0 HTTP_5XX=0 OTHER=0
for e in "${ENDPOINTS[@]}"; do
  if [ "$e" = grpc ]; then COUNTS[$e]=$(grpc_counts); else COUNTS[$e]=$(wrk_counts "$e"); fi
  read -r n _ _ _ n5 other _ _ <<<"${COUNTS[$e]}"
  RESPONSES=$((RESPONSES + n)) HTTP_5XX=$((HTTP_5XX + n5)) OTHER=$((OTHER + other))
done
DEGRADED=$(awk '$1 == "count" && $2 == "marked" { print $3 }' "$WORK/load.dashboard.txt")
read -r DASHBOARDS _ <<<"${COUNTS[dashboard]}"
# gRPC failures travel in trailers behind HTTP 200; the component logs each one. Calls cut off
# when h2load's timed run ends (Cancelled, or a body it could no longer write) are not failures.
GRPC_ERRORS=$(grep -F '[emergency] emergency: GetVehicles -> ' "$WORK/up.err" | grep -vc -- '-> Cancelled' || true)
SERVER_ERRORS=$((HTTP_5XX + GRPC_ERRORS))
ELAPSED=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')

# --- memory: first window after the warm-up against the last ------------------------------
# Prints "first_mib last_mib drift_mib drift_pct slope_mib_per_min samples" and, after it, one
# "window start end mean_mib" line per window of WINDOW seconds.
awk -v t0="$T0" -v w="$WINDOW" -v total="$SECS" '
  $2 > 0 { t = $1 - t0; m = $2 / 1024; k = int(t / w); sum[k] += m; cnt[k]++; if (k > maxk) maxk = k
           if (t >= w && t < 2 * w) { fs += m; fn++ }
           if (t >= total - w && t <= total + 1) { ls += m; ln++ }
           if (t >= w) { n++; sx += t; sy += m; sxx += t * t; sxy += t * m } }
  END { first = fn ? fs / fn : 0; last = ln ? ls / ln : 0
        slope = (n > 1 && n * sxx - sx * sx) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 60 : 0
        printf "%.1f %.1f %.1f %.2f %.2f %d\n", first, last, last - first, first ? (last - first) / first * 100 : 0, slope, n
        for (k = 0; k <= maxk; k++) if (cnt[k]) printf "window %d %d %.1f\n", k * w, (k + 1) * w, sum[k] / cnt[k] }' \
  "$WORK/rss.samples" >"$WORK/rss.summary"
read -r FIRST_MIB LAST_MIB DRIFT_MIB DRIFT_PCT SLOPE SAMPLES <<<"$(head -1 "$WORK/rss.summary")"
MAX_RATIO=$(awk -v p="$MAX_DRIFT_PCT" 'BEGIN { printf "%.2f", 1 + p / 100 }')
DRIFT_OK=$(awk -v f="$FIRST_MIB" -v l="$LAST_MIB" -v r="$MAX_RATIO" 'BEGIN { print (f > 0 && l / f <= r) ? "PASS" : "MISS" }')

# --- figures, soak.md, report ------------------------------------------------------------
W="${WINDOW} s"
bench_figure soak "server errors: HTTP 5xx + gRPC non-OK statuses, counted by the clients" "$SERVER_ERRORS" responses \
  "responses the load generators received" "$RESPONSES" "value <= 0"
bench_figure soak "HTTP 5xx counted by the runtime (/metrics; chained calls included)" "$SERVER_5XX" requests \
  "requests the runtime counted" "$SERVER_TOTAL" "value <= 0"
bench_figure soak "readings lost: published by the simulator, not in traffic_raw" "$LOST" readings \
  "readings published (QoS 1, all acknowledged by the broker)" "$PUBLISHED" "value <= 0"
bench_figure soak "runtime RSS: mean of the last $W" "$LAST_MIB" MiB "mean of the first $W after $W of warm-up" "$FIRST_MIB" \
  "ratio <= $MAX_RATIO" --note "drift $DRIFT_MIB MiB ($DRIFT_PCT %), least-squares slope after the warm-up $SLOPE MiB/min over $SAMPLES samples; 'flat' read as within $MAX_DRIFT_PCT % (SOAK_MAX_DRIFT_PCT)"
bench_figure soak "runtime peak RSS over the soak (VmHWM)" "$(bench_mib "$PEAK_KB")" MiB \
  "RSS before the load (after start-up)" "$(bench_mib "$IDLE_KB")"
bench_figure soak "requests left without an answer (socket errors, timeouts)" "$OTHER" requests \
  "responses the load generators received" "$RESPONSES"
bench_figure soak "city dashboards answered degraded (a section unavailable, still 200)" "$DEGRADED" responses \
  "dashboard responses" "$DASHBOARDS"

VERDICT_ERRORS=$([ "$SERVER_ERRORS" = 0 ] && [ "$SERVER_5XX" = 0 ] && echo PASS || echo MISS)
VERDICT_LOSS=$([ "$LOST" = 0 ] && echo PASS || echo MISS)
endpoint_rows() {
  local e n n2 n3 n4 n5 other p50 p99
  for e in "${ENDPOINTS[@]}"; do
    read -r n n2 n3 n4 n5 other p50 p99 <<<"${COUNTS[$e]}"
    printf '| %s | %d | %.0f | %d | %d | %d | %d | %d | %s | %s |\n' "${LABEL[$e]}" "$n" \
      "$(awk -v n="$n" -v s="$ELAPSED" 'BEGIN { print n / s }')" "$n2" "$n3" "$n4" "$n5" "$other" "$p50" "$p99"
  done
}
MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
mkdir -p "$RESULTS"
cat >"$RESULTS/soak.md" <<MD
# Soak: mixed load on the whole application (issue 13)

Run on $STARTED, $(nproc) CPUs ($MODEL), $(free -h | awk '/^Mem:/ { print $2 }') RAM, $(uname -sr),
commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" status --porcelain --untracked-files=no | grep -q . && echo ' + uncommitted changes'), by \`bench/soak.sh\` (\`make soak\`); load average
$LOAD_BEFORE before, $LOAD_AFTER after (the machine is shared with other work).

For $DURATION (${ELAPSED} s measured): the whole \`spin.toml\` on \`cityflow up\` (HTTP, MQTT and cron
triggers; runtime log filter \`${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn}\`) with a throw-away
database, a private Mosquitto and Redis prefix \`$REDIS_PREFIX\`; the simulator with $SENSORS sensors
every 2 s at ${SPEEDUP}x speed; and at the same time one wrk (1 thread, $CONNECTIONS connections,
30 s timeout) per HTTP endpoint and h2load (2 connections × $CONNECTIONS streams) for gRPC.

## Bars

- server errors (HTTP 5xx + gRPC non-OK statuses): **$SERVER_ERRORS** of $RESPONSES responses
  (clients); HTTP 5xx **$SERVER_5XX** of $SERVER_TOTAL requests (the runtime's /metrics, chained
  calls included): **$VERDICT_ERRORS**
- readings: $PUBLISHED published, $STORED stored, **$LOST lost**, $REJECTED rejected: **$VERDICT_LOSS**
- memory: first $W after warm-up $FIRST_MIB MiB, last $W $LAST_MIB MiB, drift $DRIFT_MIB MiB
  ($DRIFT_PCT %, bar ±$MAX_DRIFT_PCT %), slope $SLOPE MiB/min: **$DRIFT_OK**

## Responses per endpoint (counted by the clients)

| endpoint | protocol | generator | responses | req/s | 2xx | 3xx | 4xx | 5xx | socket errors / timeouts | p50 ms | p99 ms |
| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$(endpoint_rows)

Dashboards answered \`degraded: true\` (a service call over its 2 s budget or failed; still a
complete 200 naming what is missing): $DEGRADED of $DASHBOARDS. gRPC calls ending with a
non-OK \`grpc-status\` (logged by the component; the calls h2load cuts off when its timed run
ends are not counted): $GRPC_ERRORS.

## Requests counted by the runtime (/metrics, by component)

| component | 2xx | 3xx | 4xx | 5xx |
| --- | ---: | ---: | ---: | ---: |
$(server_by_component)

## Triggers (/metrics)

| trigger | component | outcome | invocations |
| --- | --- | --- | ---: |
$(trigger_rows)

MQTT redeliveries: $REDELIVERIES. Guest failures (traps, deadlines, memory cap): $GUEST_FAILURES.

## Runtime memory (VmRSS every $SAMPLE s)

Before the load $(bench_mib "$IDLE_KB") MiB; peak (VmHWM) $(bench_mib "$PEAK_KB") MiB; right after the load $(bench_mib "$AFTER_KB") MiB.

| from s | to s | mean RSS MiB |
| ---: | ---: | ---: |
$(awk '$1 == "window" { printf "| %d | %d | %s |\n", $2, $3, $4 }' "$WORK/rss.summary")
MD
say "wrote bench/results/soak.md"

STATUS=0
[ "$VERDICT_ERRORS$VERDICT_LOSS$DRIFT_OK" = PASSPASSPASS ] || STATUS=1
python3 "$ROOT/bench/report.py" --figures-dir "$FIGURE_DIR" --started "$STARTED" --load-before "$LOAD_BEFORE" "soak=$STATUS" \
  || die "the report could not be written"
echo
sed -n '/^## Bars/,/^## Responses/p' "$RESULTS/soak.md" | sed '$d'
[ "$STATUS" = 0 ] || die "a bar was missed (see above and bench/results/soak.md)"
