/**
 * Simulated amphora agents for the health bench: every instance of the noop cloud that has booted sends a signed
 * heartbeat by UDP every interval, each at its own phase, as a fleet of real agents would; one that is silenced (its
 * amphora "dies") sends nothing more. The datagrams take the real path: sealed here, checked and recorded by a health
 * listener.
 */
import { createSocket, type Socket } from 'node:dgram';
import { sealHeartbeat, type Heartbeat } from '../agent/heartbeat';
import type { NoopCloud } from '../drivers/noop';
import { amphoraName } from '../models';

/** How often the simulator wakes to send the heartbeats that are due. */
const TICK_MS = 50;
/** How often it looks for instances that booted or went away (a real agent starts beating when its VM is up). */
const REFRESH_MS = 500;
const NAME_PREFIX = amphoraName('');

/** The amphora ids of the noop cloud's instances that have booted (ACTIVE, or BUILDING past their boot time). */
export function bootedAmphorae(cloud: NoopCloud): string[] {
  const now = cloud.now();
  return cloud
    .transact((tx) => tx.list('servers'))
    .filter(
      (server) => server.state === 'ACTIVE' || (server.state === 'BUILDING' && !server.fault && now >= server.readyAt),
    )
    .filter((server) => server.name.startsWith(NAME_PREFIX))
    .map((server) => server.name.slice(NAME_PREFIX.length));
}

export interface SimulatorOptions {
  /** The health listener's port on 127.0.0.1. */
  port: number;
  key: string;
  intervalMs: number;
  /** The amphorae that are up and beat (unless silenced). */
  booted(): string[];
}

export class HeartbeatSimulator {
  private readonly socket: Socket = createSocket('udp4');
  /** Amphora id → when its next heartbeat is due. */
  private readonly due = new Map<string, number>();
  private readonly lastSent = new Map<string, number>();
  private readonly silenced = new Set<string>();
  private booted: string[] = [];
  private refreshedAt = 0;
  private seq = Date.now();
  private timer?: NodeJS.Timeout;
  /** Datagrams sent so far. */
  sent = 0;

  constructor(private readonly options: SimulatorOptions) {
    this.socket.on('error', () => undefined);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Stops the amphorae's heartbeats from now on (they die); returns when, in ms since the epoch. */
  silence(amphoraIds: readonly string[]): number {
    amphoraIds.forEach((id) => this.silenced.add(id));
    return Date.now();
  }

  /** Lets silenced amphorae beat again (a partition heals); the next heartbeat of each leaves within an interval. */
  resume(amphoraIds: readonly string[]): number {
    amphoraIds.forEach((id) => this.silenced.delete(id));
    return Date.now();
  }

  /** When the amphora's last heartbeat was sent, in ms since the epoch. */
  lastHeartbeatAt(amphoraId: string): number | undefined {
    return this.lastSent.get(amphoraId);
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.close();
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.refreshedAt >= REFRESH_MS) {
      this.refreshedAt = now;
      this.booted = this.options.booted();
      const up = new Set(this.booted);
      for (const id of this.due.keys()) if (!up.has(id)) this.due.delete(id);
    }
    const { intervalMs } = this.options;
    for (const id of this.booted) {
      const due = this.due.get(id);
      if (due === undefined) {
        // A newly booted agent: its first heartbeat within an interval, at a phase of its own.
        this.due.set(id, now + Math.random() * intervalMs);
        continue;
      }
      if (due > now || this.silenced.has(id)) continue;
      this.send(id, now);
      // On schedule; an amphora that fell behind (a stalled event loop) beats next from now, as an agent would.
      this.due.set(id, due + intervalMs > now ? due + intervalMs : now + intervalMs);
    }
  }

  private send(id: string, now: number): void {
    this.seq += 1;
    const heartbeat: Heartbeat = { ver: 3, id, seq: this.seq, sentAt: now, listeners: {}, pools: {} };
    this.socket.send(sealHeartbeat(heartbeat, this.options.key), this.options.port, '127.0.0.1');
    this.lastSent.set(id, now);
    this.sent += 1;
  }
}
