#!/usr/bin/env bash
# Drives this service with the stock OpenStack CLI (python-openstackclient + python-octaviaclient, from PyPI):
# create, wait for ACTIVE, fail over, show the status tree, delete with cascade. It starts a dev server, a worker and
# the API on 127.0.0.1 with noop drivers sharing a SQLite state file, and stops the worker and the API at the end.
#
#   scripts/openstack-client-check.sh            (needs python3 with venv; installs the client into .temporal/osc)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=.temporal/osc
state="$(mktemp -d)"
[[ -x "$venv/bin/openstack" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q python-openstackclient python-octaviaclient; }
npm run -s build
./temporal-dev.sh up

export AMPHORA_NOOP_STATE="$state/noop.db" AMPHORA_NOOP_BUILD_DELAY_MS=1500 AMPHORA_BUILD_POLL_INTERVAL_MS=500
export AMPHORA_TASK_QUEUE="openstack-client-check" AMPHORA_API_LISTEN=127.0.0.1:9876 AMPHORA_API_TOKENS=check-token
AMPHORA_LOG_LEVEL=warn node lib/cli.js worker >"$state/worker.log" 2>&1 &
worker=$!
AMPHORA_LOG_LEVEL=warn node lib/cli.js server >"$state/api.log" 2>&1 &
api=$!
trap 'kill $worker $api 2>/dev/null; wait $worker $api 2>/dev/null; rm -rf "$state"' EXIT
for _ in $(seq 1 50); do curl -fsS -o /dev/null http://127.0.0.1:9876/ && break; sleep 0.2; done

# keystoneauth's admin_token plugin: a fixed token, sent to a fixed endpoint (no Keystone needed).
export OS_AUTH_TYPE=admin_token OS_ENDPOINT=http://127.0.0.1:9876 OS_TOKEN=check-token
openstack() { "$venv/bin/openstack" "$@"; }
set -x
openstack loadbalancer create --name client-check --vip-subnet-id vip-subnet --wait -f value -c id -c provisioning_status
openstack loadbalancer show client-check -f value -c provisioning_status -c operating_status -c vip_address
openstack loadbalancer amphora list --loadbalancer client-check
openstack loadbalancer failover --wait client-check
openstack loadbalancer status show client-check
openstack loadbalancer amphora list --loadbalancer client-check
openstack loadbalancer delete --cascade --wait client-check
openstack loadbalancer list
