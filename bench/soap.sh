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

source "$(dirname "$0")/lib.sh"
bench_init soap
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
LUA=$ROOT/bench/soap-get-measures.lua

bench_require --tools wrk psql
bench_database

# Only the two components measured, as spin.toml declares them: the whole application would
# also subscribe to the MQTT broker and run the cron jobs beside the load.
bench_manifest /air-quality air-quality air_quality

# Logging at the runtime's default (one line per request, as in production) unless
# CITYFLOW_LOG says otherwise; bench/run.sh does the same, so the figures compare.
bench_start_runtime "$WORK/spin.toml" \
  SPIN_VARIABLE_DB_URL="$BENCH_URL" \
  SPIN_VARIABLE_JWT_SECRET="${SPIN_VARIABLE_JWT_SECRET:-$(bench_secret)}" \
  CITYFLOW_LOG="${CITYFLOW_LOG:-info,wasmtime_wasi_http=warn}"

# Both endpoints must answer 200 before they are measured.
curl -sf -o /dev/null "$BASE/transports" || die "GET /transports failed"
soap_probe=$(curl -s -w '\n%{http_code}' -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "urn:cityflow:air-quality/GetAirQualityMeasures"' \
  --data-binary "$(sed -n '/^wrk.body = \[\[/,/\]\]$/p' "$LUA" | sed '1s/^wrk.body = \[\[//; $s/\]\]$//')" "$BASE/air-quality")
[ "$(tail -n1 <<<"$soap_probe")" = 200 ] || die "GetAirQualityMeasures failed: $soap_probe"
SOAP_BYTES=$(($(head -n -1 <<<"$soap_probe" | wc -c)))
REST_BYTES=$(curl -s "$BASE/transports" | wc -c)
MEASURES=$(grep -o '<tns:measure>' <<<"$soap_probe" | wc -l)

say "GET /transports: ${WARMUP} warm-up, ${DURATION} measured, ${CONNECTIONS} connections"
wrk_measure rest "$BASE/transports"
say "POST /air-quality GetAirQualityMeasures: same load"
wrk_measure soap -s "$LUA" "$BASE/air-quality"

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

# Figures of make bench's report (bench/report.py); nothing when this script runs alone.
REST_REF="REST GET /transports, same runtime and load"
bench_figure http "SOAP GetAirQualityMeasures: throughput (wrk, $CONNECTIONS connections)" "$RPS_soap" req/s "$REST_REF" "$RPS_rest" \
  --note "the SOAP answer is ${SOAP_BYTES} B of XML ($MEASURES measures), the REST one ${REST_BYTES} B of JSON"
bench_figure http "SOAP GetAirQualityMeasures: p50 latency" "$P50_soap" ms "$REST_REF" "$P50_rest"
bench_figure http "SOAP GetAirQualityMeasures: p99 latency" "$P99_soap" ms "$REST_REF" "$P99_rest"
