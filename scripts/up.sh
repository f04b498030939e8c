#!/usr/bin/env bash
# Runs the whole system in the foreground: the runtime serving spin.toml (HTTP, MQTT and
# cron triggers) and the traffic simulator feeding it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; source .env; set +a
listen="${LISTEN:-127.0.0.1:3000}"
sensors="${SENSORS:-100}"

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

target/release/cityflow up --listen "$listen" --runtime-config-file runtime-config.toml \
  --mqtt-concurrency "${MQTT_CONCURRENCY:-8}" &
pids+=($!)

# The simulator starts once the runtime answers, so its first readings are not queued.
for _ in $(seq 600); do
  curl -fsS -o /dev/null "http://$listen/transports" 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || exit 1
  sleep 0.2
done
echo "CityFlow on http://$listen — simulator: $sensors sensors (Ctrl-C to stop)"
target/release/cityflow simulate --sensors "$sensors" &
pids+=($!)
wait -n "${pids[@]}"
