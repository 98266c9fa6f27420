/**
 * Sends valid signed heartbeats to a health listener as fast as one process can, round robin over the bench's
 * amphora ids, each with a newer sequence number than the last of its id (so every one that arrives is recorded).
 * Each is the heartbeat of an amphora serving one listener and one pool of four members, not an empty one.
 * Forked with the IPC channel and AMPHORA_HEARTBEAT_KEY, AMPHORA_BENCH_PORT (the listener's, on 127.0.0.1),
 * AMPHORA_BENCH_AMPHORAE and AMPHORA_BENCH_DURATION_MS; says `{ type: 'done', sent, bytes }` at the end and exits.
 */
import { createSocket } from 'node:dgram';
import { sealHeartbeat, type Heartbeat } from '../agent/heartbeat';
import { throughputAmphoraIds } from './health-settings';

/** Datagrams handed to the socket before waiting for them to leave: enough to keep the kernel busy. */
const BATCH = 64;

export interface BlasterDone {
  type: 'done';
  sent: number;
  /** The size of one datagram. */
  bytes: number;
}

const LISTENER = '5d0f6a1e-4a1b-4c2d-9e3f-0a1b2c3d4e5f';
const POOL = '7b2e9c40-1d3a-4f5b-8c6d-1e2f3a4b5c6d';

function heartbeat(id: string, seq: number): Heartbeat {
  return {
    ver: 3,
    id,
    seq,
    sentAt: Date.now(),
    listeners: {
      [LISTENER]: {
        status: 'OPEN',
        stats: { conns: 12, totconns: seq % 100_000, rx: 48_213_377, tx: 912_004_118, ereq: 0 },
      },
    },
    pools: {
      [POOL]: {
        status: 'UP',
        members: {
          '0c9a8b7d-0001-4e5f-8a9b-0c1d2e3f4a5b': 'UP',
          '0c9a8b7d-0002-4e5f-8a9b-0c1d2e3f4a5b': 'UP',
          '0c9a8b7d-0003-4e5f-8a9b-0c1d2e3f4a5b': 'DOWN',
          '0c9a8b7d-0004-4e5f-8a9b-0c1d2e3f4a5b': 'no check',
        },
      },
    },
  };
}

async function main(): Promise<void> {
  const key = process.env.AMPHORA_HEARTBEAT_KEY ?? '';
  const port = Number(process.env.AMPHORA_BENCH_PORT);
  const ids = throughputAmphoraIds(Number(process.env.AMPHORA_BENCH_AMPHORAE ?? 1000));
  const until = Date.now() + Number(process.env.AMPHORA_BENCH_DURATION_MS ?? 5000);
  const socket = createSocket('udp4');
  let seq = Date.now();
  let sent = 0;
  let bytes = 0;
  while (Date.now() < until) {
    await Promise.all(
      Array.from({ length: BATCH }, () => {
        seq += 1;
        const datagram = sealHeartbeat(heartbeat(ids[seq % ids.length] ?? '', seq), key);
        bytes = datagram.length;
        return new Promise<void>((resolve) =>
          socket.send(datagram, port, '127.0.0.1', (err) => {
            if (!err) sent += 1;
            resolve();
          }),
        );
      }),
    );
  }
  socket.close();
  const done: BlasterDone = { type: 'done', sent, bytes };
  process.send?.(done, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`bench heartbeat blaster failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
