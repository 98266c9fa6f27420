import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LoadBalancerController } from '../../src/controller/load-balancers';
import { deleteNamespace, namespacePids } from '../../src/drivers/local/system/netns';
import { removeGuest, startMember, type MemberGuest } from '../../src/drivers/local/guests';
import { httpGet } from '../../src/drivers/local/gateway/http';
import type { ApiResponse } from '../controller/api-client';
import { treeApi } from '../objects/tree-api';
import { eventually } from '../drivers/expect-error';
import type { LocalWorld } from './world';

/** A load balancer made through the API, serving HTTP on port 80 from a round-robin pool of members. */
export interface WebLoadBalancer {
  id: string;
  vip: string;
  poolId: string;
  members: MemberGuest[];
  /** From the create's POST to the first answer through the VIP, and to ACTIVE, in ms. */
  firstAnswerMs: number;
  activeMs: number;
}

/**
 * Starts `memberNames` as member servers on member-net-a, then, as an operator would, creates a load balancer
 * (`ha-flavor` for ACTIVE_STANDBY), an HTTP listener on port 80, a round-robin pool and the members, and waits for
 * the first answer through the VIP.
 */
export async function createWebLoadBalancer(
  world: LocalWorld,
  options: { topology: 'SINGLE' | 'ACTIVE_STANDBY'; memberNames: string[] },
): Promise<WebLoadBalancer> {
  try {
    return await createWeb(world, options);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; ${await lastErrors(world)}`, { cause: err });
  }
}

/** The last operation's error of every load balancer the controller knows, for a failure's message. */
async function lastErrors(world: LocalWorld): Promise<string> {
  const controller = new LoadBalancerController(world.temporal.client, world.taskQueue);
  const { body } = await world.call('GET', '/v2/lbaas/loadbalancers');
  const ids = (body.loadbalancers as { id: string }[]).map((lb) => lb.id);
  const views = await Promise.all(ids.map((id) => controller.get(id).catch(() => undefined)));
  return views
    .map((view) => `${view?.record.id}: last ${view?.last?.kind} ${view?.last?.outcome}: ${view?.last?.error ?? ''}`)
    .join('; ');
}

async function createWeb(
  world: LocalWorld,
  options: { topology: 'SINGLE' | 'ACTIVE_STANDBY'; memberNames: string[] },
): Promise<WebLoadBalancer> {
  const api = treeApi(world.call);
  const members = await Promise.all(
    options.memberNames.map((name) => startMember(world.drivers, { name, networkId: 'member-net-a' })),
  );
  const started = performance.now();
  const created = api.expectStatus(
    await world.call('POST', '/v2/lbaas/loadbalancers', {
      body: {
        loadbalancer: {
          name: `web-${options.topology.toLowerCase()}`,
          vip_subnet_id: 'vip-subnet',
          ...(options.topology === 'ACTIVE_STANDBY' ? { flavor_id: 'ha-flavor' } : {}),
        },
      },
    }),
    201,
  ).loadbalancer as { id: string };
  // The VIP's address is known once the create allocated it.
  const { vip_address: vip } = (await api.settled(created.id)) as { vip_address: string };
  const activeMs = performance.now() - started;
  const listenerId = await api.create(
    '/v2/lbaas/listeners',
    'listener',
    { loadbalancer_id: created.id, protocol: 'HTTP', protocol_port: 80, name: 'http' },
    created.id,
  );
  const poolId = await api.create(
    '/v2/lbaas/pools',
    'pool',
    { listener_id: listenerId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', name: 'web' },
    created.id,
  );
  for (const member of members) {
    await api.create(
      `/v2/lbaas/pools/${poolId}/members`,
      'member',
      { name: member.name, address: member.address, protocol_port: member.httpPort, subnet_id: 'member-subnet-a' },
      created.id,
    );
  }
  await eventually(async () => {
    const response = await httpGet(world.client.dial, `http://${vip}/`, { timeoutMs: 500 }).catch(() => undefined);
    return response?.status === 200 ? true : undefined;
  }, 10_000);
  return {
    id: created.id,
    vip,
    poolId,
    members,
    firstAnswerMs: performance.now() - started,
    activeMs,
  };
}

/** The load balancer's amphorae as the API shows them. */
export async function amphoraeOf(
  world: LocalWorld,
  loadBalancerId: string,
): Promise<{ id: string; compute_id: string; role: string; status: string }[]> {
  const { body } = await world.call('GET', `/v2/octavia/amphorae?loadbalancer_id=${loadBalancerId}`);
  return body.amphorae as { id: string; compute_id: string; role: string; status: string }[];
}

/**
 * What a dead amphora looks like: every process in its namespace killed, then the namespace removed (killing only
 * keepalived would leave the VIP where it was).
 */
export async function killAmphora(world: LocalWorld, computeId: string): Promise<void> {
  const namespace = world.drivers.host.namespaceOf(computeId);
  for (const pid of await namespacePids(namespace)) process.kill(pid, 'SIGKILL');
  await deleteNamespace(namespace);
}

/** Deletes the load balancer (cascade) and its members, and waits until it is gone. */
export async function deleteWebLoadBalancer(world: LocalWorld, lb: WebLoadBalancer): Promise<void> {
  const api = treeApi(world.call);
  // As an operator would: an operation still running (a failover the health manager started) is waited out first,
  // so that a clean-up after a failed test neither meets Octavia's 409 nor hides that test's own failure. One may
  // start between the look and the delete (a CI run met a PENDING_UPDATE there): then the delete is tried again.
  let deleted: ApiResponse | undefined;
  await eventually(async () => {
    const { body } = await world.call('GET', `/v2/lbaas/loadbalancers/${lb.id}`);
    const status = (body.loadbalancer as { provisioning_status?: string } | undefined)?.provisioning_status ?? '';
    if (status.startsWith('PENDING_')) return undefined;
    deleted = await world.call('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`);
    return deleted.status === 409 ? undefined : true;
  }, 60_000);
  if (!deleted) throw new Error(`load balancer ${lb.id} was never out of PENDING_* to be deleted`);
  api.expectStatus(deleted, 204);
  await api.gone(lb.id);
  for (const member of lb.members) await removeGuest(world.drivers, member);
}

/**
 * What the amphora's haproxy says of each server (member id → `UP`, `DOWN`, ...), from its stats socket: a Unix
 * socket, which this process may open (nothing crosses into the fabric's networks).
 */
export async function serverStatuses(world: LocalWorld, lb: WebLoadBalancer, computeId: string) {
  const socket = join(world.drivers.host.dirOf(computeId), 'lb', lb.id, 'haproxy.sock');
  const csv = await new Promise<string>((resolve, reject) => {
    let text = '';
    const connection = connect(socket, () => connection.end('show stat\n'));
    connection.on('data', (chunk: Buffer) => (text += chunk.toString()));
    connection.on('end', () => resolve(text));
    connection.on('error', reject);
  });
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const columns = (header ?? '').split(',');
  const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  const statuses = new Map<string, string>();
  for (const row of rows.map((line) => line.split(','))) {
    if (!['FRONTEND', 'BACKEND'].includes(at(row, 'svname'))) statuses.set(at(row, 'svname'), at(row, 'status'));
  }
  return statuses;
}
