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

cd "$(dirname "$0")/.."
ROOT=$PWD
: "${SPIN_VARIABLE_DB_URL:?set SPIN_VARIABLE_DB_URL (source .env, or run make bench)}"
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
RUNTIME=$ROOT/target/release/cityflow
LUA=$ROOT/bench/graphql-attractions.lua
RESULTS=$ROOT/bench/results
QUERY='{"query":"{ attractions { id name status } }"}'

say() { echo "bench/graphql: $*" >&2; }
die() { echo "bench/graphql: error: $*" >&2; exit 1; }

[ -x "$RUNTIME" ] || die "$RUNTIME is missing; run make build"
for wasm in transport tourism; do
  [ -f "$ROOT/target/wasm32-wasip2/component/$wasm.wasm" ] || die "$wasm.wasm is missing; run make build"
done
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
command -v psql >/dev/null || die "psql is missing (scripts/setup.sh installs it)"

# A database of our own on the same server, with the same credentials.
base_url=${SPIN_VARIABLE_DB_URL%%\?*}
BENCH_DB=cityflow_bench_graphql_$$
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

# Only the two components measured: the run does not depend on the rest being built. The
# sections mirror spin.toml's.
cat >"$WORK/spin.toml" <<TOML
spin_manifest_version = 2
[application]
name = "bench-graphql"
[variables]
db_url = { required = true, secret = true }
jwt_secret = { required = true, secret = true }
[[trigger.http]]
route = "/transports"
component = "transport"
[[trigger.http]]
route = "/graphql"
component = "tourism"
[component.transport]
source = "$ROOT/target/wasm32-wasip2/component/transport.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}" }
[component.tourism]
source = "$ROOT/target/wasm32-wasip2/component/tourism.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}" }
TOML

say "starting the runtime"
# Request logs off: the benchmark measures serving, not log formatting.
SPIN_VARIABLE_DB_URL=$BENCH_URL \
SPIN_VARIABLE_JWT_SECRET=${SPIN_VARIABLE_JWT_SECRET:-bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')} \
RUST_LOG=${CITYFLOW_LOG:-warn} \
  "$RUNTIME" up --listen 127.0.0.1:0 -f "$WORK/spin.toml" --runtime-config-file "$ROOT/runtime-config.toml" \
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

# Both endpoints must answer 200 with data before they are measured.
curl -sf -o /dev/null "$BASE/transports" || die "GET /transports failed"
gql_probe=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' --data-binary "$QUERY" "$BASE/graphql")
[ "$(tail -n1 <<<"$gql_probe")" = 200 ] || die "the GraphQL query failed: $gql_probe"
grep -q '"errors"' <<<"$gql_probe" && die "the GraphQL query returned errors: $gql_probe"
GQL_BYTES=$(($(head -n -1 <<<"$gql_probe" | wc -c)))
ATTRACTIONS=$(grep -o '"id":' <<<"$gql_probe" | wc -l)
REST_BYTES=$(curl -s "$BASE/transports" | wc -c)

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
say "POST /graphql { attractions { id name status } }: same load"
measure graphql -s "$LUA" "$BASE/graphql"

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
logging off (RUST_LOG=warn). Each request instantiates the component, opens its Postgres
connection through the host pool, runs one query and serialises the answer.

$TABLE

GraphQL/REST throughput ratio: $RATIO. On top of what REST does, every GraphQL request builds
the async-graphql schema (a fresh component instance per request has no state to keep it in),
parses and validates the query (depth and complexity included) and resolves it field by field.
The tourism component is ${WASM_KB} KiB (opt-level s, LTO, stripped).
MD
say "wrote bench/results/graphql.md"
