import type { Heartbeat } from '../../src/agent/heartbeat';
import { MemoryHeartbeatStore } from '../../src/controller/health/store';
import { treeApi } from '../objects/tree-api';
import { useApiBed } from './api-bed';

/**
 * The REST API with a heartbeat store: operating statuses, the status tree and statistics are what the amphorae's
 * last heartbeats say, and a silent data plane is never shown healthy. The test holds the API's clock.
 */
describe('the API answers operating status and statistics from heartbeats', () => {
  const TIMEOUT = 60_000;
  const store = new MemoryHeartbeatStore();
  let now = Date.now();
  const bed = useApiBed({ heartbeats: { store, timeoutMs: TIMEOUT, now: () => now } });
  const call = (...args: Parameters<ReturnType<ReturnType<typeof bed>['as']>>) => bed().as('operator')(...args);
  const api = treeApi(call);

  let seq = 0;
  const send = (amphoraId: string, report: Pick<Heartbeat, 'listeners' | 'pools'>) => {
    seq += 1;
    store.record({ ver: 3, id: amphoraId, seq, sentAt: now, ...report }, now);
  };
  const status = async (path: string, key: string) => (await api.show(path, key)).operating_status;

  it('shows what haproxy reports, and nothing ONLINE once the amphora is silent', async () => {
    const created = api.expectStatus(
      await call('POST', '/v2/lbaas/loadbalancers', { body: { loadbalancer: { vip_subnet_id: 'vip-subnet' } } }),
      201,
    );
    const lbId = (created.loadbalancer as { id: string }).id;
    await api.settled(lbId);
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
    const member = (address: string) =>
      api.create(`/v2/lbaas/pools/${pool}/members`, 'member', { address, protocol_port: 8080 }, lbId);
    const up = await member('203.0.113.21');
    const down = await member('203.0.113.22');
    const monitor = await api.create(
      '/v2/lbaas/healthmonitors',
      'healthmonitor',
      { pool_id: pool, type: 'HTTP', delay: 5, timeout: 3, max_retries: 3 },
      lbId,
    );
    const amphorae = api.expectStatus(await call('GET', `/v2/octavia/amphorae?loadbalancer_id=${lbId}`), 200)
      .amphorae as { id: string }[];
    expect(amphorae).toHaveLength(1);
    const amphoraId = (amphorae[0] as { id: string }).id;

    // Built, but not heard from: no status vouches for it.
    expect(await status(`/v2/lbaas/loadbalancers/${lbId}`, 'loadbalancer')).toBe('ERROR');
    expect(await status(`/v2/lbaas/listeners/${listener}`, 'listener')).toBe('ERROR');

    send(amphoraId, {
      listeners: { [listener]: { status: 'OPEN', stats: { conns: 7, totconns: 90, rx: 1234, tx: 5678, ereq: 2 } } },
      pools: { [pool]: { status: 'UP', members: { [up]: 'UP', [down]: 'DOWN' } } },
    });
    expect(await status(`/v2/lbaas/loadbalancers/${lbId}`, 'loadbalancer')).toBe('DEGRADED');
    expect(await status(`/v2/lbaas/listeners/${listener}`, 'listener')).toBe('ONLINE');
    expect(await status(`/v2/lbaas/pools/${pool}`, 'pool')).toBe('DEGRADED');
    expect(await status(`/v2/lbaas/pools/${pool}/members/${up}`, 'member')).toBe('ONLINE');
    expect(await status(`/v2/lbaas/pools/${pool}/members/${down}`, 'member')).toBe('ERROR');
    expect(await status(`/v2/lbaas/healthmonitors/${monitor}`, 'healthmonitor')).toBe('ONLINE');

    // Listings show the same, and filter on it.
    const members = api.expectStatus(await call('GET', `/v2/lbaas/pools/${pool}/members?operating_status=ERROR`), 200);
    expect(members.members).toEqual([expect.objectContaining({ id: down })]);
    const lbs = api.expectStatus(await call('GET', '/v2/lbaas/loadbalancers?operating_status=DEGRADED'), 200);
    expect(lbs.loadbalancers).toEqual(expect.arrayContaining([expect.objectContaining({ id: lbId })]));
    const listeners = api.expectStatus(await call('GET', `/v2/lbaas/listeners?loadbalancer_id=${lbId}`), 200);
    expect(listeners.listeners).toEqual([expect.objectContaining({ id: listener, operating_status: 'ONLINE' })]);
    const pools = api.expectStatus(await call('GET', `/v2/lbaas/pools?loadbalancer_id=${lbId}`), 200);
    expect(pools.pools).toEqual([expect.objectContaining({ id: pool, operating_status: 'DEGRADED' })]);

    expect(await api.show(`/v2/lbaas/loadbalancers/${lbId}/status`, 'statuses')).toMatchObject({
      loadbalancer: {
        operating_status: 'DEGRADED',
        listeners: [
          {
            id: listener,
            operating_status: 'ONLINE',
            pools: [
              {
                id: pool,
                operating_status: 'DEGRADED',
                health_monitor: { id: monitor, operating_status: 'ONLINE' },
                members: [
                  { id: up, operating_status: 'ONLINE' },
                  { id: down, operating_status: 'ERROR' },
                ],
              },
            ],
          },
        ],
      },
    });

    const counted = {
      active_connections: 7,
      total_connections: 90,
      bytes_in: 1234,
      bytes_out: 5678,
      request_errors: 2,
    };
    expect(await api.show(`/v2/lbaas/loadbalancers/${lbId}/stats`, 'stats')).toEqual(counted);
    expect(await api.show(`/v2/lbaas/listeners/${listener}/stats`, 'stats')).toEqual(counted);
    expect(api.expectStatus(await call('GET', `/v2/octavia/amphorae/${amphoraId}/stats`), 200).amphora_stats).toEqual([
      { id: amphoraId, loadbalancer_id: lbId, listener_id: listener, ...counted },
    ]);

    // The amphora falls silent for longer than the timeout.
    now += TIMEOUT + 1;
    expect(await status(`/v2/lbaas/loadbalancers/${lbId}`, 'loadbalancer')).toBe('ERROR');
    const tree = (await api.show(`/v2/lbaas/loadbalancers/${lbId}/status`, 'statuses')) as {
      loadbalancer: {
        listeners: { operating_status: string; pools: { operating_status: string; members: unknown[] }[] }[];
      };
    };
    const [silentListener] = tree.loadbalancer.listeners;
    expect(silentListener?.operating_status).toBe('ERROR');
    expect(silentListener?.pools).toEqual([
      expect.objectContaining({
        operating_status: 'OFFLINE',
        members: [
          expect.objectContaining({ operating_status: 'OFFLINE' }),
          expect.objectContaining({ operating_status: 'OFFLINE' }),
        ],
      }),
    ]);
    expect(await status(`/v2/lbaas/pools/${pool}/members/${up}`, 'member')).toBe('OFFLINE');
    expect(await api.show(`/v2/lbaas/loadbalancers/${lbId}/stats`, 'stats')).toEqual({
      ...counted,
      active_connections: 0,
    });

    // It is heard from again.
    send(amphoraId, {
      listeners: { [listener]: { status: 'OPEN', stats: { conns: 1, totconns: 91, rx: 1300, tx: 5700, ereq: 2 } } },
      pools: { [pool]: { status: 'UP', members: { [up]: 'UP', [down]: 'UP' } } },
    });
    expect(await status(`/v2/lbaas/loadbalancers/${lbId}`, 'loadbalancer')).toBe('ONLINE');
    expect(await status(`/v2/lbaas/pools/${pool}/members/${down}`, 'member')).toBe('ONLINE');
  });
});
