import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sealHeartbeat, startHeartbeats, statusOf, type Heartbeat } from '../../src/agent/heartbeat';
import { createAgentLogger } from '../../src/agent/log';
import {
  MemoryHeartbeatStore,
  SqliteHeartbeatStore,
  startHealthListener,
  type HealthListener,
  type HeartbeatStore,
} from '../../src/controller/health';
import { eventually } from '../drivers/expect-error';

/**
 * Heartbeats from an agent's sender to the health manager's listener over UDP on 127.0.0.1: recorded when newest and
 * known, and every other datagram counted by why it was dropped, with the listener still recording afterwards.
 */
const KEY = 'heartbeat-key-for-tests';
const LISTENER = 'a0000000-0000-4000-8000-00000000000a';
const POOL = 'b0000000-0000-4000-8000-00000000000b';
const M1 = 'c0000000-0000-4000-8000-0000000000c1';
const M2 = 'c0000000-0000-4000-8000-0000000000c2';

/** haproxy's `show stat` for one listener, its pool and two members, the second down. */
const SHOW_STAT = [
  '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status',
  `${LISTENER},FRONTEND,,,2,5,50000,40,1200,3400,0,0,1,,,,,OPEN`,
  `${POOL}:${LISTENER},${M1},0,0,1,3,,20,600,1700,,0,,0,0,0,0,UP`,
  `${POOL}:${LISTENER},${M2},0,0,0,2,,20,600,1700,,0,,0,0,0,0,DOWN 1/2`,
  `${POOL}:${LISTENER},BACKEND,0,0,2,5,5000,40,1200,3400,0,0,,0,0,0,0,UP`,
].join('\n');

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const sqliteFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'heartbeats-'));
  dirs.push(dir);
  return join(dir, 'heartbeats.db');
};

function send(port: number, datagram: Buffer): Promise<void> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) =>
    socket.send(datagram, port, '127.0.0.1', (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

function beatOf(id: string, seq: number, sentAt = Date.now()): Heartbeat {
  return { ver: 3, id, seq, sentAt, ...statusOf(SHOW_STAT) };
}

describe('heartbeat status', () => {
  it("reads listeners, pools and members from haproxy's show stat, as Octavia reports them", () => {
    expect(statusOf(SHOW_STAT)).toEqual({
      listeners: { [LISTENER]: { status: 'OPEN', stats: { conns: 2, totconns: 40, rx: 1200, tx: 3400, ereq: 1 } } },
      pools: { [POOL]: { status: 'UP', members: { [M1]: 'UP', [M2]: 'DOWN' } } },
    });
  });
});

describe.each([
  ['memory', () => new MemoryHeartbeatStore()],
  ['SQLite', () => new SqliteHeartbeatStore(sqliteFile())],
] as const)('health listener with a %s store', (_label, makeStore) => {
  let store: HeartbeatStore;
  let listener: HealthListener;
  const known = new Set(['amp-1']);
  beforeEach(async () => {
    store = makeStore();
    listener = await startHealthListener({
      host: '127.0.0.1',
      port: 0,
      key: KEY,
      store,
      isKnown: (id) => known.has(id),
    });
  });
  afterEach(async () => {
    await listener.close();
    store.close();
  });

  it("records an agent's heartbeats with its members' status", async () => {
    const sender = startHeartbeats(
      'amp-1',
      { key: KEY, intervalMs: 60_000, destinations: [`127.0.0.1:${listener.address().port}`] },
      () => Promise.resolve([SHOW_STAT]),
      createAgentLogger('amp-1'),
    );
    try {
      await sender.beat();
      const first = await eventually(() => Promise.resolve(store.last('amp-1')));
      expect(first.heartbeat.pools[POOL]?.members).toEqual({ [M1]: 'UP', [M2]: 'DOWN' });
      await sender.beat();
      await eventually(() => Promise.resolve(store.last('amp-1')?.seq !== first.seq || undefined));
      expect(listener.counts().recorded).toBe(2);
    } finally {
      sender.stop();
    }
  });

  it("sends on time with the last good statistics when haproxy's stats socket does not answer", async () => {
    let hang = false;
    const sender = startHeartbeats(
      'amp-1',
      { key: KEY, intervalMs: 400, destinations: [`127.0.0.1:${listener.address().port}`] },
      () => (hang ? new Promise<string[]>(() => undefined) : Promise.resolve([SHOW_STAT])),
      createAgentLogger('amp-1'),
    );
    try {
      await sender.beat();
      const first = await eventually(() => Promise.resolve(store.last('amp-1')));
      hang = true;
      // A reload in progress: the socket hangs for seconds. The amphora is alive and must still say so, in time.
      const sent = sender.beat();
      const inTime = await Promise.race([
        sent.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      expect(inTime).toBe(true);
      const second = await eventually(() =>
        Promise.resolve(store.last('amp-1')?.seq !== first.seq ? store.last('amp-1') : undefined),
      );
      expect(second?.heartbeat.pools[POOL]?.members).toEqual({ [M1]: 'UP', [M2]: 'DOWN' });
    } finally {
      sender.stop();
    }
  });

  it('stops cleanly while a heartbeat waits for the statistics: that heartbeat is not sent, and nothing throws', async () => {
    const { port } = listener.address();
    let answer: (csvs: string[]) => void = () => undefined;
    const sender = startHeartbeats(
      'amp-1',
      { key: KEY, intervalMs: 60_000, destinations: [`127.0.0.1:${port}`] },
      () => new Promise<string[]>((resolve) => (answer = resolve)),
      createAgentLogger('amp-1'),
    );
    // The agent closes while a beat waits for haproxy; the stats arrive afterwards.
    const inFlight = sender.beat();
    sender.stop();
    answer([SHOW_STAT]);
    await expect(inFlight).resolves.toBeUndefined();
    await send(port, sealHeartbeat(beatOf('amp-1', 1), KEY));
    // Only the test's own heartbeat arrived: the stopped sender's (a newer seq) would have made it a replay.
    expect((await eventually(() => Promise.resolve(store.last('amp-1'))))?.seq).toBe(1);
  });

  it('drops replays, recordings, unknown amphorae and any broken datagram, and records the next good one', async () => {
    const { port } = listener.address();
    const good = sealHeartbeat(beatOf('amp-1', 10), KEY);
    await send(port, good);
    await send(port, good);
    await send(port, sealHeartbeat(beatOf('amp-1', 9), KEY));
    await send(port, sealHeartbeat(beatOf('amp-1', 11, Date.now() - 3_600_000), KEY));
    await send(port, sealHeartbeat(beatOf('amp-gone', 1), KEY));
    await send(port, sealHeartbeat(beatOf('amp-1', 12), 'another key'));
    const junk = fc.sample(fc.uint8Array({ maxLength: 1500 }), 200);
    for (const bytes of junk) await send(port, Buffer.from(bytes));
    await send(port, sealHeartbeat(beatOf('amp-1', 13), KEY));
    await eventually(() => Promise.resolve(store.last('amp-1')?.seq === 13 || undefined));
    const counts = listener.counts();
    expect(counts).toMatchObject({ recorded: 2, replayed: 2, 'out-of-window': 1, 'unknown-amphora': 1 });
    const dropped = Object.entries(counts)
      .filter(([outcome]) => !['recorded', 'replayed', 'out-of-window', 'unknown-amphora'].includes(outcome))
      .reduce((total, [, n]) => total + n, 0);
    expect(dropped).toBe(junk.length + 1);
    expect(store.all().map((record) => record.amphoraId)).toEqual(['amp-1']);
  });
});

describe('health listeners sharing one SQLite store', () => {
  it('record a heartbeat once whichever of them receives it, and never let an older one overwrite a newer', async () => {
    const file = sqliteFile();
    const stores = [new SqliteHeartbeatStore(file), new SqliteHeartbeatStore(file)];
    const listeners = await Promise.all(
      stores.map((store) => startHealthListener({ host: '127.0.0.1', port: 0, key: KEY, store, isKnown: () => true })),
    );
    try {
      const newer = sealHeartbeat(beatOf('amp-1', 20), KEY);
      const older = sealHeartbeat(beatOf('amp-1', 19), KEY);
      await send(listeners[0]?.address().port ?? 0, newer);
      await send(listeners[1]?.address().port ?? 0, newer);
      await send(listeners[1]?.address().port ?? 0, older);
      await eventually(() =>
        Promise.resolve(
          listeners.reduce((n, l) => n + l.counts().recorded + l.counts().replayed, 0) === 3 || undefined,
        ),
      );
      expect(listeners.reduce((n, l) => n + l.counts().recorded, 0)).toBe(1);
      expect(stores[1]?.last('amp-1')?.seq).toBe(20);
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
      stores.forEach((store) => store.close());
    }
  });
});
