#!/usr/bin/env bash
# npm run test:cluster: the chaos run with two worker processes and the script's own tests, then the workflow,
# controller and replay suites, on the production topology (./temporal-cluster.sh: Temporal's four services on
# PostgreSQL), not the dev server.
#
# The cluster it tests is its own (state in .temporal/cluster-test, frontend on 7633), so an operator's cluster on the
# default ports is never touched; it starts from an empty database each run and is taken down at the end.
#
# Environment: CLUSTER_RESULTS_DIR, when set, receives jest's JSON results (cluster-results.json and
# cluster-chaos-results.json), which .ci/run counts. Arguments go to the suites' jest (a path filters them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TEMPORAL_CLUSTER_STATE_DIR="$PWD/.temporal/cluster-test"
export TEMPORAL_CLUSTER_PORT="${TEMPORAL_CLUSTER_TEST_PORT:-7633}"
export TEMPORAL_CLUSTER_METRICS_PORT="${TEMPORAL_CLUSTER_TEST_METRICS_PORT:-9633}"
export TEMPORAL_CLUSTER_DB_PORT="${TEMPORAL_CLUSTER_TEST_DB_PORT:-55632}"

say() { printf '\n[test:cluster] %s\n' "$*" >&2; }

# A stale cluster from a killed run is removed first: every run starts from an empty database.
./temporal-cluster.sh reset >/dev/null 2>&1 || true
trap './temporal-cluster.sh down >/dev/null 2>&1 || true' EXIT
started=$SECONDS
./temporal-cluster.sh up
say "cluster up in $((SECONDS - started)) s"

# The chaos run's workers are the built CLI.
npm run -s build

suite_args=()
chaos_args=()
if [[ -n "${CLUSTER_RESULTS_DIR:-}" ]]; then
  mkdir -p "$CLUSTER_RESULTS_DIR"
  suite_args+=(--json --outputFile="$CLUSTER_RESULTS_DIR/cluster-results.json")
  chaos_args+=(--json --outputFile="$CLUSTER_RESULTS_DIR/cluster-chaos-results.json")
fi

status=0
# Chaos first, on the fresh database: its sweep must see no running workflow but its own, and the suites leave some
# running on purpose (a workflow nobody answers for makes the sweeper keep everything, as it should).
say "chaos against the cluster"
CHAOS_TEMPORAL=cluster npx jest --config jest.chaos.config.js "${chaos_args[@]}" || status=$?

say "suites against the cluster at $(./temporal-cluster.sh address)"
TEMPORAL_ADDRESS="$(./temporal-cluster.sh address)" TEMPORAL_NAMESPACE=default \
  npx jest --config jest.cluster.config.js "${suite_args[@]}" "$@" || status=$?
exit "$status"
