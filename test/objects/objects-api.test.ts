import { LoadBalancerController } from '../../src/controller/load-balancers';
import { useApiBed } from '../controller/api-bed';
import { eventually } from '../drivers/expect-error';
import { treeApi } from './tree-api';

/**
 * Octavia's object model through the v2 API, on noop drivers: each change runs on the load balancer's entity, moves
 * the tree to PENDING_* and back to ACTIVE once every amphora has the new configuration.
 */
describe('listeners, pools, members, health monitors and L7 policies', () => {
  const bed = useApiBed();
  const call = (...args: Parameters<ReturnType<ReturnType<typeof bed>['as']>>) => bed().as('operator')(...args);
  const api = treeApi(call);

  const newLoadBalancer = async () => {
    const created = api.expectStatus(
      await call('POST', '/v2/lbaas/loadbalancers', { body: { loadbalancer: { vip_subnet_id: 'vip-subnet' } } }),
      201,
    );
    const id = (created.loadbalancer as { id: string }).id;
    await api.settled(id);
    return id;
  };
  const amphoraConfigs = async (lbId: string) => {
    const { orchestrator } = bed();
    const controller = new LoadBalancerController(orchestrator.temporal.client, orchestrator.taskQueue);
    const { record } = await controller.require(lbId);
    return Promise.all(record.amphorae.map((amphora) => bed().orchestrator.drivers.amphora.getConfiguration(amphora)));
  };

  it('builds a tree, pushes it to the amphora, and reports it in the status tree', async () => {
    const lbId = await newLoadBalancer();
    const listener = await api.create(
      '/v2/lbaas/listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80, name: 'web' },
      lbId,
    );
    const pool = await api.create(
      '/v2/lbaas/pools',
      'pool',
      { listener_id: listener, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      lbId,
    );
    const member = await api.create(
      `/v2/lbaas/pools/${pool}/members`,
      'member',
      { address: '203.0.113.10', protocol_port: 8080, subnet_id: 'member-subnet-a' },
      lbId,
    );
    const monitor = await api.create(
      '/v2/lbaas/healthmonitors',
      'healthmonitor',
      { pool_id: pool, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
      lbId,
    );
    const images = await api.create(
      '/v2/lbaas/pools',
      'pool',
      { loadbalancer_id: lbId, protocol: 'HTTP', lb_algorithm: 'LEAST_CONNECTIONS' },
      lbId,
    );
    const policy = await api.create(
      '/v2/lbaas/l7policies',
      'l7policy',
      { listener_id: listener, action: 'REDIRECT_TO_POOL', redirect_pool_id: images },
      lbId,
    );
    const rule = await api.create(
      `/v2/lbaas/l7policies/${policy}/rules`,
      'rule',
      { type: 'PATH', compare_type: 'STARTS_WITH', value: '/images' },
      lbId,
    );

    expect(await api.show(`/v2/lbaas/listeners/${listener}`, 'listener')).toMatchObject({
      provisioning_status: 'ACTIVE',
      operating_status: 'ONLINE',
      default_pool_id: pool,
      l7policies: [{ id: policy }],
      loadbalancers: [{ id: lbId }],
      connection_limit: -1,
      timeout_client_data: 50000,
    });
    expect(await api.show(`/v2/lbaas/pools/${pool}`, 'pool')).toMatchObject({
      listeners: [{ id: listener }],
      members: [{ id: member }],
      healthmonitor_id: monitor,
    });
    expect(await api.show(`/v2/lbaas/pools/${pool}/members/${member}`, 'member')).toMatchObject({
      operating_status: 'ONLINE',
      weight: 1,
      backup: false,
    });
    expect(await api.show(`/v2/lbaas/healthmonitors/${monitor}`, 'healthmonitor')).toMatchObject({
      http_method: 'GET',
      url_path: '/',
      expected_codes: '200',
    });
    expect(await api.show(`/v2/lbaas/l7policies/${policy}/rules/${rule}`, 'rule')).toMatchObject({ invert: false });

    const status = (await api.show(`/v2/lbaas/loadbalancers/${lbId}/status`, 'statuses')) as {
      loadbalancer: {
        listeners: {
          id: string;
          pools: { id: string; health_monitor?: { id: string }; members: { id: string }[] }[];
        }[];
      };
    };
    const [statusOfListener] = status.loadbalancer.listeners;
    expect(statusOfListener?.id).toBe(listener);
    const poolStatuses = statusOfListener?.pools ?? [];
    expect(poolStatuses.map((entry) => entry.id).sort()).toEqual([pool, images].sort());
    const defaultPool = poolStatuses.find((entry) => entry.id === pool);
    expect(defaultPool?.health_monitor?.id).toBe(monitor);
    expect(defaultPool?.members.map((entry) => entry.id)).toEqual([member]);

    // The amphora runs what the tree says, and its member network was plugged for the member's subnet.
    const [config] = await amphoraConfigs(lbId);
    expect(config?.haproxy).toContain(listener);
    expect(config?.haproxy).toContain('203.0.113.10:8080');
    expect(config?.networks).toContain('member-net-a');

    const listed = api.expectStatus(await call('GET', `/v2/lbaas/pools/${pool}/members`), 200);
    expect((listed.members as unknown[]).length).toBe(1);
    const filtered = api.expectStatus(
      await call('GET', `/v2/lbaas/listeners?protocol_port=80&loadbalancer_id=${lbId}`),
      200,
    );
    expect(filtered.listeners).toEqual([expect.objectContaining({ id: listener })]);
  });

  it('refuses what Octavia refuses, naming the field, and writes nothing', async () => {
    const lbId = await newLoadBalancer();
    const other = await newLoadBalancer();
    const listener = await api.create(
      '/v2/lbaas/listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: 443 },
      lbId,
    );
    const foreignPool = await api.create(
      '/v2/lbaas/pools',
      'pool',
      { loadbalancer_id: other, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' },
      other,
    );

    const duplicate = await call('POST', '/v2/lbaas/listeners', {
      body: { listener: { loadbalancer_id: lbId, protocol: 'HTTPS', protocol_port: 443 } },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.faultstring).toContain('protocol_port 443');

    const mismatch = await call('POST', '/v2/lbaas/pools', {
      body: { pool: { listener_id: listener, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' } },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.faultstring).toBe(
      "Invalid input for field/attribute protocol. The pool protocol 'UDP' is invalid while the listener protocol is 'TCP'.",
    );

    const foreign = await call('PUT', `/v2/lbaas/listeners/${listener}`, {
      body: { listener: { default_pool_id: foreignPool } },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.faultstring).toBe(`Pool ${foreignPool} could not be found.`);

    const badField = await call('POST', '/v2/lbaas/listeners', {
      body: { listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 70000 } },
    });
    expect(badField.status).toBe(400);
    expect(badField.body.faultstring).toContain('Invalid input for field/attribute protocol_port.');

    const cookie = await call('POST', '/v2/lbaas/pools', {
      body: {
        pool: {
          loadbalancer_id: lbId,
          protocol: 'TCP',
          lb_algorithm: 'ROUND_ROBIN',
          session_persistence: { type: 'APP_COOKIE' },
        },
      },
    });
    expect(cookie.status).toBe(400);
    expect(cookie.body.faultstring).toContain('session_persistence.cookie_name');

    const l7OnTcp = await call('POST', '/v2/lbaas/l7policies', {
      body: { l7policy: { listener_id: listener, action: 'REJECT' } },
    });
    expect(l7OnTcp.status).toBe(400);
    expect(l7OnTcp.body.faultstring).toContain('listener_id');

    const children = await call('DELETE', `/v2/lbaas/loadbalancers/${lbId}`);
    expect(children.status).toBe(400);
    expect(children.body.faultstring).toContain('it has children');

    // While a change is pushed the whole tree is immutable. The push is held at the amphora (its first listener update
    // lands only when released), since a noop push can finish between two requests and make the second one valid.
    const { faults } = bed().orchestrator.drivers;
    faults.setPlan({ rules: [{ method: 'updateAmphoraListeners', call: 1, mode: 'late' }] });
    const first = await call('POST', '/v2/lbaas/listeners', {
      body: { listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80 } },
    });
    expect(first.status).toBe(201);
    expect(first.body.listener).toMatchObject({ provisioning_status: 'PENDING_CREATE' });
    const second = await call('POST', '/v2/lbaas/listeners', {
      body: { listener: { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 81 } },
    });
    expect(second.status).toBe(409);
    // Released only once it is held: a release before the push reaches the amphora would leave it held for a minute.
    await eventually(() => Promise.resolve(faults.fired().length > 0 ? true : undefined), 15_000, 20);
    faults.releaseHangs();
    await api.settled(lbId);
    faults.clear();

    expect((await call('DELETE', `/v2/lbaas/loadbalancers/${lbId}?cascade=true`)).status).toBe(204);
    expect((await call('DELETE', `/v2/lbaas/loadbalancers/${other}?cascade=true`)).status).toBe(204);
    await api.gone(lbId);
    await api.gone(other);
  });

  it('puts the previous configuration back when a push fails, leaving the load balancer ACTIVE and the member in ERROR', async () => {
    const lbId = await newLoadBalancer();
    const listener = await api.create(
      '/v2/lbaas/listeners',
      'listener',
      { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: 80 },
      lbId,
    );
    const pool = await api.create(
      '/v2/lbaas/pools',
      'pool',
      { listener_id: listener, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      lbId,
    );
    const [before] = await amphoraConfigs(lbId);

    bed().orchestrator.drivers.faults.setPlan({
      rules: [{ method: 'updateAmphoraListeners', call: 1, mode: 'after' }],
    });
    const created = api.expectStatus(
      await call('POST', `/v2/lbaas/pools/${pool}/members`, {
        body: { member: { address: '203.0.113.20', protocol_port: 80 } },
      }),
      201,
    );
    await api.settled(lbId);
    bed().orchestrator.drivers.faults.clear();
    const member = (created.member as { id: string }).id;
    expect(await api.show(`/v2/lbaas/pools/${pool}/members/${member}`, 'member')).toMatchObject({
      provisioning_status: 'ERROR',
    });
    expect(await api.show(`/v2/lbaas/pools/${pool}`, 'pool')).toMatchObject({ provisioning_status: 'ACTIVE' });
    const [after] = await amphoraConfigs(lbId);
    expect(after?.haproxy).toBe(before?.haproxy);

    // The member in ERROR can be deleted like any other.
    expect((await call('DELETE', `/v2/lbaas/pools/${pool}/members/${member}`)).status).toBe(204);
    await api.settled(lbId);
  });
});
