#!/usr/bin/env bash
# The production topology on one machine: Temporal's own server (not the dev server) as four processes (frontend,
# history, matching, worker) on a PostgreSQL of its own, the shape operators scale out across hosts.
#
#   ./temporal-cluster.sh install   find or build the pinned temporal-server, temporal-sql-tool and Web UI server
#   ./temporal-cluster.sh up        start PostgreSQL, set up or upgrade the schemas, start the four services, create
#                                   the namespace and our search attributes; waits until the frontend answers
#   ./temporal-cluster.sh down      stop the services, then PostgreSQL (the data stays)
#   ./temporal-cluster.sh status    say what runs; exit 3 when something is down
#   ./temporal-cluster.sh address   print the frontend's address (for TEMPORAL_ADDRESS)
#   ./temporal-cluster.sh ui        build (once) and start the Temporal Web UI server against the cluster
#   ./temporal-cluster.sh kill SERVICE     kill -9 one service (frontend, history, matching, worker): for chaos tests
#   ./temporal-cluster.sh start SERVICE    start one service again after a kill
#   ./temporal-cluster.sh restart-db       stop PostgreSQL at once (fast shutdown) and start it again
#   ./temporal-cluster.sh psql [ARGS]      psql on the cluster's `temporal` database, as its superuser
#   ./temporal-cluster.sh reset     down, then remove the cluster's state (database included)
#
# Environment (all optional):
#   TEMPORAL_CLUSTER_PORT         frontend gRPC port (7433); history, matching and worker take the next three,
#                                 their membership ports are 100 above, the frontend's HTTP port 10 above
#   TEMPORAL_CLUSTER_METRICS_PORT first Prometheus port (9433): frontend, history, matching, worker in that order
#   TEMPORAL_CLUSTER_DB_PORT      PostgreSQL port on 127.0.0.1 (55432)
#   TEMPORAL_CLUSTER_UI_PORT      Web UI port of `ui` (8433)
#   TEMPORAL_CLUSTER_SHARDS       history shards, fixed when the database is made (4)
#   TEMPORAL_CLUSTER_NAMESPACE    namespace to create (default)
#   TEMPORAL_CLUSTER_STATE_DIR    database, logs and pid files (.temporal/cluster)
#   TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN   binaries to use instead of building them
set -euo pipefail

readonly TEMPORAL_SERVER_VERSION="1.29.1"
readonly SERVER_MODULE="go.temporal.io/server"
readonly SERVICES=(history matching frontend worker)
# The Web UI the dev server embeds (temporal CLI 1.5.1 carries UI 2.42.1), run on its own against the cluster.
readonly UI_MODULE="github.com/temporalio/ui-server/v2"
readonly UI_VERSION="2.42.1"

project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_dir="${TEMPORAL_CLUSTER_STATE_DIR:-$project_dir/.temporal/cluster}"
bin_dir="$project_dir/.temporal/bin"
config_dir="$project_dir/cluster/config"
port="${TEMPORAL_CLUSTER_PORT:-7433}"
metrics_port="${TEMPORAL_CLUSTER_METRICS_PORT:-9433}"
db_port="${TEMPORAL_CLUSTER_DB_PORT:-55432}"
shards="${TEMPORAL_CLUSTER_SHARDS:-4}"
namespace="${TEMPORAL_CLUSTER_NAMESPACE:-default}"
pg_data="$state_dir/postgres"
pg_socket_dir="$state_dir/postgres-socket"
pg_log="$state_dir/postgres.log"
password_file="$state_dir/db-password"
dynamic_config_file="$state_dir/dynamicconfig.yaml"
ui_port="${TEMPORAL_CLUSTER_UI_PORT:-8433}"

say() { printf 'temporal-cluster: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# --- binaries -----------------------------------------------------------------------------------------------------

server_bin() { printf '%s\n' "${TEMPORAL_SERVER_BIN:-$bin_dir/temporal-server-$TEMPORAL_SERVER_VERSION}"; }
sql_tool_bin() { printf '%s\n' "${TEMPORAL_SQL_TOOL_BIN:-$bin_dir/temporal-sql-tool-$TEMPORAL_SERVER_VERSION}"; }

# Builds one command of a pinned module (`module/package@version`) into $bin_dir under `name`.
go_build_pinned() {
  local target="$1" name="$2"
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed, and $name is missing. Install Go >= 1.24, or set TEMPORAL_SERVER_BIN and TEMPORAL_SQL_TOOL_BIN."
  local build_dir
  build_dir="$(mktemp -d)"
  local -a env_for_install=("GOBIN=$build_dir")
  if [[ "$(go env GOSUMDB)" != "off" ]] && ! curl -fsS --max-time 5 -o /dev/null "https://sum.golang.org/latest" 2>/dev/null; then
    # As for the dev server's CLI: only the module proxy answers here; this install alone skips the checksum database.
    env_for_install+=("GOSUMDB=off")
  fi
  say "building $name from $target with go install (first time only, several minutes)..."
  local started=$SECONDS
  env "${env_for_install[@]}" go install "$target" >&2 ||
    die "go install $target failed (see above). Check that the Go module proxy is reachable (go env GOPROXY)."
  mkdir -p "$bin_dir"
  mv "$build_dir"/* "$bin_dir/$name"
  rmdir "$build_dir"
  say "built $bin_dir/$name in $((SECONDS - started)) s"
}

ensure_binaries() {
  if [[ -n "${TEMPORAL_SERVER_BIN:-}" ]]; then
    [[ -x "$TEMPORAL_SERVER_BIN" ]] || die "TEMPORAL_SERVER_BIN=$TEMPORAL_SERVER_BIN is not an executable file."
  elif [[ ! -x "$(server_bin)" ]]; then
    go_build_pinned "$SERVER_MODULE/cmd/server@v$TEMPORAL_SERVER_VERSION" "temporal-server-$TEMPORAL_SERVER_VERSION"
  fi
  if [[ -n "${TEMPORAL_SQL_TOOL_BIN:-}" ]]; then
    [[ -x "$TEMPORAL_SQL_TOOL_BIN" ]] || die "TEMPORAL_SQL_TOOL_BIN=$TEMPORAL_SQL_TOOL_BIN is not an executable file."
  elif [[ ! -x "$(sql_tool_bin)" ]]; then
    go_build_pinned "$SERVER_MODULE/cmd/tools/sql@v$TEMPORAL_SERVER_VERSION" "temporal-sql-tool-$TEMPORAL_SERVER_VERSION"
  fi
}

# Where the Go module cache holds `module@version` (downloaded if missing).
module_dir() {
  GOFLAGS=-mod=mod go mod download -json "$1" 2>/dev/null | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# The module's own schema files (the ones its server checks against at start).
schema_dir() {
  local dir
  dir="$(module_dir "$SERVER_MODULE@v$TEMPORAL_SERVER_VERSION")"
  [[ -d "$dir/schema/postgresql/v12" ]] ||
    die "the schemas of $SERVER_MODULE@v$TEMPORAL_SERVER_VERSION were not found (go mod download failed?). Run: go mod download $SERVER_MODULE@v$TEMPORAL_SERVER_VERSION"
  printf '%s\n' "$dir/schema/postgresql/v12"
}

# --- PostgreSQL ---------------------------------------------------------------------------------------------------

pg_bin_dir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ -z "$dir" && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's PostgreSQL (apt-get install postgresql)..."
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 ||
      die "apt-get install postgresql failed (see above)."
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  [[ -x "$dir/postgres" ]] || die "PostgreSQL is not installed. Install it (Debian: apt-get install postgresql) and run this again."
  printf '%s\n' "$dir"
}

# PostgreSQL refuses to run as root: as root, its files belong to, and it runs as, Debian's `postgres` user.
as_db_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user that Debian's postgresql package creates."
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_admin() { psql_on postgres -XAtq "$@"; }

# psql as the database's superuser, over the private socket, on database `$1`.
psql_on() {
  local database="$1"
  shift
  as_db_owner "$(pg_bin_dir)/psql" -h "$pg_socket_dir" -p "$db_port" -U postgres -d "$database" "$@"
}

db_running() { as_db_owner "$(pg_bin_dir)/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; }

init_db() {
  [[ -f "$pg_data/PG_VERSION" ]] && return 0
  local bin
  bin="$(pg_bin_dir)"
  mkdir -p "$pg_data" "$pg_socket_dir"
  touch "$pg_log"
  chmod 700 "$pg_data" "$pg_socket_dir"
  if [[ "$(id -u)" == 0 ]]; then chown postgres: "$pg_data" "$pg_socket_dir" "$pg_log"; fi
  say "creating a PostgreSQL database cluster in $pg_data"
  # Over TCP only with the password; the socket lives in a folder only the database's owner may open.
  as_db_owner "$bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null ||
    die "initdb failed for $pg_data"
  (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$password_file")
}

start_db() {
  db_running && return 0
  local bin
  bin="$(pg_bin_dir)"
  as_db_owner "$bin/pg_ctl" -D "$pg_data" -l "$pg_log" -w -t 60 \
    -o "-p $db_port -k $pg_socket_dir -c listen_addresses=127.0.0.1" start >/dev/null ||
    die "PostgreSQL did not start (log: $pg_log). Is port $db_port taken? Set TEMPORAL_CLUSTER_DB_PORT."
}

stop_db() {
  db_running || return 0
  as_db_owner "$(pg_bin_dir)/pg_ctl" -D "$pg_data" -m "${1:-smart}" -w -t 60 stop >/dev/null
}

# The password goes through the environment, never the command line (ps shows that to every user).
sql_tool() {
  SQL_PASSWORD="$(cat "$password_file")" "$(sql_tool_bin)" --plugin postgres12 --ep 127.0.0.1 -p "$db_port" -u temporal "$@"
}

# The role, both databases and their schemas; update-schema applies only the versions a database lacks, so an
# upgraded server module upgrades the schema here.
ensure_schema() {
  local password schemas
  password="$(cat "$password_file")"
  if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'temporal'")" ]]; then
    # On stdin, not the command line, so the password never shows in the process list.
    printf "CREATE ROLE temporal LOGIN CREATEDB PASSWORD '%s'\n" "$password" | psql_admin >/dev/null
  fi
  schemas="$(schema_dir)"
  local database kind
  for database in temporal temporal_visibility; do
    kind=temporal
    [[ "$database" == temporal_visibility ]] && kind=visibility
    if [[ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]]; then
      sql_tool --db "$database" create-database >/dev/null 2>&1 || die "could not create database $database"
      sql_tool --db "$database" setup-schema -v 0.0 >/dev/null 2>&1 || die "could not set up the schema of $database"
    fi
    sql_tool --db "$database" update-schema -d "$schemas/$kind/versioned" >"$state_dir/schema-$database.log" 2>&1 ||
      die "update-schema of $database failed (log: $state_dir/schema-$database.log)"
  done
}

# --- services -----------------------------------------------------------------------------------------------------

service_index() {
  case "$1" in
    frontend) echo 0 ;;
    history) echo 1 ;;
    matching) echo 2 ;;
    worker) echo 3 ;;
    *) die "unknown service '$1'. Use one of: frontend, history, matching, worker." ;;
  esac
}

pid_file() { printf '%s\n' "$state_dir/$1.pid"; }

service_pid() {
  local file pid
  file="$(pid_file "$1")"
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qE "temporal-(server|ui-server)" "/proc/$pid/cmdline" 2>/dev/null; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

# The dev server's dynamic config (temporal-dev.sh is its one home) as the server's YAML file, plus what start-dev
# sets on its own that our workers rely on.
write_dynamic_config() {
  local line key value
  {
    echo "# Written by temporal-cluster.sh from temporal-dev.sh's dynamic config; edits here are overwritten at up."
    while IFS= read -r line; do
      [[ -z "$line" ]] && continue
      key="${line%%=*}"
      value="${line#*=}"
      printf '%s:\n  - value: %s\n' "$key" "$value"
    done < <("$project_dir/temporal-dev.sh" dynamic-config)
    # The controller lists load balancers and amphorae through visibility (API list routes, the health manager's
    # status): the default of 10 list calls a second per namespace and frontend answers RESOURCE_EXHAUSTED under a
    # busy API (and the tests poll it). The dev server allows 100; a cluster serving a busy API needs more.
    printf 'frontend.namespaceRPS.visibility:\n  - value: 1000\n'
  } >"$dynamic_config_file"
}

export_service_env() {
  local index
  index="$(service_index "$1")"
  export TEMPORAL_CLUSTER_DB_PORT="$db_port" TEMPORAL_CLUSTER_SHARDS="$shards"
  export TEMPORAL_CLUSTER_DB_PASSWORD
  TEMPORAL_CLUSTER_DB_PASSWORD="$(cat "$password_file")"
  export TEMPORAL_CLUSTER_FRONTEND_PORT="$port" TEMPORAL_CLUSTER_HISTORY_PORT="$((port + 1))"
  export TEMPORAL_CLUSTER_MATCHING_PORT="$((port + 2))" TEMPORAL_CLUSTER_WORKER_PORT="$((port + 3))"
  export TEMPORAL_CLUSTER_FRONTEND_MEMBERSHIP_PORT="$((port + 100))" TEMPORAL_CLUSTER_HISTORY_MEMBERSHIP_PORT="$((port + 101))"
  export TEMPORAL_CLUSTER_MATCHING_MEMBERSHIP_PORT="$((port + 102))" TEMPORAL_CLUSTER_WORKER_MEMBERSHIP_PORT="$((port + 103))"
  export TEMPORAL_CLUSTER_HTTP_PORT="$((port + 10))"
  export TEMPORAL_CLUSTER_METRICS_PORT="$((metrics_port + index))"
  export TEMPORAL_CLUSTER_DYNAMIC_CONFIG="$dynamic_config_file"
}

start_service() {
  local service="$1" pid
  if pid="$(service_pid "$service")"; then
    return 0
  fi
  (
    export_service_env "$service"
    nohup "$(server_bin)" --root / --config "$config_dir" --env cluster --allow-no-auth start --service "$service" \
      >>"$state_dir/$service.log" 2>&1 &
    printf '%s\n' "$!" >"$(pid_file "$service")"
  )
  say "started $service (pid $(cat "$(pid_file "$service")"), log $state_dir/$service.log)"
}

stop_service() {
  local service="$1" pid
  pid="$(service_pid "$service")" || return 0
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "$service (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
      kill -9 "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$service")"
}

cli() { "$("$project_dir/temporal-dev.sh" path | tail -n 1)" "$@"; }

frontend_answers() { cli operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1; }

# A database whose schema is older than the server needs: the server's own words, then the fix.
schema_mismatch() {
  local found
  found="$(grep -o 'version mismatch for keyspace/database: [^.]*\. Expected version: [0-9.]* cannot be greater than Actual version: [0-9.]*' \
    "$state_dir/$1.log" | tail -n 1)" || return 0
  die "$1 refused the database: $found. Upgrade the schema with ./temporal-cluster.sh up (it runs temporal-sql-tool update-schema with the schemas of server v$TEMPORAL_SERVER_VERSION)."
}

# On a new database every service records the cluster's metadata as it starts, and two at once race: the loser exits,
# on PostgreSQL's duplicate key or on "SaveClusterMetadata encountered version mismatch" (both seen in CI). So until
# the record exists, the first service starts alone, and the others once it has written the record.
cluster_metadata_recorded() {
  [[ -n "$(psql_on temporal -XAtq -c 'SELECT 1 FROM cluster_metadata_info LIMIT 1' 2>/dev/null)" ]]
}

start_services() {
  local first="${SERVICES[0]}" service deadline=$((SECONDS + 60))
  if ! cluster_metadata_recorded; then
    start_service "$first"
    until cluster_metadata_recorded; do
      service_pid "$first" >/dev/null || {
        tail -n 20 "$state_dir/$first.log" >&2 || true
        schema_mismatch "$first"
        die "$first exited at start, before it recorded the cluster metadata (log: $state_dir/$first.log)"
      }
      ((SECONDS < deadline)) || die "$first did not record the cluster metadata within 60 s (log: $state_dir/$first.log)"
      sleep 0.2
    done
    say "$first recorded the cluster metadata on the new database; starting the others"
  fi
  for service in "${SERVICES[@]}"; do start_service "$service"; done
}

# A service that lost that race anyway (started by hand with `start` on a new database) is started again once.
lost_metadata_race() {
  tail -n 60 "$state_dir/$1.log" 2>/dev/null | grep -q -e 'cluster_metadata_info_pkey' -e 'SaveClusterMetadata encountered version mismatch'
}

wait_for_frontend() {
  local deadline=$((SECONDS + ${1:-90})) service
  local -A restarted=()
  until frontend_answers; do
    for service in "${SERVICES[@]}"; do
      service_pid "$service" >/dev/null || {
        if [[ -z "${restarted[$service]:-}" ]] && lost_metadata_race "$service"; then
          say "$service lost the race to record the cluster metadata on the new database; starting it again"
          restarted[$service]=1
          start_service "$service"
          continue
        fi
        tail -n 20 "$state_dir/$service.log" >&2 || true
        schema_mismatch "$service"
        die "$service exited at start (log: $state_dir/$service.log). Is one of ports $port-$((port + 3)), $((port + 100))-$((port + 103)) or $metrics_port-$((metrics_port + 3)) taken? Set TEMPORAL_CLUSTER_PORT / TEMPORAL_CLUSTER_METRICS_PORT."
      }
    done
    ((SECONDS < deadline)) || die "the frontend did not answer on 127.0.0.1:$port within ${1:-90} s (logs in $state_dir)"
    sleep 0.5
  done
}

# Set by ensure_namespace when it created the namespace or an attribute: the services' caches must reload.
registered=0

ensure_namespace() {
  local address="127.0.0.1:$port"
  if ! cli operator namespace describe --address "$address" --namespace "$namespace" >/dev/null 2>&1; then
    cli operator namespace create --address "$address" --namespace "$namespace" --retention 72h >/dev/null ||
      die "could not create namespace $namespace"
    registered=1
    say "created namespace $namespace"
  fi
  local existing attribute
  # A namespace is usable a moment after it is created (the frontend's namespace cache refreshes).
  for _ in $(seq 1 60); do
    existing="$(cli operator search-attribute list --address "$address" --namespace "$namespace" 2>/dev/null)" && break
    sleep 0.5
  done
  while IFS= read -r attribute; do
    [[ -z "$attribute" ]] && continue
    if ! grep -qE "^[[:space:]]*${attribute%%=*}[[:space:]]" <<<"$existing"; then
      cli operator search-attribute create --address "$address" --namespace "$namespace" \
        --name "${attribute%%=*}" --type "${attribute#*=}" >/dev/null ||
        die "could not register search attribute ${attribute%%=*} in namespace $namespace"
      registered=1
      say "registered search attribute ${attribute%%=*} (${attribute#*=})"
    fi
  done < <("$project_dir/temporal-dev.sh" search-attributes)
}

# --- commands -----------------------------------------------------------------------------------------------------

cmd_install() {
  ensure_binaries
  ensure_ui_binary
  say "server:   $(server_bin)"
  say "sql tool: $(sql_tool_bin)"
  say "web UI:   $(ui_bin)"
  "$(server_bin)" --version
}

cmd_up() {
  ensure_binaries
  mkdir -p "$state_dir"
  init_db
  start_db
  ensure_schema
  write_dynamic_config
  start_services
  wait_for_frontend 120
  ensure_namespace
  if ((registered)); then
    # Each service caches namespaces and search attributes for up to a minute; restarted, they read them now, so a
    # worker that starts right after `up` finds everything (the dev server forces a read on every call instead).
    say "restarting the services so that each sees the new namespace and search attributes at once"
    local service
    for service in frontend worker matching history; do stop_service "$service"; done
    start_services
    wait_for_frontend 120
  fi
  say "up: frontend 127.0.0.1:$port (TEMPORAL_ADDRESS=127.0.0.1:$port), $shards history shards, PostgreSQL on 127.0.0.1:$db_port"
  say "metrics: http://127.0.0.1:$metrics_port/metrics (frontend) to :$((metrics_port + 3)) (worker)"
  say "stop it with: ./temporal-cluster.sh down"
}

# The Web UI server against this cluster's frontend: the dev server's embedded UI cannot point at another cluster.
ui_bin() { printf '%s\n' "$bin_dir/temporal-ui-server-$UI_VERSION"; }

ensure_ui_binary() {
  [[ -x "$(ui_bin)" ]] || go_build_pinned "$UI_MODULE/cmd/server@v$UI_VERSION" "temporal-ui-server-$UI_VERSION"
}

cmd_ui() {
  local bin dir pid
  ensure_ui_binary
  bin="$(ui_bin)"
  if pid="$(service_pid ui)"; then
    say "Web UI already running (pid $pid): http://127.0.0.1:$ui_port/namespaces/$namespace/workflows"
    return 0
  fi
  dir="$(module_dir "$UI_MODULE@v$UI_VERSION")"
  [[ -f "$dir/config/docker.yaml" ]] || die "the UI server's config was not found in the Go module cache ($UI_MODULE@v$UI_VERSION)"
  mkdir -p "$state_dir"
  TEMPORAL_ADDRESS="127.0.0.1:$port" TEMPORAL_UI_PORT="$ui_port" TEMPORAL_DEFAULT_NAMESPACE="$namespace" \
    TEMPORAL_NOTIFY_ON_NEW_VERSION=false TEMPORAL_UI_PUBLIC_PATH="" \
    nohup "$bin" --root "$dir" --config config --env docker start >>"$state_dir/ui.log" 2>&1 &
  printf '%s\n' "$!" >"$(pid_file ui)"
  local deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null "http://127.0.0.1:$ui_port/"; do
    service_pid ui >/dev/null || die "the Web UI exited at start (log: $state_dir/ui.log). Is port $ui_port taken? Set TEMPORAL_CLUSTER_UI_PORT."
    ((SECONDS < deadline)) || die "the Web UI did not answer on 127.0.0.1:$ui_port within 30 s (log: $state_dir/ui.log)"
    sleep 0.3
  done
  say "Web UI: http://127.0.0.1:$ui_port/namespaces/$namespace/workflows (stopped by ./temporal-cluster.sh down)"
}

cmd_down() {
  stop_service ui
  local service
  for service in frontend worker matching history; do stop_service "$service"; done
  if [[ -f "$pg_data/PG_VERSION" ]]; then stop_db fast; fi
  say "down"
}

cmd_status() {
  local service pid down=0
  for service in "${SERVICES[@]}"; do
    if pid="$(service_pid "$service")"; then
      say "$service: running (pid $pid)"
    else
      say "$service: not running"
      down=1
    fi
  done
  if [[ -f "$pg_data/PG_VERSION" ]] && db_running; then
    say "postgresql: running on 127.0.0.1:$db_port"
  else
    say "postgresql: not running"
    down=1
  fi
  ((down == 0)) || return 3
}

cmd_kill() {
  local service="${1:-}" pid
  service_index "$service" >/dev/null
  pid="$(service_pid "$service")" || die "$service is not running"
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  rm -f "$(pid_file "$service")"
  say "killed $service (pid $pid) with SIGKILL"
}

# Starts one service and watches it for a few seconds: a service that cannot start (a schema older than the server
# needs, a port taken) says so here instead of dying unseen.
cmd_start_service() {
  local service="$1"
  service_index "$service" >/dev/null
  start_service "$service"
  local deadline=$((SECONDS + 5))
  while ((SECONDS < deadline)); do
    service_pid "$service" >/dev/null || {
      tail -n 20 "$state_dir/$service.log" >&2 || true
      schema_mismatch "$service"
      die "$service exited at start (log: $state_dir/$service.log)"
    }
    sleep 0.5
  done
}

cmd_restart_db() {
  stop_db immediate
  start_db
  say "restarted PostgreSQL"
}

cmd_reset() {
  cmd_down
  rm -rf "$state_dir"
  say "removed $state_dir"
}

case "${1:-}" in
  install) cmd_install ;;
  up) cmd_up ;;
  down | stop) cmd_down ;;
  status) cmd_status ;;
  address) printf '127.0.0.1:%s\n' "$port" ;;
  ui) cmd_ui ;;
  kill) cmd_kill "${2:-}" ;;
  start) cmd_start_service "${2:-}" ;;
  psql)
    shift
    psql_on temporal "$@"
    ;;
  restart-db) cmd_restart_db ;;
  reset) cmd_reset ;;
  -h | --help | help | "") sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1'. Use one of: install, up, down, status, address, ui, kill, start, restart-db, psql, reset." ;;
esac
