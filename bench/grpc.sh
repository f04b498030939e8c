#!/usr/bin/env bash
# Load benchmark of the emergency gRPC service: `GetVehicles` (the 8 seeded vehicles, one
# protobuf message) over h2c, beside `GET /transports` (REST, the 13 seeded lines) through
# the same cityflow runtime, in one run, on a freshly migrated database of its own. Both are
# driven by h2load with the same connections and streams per connection, so the figures
# differ only by what the two components do.
#
# Prints req/s, p50 and p99 for both and writes bench/results/grpc.md.
# Needs: target/release/cityflow, target/wasm32-wasip2/component/{transport,emergency}.wasm
# (make build), h2load (Debian: nghttp2-client), psql, and SPIN_VARIABLE_DB_URL (source .env).
# Tunables:
#   BENCH_DURATION (15, seconds)  BENCH_WARMUP (3, seconds)  BENCH_CONNECTIONS (8)
#   BENCH_STREAMS (8 concurrent streams per connection)  BENCH_THREADS (2)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init grpc
DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
STREAMS=${BENCH_STREAMS:-8}
THREADS=${BENCH_THREADS:-2}

bench_require --wasm transport emergency --tools h2load psql
bench_database

bench_manifest "/emergency.EmergencyService/..." emergency

# Request logs off: the benchmark measures serving, not log formatting.
bench_start_runtime "$WORK/spin.toml" \
  SPIN_VARIABLE_DB_URL="$BENCH_URL" \
  SPIN_VARIABLE_JWT_SECRET="$(bench_secret)" \
  CITYFLOW_LOG="${CITYFLOW_LOG:-warn}"

# GetVehicles' request: an EmptyRequest in one uncompressed frame (flag 0, length 0).
GRPC_BODY=$WORK/get-vehicles.bin
printf '\0\0\0\0\0' >"$GRPC_BODY"
GRPC_URL="$BASE/emergency.EmergencyService/GetVehicles"
GRPC_HEADERS=(-H 'content-type: application/grpc' -H 'te: trailers')

# Both endpoints must succeed before they are measured. gRPC errors are HTTP 200 too, so the
# probe reads grpc-status from the HTTP/2 trailers.
curl -sf -o /dev/null --http2-prior-knowledge "$BASE/transports" || die "GET /transports failed"
curl -s --http2-prior-knowledge -D "$WORK/probe.headers" -o "$WORK/probe.body" "${GRPC_HEADERS[@]}" \
  --data-binary @"$GRPC_BODY" "$GRPC_URL" || die "GetVehicles failed"
grep -qi '^grpc-status: *0' "$WORK/probe.headers" || { cat "$WORK/probe.headers" >&2; die "GetVehicles: no grpc-status 0"; }
GRPC_BYTES=$(wc -c <"$WORK/probe.body")
REST_BYTES=$(curl -s "$BASE/transports" | wc -c)

# h2load's summary has no percentiles; its per-request log (start, status, duration in µs)
# gives them.
percentile() { # log file, fraction -> milliseconds
  awk '{ print $3 }' "$1" | sort -n | awk -v q="$2" '{ v[NR] = $1 } END {
    i = int(NR * q + 0.999999); if (i < 1) i = 1; printf "%.2f", v[i] / 1000 }'
}
measure() { # name, then h2load arguments after the common ones; sets RPS_, P50_, P99_, N_
  local name=$1; shift
  h2load -t"$THREADS" -c"$CONNECTIONS" -m"$STREAMS" -D"$WARMUP" "$@" >/dev/null
  h2load -t"$THREADS" -c"$CONNECTIONS" -m"$STREAMS" -D"$DURATION" --log-file="$WORK/$name.log" "$@" >"$WORK/$name.txt"
  local ok failed
  ok=$(awk '$2 >= 200 && $2 < 300' "$WORK/$name.log" | wc -l)
  failed=$(awk '$2 < 200 || $2 >= 300' "$WORK/$name.log" | wc -l)
  [ "$failed" = 0 ] || { cat "$WORK/$name.txt" >&2; die "$name: $failed non-2xx responses under load"; }
  printf -v "N_$name" '%s' "$ok"
  printf -v "RPS_$name" '%s' "$(awk '/^finished in/ { gsub(",", "", $4); printf "%.0f", $4 }' "$WORK/$name.txt")"
  printf -v "P50_$name" '%s' "$(percentile "$WORK/$name.log" 0.50)"
  printf -v "P99_$name" '%s' "$(percentile "$WORK/$name.log" 0.99)"
}

say "GET /transports over h2c: ${WARMUP}s warm-up, ${DURATION}s measured, $CONNECTIONS connections x $STREAMS streams"
measure rest "$BASE/transports"
say "GetVehicles over h2c: same load"
measure grpc "${GRPC_HEADERS[@]}" -d "$GRPC_BODY" "$GRPC_URL"

# Every measured GetVehicles call was a gRPC success, not just an HTTP 200: one more probe
# after the load, and the runtime's error log.
curl -s --http2-prior-knowledge -D "$WORK/after.headers" -o /dev/null "${GRPC_HEADERS[@]}" \
  --data-binary @"$GRPC_BODY" "$GRPC_URL"
grep -qi '^grpc-status: *0' "$WORK/after.headers" || die "GetVehicles failed after the load"
# (h2load resets the streams still in flight when a timed run ends; the component logs those
# as Cancelled or "writing the response body failed", which are not failed calls.)
if grep 'emergency: GetVehicles -> ' "$WORK/up.err" | grep -qv -- '-> Cancelled'; then
  grep 'emergency: GetVehicles -> ' "$WORK/up.err" | grep -v -- '-> Cancelled' | head -5 >&2
  die "GetVehicles returned errors under load"
fi
CANCELLED=$(grep -c -e 'writing the response body failed' -e '-> Cancelled' "$WORK/up.err" || true)

RATIO=$(awk -v g="$RPS_grpc" -v r="$RPS_rest" 'BEGIN { printf "%.2f", g / r }')
TABLE=$(cat <<TABLE
| endpoint | protocol | response body | requests | req/s | p50 ms | p99 ms |
| --- | --- | --- | ---: | ---: | ---: | ---: |
| GET /transports | REST/JSON over h2c | $REST_BYTES B (13 lines) | $N_rest | $RPS_rest | $P50_rest | $P99_rest |
| EmergencyService/GetVehicles | gRPC over h2c | $GRPC_BYTES B (8 vehicles, 1 frame) | $N_grpc | $RPS_grpc | $P50_grpc | $P99_grpc |
TABLE
)
echo
echo "$TABLE"
echo
echo "gRPC/REST throughput ratio: $RATIO"

mkdir -p "$RESULTS"
cat >"$RESULTS/grpc.md" <<MD
# Emergency over gRPC beside REST, through the cityflow runtime

Run on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(uname -m)), by \`bench/grpc.sh\`: h2load
($(h2load --version | awk '{print $2; exit}')), h2c with prior knowledge, $THREADS threads,
$CONNECTIONS connections × $STREAMS concurrent streams each, ${WARMUP}s warm-up then ${DURATION}s
measured per endpoint, one after the other against the same runtime and a freshly migrated
database. Request logging off (CITYFLOW_LOG=warn). Each request instantiates its component afresh,
takes a pooled Postgres connection through the runtime's \`spin:postgres\` host and runs one
query; GetVehicles also frames the protobuf reply and sends \`grpc-status\` in HTTP/2 trailers.
Percentiles come from h2load's per-request log. The machine is shared with other work, so
compare the two rows of one run rather than runs with each other.

$TABLE

gRPC/REST throughput ratio: **$RATIO**. When each timed h2load run ends it resets the streams
still in flight; $CANCELLED GetVehicles calls were cut off that way (warm-up included) and are not
counted.
MD
say "wrote bench/results/grpc.md"

# Figures of make bench's report (bench/report.py); nothing when this script runs alone.
REST_REF="REST GET /transports over h2c, same runtime and load"
bench_figure http "gRPC GetVehicles over h2c: throughput (h2load, $CONNECTIONS × $STREAMS streams)" "$RPS_grpc" req/s "$REST_REF" "$RPS_rest"
bench_figure http "gRPC GetVehicles: p50 latency" "$P50_grpc" ms "$REST_REF" "$P50_rest"
bench_figure http "gRPC GetVehicles: p99 latency" "$P99_grpc" ms "$REST_REF" "$P99_rest"
