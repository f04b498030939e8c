#!/usr/bin/env bash
# `make bench`: every benchmark under bench/, one after the other (each prints its own table
# beside the reference it measures in the same run and writes bench/results/<name>.md).
# BENCH_ONLY="soap grpc" runs a subset.
set -uo pipefail
cd "$(dirname "$0")"
benches=(run soap graphql grpc gateway ingest prediction)
failed=()
for name in ${BENCH_ONLY:-${benches[@]}}; do
  script="./$name.sh"
  [ -x "$script" ] || { echo "bench: $script is missing, skipped"; continue; }
  echo; echo "=== bench: $name"
  "$script" || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
