import type { HealthLook, HealthSettings, WatchedAmphora } from '../../src/contracts';
import { MemoryHeartbeatStore, SqliteHeartbeatStore } from '../../src/controller/health/store';
import { decide, initialMemory, type ManagerMemory } from '../../src/workflows/health/decide';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The health manager's rules, one look at a time (the workflow only folds their outcome in). */
const SETTINGS: HealthSettings = { heartbeatTimeoutMs: 60_000, checkIntervalMs: 3_000, failoverThreshold: 2 };
const NOW = 1_000_000;

const amphora = (id: string, silentForMs: number, overrides: Partial<WatchedAmphora> = {}): WatchedAmphora => ({
  amphoraId: id,
  loadBalancerId: `lb-${id}`,
  status: 'ALLOCATED',
  loadBalancerStatus: 'ACTIVE',
  lastHeardAt: NOW - silentForMs,
  heard: true,
  ...overrides,
});
const look = (...amphorae: WatchedAmphora[]): HealthLook => ({ at: NOW, amphorae });
const ids = (list: WatchedAmphora[]) => list.map((entry) => entry.amphoraId);
const at = '2026-12-01T00:00:00.000Z';

describe('health manager decisions', () => {
  it('fails over only amphorae silent past the timeout (the timeout itself is not yet silence)', () => {
    const decision = decide(
      look(amphora('a', 60_001), amphora('b', 60_000), amphora('c', 1_000)),
      initialMemory(SETTINGS),
      SETTINGS,
      at,
    );
    expect(ids(decision.failover)).toEqual(['a']);
    expect(decision.stop).toEqual([]);
    // The breaker counts those quiet for half the timeout: a and b.
    expect(decision.breaker).toMatchObject({ state: 'CLOSED', silent: 2, threshold: 2, trips: 0 });
  });

  it('sees a storm whose silences cross the timeout over several looks before failing any over', () => {
    // A partition: five amphorae whose last heartbeats were spread over one 10 s interval. At the look where the
    // first passes the 60 s timeout, the others are 50 to 59 s quiet: the breaker opens at once, nothing is failed
    // over, and the first is stopped.
    const storm = [60_001, 58_000, 55_000, 52_000, 50_001].map((quiet, i) => amphora(`s${i}`, quiet));
    const decision = decide(look(...storm, amphora('ok', 2_000)), initialMemory(SETTINGS), SETTINGS, at);
    expect(decision.breaker).toMatchObject({ state: 'OPEN', silent: 5 });
    expect(decision.failover).toEqual([]);
    expect(ids(decision.stop)).toEqual(['s0']);
  });

  it('never fails over an amphora never heard, however long it was watched: it is reported instead', () => {
    // A wrong key or a blocked port silences every amphora at once; Octavia too watches only amphorae it heard.
    const decision = decide(
      look(amphora('a', 600_000, { heard: false }), amphora('b', 1_000, { heard: false }), amphora('c', 61_000)),
      initialMemory(SETTINGS),
      SETTINGS,
      at,
    );
    expect(ids(decision.failover)).toEqual(['c']);
    expect(ids(decision.neverHeard)).toEqual(['a']);
    expect(decision.breaker.silent).toBe(1);
  });

  it('never acts twice on one silence, and acts again on a new one', () => {
    const memory: ManagerMemory = { ...initialMemory(SETTINGS), actedOn: { a: NOW - 70_000 } };
    expect(ids(decide(look(amphora('a', 70_000)), memory, SETTINGS, at).failover)).toEqual([]);
    // Heard again since, then silent again: a new silence.
    expect(ids(decide(look(amphora('a', 65_000)), memory, SETTINGS, at).failover)).toEqual(['a']);
  });

  it('forgets the silences of amphorae no longer watched (replaced or deleted)', () => {
    const memory: ManagerMemory = { ...initialMemory(SETTINGS), actedOn: { gone: 1, a: NOW - 70_000 } };
    expect(decide(look(amphora('a', 70_000)), memory, SETTINGS, at).actedOn).toEqual({ a: NOW - 70_000 });
  });

  it('opens the breaker above the threshold: the silent are stopped, none failed over', () => {
    const decision = decide(
      look(amphora('a', 61_000), amphora('b', 62_000), amphora('c', 63_000), amphora('d', 0)),
      initialMemory(SETTINGS),
      SETTINGS,
      at,
    );
    expect(decision.failover).toEqual([]);
    expect(ids(decision.stop)).toEqual(['a', 'b', 'c']);
    expect(decision.breaker).toMatchObject({ state: 'OPEN', silent: 3, trips: 1, openedAt: at });
  });

  it('counts a trip once while the breaker stays open, and keeps when it opened', () => {
    const open = decide(
      look(amphora('a', 61_000), amphora('b', 62_000), amphora('c', 63_000)),
      initialMemory(SETTINGS),
      SETTINGS,
      '2026-12-01T00:00:00.000Z',
    );
    const memory = { ...initialMemory(SETTINGS), breaker: open.breaker };
    const still = decide(
      look(amphora('a', 64_000), amphora('b', 65_000), amphora('c', 66_000)),
      memory,
      SETTINGS,
      '2026-12-01T00:01:00.000Z',
    );
    expect(still.breaker).toMatchObject({ state: 'OPEN', trips: 1, openedAt: '2026-12-01T00:00:00.000Z' });
  });

  it('counts stopped amphorae and those being failed over as silent, and never fails over a stopped one', () => {
    const memory: ManagerMemory = { ...initialMemory(SETTINGS), actedOn: { b: NOW - 62_000 } };
    const decision = decide(
      look(amphora('a', 61_000, { status: 'FAILOVER_STOPPED' }), amphora('b', 62_000), amphora('c', 63_000)),
      memory,
      SETTINGS,
      at,
    );
    expect(decision.breaker).toMatchObject({ state: 'OPEN', silent: 3 });
    expect(ids(decision.stop)).toEqual(['c']);
  });

  it('resumes a stopped amphora heard again, but not one that was never heard', () => {
    const decision = decide(
      look(
        amphora('a', 1_000, { status: 'FAILOVER_STOPPED' }),
        amphora('b', 1_000, { status: 'FAILOVER_STOPPED', heard: false }),
        amphora('c', 61_000, { status: 'FAILOVER_STOPPED' }),
      ),
      initialMemory(SETTINGS),
      SETTINGS,
      at,
    );
    expect(ids(decision.resume)).toEqual(['a']);
    expect(decision.failover).toEqual([]);
  });

  it('has no breaker without a threshold', () => {
    const settings = { heartbeatTimeoutMs: 60_000, checkIntervalMs: 3_000 };
    const silent = Array.from({ length: 50 }, (_, i) => amphora(`a${i}`, 61_000));
    const decision = decide(look(...silent), initialMemory(settings), settings, at);
    expect(decision.failover).toHaveLength(50);
    expect(decision.breaker.state).toBe('CLOSED');
  });
});

describe.each([
  ['memory', () => new MemoryHeartbeatStore()],
  ['SQLite', (dir: string) => new SqliteHeartbeatStore(join(dir, 'health.sqlite'))],
])('the %s heartbeat store’s watched set', (_name, open) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'amphora-watch-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps when each amphora began to be watched, and forgets the heartbeats of those no longer watched', () => {
    const store = open(dir);
    const beat = (id: string, seq: number) =>
      store.record({ ver: 3, id, seq, sentAt: seq, listeners: {}, pools: {} }, seq);
    expect([...store.watch(['a', 'b'], 100).entries()].sort()).toEqual([
      ['a', 100],
      ['b', 100],
    ]);
    beat('a', 150);
    beat('b', 150);
    expect([...store.watch(['a', 'c'], 200).entries()].sort()).toEqual([
      ['a', 100],
      ['c', 200],
    ]);
    expect(store.isWatched('a')).toBe(true);
    expect(store.isWatched('b')).toBe(false);
    expect(store.last('b')).toBeUndefined();
    expect(store.last('a')?.seq).toBe(150);
    store.close();
  });
});
