import { useApiBed } from '../controller/api-bed';
import type { ApiResponse, apiClient } from '../controller/api-client';
import { eventually } from '../drivers/expect-error';
import { FakeOpenStack } from '../drivers/openstack/fake/cloud';
import { addPersonas, keystoneEnv, logIn, type Persona } from './keystone';

const PERSONAS = {
  alice: { name: 'alice', projectId: 'project-a', roles: ['load-balancer_member', 'member', 'reader'] },
  bob: { name: 'bob', projectId: 'project-b', roles: ['load-balancer_member', 'member', 'reader'] },
  olivia: { name: 'olivia', projectId: 'project-a', roles: ['load-balancer_observer', 'reader'] },
  gwen: { name: 'gwen', projectId: 'project-c', roles: ['load-balancer_global_observer', 'reader'] },
  adam: { name: 'adam', projectId: 'operators', roles: ['admin', 'member', 'reader'] },
  rita: { name: 'rita', projectId: 'project-a', roles: ['member', 'reader'] },
} as const satisfies Record<string, Persona>;
type Name = keyof typeof PERSONAS;
const NAMES = Object.keys(PERSONAS) as Name[];

interface LoadBalancerView {
  id: string;
  name: string;
  project_id: string;
  provisioning_status: string;
  vip_address: string;
  vip_port_id: string;
}

/**
 * Two projects, each with users holding Keystone-issued tokens (logged in with a password, as openstacksdk, the
 * openstack CLI and gophercloud do), against every route of the API: neither project can see, use, change or block
 * the other's load balancers, ports, subnets or VIP addresses, and each role gets what Octavia's default policy gives.
 */
describe('two projects with Keystone tokens', () => {
  let cloud: FakeOpenStack;
  beforeAll(async () => {
    cloud = await FakeOpenStack.start();
    addPersonas(cloud, Object.values(PERSONAS));
  });
  afterAll(async () => {
    await cloud?.close();
  });
  const bed = useApiBed({ env: () => keystoneEnv(cloud), neutronLookups: true });

  const tokens = {} as Record<Name, string>;
  const as = (name: Name): ReturnType<typeof apiClient> => bed().as(tokens[name]);
  let a1: LoadBalancerView;
  let b1: LoadBalancerView;
  let portOfA: string;

  const create = (name: Name, loadbalancer: Record<string, unknown>) =>
    as(name)('POST', '/v2/lbaas/loadbalancers', { body: { loadbalancer } });
  const untilActive = (name: Name, id: string) =>
    eventually(async () => {
      const view = (await as(name)('GET', `/v2/lbaas/loadbalancers/${id}`)).body.loadbalancer as LoadBalancerView;
      return view?.provisioning_status === 'ACTIVE' ? view : undefined;
    }, 30_000);
  const idOf = (response: ApiResponse) => (response.body.loadbalancer as { id: string }).id;

  beforeAll(async () => {
    for (const name of NAMES) tokens[name] = await logIn(cloud, PERSONAS[name]);
    // Project A's own network and subnet, and a spare port of A's on the shared VIP network.
    bed().orchestrator.drivers.cloud.seedNetworks([
      {
        network: { id: 'net-of-a', name: 'net-of-a', projectId: 'project-a' },
        subnets: [
          { id: 'subnet-of-a', name: 'subnet-of-a', cidr: '192.0.2.128/25', ipVersion: 4, projectId: 'project-a' },
        ],
      },
    ]);
    portOfA = (
      await bed().orchestrator.drivers.network.createPort({
        name: 'spare-of-a',
        networkId: 'vip-net',
        projectId: 'project-a',
      })
    ).id;
    const [madeA, madeB] = await Promise.all([
      create('alice', { name: 'web-a', vip_subnet_id: 'vip-subnet' }),
      create('bob', { name: 'web-b', vip_subnet_id: 'vip-subnet' }),
    ]);
    expect([madeA.status, madeB.status]).toEqual([201, 201]);
    [a1, b1] = await Promise.all([untilActive('alice', idOf(madeA)), untilActive('bob', idOf(madeB))]);
    expect([a1.project_id, b1.project_id]).toEqual(['project-a', 'project-b']);
  });

  it("answers each role on each of project A's routes as Octavia's default policy does", async () => {
    const amphorae = (await as('adam')('GET', `/v2/octavia/amphorae?loadbalancer_id=${a1.id}`)).body.amphorae as {
      id: string;
    }[];
    const amphoraId = amphorae[0]?.id ?? '';
    const routes: { method: string; path: string; body?: unknown; ok: number; allowed: Name[] }[] = [
      {
        method: 'GET',
        path: `/v2/lbaas/loadbalancers/${a1.id}`,
        ok: 200,
        allowed: ['alice', 'olivia', 'gwen', 'adam'],
      },
      {
        method: 'GET',
        path: `/v2.0/lbaas/loadbalancers/${a1.id}/status`,
        ok: 200,
        allowed: ['alice', 'olivia', 'gwen', 'adam'],
      },
      {
        method: 'GET',
        path: '/v2/lbaas/loadbalancers?project_id=project-a',
        ok: 200,
        allowed: ['alice', 'olivia', 'gwen', 'adam'],
      },
      {
        method: 'PUT',
        path: `/v2/lbaas/loadbalancers/${a1.id}`,
        body: { loadbalancer: { description: 'by-someone' } },
        ok: 200,
        allowed: ['alice', 'adam'],
      },
      { method: 'GET', path: '/v2/octavia/amphorae', ok: 200, allowed: ['adam'] },
      { method: 'GET', path: `/v2/octavia/amphorae/${amphoraId}`, ok: 200, allowed: ['adam'] },
    ];
    const seen: string[] = [];
    for (const route of routes) {
      for (const name of NAMES) {
        const response = await as(name)(route.method, route.path, route.body ? { body: route.body } : {});
        const expected = route.allowed.includes(name) ? route.ok : 403;
        seen.push(
          `${route.method} ${route.path} as ${name}: ${response.status}${response.status === expected ? '' : ` (expected ${expected})`}`,
        );
        if (response.status === 403)
          expect(response.body.faultstring).toBe('Policy does not allow this request to be performed.');
      }
    }
    expect(seen.filter((line) => line.includes('expected'))).toEqual([]);

    // Who may not change it changed nothing.
    const after = (await as('alice')('GET', `/v2/lbaas/loadbalancers/${a1.id}`)).body.loadbalancer;
    expect(after).toMatchObject({ name: 'web-a', provisioning_status: 'ACTIVE' });

    // Failover (operators only) and delete last: they change the load balancer for good.
    for (const name of NAMES.filter((other) => other !== 'adam')) {
      expect((await as(name)('PUT', `/v2/octavia/amphorae/${amphoraId}/failover`)).status).toBe(403);
      expect((await as(name)('PUT', `/v2/lbaas/loadbalancers/${a1.id}/failover`)).status).toBe(403);
    }
    expect((await as('adam')('PUT', `/v2/lbaas/loadbalancers/${a1.id}/failover`)).status).toBe(202);
    await untilActive('alice', a1.id);
  });

  it('lists to each project its own load balancers; global observers and operators see both', async () => {
    const listed = async (name: Name, query = '') =>
      ((await as(name)('GET', `/v2/lbaas/loadbalancers${query}`)).body.loadbalancers as LoadBalancerView[])
        .map((lb) => lb.id)
        .filter((id) => id === a1.id || id === b1.id)
        .sort();
    expect(await listed('alice')).toEqual([a1.id]);
    expect(await listed('olivia')).toEqual([a1.id]);
    expect(await listed('bob')).toEqual([b1.id]);
    expect(await listed('gwen')).toEqual([a1.id, b1.id].sort());
    expect(await listed('adam')).toEqual([a1.id, b1.id].sort());
    expect(await listed('gwen', '?project_id=project-b')).toEqual([b1.id]);
    expect((await as('bob')('GET', '/v2/lbaas/loadbalancers?project_id=project-a')).status).toBe(403);
    expect((await as('rita')('GET', '/v2/lbaas/loadbalancers')).status).toBe(403);
  });

  it("keeps one project off the other's ports, subnets and networks, and out of its project", async () => {
    const refused = async (response: Promise<ApiResponse>, status: number, text: string | RegExp) => {
      const answered = await response;
      expect(answered.status).toBe(status);
      expect(answered.body.faultstring).toMatch(text);
    };
    await refused(create('bob', { vip_port_id: portOfA }), 400, /vip_port_id.*could not be found/);
    await refused(create('bob', { vip_subnet_id: 'subnet-of-a' }), 400, /vip_subnet_id.*could not be found/);
    await refused(create('bob', { vip_network_id: 'net-of-a' }), 400, /vip_network_id.*could not be found/);
    await refused(create('bob', { vip_subnet_id: 'vip-subnet', project_id: 'project-a' }), 403, /Policy/);
    await refused(create('olivia', { vip_subnet_id: 'vip-subnet' }), 403, /Policy/);
    await refused(create('gwen', { vip_subnet_id: 'vip-subnet' }), 403, /Policy/);
    await refused(create('rita', { vip_subnet_id: 'vip-subnet' }), 403, /Policy/);
    // A port already carrying A's VIP is in use, to everyone.
    await refused(create('alice', { vip_port_id: a1.vip_port_id }), 400, /vip_port_id.*(in use|could not be found)/);

    // Neutron's lookups show B nothing of A's.
    for (const path of [`/v2.0/ports/${portOfA}`, '/v2.0/subnets/subnet-of-a', '/v2.0/networks/net-of-a']) {
      expect({ path, status: (await as('bob')('GET', path)).status }).toEqual({ path, status: 404 });
      expect({ path, status: (await as('alice')('GET', path)).status }).toEqual({ path, status: 200 });
    }
    const portsOf = async (name: Name) =>
      ((await as(name)('GET', '/v2.0/ports')).body.ports as { id: string }[]).map((port) => port.id);
    expect(await portsOf('bob')).not.toContain(portOfA);
    expect(await portsOf('bob')).not.toContain(a1.vip_port_id);
    expect(await portsOf('alice')).toEqual(expect.arrayContaining([portOfA, a1.vip_port_id]));

    // A's own network and port are A's to use.
    const onOwnPort = await create('alice', { name: 'own-port', vip_port_id: portOfA });
    expect(onOwnPort.status).toBe(201);
    await untilActive('alice', idOf(onOwnPort));
  });

  it("cannot take or block the other project's VIP address", async () => {
    const grab = await create('bob', { name: 'grab', vip_subnet_id: 'vip-subnet', vip_address: a1.vip_address });
    if (grab.status === 201) {
      const settled = await eventually(async () => {
        const view = (await as('bob')('GET', `/v2/lbaas/loadbalancers/${idOf(grab)}`)).body
          .loadbalancer as LoadBalancerView;
        return view.provisioning_status.startsWith('PENDING') ? undefined : view;
      }, 30_000);
      expect(settled.provisioning_status).toBe('ERROR');
    } else {
      expect(grab.status).toBeGreaterThanOrEqual(400);
      expect(grab.status).toBeLessThan(500);
    }
    const still = (await as('alice')('GET', `/v2/lbaas/loadbalancers/${a1.id}`)).body.loadbalancer;
    expect(still).toMatchObject({
      provisioning_status: 'ACTIVE',
      vip_address: a1.vip_address,
      vip_port_id: a1.vip_port_id,
    });
  });

  it('validates each token with Keystone once, refuses unknown ones, and answers 503 while Keystone is down', async () => {
    const validations = (token: string) =>
      cloud
        .seen({ service: 'identity', method: 'GET' })
        .filter((request) => request.headers['x-subject-token'] === token);
    expect(validations(tokens.alice)).toHaveLength(1);

    expect((await bed().as('not-a-token')('GET', '/v2/lbaas/loadbalancers')).status).toBe(401);
    const missing = await bed().as('')('GET', '/v2/lbaas/loadbalancers', { token: null });
    expect(missing.status).toBe(401);

    const fresh = await logIn(cloud, PERSONAS.olivia);
    cloud.misbehave({ service: 'identity', method: 'GET' }, { kind: 'fail', status: 503 });
    const down = await bed().as(fresh)('GET', `/v2/lbaas/loadbalancers/${a1.id}`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(down.body.faultstring).toMatch(/Keystone/);
    expect((await bed().as(fresh)('GET', `/v2/lbaas/loadbalancers/${a1.id}`)).status).toBe(200);
  });

  it('lets each project delete its own load balancer, and only its own', async () => {
    expect((await as('bob')('DELETE', `/v2/lbaas/loadbalancers/${a1.id}`)).status).toBe(403);
    expect((await as('olivia')('DELETE', `/v2/lbaas/loadbalancers/${a1.id}`)).status).toBe(403);
    expect((await as('gwen')('DELETE', `/v2/lbaas/loadbalancers/${b1.id}`)).status).toBe(403);
    expect((await as('alice')('DELETE', `/v2/lbaas/loadbalancers/${a1.id}`)).status).toBe(204);
    expect((await as('bob')('DELETE', `/v2/lbaas/loadbalancers/${b1.id}`)).status).toBe(204);
    for (const [name, id] of [
      ['alice', a1.id],
      ['bob', b1.id],
    ] as const) {
      await eventually(
        async () => ((await as(name)('GET', `/v2/lbaas/loadbalancers/${id}`)).status === 404 ? true : undefined),
        30_000,
      );
    }
  });
});
