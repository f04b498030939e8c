#!/usr/bin/env bash
# `make bench`: every benchmark under bench/, one after the other (each prints its own table
# beside the reference it measures in the same run and writes bench/results/<name>.md), then
# the one report of them all: bench/results/report.md and report.json (bench/report.py, from
# the figures each script records with bench_figure).
# BENCH_ONLY="soap grpc" runs a subset (the report keeps the other benchmarks' last figures).
set -uo pipefail
cd "$(dirname "$0")"
benches=(run soap graphql grpc gateway ingest prediction)
failed=()
ran=()
FIGURES=$(mktemp -d)
trap 'rm -rf "$FIGURES"' EXIT
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for name in ${BENCH_ONLY:-${benches[@]}}; do
  script="./$name.sh"
  [ -x "$script" ] || { echo "bench: $script is missing, skipped"; continue; }
  echo; echo "=== bench: $name"
  BENCH_FIGURES="$FIGURES/$name.jsonl" "$script"
  status=$?
  [ $status = 0 ] || failed+=("$name")
  ran+=("$name=$status")
done
if [ ${#ran[@]} -gt 0 ]; then
  echo; echo "=== report"
  python3 ./report.py --figures-dir "$FIGURES" --started "$STARTED" --load-before "$LOAD_BEFORE" "${ran[@]}" \
    || failed+=(report)
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
