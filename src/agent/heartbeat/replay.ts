/**
 * Replay protection for heartbeats: a signed datagram captured and sent again must not refresh a dead amphora. Each
 * amphora's sequence only grows, and a heartbeat sent far from now (a recording) is refused whatever its number.
 */

/** Why a signed heartbeat was still refused. */
export type StaleReason = 'replayed' | 'out-of-window';

/**
 * The last sequence number seen per amphora. In one process; listeners that share the work keep it in their shared
 * store instead (the health manager's part).
 */
export class ReplayGuard {
  private readonly last = new Map<string, number>();

  /** @param windowMs - how far from now a heartbeat's `sentAt` may be (clocks differ a little). */
  constructor(
    private readonly windowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Accepts the heartbeat (and remembers its number), or says why not. */
  check(beat: { id: string; seq: number; sentAt: number }): StaleReason | undefined {
    if (Math.abs(this.now() - beat.sentAt) > this.windowMs) return 'out-of-window';
    const last = this.last.get(beat.id);
    if (last !== undefined && beat.seq <= last) return 'replayed';
    this.last.set(beat.id, beat.seq);
    return undefined;
  }
}
