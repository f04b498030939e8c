#!/bin/sh
# Prints the repository's spin.toml without its [[trigger.cron]] tables, for
# `spin registry push`: containerd-shim-spin refuses an app with a trigger type it lacks
# (it has http, redis, sqs, mqtt and command, no cron). The CronJobs in cronjobs.yaml run
# the same cycles through POST /jobs/predict and /jobs/reroute instead.
# Write the output next to spin.toml so the components' relative source paths still hold:
#   deploy/spinkube/cluster-manifest.sh > spin.cluster.toml
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
awk '
  /^[[:space:]]*\[\[trigger\.cron\]\][[:space:]]*(#.*)?$/ { dropping = 1; next }
  /^[[:space:]]*\[/                                      { dropping = 0 }
  !dropping
' "$root/spin.toml"
