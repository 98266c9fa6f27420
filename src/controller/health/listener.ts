/**
 * The health manager's listener: UDP datagrams from amphorae, each checked (size, signature, compression, shape,
 * age), then recorded when it is the newest heartbeat of an amphora the controller knows. Stateless: several
 * listeners may share one store, and any of them may receive any datagram. Whatever arrives is counted by what became
 * of it; nothing that fails a check is acted on, and nothing a datagram holds can make the listener throw.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { openHeartbeat, type DropReason } from '../../agent/heartbeat';
import type { HeartbeatStore } from './store';

/** What became of the datagrams a listener received. */
export type HeartbeatOutcome = 'recorded' | DropReason | 'replayed' | 'out-of-window' | 'unknown-amphora';

export interface HealthListenerOptions {
  /** Where to listen (Octavia's `bind_ip`/`bind_port`, 5555 by default there). */
  host: string;
  port: number;
  /** The shared heartbeat key. */
  key: string;
  store: HeartbeatStore;
  /** Whether the amphora is one the controller knows and is not deleting: others' heartbeats are dropped. */
  isKnown(amphoraId: string): boolean;
  /** How far from the listener's clock a heartbeat's `sentAt` may be; 30 s by default. */
  windowMs?: number;
  now?: () => number;
}

export interface HealthListener {
  address(): AddressInfo;
  /** How many datagrams ended each way. */
  counts(): Record<HeartbeatOutcome, number>;
  close(): Promise<void>;
}

const OUTCOMES: HeartbeatOutcome[] = [
  'recorded',
  'oversized',
  'truncated',
  'bad-signature',
  'bad-compression',
  'bad-json',
  'bad-shape',
  'replayed',
  'out-of-window',
  'unknown-amphora',
];

/** Starts a listener; resolves once it is bound. */
export async function startHealthListener(options: HealthListenerOptions): Promise<HealthListener> {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 30_000;
  const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<HeartbeatOutcome, number>;
  const judge = (datagram: Buffer): HeartbeatOutcome => {
    const opened = openHeartbeat(datagram, options.key);
    if (!opened.ok) return opened.reason;
    const { heartbeat } = opened;
    if (!options.isKnown(heartbeat.id)) return 'unknown-amphora';
    if (Math.abs(now() - heartbeat.sentAt) > windowMs) return 'out-of-window';
    return options.store.record(heartbeat, now());
  };
  const socket: Socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (datagram) => {
    let outcome: HeartbeatOutcome;
    try {
      outcome = judge(datagram);
    } catch {
      // A store that fails (a locked database) loses this heartbeat; the next one comes in an interval.
      return;
    }
    counts[outcome] += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return {
    address: () => socket.address(),
    counts: () => ({ ...counts }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
