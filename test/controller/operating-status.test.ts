import type { Heartbeat } from '../../src/agent/heartbeat';
import { withDataPlaneStatus } from '../../src/controller/health/operating-status';
import type { HeartbeatRecord } from '../../src/controller/health/store';
import type { PublicLoadBalancer } from '../../src/controller/load-balancers';
import type { LoadBalancerTree, OperatingStatus } from '../../src/models';
import { amphora, ids, listener, member, monitor, pool } from '../drivers/amphora/config/trees';

/**
 * The rules that turn heartbeats into operating statuses, on a SINGLE load balancer with one HTTP listener whose
 * default pool has three members and a monitor, one pool no listener uses, and (where a case says so) an
 * ACTIVE_STANDBY pair.
 */
const NOW = 1_800_000_000_000;
const TIMEOUT = 60_000;
const L1 = ids.listener(1);
const P1 = ids.pool(1);
const [M1, M2, M3] = [ids.member(1), ids.member(2), ids.member(3)];

type Report = Pick<Heartbeat, 'listeners' | 'pools'>;
const stats = { conns: 1, totconns: 5, rx: 100, tx: 200, ereq: 0 };

/** What a healthy amphora's haproxy says: the listener open, its pool up, every member up. */
const healthy = (): Report => ({
  listeners: { [L1]: { status: 'OPEN', stats } },
  pools: { [P1]: { status: 'UP', members: { [M1]: 'UP', [M2]: 'UP', [M3]: 'UP' } } },
});

function beat(amphoraN: number, report: Report, ageMs = 1_000): HeartbeatRecord {
  const receivedAt = NOW - ageMs;
  const heartbeat: Heartbeat = { ver: 3, id: ids.amphora(amphoraN), seq: receivedAt, sentAt: receivedAt, ...report };
  return { amphoraId: heartbeat.id, seq: heartbeat.seq, sentAt: heartbeat.sentAt, receivedAt, heartbeat };
}

function tree(): LoadBalancerTree {
  return {
    listeners: [listener(1, { protocol: 'HTTP', protocolPort: 80, defaultPoolId: P1 })],
    pools: [
      pool(1, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
      pool(2, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
    ],
    members: [1, 2, 3].map((n) => member(n, 1, { address: `198.51.100.${n}`, protocolPort: 8080 })),
    healthMonitors: [monitor(1, 1, { type: 'HTTP' })],
    l7Policies: [],
    l7Rules: [],
  };
}

function record(fields: Partial<PublicLoadBalancer> = {}): PublicLoadBalancer {
  return {
    id: ids.loadBalancer,
    projectId: ids.project,
    name: '',
    description: '',
    provisioningStatus: 'ACTIVE',
    operatingStatus: 'ONLINE',
    topology: 'SINGLE',
    amphorae: [amphora(1)],
    tags: [],
    tree: tree(),
    createdAt: '2026-01-01T00:00:00Z',
    adminStateUp: true,
    ...fields,
  };
}

/** The load balancer's, the listener's, each pool's and each member's status, by a short name. */
function statuses(lb: PublicLoadBalancer) {
  const of = (objects: { id: string; operatingStatus: OperatingStatus }[], id: string) =>
    objects.find((object) => object.id === id)?.operatingStatus;
  const t = lb.tree as LoadBalancerTree;
  return {
    lb: lb.operatingStatus,
    listener: of(t.listeners, L1),
    pool: of(t.pools, P1),
    unused: of(t.pools, ids.pool(2)),
    m1: of(t.members, M1),
    m2: of(t.members, M2),
    m3: of(t.members, M3),
    monitor: of(t.healthMonitors, ids.monitor(1)),
  };
}

const derive = (lb: PublicLoadBalancer, heartbeats: (HeartbeatRecord | undefined)[]) =>
  statuses(withDataPlaneStatus(lb, heartbeats, { now: NOW, heartbeatTimeoutMs: TIMEOUT }));

const withMembers = (poolStatus: 'UP' | 'DOWN', members: Heartbeat['pools'][string]['members']): Report => ({
  ...healthy(),
  pools: { [P1]: { status: poolStatus, members } },
});

describe('operating status from heartbeats', () => {
  describe.each<[string, Report, Partial<ReturnType<typeof statuses>>]>([
    [
      'every member up',
      healthy(),
      { lb: 'ONLINE', listener: 'ONLINE', pool: 'ONLINE', m1: 'ONLINE', m2: 'ONLINE', m3: 'ONLINE' },
    ],
    [
      'one member down',
      withMembers('UP', { [M1]: 'UP', [M2]: 'DOWN', [M3]: 'UP' }),
      { lb: 'DEGRADED', pool: 'DEGRADED', m1: 'ONLINE', m2: 'ERROR' },
    ],
    [
      'every member down (haproxy marks the backend down)',
      withMembers('DOWN', { [M1]: 'DOWN', [M2]: 'DOWN', [M3]: 'DOWN' }),
      { lb: 'DEGRADED', listener: 'ONLINE', pool: 'ERROR', m1: 'ERROR', m2: 'ERROR', m3: 'ERROR' },
    ],
    [
      'a member draining, one in maintenance, one unchecked',
      withMembers('UP', { [M1]: 'DRAIN', [M2]: 'MAINT', [M3]: 'no check' }),
      { lb: 'ONLINE', pool: 'ONLINE', m1: 'DRAINING', m2: 'OFFLINE', m3: 'NO_MONITOR' },
    ],
    [
      'a member haproxy does not list',
      withMembers('UP', { [M1]: 'UP', [M2]: 'UP' }),
      { lb: 'ONLINE', pool: 'ONLINE', m3: 'OFFLINE' },
    ],
    [
      'the listener at its connection limit',
      { ...healthy(), listeners: { [L1]: { status: 'FULL', stats } } },
      { lb: 'DEGRADED', listener: 'DEGRADED', pool: 'ONLINE' },
    ],
    [
      'the listener stopped',
      { ...healthy(), listeners: { [L1]: { status: 'DOWN', stats } } },
      { lb: 'DEGRADED', listener: 'ERROR' },
    ],
    [
      'the listener missing from a heartbeat',
      { listeners: {}, pools: {} },
      { lb: 'DEGRADED', listener: 'ERROR', pool: 'OFFLINE', m1: 'OFFLINE' },
    ],
  ])('with %s', (_name, report, expected) => {
    it('derives the statuses Octavia would, and leaves the monitor and the unused pool to their rules', () => {
      expect(derive(record(), [beat(1, report)])).toEqual(
        expect.objectContaining({ ...expected, unused: 'OFFLINE', monitor: 'ONLINE' }),
      );
    });
  });

  describe('with no fresh heartbeat, nothing is ONLINE', () => {
    it.each<[string, (HeartbeatRecord | undefined)[]]>([
      ['none was ever recorded', [undefined]],
      ['the last one is older than the timeout', [beat(1, healthy(), TIMEOUT + 1)]],
      ['the only fresh one is from an amphora the load balancer does not hold', [beat(9, healthy())]],
    ])('when %s', (_name, heartbeats) => {
      expect(derive(record(), heartbeats)).toEqual({
        lb: 'ERROR',
        listener: 'ERROR',
        pool: 'OFFLINE',
        unused: 'OFFLINE',
        m1: 'OFFLINE',
        m2: 'OFFLINE',
        m3: 'OFFLINE',
        monitor: 'ONLINE',
      });
    });

    it('counts a heartbeat exactly as old as the timeout as fresh', () => {
      expect(derive(record(), [beat(1, healthy(), TIMEOUT)]).lb).toBe('ONLINE');
    });

    it('shows a silent, administratively down load balancer OFFLINE, not ERROR', () => {
      expect(derive(record({ adminStateUp: false }), [undefined])).toMatchObject({
        lb: 'OFFLINE',
        listener: 'OFFLINE',
      });
    });
  });

  describe('administrative state and provisioning', () => {
    it('shows objects that are down by choice OFFLINE whatever haproxy says', () => {
      const lb = record();
      const t = lb.tree as LoadBalancerTree;
      t.members = t.members.map((m) => (m.id === M1 ? { ...m, adminStateUp: false } : m));
      t.listeners = t.listeners.map((l) => ({ ...l, adminStateUp: false }));
      expect(derive(lb, [beat(1, healthy())])).toMatchObject({ lb: 'ONLINE', listener: 'OFFLINE', m1: 'OFFLINE' });
      expect(derive(record({ adminStateUp: false }), [beat(1, healthy())]).lb).toBe('OFFLINE');
    });

    it('leaves objects still PENDING_CREATE as they are', () => {
      const lb = record();
      const t = lb.tree as LoadBalancerTree;
      t.members = t.members.map((m) =>
        m.id === M3 ? { ...m, provisioningStatus: 'PENDING_CREATE', operatingStatus: 'NO_MONITOR' } : m,
      );
      expect(derive(lb, [beat(1, withMembers('UP', { [M1]: 'UP', [M2]: 'UP' }))])).toMatchObject({
        m3: 'NO_MONITOR',
        lb: 'ONLINE',
      });
    });

    it('returns a load balancer still PENDING_CREATE unchanged', () => {
      const lb = record({ provisioningStatus: 'PENDING_CREATE', operatingStatus: 'OFFLINE' });
      expect(withDataPlaneStatus(lb, [undefined], { now: NOW, heartbeatTimeoutMs: TIMEOUT })).toBe(lb);
    });

    it('shows a listener nothing reports OFFLINE, not ERROR, while its load balancer is being changed', () => {
      expect(
        derive(record({ provisioningStatus: 'PENDING_UPDATE' }), [beat(1, { listeners: {}, pools: {} })]),
      ).toMatchObject({ listener: 'OFFLINE', lb: 'ONLINE' });
    });

    it('does not change the record it is given', () => {
      const lb = record();
      const before = JSON.stringify(lb);
      withDataPlaneStatus(lb, [beat(1, withMembers('DOWN', {}))], { now: NOW, heartbeatTimeoutMs: TIMEOUT });
      expect(JSON.stringify(lb)).toBe(before);
    });
  });

  describe('ACTIVE_STANDBY: the freshest heartbeat that reports an object', () => {
    const pair = () =>
      record({
        topology: 'ACTIVE_STANDBY',
        amphorae: [amphora(1, { role: 'MASTER' }), amphora(2, { role: 'BACKUP' })],
      });
    const full: Report = { ...healthy(), listeners: { [L1]: { status: 'FULL', stats } } };

    it.each<[string, HeartbeatRecord[], OperatingStatus]>([
      ['the fresher says OPEN', [beat(1, full, 5_000), beat(2, healthy(), 1_000)], 'ONLINE'],
      ['the fresher says FULL', [beat(1, full, 1_000), beat(2, healthy(), 5_000)], 'DEGRADED'],
      [
        'the fresher does not report it yet',
        [beat(1, full, 5_000), beat(2, { listeners: {}, pools: {} }, 1_000)],
        'DEGRADED',
      ],
      ['the one that says FULL is silent', [beat(1, full, TIMEOUT + 1), beat(2, healthy(), 1_000)], 'ONLINE'],
    ])('reads the listener when %s', (_name, heartbeats, expected) => {
      expect(derive(pair(), heartbeats).listener).toBe(expected);
    });

    it("reads a pool and its members from one amphora's report", () => {
      const older = beat(1, withMembers('UP', { [M1]: 'DOWN', [M2]: 'UP', [M3]: 'UP' }), 5_000);
      const fresher = beat(2, withMembers('UP', { [M1]: 'UP', [M2]: 'DRAIN', [M3]: 'UP' }), 1_000);
      expect(derive(pair(), [older, fresher])).toMatchObject({ pool: 'ONLINE', m1: 'ONLINE', m2: 'DRAINING' });
    });
  });

  describe('what the heartbeat cannot see', () => {
    const udp = () => {
      const lb = record();
      const t = lb.tree as LoadBalancerTree;
      t.listeners = [listener(1, { protocol: 'UDP', protocolPort: 53, defaultPoolId: P1, operatingStatus: 'ONLINE' })];
      t.pools = [
        pool(1, { protocol: 'UDP', lbAlgorithm: 'ROUND_ROBIN' }),
        pool(2, { protocol: 'HTTP', lbAlgorithm: 'ROUND_ROBIN' }),
      ];
      t.members = t.members.map((m) => ({ ...m, operatingStatus: 'NO_MONITOR' as const }));
      return lb;
    };

    it('keeps the statuses of UDP listeners, pools and members while an amphora is heard from', () => {
      expect(derive(udp(), [beat(1, { listeners: {}, pools: {} })])).toMatchObject({
        lb: 'ONLINE',
        listener: 'ONLINE',
        pool: 'ONLINE',
        m1: 'NO_MONITOR',
      });
    });

    it('does not vouch for them once every amphora is silent', () => {
      expect(derive(udp(), [undefined])).toMatchObject({
        lb: 'ERROR',
        listener: 'ERROR',
        pool: 'OFFLINE',
        m1: 'OFFLINE',
      });
    });

    it('adds no tree to a record from before the object model', () => {
      const derived = withDataPlaneStatus(record({ tree: undefined }), [beat(1, healthy())], {
        now: NOW,
        heartbeatTimeoutMs: TIMEOUT,
      });
      expect(derived.tree).toBeUndefined();
      expect(derived.operatingStatus).toBe('ONLINE');
    });
  });
});
