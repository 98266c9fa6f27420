/**
 * What the API reads the data plane from: the heartbeat store the health listeners write, and how old a heartbeat
 * may be and still count. With one, operating statuses and statistics come from the amphorae's last heartbeats.
 */
import type { PublicLoadBalancer } from '../load-balancers';
import { withDataPlaneStatus } from './operating-status';
import type { HeartbeatStore } from './store';

/** The last heartbeats and how to judge their age. */
export interface HeartbeatSource {
  store: Pick<HeartbeatStore, 'last'>;
  /** A heartbeat older than this no longer vouches for its amphora (Octavia's `heartbeat_timeout`). */
  timeoutMs: number;
  /** The clock heartbeats are judged by (their `receivedAt` is the listeners' clock); `Date.now` by default. */
  now?: () => number;
}

/** Whether a heartbeat received at `receivedAt` still counts. */
export function isFresh(source: HeartbeatSource, receivedAt: number): boolean {
  return (source.now ?? Date.now)() - receivedAt <= source.timeoutMs;
}

/**
 * How a record is shown: with operating statuses from its amphorae's last heartbeats when there is a source, as it
 * is otherwise (the statuses the control plane set).
 */
export function dataPlaneView(source: HeartbeatSource | undefined): (record: PublicLoadBalancer) => PublicLoadBalancer {
  if (!source) return (record) => record;
  return (record) =>
    withDataPlaneStatus(
      record,
      record.amphorae.map((amphora) => source.store.last(amphora.id)),
      { now: (source.now ?? Date.now)(), heartbeatTimeoutMs: source.timeoutMs },
    );
}
