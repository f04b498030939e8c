# Shared set-up of the benchmarks (bench/graphql.sh, bench/soap.sh, bench/grpc.sh,
# bench/gateway.sh, bench/soak.sh): a throw-away migrated database, the runtime on a free port,
# wrk figures, clean-up on exit; and, for every benchmark, bench_figure and bench_rss, which
# feed the one report (bench/report.py).
# Sourced, not run: `source "$(dirname "$0")/lib.sh"`, then `bench_init <name>` (the scripts
# with a set-up of their own source it for bench_figure and bench_rss alone).

# Goes to the repository root and sets ROOT, RUNTIME, RESULTS, WORK (a temporary directory),
# say/die (prefixed "bench/<name>:"), and the exit trap that stops the runtime, drops the
# database and removes WORK.
bench_init() {
  BENCH_NAME=$1
  cd "$(dirname "${BASH_SOURCE[0]}")/.."
  ROOT=$PWD
  : "${SPIN_VARIABLE_DB_URL:?set SPIN_VARIABLE_DB_URL (source .env, or run make bench)}"
  RUNTIME=$ROOT/target/release/cityflow
  RESULTS=$ROOT/bench/results
  WORK=$(mktemp -d)
  RUNTIME_PID="" BENCH_DB="" ADMIN_URL=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

say() { echo "bench/$BENCH_NAME: $*" >&2; }
die() { echo "bench/$BENCH_NAME: error: $*" >&2; exit 1; }

bench_cleanup() {
  if [ -n "$RUNTIME_PID" ] && kill -0 "$RUNTIME_PID" 2>/dev/null; then
    kill -TERM "$RUNTIME_PID" 2>/dev/null || true
    wait "$RUNTIME_PID" 2>/dev/null || true
  fi
  if [ -n "$BENCH_DB" ]; then
    psql -q -X "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}

# The runtime, the named components' wasm and the named tools must be there.
# Usage: bench_require --wasm transport tourism --tools wrk psql
bench_require() {
  [ -x "$RUNTIME" ] || die "$RUNTIME is missing; run make build"
  local kind="" item
  for item in "$@"; do
    case $item in
      --wasm | --tools) kind=$item ;;
      *) if [ "$kind" = --wasm ]; then
           [ -f "$ROOT/target/wasm32-wasip2/component/$item.wasm" ] || die "$item.wasm is missing; run make build"
         else
           command -v "$item" >/dev/null || bench_install "$item" || die "$item is missing ($(bench_install_hint "$item"))"
         fi ;;
    esac
  done
}

# Installs the Debian package of a load generator (wrk, h2load) when it is missing, as
# bench/run.sh does for wrk: a fresh machine runs `make bench` without a manual step.
bench_install() {
  local package
  case $1 in
    wrk) package=wrk ;;
    h2load) package=nghttp2-client ;;
    *) return 1 ;;
  esac
  local sudo=()
  if [ "$(id -u)" != 0 ]; then command -v sudo >/dev/null && sudo=(sudo) || return 1; fi
  say "installing $package"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1 \
    || { "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 \
         && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; } \
    || return 1
  command -v "$1" >/dev/null
}

bench_install_hint() {
  case $1 in
    wrk) echo "apt-get install wrk" ;;
    h2load) echo "apt-get install nghttp2-client" ;;
    psql) echo "scripts/setup.sh installs it" ;;
    *) echo "install it" ;;
  esac
}

# A database of our own on the server of SPIN_VARIABLE_DB_URL, with the same credentials,
# migrated (and seeded) by the runtime. Sets BENCH_DB, BENCH_URL, ADMIN_URL and PG_AUTHORITY
# (host:port, for allowed_outbound_hosts); the exit trap drops it.
bench_database() {
  local base_url=${SPIN_VARIABLE_DB_URL%%\?*}
  BENCH_DB=cityflow_bench_${BENCH_NAME}_$$
  BENCH_URL="${base_url%/*}/$BENCH_DB"
  ADMIN_URL="${base_url%/*}/postgres"
  PG_AUTHORITY=${base_url#*://}; PG_AUTHORITY=${PG_AUTHORITY#*@}; PG_AUTHORITY=${PG_AUTHORITY%%/*}
  say "migrating $BENCH_DB"
  "$RUNTIME" migrate --create-database --database-url "$BENCH_URL" >"$WORK/migrate.log" 2>&1 \
    || { cat "$WORK/migrate.log" >&2; die "migration failed"; }
}

# $WORK/spin.toml serving only `GET /transports` (the REST yardstick) and component $2 on route
# $1, so a run does not depend on the other components being built (check theirs with
# bench_require --wasm). The sections mirror spin.toml's.
bench_manifest() { # route component [wasm file name, when not the component's id]
  local route=$1 component=$2 wasm=${3:-$2}
  cat >"$WORK/spin.toml" <<TOML
spin_manifest_version = 2
[application]
name = "bench-$BENCH_NAME"
[variables]
db_url = { required = true, secret = true }
jwt_secret = { required = true, secret = true }
[[trigger.http]]
route = "/transports"
component = "transport"
[[trigger.http]]
route = "$route"
component = "$component"
[component.transport]
source = "$ROOT/target/wasm32-wasip2/component/transport.wasm"
allowed_outbound_hosts = ["postgres://$PG_AUTHORITY"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}" }
[component.$component]
source = "$ROOT/target/wasm32-wasip2/component/$wasm.wasm"
allowed_outbound_hosts = ["postgres://$PG_AUTHORITY"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}" }
TOML
}

# A signing key made for this run.
bench_secret() {
  echo "bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

# Starts the runtime on a free loopback port (its admin listener too, so a `make up` beside
# keeps 9090) with manifest $1 and the environment given as NAME=value arguments after it;
# more `cityflow up` options may follow a `--`. Waits until it serves (BENCH_START_TIMEOUT,
# 180 s: a whole spin.toml compiles every component first). Sets RUNTIME_PID, BASE and
# ADMIN_BASE; its output is in $WORK/up.out and $WORK/up.err.
bench_start_runtime() {
  local manifest=$1; shift
  local envs=() args=()
  while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; args=("$@"); break; fi
    envs+=("$1"); shift
  done
  say "starting the runtime"
  : >"$WORK/up.out"
  env "${envs[@]}" "$RUNTIME" up --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 -f "$manifest" \
    --runtime-config-file "$ROOT/runtime-config.toml" "${args[@]}" >"$WORK/up.out" 2>"$WORK/up.err" &
  RUNTIME_PID=$!
  BASE=""
  local deadline=$(( $(date +%s) + ${BENCH_START_TIMEOUT:-180} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    BASE=$(sed -n 's/^Serving \(http:\/\/[^ ]*\).*/\1/p' "$WORK/up.out" | head -1)
    if [ -n "$BASE" ]; then
      ADMIN_BASE=$(sed -n 's/^Admin \(http:\/\/[^ ]*\).*/\1/p' "$WORK/up.out" | head -1)
      return 0
    fi
    kill -0 "$RUNTIME_PID" 2>/dev/null || { cat "$WORK/up.err" >&2; die "the runtime exited"; }
    sleep 0.1
  done
  die "the runtime did not come up"
}

to_ms() { # wrk latency ("812.00us", "1.23ms", "1.01s") to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
                         else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# wrk with THREADS, CONNECTIONS, a WARMUP run then DURATION measured. $1 is a name, the rest
# wrk's own arguments; sets RPS_<name>, P50_<name>, P99_<name>. Any non-2xx answer is fatal.
wrk_measure() {
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

# --- the report ----------------------------------------------------------------------------

# Records one figure of the report that bench/report.py renders into
# bench/results/report.{md,json}: one JSON line appended to $BENCH_FIGURES, which bench/all.sh
# and bench/soak.sh set for each script they run. A benchmark run on its own has it unset and
# records nothing, so its own output stays as it was.
#
#   bench_figure SECTION "what was measured" VALUE UNIT ["reference" REF_VALUE [TARGET]] [--ratio R] [--note TEXT]
#
# SECTION: http, instantiation, ingest, jobs, memory or soak. The reference is what the value
# is set against, measured in the same run (native baseline, seed approach, REST yardstick);
# empty when the issue's target is the only yardstick. The ratio is VALUE / REF_VALUE unless
# --ratio gives a sounder one (a median of paired rounds, say). TARGET is the issue's, as
# "value < 100" or "ratio >= 0.5" (empty: none; other text is shown without a verdict).
bench_figure() {
  [ -n "${BENCH_FIGURES:-}" ] || return 0
  local positional=() ratio="" note=""
  while [ $# -gt 0 ]; do
    case $1 in
      --ratio) ratio=$2; shift 2 ;;
      --note) note=$2; shift 2 ;;
      *) positional+=("$1"); shift ;;
    esac
  done
  [ ${#positional[@]} -ge 4 ] || { echo "bench_figure: needs SECTION FIGURE VALUE UNIT" >&2; return 1; }
  jq -nc --arg section "${positional[0]}" --arg figure "${positional[1]}" --arg value "${positional[2]}" \
    --arg unit "${positional[3]}" --arg reference "${positional[4]:-}" --arg ref_value "${positional[5]:-}" \
    --arg target "${positional[6]:-}" --arg ratio "$ratio" --arg note "$note" '
    def num: if . == "" then null else (tonumber? // null) end;
    def text: if . == "" then null else . end;
    {section: $section, figure: $figure, value: ($value | num), unit: $unit,
     reference: ($reference | text), ref_value: ($ref_value | num), ratio: ($ratio | num),
     target: ($target | text), note: ($note | text)}' >>"$BENCH_FIGURES" \
    || echo "bench_figure: could not record \"${positional[1]}\"" >&2
}

# Prints "peak current" resident memory of process $1 in KiB (VmHWM and VmRSS of
# /proc/<pid>/status): the peak since it started, and now.
bench_rss() {
  awk '$1 == "VmHWM:" { peak = $2 } $1 == "VmRSS:" { now = $2 } END { print peak + 0, now + 0 }' "/proc/$1/status"
}

# KiB to MiB with one decimal.
bench_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# A private Mosquitto on a free loopback port at $MQTT_HOST: no persistence (sessions die
# with it) and no queue limit (a QoS 1 message is never dropped however far a subscriber
# falls behind). Sets MQTT_PORT and BROKER_PID (the caller's exit trap stops it); its log
# is $WORK/mosquitto.log.
bench_private_broker() {
  MQTT_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf 'listener %s %s\nallow_anonymous true\npersistence false\nmax_queued_messages 0\nmax_queued_bytes 0\nlog_dest file %s\nlog_type error\nlog_type warning\nlog_type notice\n' \
    "$MQTT_PORT" "$MQTT_HOST" "$WORK/mosquitto.log" >"$WORK/mosquitto.conf"
  mosquitto -c "$WORK/mosquitto.conf" >/dev/null 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 50); do
    mosquitto_sub -h "$MQTT_HOST" -p "$MQTT_PORT" -t cityflow-bench/none -E >/dev/null 2>&1 && break
    sleep 0.1
  done
  kill -0 "$BROKER_PID" 2>/dev/null || die "the private mosquitto did not start"
}
