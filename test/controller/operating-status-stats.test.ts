import type { Heartbeat } from '../../src/agent/heartbeat';
import { amphoraStats, statsOf } from '../../src/controller/api/stats';
import { heartbeatStats } from '../../src/controller/health/heartbeat-stats';
import { MemoryHeartbeatStore } from '../../src/controller/health/store';
import type { PublicLoadBalancer } from '../../src/controller/load-balancers';
import { amphora, ids, listener } from '../drivers/amphora/config/trees';

/** Statistics answered from the last heartbeats, in Octavia's names, summed the way its API sums them. */
describe('statistics from heartbeats', () => {
  const NOW = 1_800_000_000_000;
  const TIMEOUT = 60_000;
  const [L1, L2, GONE] = [ids.listener(1), ids.listener(2), ids.listener(9)];
  const counters = (n: number) => ({ conns: n, totconns: 10 * n, rx: 100 * n, tx: 1000 * n, ereq: n - 1 });

  const record: PublicLoadBalancer = {
    id: ids.loadBalancer,
    projectId: ids.project,
    name: '',
    description: '',
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    topology: 'ACTIVE_STANDBY',
    vip: { ipAddress: '203.0.113.100', subnetId: 's', networkId: 'n', portId: 'p', octaviaOwned: true },
    amphorae: [amphora(1, { role: 'MASTER' }), amphora(2, { role: 'BACKUP' })],
    tags: [],
    tree: {
      listeners: [
        listener(1, { protocol: 'HTTP', protocolPort: 80 }),
        listener(2, { protocol: 'TCP', protocolPort: 22 }),
      ],
      pools: [],
      members: [],
      healthMonitors: [],
      l7Policies: [],
      l7Rules: [],
    },
    createdAt: '2026-01-01T00:00:00Z',
    adminStateUp: true,
  };

  function storeWith(beats: { amphoraN: number; ageMs: number; listeners: Heartbeat['listeners'] }[]) {
    const store = new MemoryHeartbeatStore();
    for (const { amphoraN, ageMs, listeners } of beats) {
      const at = NOW - ageMs;
      store.record({ ver: 3, id: ids.amphora(amphoraN), seq: at, sentAt: at, listeners, pools: {} }, at);
    }
    return heartbeatStats({ store, timeoutMs: TIMEOUT, now: () => NOW });
  }

  it("sums every amphora's counters per load balancer and per listener, leaving out deleted listeners", async () => {
    const reader = storeWith([
      {
        amphoraN: 1,
        ageMs: 1_000,
        listeners: {
          [L1]: { status: 'OPEN', stats: counters(3) },
          [L2]: { status: 'OPEN', stats: counters(1) },
          [GONE]: { status: 'OPEN', stats: counters(50) },
        },
      },
      { amphoraN: 2, ageMs: 2_000, listeners: { [L1]: { status: 'OPEN', stats: counters(2) } } },
    ]);
    expect(await statsOf(reader, record)).toEqual({
      active_connections: 6,
      total_connections: 60,
      bytes_in: 600,
      bytes_out: 6000,
      request_errors: 3,
    });
    expect(await statsOf(reader, record, L1)).toEqual({
      active_connections: 5,
      total_connections: 50,
      bytes_in: 500,
      bytes_out: 5000,
      request_errors: 3,
    });
    const first = record.amphorae[0];
    if (!first) throw new Error('the fixture has no amphora');
    expect(await amphoraStats(reader, first, record)).toEqual([
      expect.objectContaining({ id: first.id, listener_id: L1, active_connections: 3, bytes_out: 3000 }),
      expect.objectContaining({ id: first.id, listener_id: L2, active_connections: 1, total_connections: 10 }),
    ]);
  });

  it('counts no active connections on a silent amphora but keeps what it counted', async () => {
    const reader = storeWith([
      { amphoraN: 1, ageMs: TIMEOUT + 1, listeners: { [L1]: { status: 'OPEN', stats: counters(4) } } },
    ]);
    expect(await statsOf(reader, record, L1)).toEqual({
      active_connections: 0,
      total_connections: 40,
      bytes_in: 400,
      bytes_out: 4000,
      request_errors: 3,
    });
  });

  it('answers zeros, not an error, before any heartbeat arrived', async () => {
    const reader = storeWith([]);
    expect(await statsOf(reader, record)).toEqual({
      active_connections: 0,
      total_connections: 0,
      bytes_in: 0,
      bytes_out: 0,
      request_errors: 0,
    });
    const first = record.amphorae[0];
    if (!first) throw new Error('the fixture has no amphora');
    expect(await amphoraStats(reader, first, record)).toEqual([]);
  });
});
