import { execFile } from 'node:child_process';
import type { ApiBed } from '../controller/api-bed';
import { useKeystoneCloud, type Persona } from '../tenants/keystone';

/**
 * What the stock-client programs under test/clients/ build and print: one JSON document of what the client saw while
 * it built the full tree, read it back and cascade-deleted it. Every client prints this same shape, and
 * {@link expectFullTree} is the one set of expectations they all meet.
 */
export interface TreeObservation {
  client: string;
  loadbalancer: { id: string; created: string; settled: string };
  /** Each create in order: the status the create returned, and the object's once the load balancer was ACTIVE. */
  objects: { kind: string; name: string; id: string; created: string; settled: string }[];
  /** Each update: the status it returned, and the object's status and changed value once settled. */
  updates: { kind: string; id: string; returned: string; settled: string; value: number }[];
  listener: { id: string; default_pool_id: string; l7policies: string[] };
  monitor: Record<string, unknown>;
  members: Record<string, unknown>[];
  policy: { id: string; action: string; redirect_pool_id: string; rules: string[] };
  rules: Record<string, unknown>[];
  status_tree: StatusTree;
  /** After the cascade delete: the status of a get of the load balancer, and the ids still listed. */
  deleted: { get_status: number; listed: string[] };
}

interface StatusTree {
  id: string;
  provisioning_status: string;
  listeners: {
    id: string;
    provisioning_status: string;
    pools: {
      id: string;
      provisioning_status: string;
      health_monitor: string | null;
      members: { id: string; provisioning_status: string }[];
    }[];
  }[];
}

/** How one run of a client program ended. */
export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The creates every client makes, in this order: [kind, name]; members are named by their address. */
const TREE = [
  ['listener', 'web'],
  ['pool', 'app'],
  ['member', '203.0.113.10'],
  ['member', '203.0.113.11'],
  ['healthmonitor', 'app-monitor'],
  ['pool', 'api'],
  ['l7policy', 'to-api'],
  ['l7rule', 'api-path'],
  ['listener', 'tls'],
  ['pool', 'passthrough'],
] as const;

/**
 * A fake Keystone with `persona` on it, the API bed behind the service catalog's `load-balancer` (and `network`, for
 * the clients that look the VIP subnet up), and `run` to start a client program logged in as the persona, with the
 * OS_* variables and nothing else of the test's environment.
 */
export function useClientCloud(persona: Persona): {
  bed: () => ApiBed;
  run: (commandLine: readonly string[]) => Promise<ClientRun>;
} {
  const { bed, loginEnv } = useKeystoneCloud([persona]);
  const run = ([command = '', ...args]: readonly string[]) =>
    new Promise<ClientRun>((resolve) => {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        ...loginEnv(persona),
      };
      execFile(command, args, { env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: err && !stderr ? err.message : stderr });
      });
    });
  return { bed, run };
}

/** The client's document; a failed run or output that is not one JSON document throws with the client's stderr. */
function observationOf(run: ClientRun): TreeObservation {
  if (run.code !== 0) throw new Error(`the client failed (exit ${run.code}):\n${run.stderr}`);
  try {
    return JSON.parse(run.stdout) as TreeObservation;
  } catch (err) {
    throw new Error(`the client printed no JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`, { cause: err });
  }
}

/** Runs `check`, and adds the client's stderr to the message of any expectation it fails. */
function explained(stderr: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof Error) err.message += `\n\nThe client's stderr:\n${stderr || '(empty)'}`;
    throw err;
  }
}

/** Sorts each level of the status tree by id, so that the comparison does not depend on the listing order. */
function sortedTree(tree: StatusTree): StatusTree {
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));
  return {
    ...tree,
    listeners: byId(tree.listeners).map((listener) => ({
      ...listener,
      pools: byId(listener.pools).map((pool) => ({ ...pool, members: byId(pool.members) })),
    })),
  };
}

/**
 * What every client must have seen: each create came back PENDING_CREATE and the object was ACTIVE once the load
 * balancer was; each update came back PENDING_UPDATE and landed; the listener, monitor, members, policy and rule
 * read back as created; the status tree holds the whole tree ACTIVE; after the cascade delete the load balancer is a
 * 404 and no longer listed.
 *
 * @param options.monitorInStatusTree - whether the client can see a pool's health monitor in the status tree.
 */
export function expectFullTree(run: ClientRun, options: { monitorInStatusTree: boolean }): void {
  const observed = observationOf(run);
  explained(run.stderr, () => {
    const id = (name: string) => observed.objects.find((object) => object.name === name)?.id ?? `(no ${name})`;
    const { id: lb, ...loadBalancer } = observed.loadbalancer;
    expect(loadBalancer).toEqual({ created: 'PENDING_CREATE', settled: 'ACTIVE' });
    expect(observed.objects.map(({ kind, name, created, settled }) => ({ kind, name, created, settled }))).toEqual(
      TREE.map(([kind, name]) => ({ kind, name, created: 'PENDING_CREATE', settled: 'ACTIVE' })),
    );
    expect(observed.updates).toEqual([
      { kind: 'listener', id: id('web'), returned: 'PENDING_UPDATE', settled: 'ACTIVE', value: 1000 },
      { kind: 'member', id: id('203.0.113.10'), returned: 'PENDING_UPDATE', settled: 'ACTIVE', value: 5 },
    ]);
    expect(observed.listener).toEqual({ id: id('web'), default_pool_id: id('app'), l7policies: [id('to-api')] });
    expect(observed.monitor).toEqual({
      id: id('app-monitor'),
      pool_id: id('app'),
      type: 'HTTP',
      delay: 5,
      timeout: 3,
      max_retries: 3,
      url_path: '/healthz',
    });
    const member = (address: string, weight: number) => ({
      id: id(address),
      address,
      protocol_port: 8080,
      subnet_id: 'member-subnet-a',
      weight,
      provisioning_status: 'ACTIVE',
    });
    expect([...observed.members].sort((a, b) => String(a.address).localeCompare(String(b.address)))).toEqual([
      member('203.0.113.10', 5),
      member('203.0.113.11', 1),
    ]);
    expect(observed.policy).toEqual({
      id: id('to-api'),
      action: 'REDIRECT_TO_POOL',
      redirect_pool_id: id('api'),
      rules: [id('api-path')],
    });
    expect(observed.rules).toEqual([
      { id: id('api-path'), type: 'PATH', compare_type: 'STARTS_WITH', value: '/api', provisioning_status: 'ACTIVE' },
    ]);

    const active = { provisioning_status: 'ACTIVE' };
    const pool = (name: string, members: string[], monitor?: string) => ({
      id: id(name),
      ...active,
      health_monitor: monitor && options.monitorInStatusTree ? id(monitor) : null,
      members: members.map((address) => ({ id: id(address), ...active })),
    });
    expect(sortedTree(observed.status_tree)).toEqual(
      sortedTree({
        id: lb,
        ...active,
        listeners: [
          // The L7 policy's target pool is reached through the listener, so the tree shows it there too.
          {
            id: id('web'),
            ...active,
            pools: [pool('app', ['203.0.113.10', '203.0.113.11'], 'app-monitor'), pool('api', [])],
          },
          { id: id('tls'), ...active, pools: [pool('passthrough', [])] },
        ],
      }),
    );
    expect(observed.deleted.get_status).toBe(404);
    expect(observed.deleted.listed).not.toContain(lb);
  });
}
