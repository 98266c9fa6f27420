#!/usr/bin/env bash
# The one way to get and run the Temporal dev server for amphora-orchestrator.
#
#   ./temporal-dev.sh install      find or build the pinned `temporal` CLI, print its path and version
#   ./temporal-dev.sh [start]      run `temporal server start-dev` in the foreground
#   ./temporal-dev.sh up           the same in the background; waits until the frontend answers
#   ./temporal-dev.sh down         stop the background server
#   ./temporal-dev.sh status       say whether the background server runs
#   ./temporal-dev.sh path         print the path of the CLI (installing it if needed)
#   ./temporal-dev.sh search-attributes   print the custom search attributes, one NAME=TYPE a line
#   ./temporal-dev.sh dynamic-config      print the server's dynamic config values, one KEY=VALUE a line
#
# Environment (all optional):
#   TEMPORAL_CLI              path of a temporal binary to use instead of looking for one
#   TEMPORAL_DEV_IP           address to listen on (127.0.0.1)
#   TEMPORAL_DEV_PORT         frontend gRPC port (7233)
#   TEMPORAL_DEV_UI_PORT      Web UI port (8233)
#   TEMPORAL_DEV_DB           SQLite file for persistent state (.temporal/dev.db)
#   TEMPORAL_DEV_NAMESPACE    namespace to create (default)
#   TEMPORAL_DEV_STATE_DIR    where the pid file and log live (.temporal)
set -euo pipefail

readonly TEMPORAL_CLI_VERSION="1.5.1"
readonly TEMPORAL_CLI_MODULE="github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}"
readonly MIN_GO_MINOR=25

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_dir="${TEMPORAL_DEV_STATE_DIR:-$project_dir/.temporal}"
local_bin="$project_dir/.temporal/bin"
ip="${TEMPORAL_DEV_IP:-127.0.0.1}"
port="${TEMPORAL_DEV_PORT:-7233}"
ui_port="${TEMPORAL_DEV_UI_PORT:-8233}"
db_file="${TEMPORAL_DEV_DB:-$state_dir/dev.db}"
namespace="${TEMPORAL_DEV_NAMESPACE:-default}"
pid_file="$state_dir/server-$port.pid"
log_file="$state_dir/server-$port.log"

# Custom search attributes the workflows set, so that load balancers and operations can be listed.
# Keep in step with src/contracts/search-attributes.ts (a test compares the two).
readonly SEARCH_ATTRIBUTES=(
  "LoadBalancerId=Keyword"
  "ProjectId=Keyword"
  "ProvisioningStatus=Keyword"
  "LoadBalancerName=Keyword"
  "AmphoraOperation=Keyword"
  "AmphoraIds=KeywordList"
  "ObjectIds=KeywordList"
)

# Dynamic config of the dev server (the one place: the test harness and the bench read it with `dynamic-config`).
# start-dev runs one history shard, and each shard reads its task queues through a rate limiter of 20 reads a
# second: every dispatch of a workflow or activity task waited for the next 50 ms slot, so an empty workflow took
# 50 ms and each activity added 50 more (issue #19). A production cluster has hundreds of shards; here one shard
# reads at once. Timers: a timer due within timerProcessorMaxTimeShift (1 s) of now fired up to a second late,
# which made every 100-200 ms retry backoff a second long. Eager execution hands a workflow task's first activity,
# and a start's first workflow task, to the worker that asked, without a trip through matching. The new matcher
# honours task priority: failovers (priority key 1) are dispatched ahead of a backlog of creates (issue #17).
# Search attributes: start-dev turns the server's search-attribute cache off (every start, upsert and visibility record
# read the cluster metadata from the database, to show a new attribute at once). All persistence of the dev server goes
# through one SQLite connection, so in a storm of 1000 failovers those 21,745 reads (and 10,392 namespace reads) held it
# for ~19 s of 50; with the cache on (the server's default, refreshed every 60 s and whenever an attribute is added)
# the server's CPU per failover fell from ~28 to 21 ms.
readonly DYNAMIC_CONFIG=(
  "system.forceSearchAttributesCacheRefreshOnRead=false"
  "history.transferProcessorMaxPollRPS=10000"
  "history.visibilityProcessorMaxPollRPS=10000"
  "history.timerProcessorMaxPollRPS=10000"
  "history.timerProcessorMaxTimeShift=\"10ms\""
  "system.enableActivityEagerExecution=true"
  "system.enableEagerWorkflowStart=true"
  "matching.useNewMatcher=true"
)

# SQLite in WAL mode with normal sync: commits survive a crash of the server, and may lose the last ones on a power
# loss (a dev server's trade); the default rollback journal with full sync costs ~8 ms a commit here.
readonly SQLITE_PRAGMAS=("journal_mode=wal" "synchronous=normal")

say() { printf 'temporal-dev: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Prints the path of a usable temporal binary, or nothing.
find_cli() {
  if [[ -n "${TEMPORAL_CLI:-}" ]]; then
    [[ -x "$TEMPORAL_CLI" ]] || die "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file; unset it or point it at a temporal binary."
    printf '%s\n' "$TEMPORAL_CLI"
  elif command -v temporal >/dev/null 2>&1; then
    command -v temporal
  elif [[ -x "$local_bin/temporal" ]]; then
    printf '%s\n' "$local_bin/temporal"
  fi
}

# True when the Go checksum database answers; this machine may only reach the module proxy.
sumdb_reachable() {
  [[ "$(go env GOSUMDB)" == "off" ]] && return 0
  command -v curl >/dev/null 2>&1 || return 1
  curl -fsS --max-time 5 -o /dev/null "https://sum.golang.org/latest" 2>/dev/null
}

build_cli() {
  command -v go >/dev/null 2>&1 ||
    die "no temporal binary was found and Go is not installed. Install Go >= 1.${MIN_GO_MINOR} (https://go.dev/dl/ or your distribution's golang package), or set TEMPORAL_CLI to an existing temporal binary."
  local go_minor
  go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
  [[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge $MIN_GO_MINOR ]] ||
    die "Go $(go env GOVERSION) is too old to build temporal v${TEMPORAL_CLI_VERSION}; install Go >= 1.${MIN_GO_MINOR} or set TEMPORAL_CLI."
  mkdir -p "$local_bin"
  local -a env_for_install=("GOBIN=$local_bin")
  if ! sumdb_reachable; then
    # Only for this one install: the module proxy still serves the pinned version, but its checksums cannot be
    # checked against sum.golang.org from a machine that reaches nothing else. Global Go settings are untouched.
    say "the Go checksum database (sum.golang.org) is unreachable; building with GOSUMDB=off for this install only"
    env_for_install+=("GOSUMDB=off")
  fi
  say "building temporal v${TEMPORAL_CLI_VERSION} with go install (first time only, a few minutes)..."
  local started=$SECONDS
  # The version stamp is what release builds set; without it the binary calls itself 0.0.0-DEV.
  env "${env_for_install[@]}" go install \
    -ldflags "-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}" "$TEMPORAL_CLI_MODULE" >&2 ||
    die "go install $TEMPORAL_CLI_MODULE failed (see above). Check that the Go module proxy is reachable (go env GOPROXY)."
  say "built $local_bin/temporal in $((SECONDS - started)) s"
}

ensure_cli() {
  local cli
  cli="$(find_cli)"
  if [[ -z "$cli" ]]; then
    build_cli
    cli="$local_bin/temporal"
  fi
  printf '%s\n' "$cli"
}

server_args() {
  local -a args=(server start-dev --ip "$ip" --port "$port" --ui-port "$ui_port" --db-filename "$db_file"
    --namespace "$namespace" --log-level warn)
  local attribute value pragma
  for attribute in "${SEARCH_ATTRIBUTES[@]}"; do
    args+=(--search-attribute "$attribute")
  done
  for value in "${DYNAMIC_CONFIG[@]}"; do
    args+=(--dynamic-config-value "$value")
  done
  for pragma in "${SQLITE_PRAGMAS[@]}"; do
    args+=(--sqlite-pragma "$pragma")
  done
  # With encrypted payloads, the Web UI decodes them through `amphora codec-server` (see the README).
  if [[ -n "${TEMPORAL_UI_CODEC_ENDPOINT:-}" ]]; then
    args+=(--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT")
  fi
  printf '%s\n' "${args[@]}"
}

running_pid() {
  [[ -f "$pid_file" ]] || return 1
  local pid
  pid="$(cat "$pid_file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -q temporal "/proc/$pid/cmdline" 2>/dev/null; then
    printf '%s\n' "$pid"
    return 0
  fi
  say "removing stale pid file $pid_file (process ${pid:-?} is gone)"
  rm -f "$pid_file"
  return 1
}

frontend_answers() {
  "$1" operator cluster health --address "$ip:$port" >/dev/null 2>&1
}

# start-dev registers --search-attribute flags only in a new database; on a database from an older version of this
# script, attributes added since are missing, so register whatever is not there yet.
ensure_search_attributes() {
  local cli="$1" existing attribute
  existing="$("$cli" operator search-attribute list --address "$ip:$port" --namespace "$namespace" 2>/dev/null)" || return 0
  for attribute in "${SEARCH_ATTRIBUTES[@]}"; do
    if ! grep -qE "^[[:space:]]*${attribute%%=*}[[:space:]]" <<<"$existing"; then
      "$cli" operator search-attribute create --address "$ip:$port" --namespace "$namespace" \
        --name "${attribute%%=*}" --type "${attribute#*=}" >/dev/null &&
        say "registered search attribute ${attribute%%=*} (${attribute#*=})"
    fi
  done
}

cmd_install() {
  local cli
  cli="$(ensure_cli)"
  say "using $cli"
  "$cli" --version
  echo
}

cmd_start() {
  local cli
  cli="$(ensure_cli)"
  mkdir -p "$state_dir" "$(dirname "$db_file")"
  local -a args
  mapfile -t args < <(server_args)
  say "Temporal dev server on $ip:$port, Web UI http://$ip:$ui_port, state in $db_file (Ctrl-C stops it)"
  (
    for _ in $(seq 1 200); do
      frontend_answers "$cli" && break
      sleep 0.3
    done
    ensure_search_attributes "$cli"
  ) &
  exec "$cli" "${args[@]}"
}

cmd_up() {
  local cli pid
  cli="$(ensure_cli)"
  if pid="$(running_pid)"; then
    ensure_search_attributes "$cli"
    say "already running (pid $pid) on $ip:$port; Web UI http://$ip:$ui_port"
    return 0
  fi
  if frontend_answers "$cli"; then
    say "a Temporal server not started by this script already answers on $ip:$port; using it"
    return 0
  fi
  mkdir -p "$state_dir" "$(dirname "$db_file")"
  local -a args
  mapfile -t args < <(server_args)
  nohup "$cli" "${args[@]}" >"$log_file" 2>&1 &
  pid=$!
  printf '%s\n' "$pid" >"$pid_file"
  local deadline=$((SECONDS + 60))
  until frontend_answers "$cli"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pid_file"
      tail -n 20 "$log_file" >&2 || true
      die "the dev server exited at start (log: $log_file). Is port $port or $ui_port taken? Set TEMPORAL_DEV_PORT / TEMPORAL_DEV_UI_PORT."
    fi
    ((SECONDS < deadline)) || die "the dev server did not answer on $ip:$port within 60 s (log: $log_file)"
    sleep 0.3
  done
  ensure_search_attributes "$cli"
  say "started (pid $pid) on $ip:$port, state in $db_file, log in $log_file"
  say "Web UI: http://$ip:$ui_port/namespaces/$namespace/workflows"
  say "stop it with: ./temporal-dev.sh down"
}

cmd_down() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running (no live pid in $pid_file)"
    return 0
  fi
  kill "$pid"
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "pid $pid ignored SIGTERM for 20 s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  say "stopped (pid $pid)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    say "running (pid $pid) on $ip:$port; Web UI http://$ip:$ui_port"
  else
    say "not running on $ip:$port"
    return 3
  fi
}

case "${1:-start}" in
  install) cmd_install ;;
  start) cmd_start ;;
  up) cmd_up ;;
  down | stop) cmd_down ;;
  status) cmd_status ;;
  path) ensure_cli ;;
  search-attributes) printf '%s\n' "${SEARCH_ATTRIBUTES[@]}" ;;
  dynamic-config) printf '%s\n' "${DYNAMIC_CONFIG[@]}" ;;
  -h | --help | help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1'. Use one of: install, start, up, down, status, path, search-attributes, dynamic-config." ;;
esac
