#!/usr/bin/env bash
# Load benchmark of the air-quality SOAP service: `GetAirQualityMeasures` (POST /air-quality,
# the 24 seeded measures, ~13 KB of XML) beside `GET /transports` (REST, the 13 seeded lines)
# through the same cityflow runtime, in one run, on a freshly migrated database of its own.
#
# Prints req/s, p50 and p99 for both and writes bench/results/soap.md.
# Needs: target/release/cityflow and target/wasm32-wasip2/component/{transport,air_quality}.wasm
# (make build), wrk, psql, and SPIN_VARIABLE_DB_URL (source .env). Tunables:
#   BENCH_DURATION (15s)  BENCH_WARMUP (3s)  BENCH_CONNECTIONS (32)  BENCH_THREADS (2)
#   CITYFLOW_LOG (runtime log filter; default the runtime's own)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
: "${SPIN_VARIABLE_DB_URL:?set SPIN_VARIABLE_DB_URL (source .env, or run make bench)}"
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
RUNTIME=$ROOT/target/release/cityflow
LUA=$ROOT/bench/soap-get-measures.lua
RESULTS=$ROOT/bench/results

say() { echo "bench/soap: $*" >&2; }
die() { echo "bench/soap: error: $*" >&2; exit 1; }

[ -x "$RUNTIME" ] || die "$RUNTIME is missing; run make build"
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v psql >/dev/null || die "psql is missing (scripts/setup.sh installs it)"

# A database of our own on the same server, with the same credentials.
base_url=${SPIN_VARIABLE_DB_URL%%\?*}
BENCH_DB=cityflow_bench_soap_$$
BENCH_URL="${base_url%/*}/$BENCH_DB"
ADMIN_URL="${base_url%/*}/postgres"
WORK=$(mktemp -d)
RUNTIME_PID=""
cleanup() {
  if [ -n "$RUNTIME_PID" ] && kill -0 "$RUNTIME_PID" 2>/dev/null; then
    kill -TERM "$RUNTIME_PID" 2>/dev/null || true
    wait "$RUNTIME_PID" 2>/dev/null || true
  fi
  psql -q -X "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "migrating $BENCH_DB"
"$RUNTIME" migrate --create-database --database-url "$BENCH_URL" >"$WORK/migrate.log" 2>&1 \
  || { cat "$WORK/migrate.log" >&2; die "migration failed"; }

say "starting the runtime"
# Logging at the runtime's default (one line per request, as in production) unless
# CITYFLOW_LOG says otherwise; bench/run.sh does the same, so the figures compare.
SPIN_VARIABLE_DB_URL=$BENCH_URL \
SPIN_VARIABLE_JWT_SECRET=${SPIN_VARIABLE_JWT_SECRET:-bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')} \
CITYFLOW_LOG=${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn} \
  "$RUNTIME" up --listen 127.0.0.1:0 -f "$ROOT/spin.toml" --runtime-config-file "$ROOT/runtime-config.toml" \
  >"$WORK/up.out" 2>"$WORK/up.err" &
RUNTIME_PID=$!
BASE=""
for _ in $(seq 600); do
  BASE=$(sed -n 's/^Serving \(http:\/\/[^ ]*\).*/\1/p' "$WORK/up.out" | head -1)
  [ -n "$BASE" ] && break
  kill -0 "$RUNTIME_PID" 2>/dev/null || { cat "$WORK/up.err" >&2; die "the runtime exited"; }
  sleep 0.1
done
[ -n "$BASE" ] || die "the runtime did not come up"

# Both endpoints must answer 200 before they are measured.
curl -sf -o /dev/null "$BASE/transports" || die "GET /transports failed"
soap_probe=$(curl -s -w '\n%{http_code}' -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "urn:cityflow:air-quality/GetAirQualityMeasures"' \
  --data-binary "$(sed -n '/^wrk.body = \[\[/,/\]\]$/p' "$LUA" | sed '1s/^wrk.body = \[\[//; $s/\]\]$//')" "$BASE/air-quality")
[ "$(tail -n1 <<<"$soap_probe")" = 200 ] || die "GetAirQualityMeasures failed: $soap_probe"
SOAP_BYTES=$(($(head -n -1 <<<"$soap_probe" | wc -c)))
REST_BYTES=$(curl -s "$BASE/transports" | wc -c)
MEASURES=$(grep -o '<tns:measure>' <<<"$soap_probe" | wc -l)

to_ms() { # wrk latency ("812.00us", "1.23ms", "1.01s") to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                         else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
measure() { # name, then wrk arguments after the common ones; sets RPS_<name>, P50_<name>, P99_<name>
  local name=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$@" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$WORK/$name.txt"
  if grep -q 'Non-2xx or 3xx responses' "$WORK/$name.txt"; then
    cat "$WORK/$name.txt" >&2; die "$name: non-2xx responses under load"
  fi
  printf -v "RPS_$name" '%s' "$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$name.txt")"
  printf -v "P50_$name" '%s' "$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$name.txt")")"
  printf -v "P99_$name" '%s' "$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$name.txt")")"
}

say "GET /transports: ${WARMUP} warm-up, ${DURATION} measured, ${CONNECTIONS} connections"
measure rest "$BASE/transports"
say "POST /air-quality GetAirQualityMeasures: same load"
measure soap -s "$LUA" "$BASE/air-quality"

RATIO=$(awk -v s="$RPS_soap" -v r="$RPS_rest" 'BEGIN { printf "%.2f", s / r }')
TABLE=$(cat <<TABLE
| endpoint | protocol | response | req/s | p50 ms | p99 ms |
| --- | --- | --- | ---: | ---: | ---: |
| GET /transports | REST/JSON | $REST_BYTES B (13 lines) | $RPS_rest | $P50_rest | $P99_rest |
| POST /air-quality GetAirQualityMeasures | SOAP 1.1 | $SOAP_BYTES B ($MEASURES measures) | $RPS_soap | $P50_soap | $P99_soap |
TABLE
)
echo
echo "$TABLE"
echo
echo "SOAP/REST throughput ratio: $RATIO"

mkdir -p "$RESULTS"
cat >"$RESULTS/soap.md" <<MD
# Air quality over SOAP beside REST, through the cityflow runtime

Run on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(uname -m)), by \`bench/soap.sh\`: wrk,
$THREADS threads, $CONNECTIONS connections, $WARMUP warm-up then $DURATION measured per endpoint,
one after the other against the same runtime and a freshly migrated database, runtime log
filter \`${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn}\` (one log line per request). Each request instantiates the component, opens its Postgres
connection through the host pool, runs one query and serialises the answer.

$TABLE

SOAP/REST throughput ratio: $RATIO. The SOAP request carries a 300-byte envelope that is
parsed (quick-xml, bounded tree) and its response is ~${SOAP_BYTES} bytes of XML for
$MEASURES measures joined with their zones, against ${REST_BYTES} bytes of JSON for the 13
transport lines, so the two differ in payload as well as in protocol.
MD
say "wrote bench/results/soap.md"
