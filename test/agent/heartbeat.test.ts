import { deflateSync } from 'node:zlib';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { MAX_DATAGRAM_BYTES, openHeartbeat, sealHeartbeat, type Heartbeat } from '../../src/agent/heartbeat';

/**
 * The heartbeat datagram's parser: what an amphora seals opens as it was; anything else (unsigned, wrongly signed,
 * truncated, oversized, bit-flipped, a zip bomb, random bytes) is dropped with a reason and never throws. Replays
 * are the listener's to refuse (test/controller/health-listener.test.ts).
 */
const KEY = 'heartbeat-key-for-tests';
const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);

const id = fc.uuid();
const counter = fc.nat({ max: 2 ** 40 });
const heartbeat: fc.Arbitrary<Heartbeat> = fc.record({
  ver: fc.constant(3 as const),
  id,
  seq: counter,
  sentAt: counter,
  listeners: fc.dictionary(
    id,
    fc.record({
      status: fc.constantFrom('OPEN', 'FULL', 'DOWN'),
      stats: fc.record({ conns: counter, totconns: counter, rx: counter, tx: counter, ereq: counter }),
    }),
    { maxKeys: 4 },
  ),
  pools: fc.dictionary(
    id,
    fc.record({
      status: fc.constantFrom('UP', 'DOWN'),
      members: fc.dictionary(id, fc.constantFrom('UP', 'DOWN', 'DRAIN', 'MAINT', 'no check'), { maxKeys: 6 }),
    }),
    { maxKeys: 3 },
  ),
});

/** Signs `payload` as an amphora would, whatever it holds. */
const signed = (payload: Buffer) => Buffer.concat([payload, createHmac('sha256', KEY).update(payload).digest()]);

describe('heartbeat datagrams', () => {
  it('opens what an amphora sealed, as it was', () => {
    fc.assert(
      fc.property(heartbeat, (beat) => {
        expect(openHeartbeat(sealHeartbeat(beat, KEY), KEY)).toEqual({ ok: true, heartbeat: beat });
      }),
      { numRuns: RUNS },
    );
  });

  it('drops any datagram of random bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const opened = openHeartbeat(Buffer.from(bytes), KEY);
        expect(opened.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('drops a sealed heartbeat with one bit flipped anywhere, or cut short, as wrongly signed or truncated', () => {
    fc.assert(
      fc.property(heartbeat, fc.nat(), fc.nat({ max: 7 }), fc.nat(), (beat, at, bit, cut) => {
        const datagram = sealHeartbeat(beat, KEY);
        const flipped = Buffer.from(datagram);
        const index = at % flipped.length;
        flipped[index] = (flipped[index] ?? 0) ^ (1 << bit);
        expect(openHeartbeat(flipped, KEY)).toMatchObject({ ok: false, reason: 'bad-signature' });
        const short = datagram.subarray(0, cut % datagram.length);
        expect(openHeartbeat(short, KEY).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('drops a heartbeat sealed with another key, an unsigned one, and an oversized one', () => {
    fc.assert(
      fc.property(heartbeat, fc.string({ minLength: 1 }), (beat, other) => {
        fc.pre(other !== KEY);
        expect(openHeartbeat(sealHeartbeat(beat, other), KEY)).toMatchObject({ ok: false, reason: 'bad-signature' });
        expect(openHeartbeat(deflateSync(Buffer.from(JSON.stringify(beat))), KEY).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
    expect(openHeartbeat(Buffer.alloc(MAX_DATAGRAM_BYTES + 1), KEY)).toMatchObject({ reason: 'oversized' });
    expect(openHeartbeat(Buffer.alloc(32), KEY)).toMatchObject({ reason: 'truncated' });
  });

  it('drops signed datagrams that are not heartbeats: bad compression, bad JSON, a zip bomb, a wrong shape', () => {
    expect(openHeartbeat(signed(Buffer.from('not deflated')), KEY)).toMatchObject({ reason: 'bad-compression' });
    expect(openHeartbeat(signed(deflateSync(Buffer.from('{"ver":'))), KEY)).toMatchObject({ reason: 'bad-json' });
    // 20 MB of zeros deflate to about 20 KB: inflating stops at 1 MB.
    expect(openHeartbeat(signed(deflateSync(Buffer.alloc(20 * 1024 * 1024))), KEY)).toMatchObject({
      reason: 'bad-compression',
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const opened = openHeartbeat(signed(deflateSync(Buffer.from(JSON.stringify(value) ?? 'null'))), KEY);
        expect(opened).toMatchObject({ ok: false, reason: 'bad-shape' });
      }),
      { numRuns: RUNS },
    );
  });
});
