#!/usr/bin/env bash
# Load benchmark of the tourism GraphQL service: `{ attractions { id name status } }` (POST
# /graphql, the gateway's query over the 10 seeded attractions) beside `GET /transports` (REST,
# the 13 seeded lines) through the same cityflow runtime, in one run, on a freshly migrated
# database of its own.
#
# Prints req/s, p50 and p99 for both and writes bench/results/graphql.md.
# Needs: target/release/cityflow and target/wasm32-wasip2/component/{transport,tourism}.wasm
# (make build), wrk, psql, and SPIN_VARIABLE_DB_URL (source .env). Tunables:
#   BENCH_DURATION (15s)  BENCH_WARMUP (3s)  BENCH_CONNECTIONS (32)  BENCH_THREADS (2)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
bench_init graphql
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
LUA=$ROOT/bench/graphql-attractions.lua
QUERY='{"query":"{ attractions { id name status } }"}'

bench_require --wasm transport tourism --tools wrk psql
bench_database

bench_manifest /graphql tourism

# Request logs off: the benchmark measures serving, not log formatting.
bench_start_runtime "$WORK/spin.toml" \
  SPIN_VARIABLE_DB_URL="$BENCH_URL" \
  SPIN_VARIABLE_JWT_SECRET="${SPIN_VARIABLE_JWT_SECRET:-$(bench_secret)}" \
  CITYFLOW_LOG="${CITYFLOW_LOG:-warn}"

# Both endpoints must answer 200 with data before they are measured.
curl -sf -o /dev/null "$BASE/transports" || die "GET /transports failed"
gql_probe=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$QUERY" "$BASE/graphql")
[ "$(tail -n1 <<<"$gql_probe")" = 200 ] || die "the GraphQL query failed: $gql_probe"
grep -q '"errors"' <<<"$gql_probe" && die "the GraphQL query returned errors: $gql_probe"
GQL_BYTES=$(($(head -n -1 <<<"$gql_probe" | wc -c)))
ATTRACTIONS=$(grep -o '"id":' <<<"$gql_probe" | wc -l)
REST_BYTES=$(curl -s "$BASE/transports" | wc -c)

say "GET /transports: ${WARMUP} warm-up, ${DURATION} measured, ${CONNECTIONS} connections"
wrk_measure rest "$BASE/transports"
say "POST /graphql { attractions { id name status } }: same load"
wrk_measure graphql -s "$LUA" "$BASE/graphql"

RATIO=$(awk -v g="$RPS_graphql" -v r="$RPS_rest" 'BEGIN { printf "%.2f", g / r }')
WASM_KB=$(( $(stat -c %s "$ROOT/target/wasm32-wasip2/component/tourism.wasm") / 1024 ))
TABLE=$(cat <<TABLE
| endpoint | protocol | response | req/s | p50 ms | p99 ms |
| --- | --- | --- | ---: | ---: | ---: |
| GET /transports | REST/JSON | $REST_BYTES B (13 lines) | $RPS_rest | $P50_rest | $P99_rest |
| POST /graphql \`{ attractions { id name status } }\` | GraphQL | $GQL_BYTES B ($ATTRACTIONS attractions) | $RPS_graphql | $P50_graphql | $P99_graphql |
TABLE
)
echo
echo "$TABLE"
echo
echo "GraphQL/REST throughput ratio: $RATIO"

mkdir -p "$RESULTS"
cat >"$RESULTS/graphql.md" <<MD
# Tourism over GraphQL beside REST, through the cityflow runtime

Run on $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs ($(uname -m)), by \`bench/graphql.sh\`: wrk,
$THREADS threads, $CONNECTIONS connections, $WARMUP warm-up then $DURATION measured per endpoint,
one after the other against the same runtime and a freshly migrated database. Request
logging off (CITYFLOW_LOG=warn). Each request instantiates the component, opens its Postgres
connection through the host pool, runs one query and serialises the answer.

$TABLE

GraphQL/REST throughput ratio: $RATIO. On top of what REST does, every GraphQL request builds
the async-graphql schema (a fresh component instance per request has no state to keep it in),
parses and validates the query (depth and complexity included) and resolves it field by field.
The tourism component is ${WASM_KB} KiB (opt-level s, LTO, stripped).
MD
say "wrote bench/results/graphql.md"

# Figures of make bench's report (bench/report.py); nothing when this script runs alone.
REST_REF="REST GET /transports, same runtime and load"
bench_figure http "GraphQL { attractions { id name status } }: throughput (wrk, $CONNECTIONS connections)" "$RPS_graphql" req/s "$REST_REF" "$RPS_rest"
bench_figure http "GraphQL attractions: p50 latency" "$P50_graphql" ms "$REST_REF" "$P50_rest"
bench_figure http "GraphQL attractions: p99 latency" "$P99_graphql" ms "$REST_REF" "$P99_rest"
