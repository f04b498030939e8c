#!/usr/bin/env bash
# Benchmark of issue 9's jobs through the real runtime and components (no native stand-in):
# - predictor cycle time for 100, 1,000 and 10,000 roads with 30 minutes of 2-second readings
#   each (900 per road; 9 million rows at 10,000 roads), bulk-loaded with generate_series;
# - rerouter cycle time on the 10,000-arc graph those roads form (a 50×50 grid, both ways).
#
# Each size gets a fresh database (migrated with `cityflow migrate`), the runtime with an
# inline manifest (predictor + rerouter, cron off) and `POST /jobs/predict` three times with
# an operator token: cycle 1 is cold (the whole window rolled up into 5-minute buckets, the
# capacities of the first `capacity_batch` roads computed); cycles 2–3 are the steady state,
# each after one more minute of readings has been inserted (live ingest). The times are the components' own `duration_ms` (Postgres
# included) and curl's wall time. Targets: 10,000 roads < 5 s, rerouting < 1 s.
#
# Prints a table and writes bench/results/prediction.md. Needs psql, curl, openssl and a
# built runtime + components (`make build`). Database server: SPIN_VARIABLE_DB_URL (its
# server and credentials, a database of our own), else CITYFLOW_TEST_PG.
#   BENCH_SIZES ("100 1000 10000")   BENCH_STRICT=1 exits non-zero when a target is missed
set -euo pipefail
shopt -s inherit_errexit

cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh" # bench_figure (for make bench's report)
RUNTIME=$ROOT/target/release/cityflow
RESULTS=$ROOT/bench/results
SIZES=${BENCH_SIZES:-100 1000 10000}

say() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }
for tool in psql curl openssl; do command -v $tool >/dev/null || die "$tool is missing"; done
[ -x "$RUNTIME" ] || die "build the runtime first (make build)"
for c in predictor rerouter; do
  [ -f "$ROOT/target/wasm32-wasip2/component/$c.wasm" ] || die "build the $c component first (make build)"
done

SERVER_URL=${SPIN_VARIABLE_DB_URL:-${CITYFLOW_TEST_PG:?set SPIN_VARIABLE_DB_URL or CITYFLOW_TEST_PG}/postgres}
db_url_for() { # URL with the database name replaced by $1 (query string kept)
  local url=${SERVER_URL%%\?*} query=""
  [[ $SERVER_URL == *\?* ]] && query="?${SERVER_URL#*\?}"
  echo "${url%/*}/$1$query"
}
ADMIN_URL=$(db_url_for postgres)
PG_HOSTPORT=$(echo "$SERVER_URL" | sed -E 's|^[a-z]+://([^@/]*@)?([^/?]+).*|\2|')
[[ $PG_HOSTPORT == *:* ]] || PG_HOSTPORT=$PG_HOSTPORT:5432

WORK=$(mktemp -d)
RUNTIME_PID="" BENCH_DB=""
stop_runtime() {
  if [ -n "$RUNTIME_PID" ] && kill -0 "$RUNTIME_PID" 2>/dev/null; then
    kill -TERM "$RUNTIME_PID" 2>/dev/null || true
    wait "$RUNTIME_PID" 2>/dev/null || true
  fi
  RUNTIME_PID=""
}
drop_db() {
  [ -n "$BENCH_DB" ] && psql -q -X "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  BENCH_DB=""
}
# The jobs publish under the run's Redis prefix (redis_prefix below): leave nothing behind.
drop_redis_keys() { redis-cli --scan --pattern "cityflow-bench-$$:*" 2>/dev/null | xargs -r redis-cli DEL >/dev/null 2>&1 || true; }
cleanup() { stop_runtime; drop_db; drop_redis_keys; rm -rf "$WORK"; }
trap cleanup EXIT

# --- an operator token, HS256, signed with a secret made for this run ---------------------
SECRET=$(openssl rand -hex 32)
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
NOW=$(date +%s)
HEADER=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
PAYLOAD=$(printf '{"sub":"bench","role":"operator","iat":%d,"exp":%d,"iss":"cityflow"}' "$NOW" $((NOW + 7200)) | b64url)
SIGNATURE=$(printf '%s.%s' "$HEADER" "$PAYLOAD" | openssl dgst -sha256 -hmac "$SECRET" -binary | b64url)
TOKEN="$HEADER.$PAYLOAD.$SIGNATURE"

cat >"$WORK/spin.toml" <<TOML
spin_manifest_version = 2
[application]
name = "prediction-bench"
[variables]
db_url = { required = true, secret = true }
jwt_secret = { required = true, secret = true }
[[trigger.cron]]
component = "predictor"
cron_expression = "0 0 0 1 1 *"
[[trigger.http]]
route = "/jobs/predict"
component = "predictor"
[[trigger.http]]
route = "/jobs/reroute"
component = "rerouter"
[component.predictor]
source = "$ROOT/target/wasm32-wasip2/component/predictor.wasm"
allowed_outbound_hosts = ["postgres://$PG_HOSTPORT", "redis://127.0.0.1:6379"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}", redis_url = "redis://127.0.0.1:6379", redis_prefix = "cityflow-bench-$$:" }
[component.rerouter]
source = "$ROOT/target/wasm32-wasip2/component/rerouter.wasm"
allowed_outbound_hosts = ["postgres://$PG_HOSTPORT", "redis://127.0.0.1:6379"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}", redis_url = "redis://127.0.0.1:6379", redis_prefix = "cityflow-bench-$$:" }
TOML
: >"$WORK/runtime-config.toml"

# Newer runtimes also serve an admin listener: give it a free port too.
ADMIN_ARGS=()
"$RUNTIME" up --help | grep -q -- '--admin-listen' && ADMIN_ARGS=(--admin-listen 127.0.0.1:0)
start_runtime() { # $1 = database URL; sets BASE
  SPIN_VARIABLE_DB_URL=$1 SPIN_VARIABLE_JWT_SECRET=$SECRET "$RUNTIME" up --listen 127.0.0.1:0 "${ADMIN_ARGS[@]}" \
    -f "$WORK/spin.toml" --runtime-config-file "$WORK/runtime-config.toml" >"$WORK/runtime.out" 2>"$WORK/runtime.err" &
  RUNTIME_PID=$!
  local i
  for i in $(seq 1 600); do
    # A complete line only: the address is followed by the end of line or a space.
    BASE=$(sed -n -E 's|^Serving (http://[0-9.]+:[0-9]+)( .*)?$|\1|p' "$WORK/runtime.out" 2>/dev/null | head -1)
    if [ -n "$BASE" ] && [ "$(tail -c1 "$WORK/runtime.out" | od -An -c | tr -d ' ')" = '\n' ]; then
      return 0
    fi
    kill -0 "$RUNTIME_PID" 2>/dev/null || { cat "$WORK/runtime.err" >&2; die "the runtime exited"; }
    sleep 0.1
  done
  die "the runtime did not come up"
}

job() { # $1 = route; prints "<duration_ms from the summary> <wall ms> <summary json>"
  local out code wall
  out=$(curl -sS -o "$WORK/job.json" -w '%{http_code} %{time_total}' -X POST -H "authorization: Bearer $TOKEN" "$BASE$1")
  code=${out%% *}; wall=${out#* }
  [ "$code" = 200 ] || { cat "$WORK/job.json" >&2; tail -20 "$WORK/runtime.err" >&2; die "POST $1 answered $code"; }
  local ms; ms=$(sed -E 's/.*"duration_ms":([0-9]+).*/\1/' "$WORK/job.json")
  printf '%s %s %s\n' "$ms" "$(awk -v w="$wall" 'BEGIN{printf "%d", w*1000}')" "$(cat "$WORK/job.json")"
}

ingest_minute() { # $1 = database URL, $2 = roads: the last 60 s of 2-second readings
  psql -q -X -v ON_ERROR_STOP=1 -v n="$2" "$1" >/dev/null <<'SQL'
INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
SELECT date_trunc('second', now()) - g * interval '2 seconds', 'S' || k, 'R' || k,
       CASE WHEN k % 20 = 0 THEN 6 ELSE 35 + 10 * sin(k + g / 60.0) END,
       300 + 200 * abs(sin(k * 0.7 + g / 90.0)),
       CASE WHEN k % 20 = 0 THEN 0.9 ELSE 0.1 + 0.05 * abs(cos(k + g / 45.0)) END
FROM generate_series(0, :n - 1) AS k, generate_series(0, 29) AS g
ON CONFLICT (ts, sensor_id) DO NOTHING;
SQL
}

field() { sed -E "s/.*\"$1\":([0-9]+).*/\1/" <<<"$2"; }

ROWS_MD=()
REROUTE_MD=""
PREDICT_10K_MS="" REROUTE_MS=""
for N in $SIZES; do
  BENCH_DB=cityflow_bench_prediction_$$_$N
  URL=$(db_url_for "$BENCH_DB")
  say "$N roads: migrating $BENCH_DB"
  "$RUNTIME" migrate --create-database --database-url "$URL" >"$WORK/migrate.log" 2>&1 \
    || { cat "$WORK/migrate.log" >&2; die "migrating $BENCH_DB failed"; }
  say "$N roads: loading $((N * 900)) readings"
  load_start=$(date +%s.%N)
  # Road k is arc (k mod 4) of grid cell k/4 (a 50-cell-wide grid): east, west, south, north,
  # so the roads form a connected two-way grid. One road in 20 has an incident: its speed
  # falls and its occupancy rises over the 30 minutes; the others vary around free flow.
  psql -q -X -v ON_ERROR_STOP=1 -v n="$N" "$URL" >/dev/null <<'SQL'
INSERT INTO roads (road_id, label, from_node, to_node, length_m, free_flow_kmh)
SELECT 'R' || k, 'bench road ' || k,
       'n' || (c % 50 + CASE WHEN d = 1 THEN 1 ELSE 0 END) || '_' || (c / 50 + CASE WHEN d = 3 THEN 1 ELSE 0 END),
       'n' || (c % 50 + CASE WHEN d = 0 THEN 1 ELSE 0 END) || '_' || (c / 50 + CASE WHEN d = 2 THEN 1 ELSE 0 END),
       200 + (k * 37) % 300, 30 + (k % 5) * 10
FROM generate_series(0, :n - 1) AS k, LATERAL (SELECT k / 4 AS c, k % 4 AS d) AS cell;
INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
SELECT date_trunc('second', now()) - g * interval '2 seconds', 'S' || k, 'R' || k,
       CASE WHEN k % 20 = 0 THEN 40 - 34 * (1 - g / 900.0) ELSE 35 + 10 * sin(k + g / 60.0) END,
       300 + 200 * abs(sin(k * 0.7 + g / 90.0)),
       CASE WHEN k % 20 = 0 THEN 0.2 + 0.7 * (1 - g / 900.0) ELSE 0.1 + 0.05 * abs(cos(k + g / 45.0)) END
FROM generate_series(0, :n - 1) AS k, generate_series(1, 900) AS g;
ANALYZE roads; ANALYZE traffic_raw;
SQL
  load_s=$(awk -v a="$load_start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  say "$N roads: loaded in ${load_s} s"
  start_runtime "$URL"
  read -r cold_ms cold_wall cold_json < <(job /jobs/predict)
  # Steady state: before each cycle, the last minute of readings arrives (30 per road), so
  # the current bucket changes and is re-aggregated and rewritten, as under live ingest.
  ingest_minute "$URL" "$N"
  read -r warm1_ms _ _ < <(job /jobs/predict)
  ingest_minute "$URL" "$N"
  read -r warm2_ms warm2_wall warm2_json < <(job /jobs/predict)
  warm_ms=$(( warm1_ms > warm2_ms ? warm1_ms : warm2_ms ))
  preds=$(field predictions "$warm2_json"); caps=$(field capacities_refreshed "$cold_json")
  rolled=$(field buckets_rolled_up "$warm2_json")
  say "$N roads: cold ${cold_ms} ms, steady ${warm1_ms}/${warm2_ms} ms ($preds predictions)"
  ROWS_MD+=("| $N | $((N * 900)) | $preds | $cold_ms ($caps capacities) | $warm1_ms / $warm2_ms ($rolled buckets rolled up) | $warm2_wall |")
  [ "$N" = 10000 ] && PREDICT_10K_MS=$warm_ms && PREDICT_10K_COLD=$cold_ms
  # For make bench's report: issue 9's target is for 10,000 roads; the same-run reference is
  # the cold cycle, which aggregates the whole window as the seed's predictor did every cycle.
  target=""; [ "$N" = 10000 ] && target="value < 5000"
  bench_figure jobs "predictor cycle, $N roads × 30 min of 2 s readings (steady, worst of two)" "$warm_ms" ms \
    "cold cycle on the same roads (the whole window aggregated, as the seed did every cycle)" "$cold_ms" "$target"
  if [ "$N" = 10000 ]; then
    read -r r1_ms _ r1_json < <(job /jobs/reroute)
    sleep 1
    read -r r2_ms r2_wall r2_json < <(job /jobs/reroute)
    REROUTE_MS=$(( r1_ms > r2_ms ? r1_ms : r2_ms ))
    REROUTE_MD="| $(field arcs "$r2_json") | $(field congested "$r2_json") | $(field reroutes "$r2_json") | $(field search_ms "$r1_json") / $(field search_ms "$r2_json") | $r1_ms / $r2_ms | $r2_wall |"
    say "rerouter: ${r1_ms}/${r2_ms} ms: $r2_json"
    bench_figure jobs "rerouter cycle, $(field arcs "$r2_json")-arc graph, $(field congested "$r2_json") congested (worst of two)" "$REROUTE_MS" ms \
      "" "" "value < 1000" --note "no same-run reference: issue 9's target is the yardstick"
  fi
  stop_runtime
  drop_db
done

verdict() { # $1 measured ms, $2 target ms
  [ -z "$1" ] && { echo "n/a"; return; }
  [ "$1" -lt "$2" ] && echo "PASS" || echo "MISS"
}
PREDICT_VERDICT=$(verdict "$PREDICT_10K_MS" 5000)
REROUTE_VERDICT=$(verdict "$REROUTE_MS" 1000)

mkdir -p "$RESULTS"
{
  echo "# Prediction and rerouting jobs (issue 9)"
  echo
  echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores by \`bench/prediction.sh\`, through the"
  echo "runtime and the wasm components (\`POST /jobs/predict\`, \`POST /jobs/reroute\`), Postgres local."
  echo "Times are the components' own \`duration_ms\` (all SQL included); wall = curl's total."
  echo
  echo "## Predictor cycle (model ewma-lr-v3, horizons 15/30/60)"
  echo
  echo "| roads | readings (30 min × 2 s) | predictions written | cold cycle ms | steady cycles ms | wall ms (last) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS_MD[@]}"
  echo
  echo "Target: 10,000 roads < 5,000 ms (steady state, worst of two cycles): **${PREDICT_10K_MS:-n/a} ms, $PREDICT_VERDICT**."
  echo "The cold cycle rolls the whole 30-minute window up into 5-minute buckets and computes the"
  echo "capacities of the first 500 roads; a steady cycle re-aggregates only the buckets since the"
  echo "previous cycle (the current one, plus the previous one right after a bucket boundary)."
  echo "The cold cycle (the 5 s target does not apply to it) happens once, when \`traffic_buckets\` holds nothing of the"
  echo "window (first start, or after a long stop); the cron trigger skips firings while it runs. Right"
  echo "after a bucket boundary a steady cycle re-aggregates two buckets (up to 6 minutes of readings)."
  echo
  echo "## Rerouter cycle (10,000-arc grid, one road in 20 with an incident)"
  echo
  echo "| arcs | congested | reroutes written | graph search ms | cycle ms | wall ms (last) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  echo "${REROUTE_MD:-| n/a | | | | | |}"
  echo
  echo "Target: < 1,000 ms (worst of two cycles): **${REROUTE_MS:-n/a} ms, $REROUTE_VERDICT**."
} >"$RESULTS/prediction.md"
cat "$RESULTS/prediction.md"
if [ "${BENCH_STRICT:-0}" = 1 ] && { [ "$PREDICT_VERDICT" = MISS ] || [ "$REROUTE_VERDICT" = MISS ]; }; then
  exit 1
fi
