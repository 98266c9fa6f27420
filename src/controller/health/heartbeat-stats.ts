/**
 * Statistics from heartbeats, as Octavia's health manager keeps them (`UpdateStatsDb`): each heartbeat carries its
 * amphora's haproxy counters per listener, and the API answers from the last one instead of asking the amphorae.
 */
import type { AmphoraLoadBalancerDriver, AmphoraRequest, ListenerStats } from '../../drivers/amphora/driver';
import { isFresh, type HeartbeatSource } from './data-plane';

/**
 * A reader with the amphora driver's `getStats` contract that answers from the heartbeat store: Octavia's names
 * for haproxy's counters (conns → active connections, totconns → total connections, rx → bytes in, tx → bytes out,
 * ereq → request errors).
 *
 * Only the load balancer's current listeners are counted: a heartbeat sent before a listener was deleted still names
 * it. An amphora whose last heartbeat is older than the timeout holds no active connections anyone can vouch for, so
 * it reports none; its cumulative counters are what it counted while it was heard from, and stay.
 *
 * Nullipotent; never throws for an amphora without a heartbeat (it has no counters: an empty list).
 */
export function heartbeatStats(source: HeartbeatSource): Pick<AmphoraLoadBalancerDriver, 'getStats'> {
  return {
    getStats({ amphora, loadBalancer }: AmphoraRequest): Promise<ListenerStats[]> {
      const last = source.store.last(amphora.id);
      if (!last) return Promise.resolve([]);
      const fresh = isFresh(source, last.receivedAt);
      const current = new Set(loadBalancer.tree.listeners.map((listener) => listener.id));
      return Promise.resolve(
        Object.entries(last.heartbeat.listeners)
          .filter(([listenerId]) => current.has(listenerId))
          .map(([listenerId, { stats }]) => ({
            listenerId,
            activeConnections: fresh ? stats.conns : 0,
            bytesIn: stats.rx,
            bytesOut: stats.tx,
            requestErrors: stats.ereq,
            totalConnections: stats.totconns,
          })),
      );
    },
  };
}
