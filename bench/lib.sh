# Shared set-up of the protocol benchmarks (bench/graphql.sh, bench/soap.sh, bench/grpc.sh):
# a throw-away migrated database, the runtime on a free port, wrk figures, clean-up on exit.
# Sourced, not run: `source "$(dirname "$0")/lib.sh"`, then `bench_init <name>`.

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
           command -v "$item" >/dev/null || die "$item is missing ($(bench_install_hint "$item"))"
         fi ;;
    esac
  done
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
bench_manifest() {
  local route=$1 component=$2
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
source = "$ROOT/target/wasm32-wasip2/component/$component.wasm"
allowed_outbound_hosts = ["postgres://$PG_AUTHORITY"]
variables = { db_url = "{{ db_url }}", jwt_secret = "{{ jwt_secret }}" }
TOML
}

# A signing key made for this run.
bench_secret() {
  echo "bench-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

# Starts the runtime on a free loopback port with manifest $1 and the environment given as
# NAME=value arguments after it; waits until it serves. Sets RUNTIME_PID and BASE; its output
# is in $WORK/up.out and $WORK/up.err.
bench_start_runtime() {
  local manifest=$1; shift
  say "starting the runtime"
  : >"$WORK/up.out"
  env "$@" "$RUNTIME" up --listen 127.0.0.1:0 -f "$manifest" --runtime-config-file "$ROOT/runtime-config.toml" \
    >"$WORK/up.out" 2>"$WORK/up.err" &
  RUNTIME_PID=$!
  BASE=""
  local _
  for _ in $(seq 600); do
    BASE=$(sed -n 's/^Serving \(http:\/\/[^ ]*\).*/\1/p' "$WORK/up.out" | head -1)
    [ -n "$BASE" ] && return 0
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
