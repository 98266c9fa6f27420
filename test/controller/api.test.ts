import { loadConfig } from '../../src/config';
import { startApiServer, type ApiServer } from '../../src/controller/api/server';
import { createLogger } from '../../src/logger';
import { eventually } from '../drivers/expect-error';
import { startOrchestrator, type Orchestrator } from '../workflows/orchestrator';
import { apiClient, type ApiResponse } from './api-client';

const ADMIN = 'operator-token';
const PROJECT_A = 'project-a-token';
const PROJECT_B = 'project-b-token';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('the Octavia v2 REST API over real HTTP, on the real dev server with noop drivers', () => {
  let orchestrator: Orchestrator;
  let server: ApiServer;
  let admin: ReturnType<typeof apiClient>;
  let projectA: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    orchestrator = await startOrchestrator({ noop: { buildDelayMs: 200 } });
    const config = loadConfig({
      TEMPORAL_ADDRESS: orchestrator.temporal.address,
      TEMPORAL_NAMESPACE: orchestrator.temporal.namespace,
      AMPHORA_TASK_QUEUE: orchestrator.taskQueue,
      AMPHORA_API_LISTEN: '127.0.0.1:0',
      AMPHORA_API_TOKENS: `${ADMIN},${PROJECT_A}=project-a,${PROJECT_B}=project-b`,
      AMPHORA_FLAVOR_TOPOLOGIES: '{"ha-flavor": "ACTIVE_STANDBY"}',
      AMPHORA_BUILD_POLL_INTERVAL_MS: '50',
    });
    server = await startApiServer(config, orchestrator.temporal.client, createLogger('silent'), {
      port: 0,
      network: orchestrator.drivers.network,
    });
    admin = apiClient(server, ADMIN);
    projectA = apiClient(server, PROJECT_A);
  });
  afterAll(async () => {
    await server?.close();
    await orchestrator?.stop();
  });

  const lbOf = (response: ApiResponse) => response.body.loadbalancer as Record<string, unknown>;
  const untilStatus = (call: ReturnType<typeof apiClient>, id: string, status: string) =>
    eventually(async () => {
      const response = await call('GET', `/v2/lbaas/loadbalancers/${id}`);
      return lbOf(response)?.provisioning_status === status ? lbOf(response) : undefined;
    }, 30_000);
  const createOne = async (call = projectA, body: Record<string, unknown> = {}) => {
    const response = await call('POST', '/v2/lbaas/loadbalancers', {
      body: { loadbalancer: { vip_subnet_id: 'vip-subnet', name: 'web', ...body } },
    });
    expect(response.status).toBe(201);
    return lbOf(response);
  };
  /** Deletes and waits until it is gone, so that no delete still runs while a later test counts driver calls. */
  const deleteAndWait = async (call: ReturnType<typeof apiClient>, id: string) => {
    expect((await call('DELETE', `/v2/lbaas/loadbalancers/${id}`)).status).toBe(204);
    await eventually(async () =>
      (await call('GET', `/v2/lbaas/loadbalancers/${id}`)).status === 404 ? true : undefined,
    );
  };

  it('serves the version document at / without a token', async () => {
    const response = await apiClient(server)('GET', '/');
    expect(response.status).toBe(200);
    const versions = response.body.versions as { id: string; status: string; links: { href: string }[] }[];
    expect(versions[0]).toMatchObject({ id: 'v2.0', status: 'SUPPORTED' });
    expect(versions[versions.length - 1]?.status).toBe('CURRENT');
    expect(versions[0]?.links[0]?.href).toBe(`${server.url}/v2`);
  });

  it('takes a load balancer through create, update, failover and cascade delete, with Octavia statuses and bodies', async () => {
    const created = await createOne(projectA, { description: 'front door', tags: ['prod'], flavor_id: 'ha-flavor' });
    expect(created).toMatchObject({
      provisioning_status: 'PENDING_CREATE',
      operating_status: 'OFFLINE',
      project_id: 'project-a',
      tags: ['prod'],
      vip_subnet_id: null,
      listeners: [],
      provider: 'amphora',
    });
    const id = String(created.id);

    const early = await projectA('DELETE', `/v2/lbaas/loadbalancers/${id}`);
    expect(early.status).toBe(409);
    expect(early.body).toEqual({
      faultcode: 'Client',
      faultstring: `Invalid state PENDING_CREATE of loadbalancer resource ${id}`,
      debuginfo: null,
    });

    const active = await untilStatus(projectA, id, 'ACTIVE');
    expect(active).toMatchObject({
      operating_status: 'ONLINE',
      vip_subnet_id: 'vip-subnet',
      vip_network_id: 'vip-net',
    });
    expect(active.vip_address).toMatch(/^198\.51\.100\.\d+$/);
    expect((await projectA('GET', `/v2.0/lbaas/loadbalancers/${id}`)).body).toEqual({ loadbalancer: active });

    const tree = await projectA('GET', `/v2/lbaas/loadbalancers/${id}/status`);
    expect(tree.body).toEqual({
      statuses: {
        loadbalancer: { id, name: 'web', provisioning_status: 'ACTIVE', operating_status: 'ONLINE', listeners: [] },
      },
    });

    const renamed = await projectA('PUT', `/v2/lbaas/loadbalancers/${id}`, {
      body: { loadbalancer: { name: 'www', admin_state_up: false } },
    });
    expect(renamed.status).toBe(200);
    expect(lbOf(renamed)).toMatchObject({ name: 'www', admin_state_up: false });

    const amphorae = await admin('GET', `/v2/octavia/amphorae?loadbalancer_id=${id}`);
    const before = (amphorae.body.amphorae as { id: string; role: string; status: string }[]).map(
      (amphora) => amphora.id,
    );
    expect((amphorae.body.amphorae as { role: string }[]).map((amphora) => amphora.role).sort()).toEqual([
      'BACKUP',
      'MASTER',
    ]);

    // Failover is an operator's, as in Octavia's default policy: the project that owns the load balancer may not.
    expect((await projectA('PUT', `/v2/lbaas/loadbalancers/${id}/failover`)).status).toBe(403);
    expect((await admin('PUT', `/v2/lbaas/loadbalancers/${id}/failover`)).status).toBe(202);
    expect(lbOf(await projectA('GET', `/v2/lbaas/loadbalancers/${id}`)).provisioning_status).toBe('PENDING_UPDATE');
    expect((await admin('PUT', `/v2/lbaas/loadbalancers/${id}/failover`)).status).toBe(409);
    await untilStatus(projectA, id, 'ACTIVE');
    const replaced = (await admin('GET', `/v2/octavia/amphorae?loadbalancer_id=${id}`)).body.amphorae as {
      id: string;
    }[];
    expect(replaced.map((amphora) => amphora.id).filter((amphoraId) => before.includes(amphoraId))).toEqual([]);

    const one = replaced[0]?.id ?? '';
    const shown = await eventually(async () => {
      const response = await admin('GET', `/v2/octavia/amphorae/${one}`);
      return response.status === 200 ? response : undefined;
    }, 10_000);
    expect(shown.body.amphora).toMatchObject({ id: one, loadbalancer_id: id, status: 'ALLOCATED' });
    expect((await admin('PUT', `/v2/octavia/amphorae/${one}/failover`)).status).toBe(202);
    await untilStatus(projectA, id, 'ACTIVE');

    expect((await projectA('DELETE', `/v2/lbaas/loadbalancers/${id}?cascade=True`)).status).toBe(204);
    await eventually(
      async () => ((await projectA('GET', `/v2/lbaas/loadbalancers/${id}`)).status === 404 ? true : undefined),
      30_000,
    );
    const gone = await projectA('GET', `/v2/lbaas/loadbalancers/${id}`);
    expect(gone.body).toEqual({
      faultcode: 'Client',
      faultstring: `Load Balancer ${id} could not be found.`,
      debuginfo: null,
    });
    expect((await projectA('DELETE', `/v2/lbaas/loadbalancers/${id}`)).status).toBe(404);
  });

  it('lists with filters, marker and limit paging, and fields', async () => {
    const mine: string[] = [];
    for (const name of ['list-1', 'list-2', 'list-3']) mine.push(String((await createOne(projectA, { name })).id));
    await Promise.all(mine.map((id) => untilStatus(projectA, id, 'ACTIVE')));
    const listed = await eventually(async () => {
      const response = await projectA('GET', '/v2/lbaas/loadbalancers?provisioning_status=ACTIVE');
      const ids = (response.body.loadbalancers as { id: string }[]).map((lb) => lb.id);
      return mine.every((id) => ids.includes(id)) ? ids : undefined;
    }, 10_000);
    expect(listed.length).toBeGreaterThanOrEqual(3);

    const page1 = await projectA('GET', '/v2/lbaas/loadbalancers?limit=2&provisioning_status=ACTIVE');
    expect(page1.body.loadbalancers).toHaveLength(2);
    const next = (page1.body.loadbalancers_links as { rel: string; href: string }[]).find(
      (link) => link.rel === 'next',
    );
    expect(next?.href).toContain('marker=');
    const page2 = await projectA('GET', new URL(next?.href ?? '').pathname + new URL(next?.href ?? '').search);
    const seen = [
      ...(page1.body.loadbalancers as { id: string }[]),
      ...(page2.body.loadbalancers as { id: string }[]),
    ].map((lb) => lb.id);
    expect(new Set(seen).size).toBe(seen.length);

    const named = await projectA('GET', '/v2/lbaas/loadbalancers?name=list-2&fields=id&fields=name');
    expect(named.body.loadbalancers).toEqual([{ id: mine[1], name: 'list-2' }]);
    for (const id of mine) await deleteAndWait(projectA, id);
  });

  it('checks X-Auth-Token, and keeps each project to its own load balancers', async () => {
    const anonymous = apiClient(server);
    const missing = await anonymous('GET', '/v2/lbaas/loadbalancers');
    expect(missing.status).toBe(401);
    expect(missing.body.faultstring).toContain('X-Auth-Token');
    expect((await apiClient(server, 'wrong')('GET', '/v2/lbaas/loadbalancers')).status).toBe(401);

    const id = String((await createOne(projectA, { name: 'private' })).id);
    const projectB = apiClient(server, PROJECT_B);
    expect((await projectB('GET', `/v2/lbaas/loadbalancers/${id}`)).status).toBe(403);
    expect((await projectB('DELETE', `/v2/lbaas/loadbalancers/${id}`)).status).toBe(403);
    const theirs = await projectB('GET', '/v2/lbaas/loadbalancers');
    expect((theirs.body.loadbalancers as { id: string }[]).map((lb) => lb.id)).not.toContain(id);
    expect(
      (
        await projectB('POST', '/v2/lbaas/loadbalancers', {
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', project_id: 'project-a' } },
        })
      ).status,
    ).toBe(403);
    expect((await projectA('GET', '/v2/octavia/amphorae')).status).toBe(403);
    await untilStatus(projectA, id, 'ACTIVE');
    await deleteAndWait(admin, id);
  });

  describe('rejects bad input with 400 and a faultstring naming the problem, starting nothing', () => {
    const cases: [string, { method: string; path: string; body?: unknown; raw?: string }, RegExp][] = [
      [
        'malformed JSON',
        { method: 'POST', path: '/v2/lbaas/loadbalancers', raw: '{"loadbalancer": {' },
        /Malformed JSON in request body/,
      ],
      [
        'an unknown field',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', colour: 'blue' } },
        },
        /field\/attribute colour/,
      ],
      [
        'a wrong type',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', admin_state_up: 'yes' } },
        },
        /field\/attribute admin_state_up\. Value: 'yes'\. Value should be a boolean/,
      ],
      [
        'no VIP',
        { method: 'POST', path: '/v2/lbaas/loadbalancers', body: { loadbalancer: { name: 'x' } } },
        /VIP must contain one of/,
      ],
      [
        'a bad VIP address',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', vip_address: '999.1.1.1' } },
        },
        /vip_address/,
      ],
      [
        'an unknown flavor',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', flavor_id: 'gold' } },
        },
        /flavor_id\. Value: 'gold'\. Unknown flavor; known flavors: ha-flavor/,
      ],
      [
        'listeners, which this service does not support',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', listeners: [{}] } },
        },
        /listeners/,
      ],
      [
        'a body that is not an object',
        { method: 'POST', path: '/v2/lbaas/loadbalancers', body: ['loadbalancer'] },
        /"loadbalancer" object/,
      ],
      [
        'an oversized body',
        {
          method: 'POST',
          path: '/v2/lbaas/loadbalancers',
          body: { loadbalancer: { vip_subnet_id: 'vip-subnet', description: 'x'.repeat(70_000) } },
        },
        /larger than 65536 bytes/,
      ],
      [
        'an invalid UUID',
        { method: 'GET', path: '/v2/lbaas/loadbalancers/not-a-uuid' },
        /field\/attribute id\. Value: 'not-a-uuid'\. Value should be UUID format/,
      ],
      ['an invalid cascade', { method: 'DELETE', path: `/v2/lbaas/loadbalancers/${UNKNOWN}?cascade=maybe` }, /cascade/],
      ['an invalid limit', { method: 'GET', path: '/v2/lbaas/loadbalancers?limit=0' }, /field\/attribute limit/],
    ];

    it.each(cases)('%s', async (_label, request, message) => {
      const before = orchestrator.drivers.journal().length;
      const response = await admin(request.method, request.path, { body: request.body, raw: request.raw });
      expect(response.status).toBe(400);
      expect(response.body.faultcode).toBe('Client');
      expect(response.body.faultstring).toMatch(message);
      expect(response.body.debuginfo).toBeNull();
      expect(orchestrator.drivers.journal()).toHaveLength(before);
      expect((await admin('GET', '/')).status).toBe(200);
    });
  });

  it('answers unknown ids and routes with 404 fault bodies', async () => {
    expect((await admin('GET', `/v2/lbaas/loadbalancers/${UNKNOWN}`)).status).toBe(404);
    expect((await admin('PUT', `/v2/lbaas/loadbalancers/${UNKNOWN}/failover`)).status).toBe(404);
    expect((await admin('GET', `/v2/octavia/amphorae/${UNKNOWN}`)).status).toBe(404);
    const route = await admin('GET', '/v2/lbaas/no-such-collection');
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ faultcode: 'Client', debuginfo: null });
  });
});
