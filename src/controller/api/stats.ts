import type { ListenerStats } from '../../drivers/amphora/driver';
import type { Amphora } from '../../models';
import { treeOf } from '../../contracts';
import { amphoraLoadBalancer } from '../../workflows/amphora-config';
import type { PublicLoadBalancer } from '../load-balancers';
import type { StatsReader } from './context';
import { ApiFault } from './faults';

/** Octavia's statistics object. */
export interface StatsView {
  active_connections: number;
  bytes_in: number;
  bytes_out: number;
  request_errors: number;
  total_connections: number;
}

/**
 * One amphora's counters per listener (`GET /octavia/amphorae/{id}/stats`).
 *
 * @throws ApiFault 503 when this API has no way to ask the amphorae.
 */
export async function amphoraStats(reader: StatsReader | undefined, amphora: Amphora, record: PublicLoadBalancer) {
  if (!reader) {
    throw new ApiFault(503, 'Statistics are not available: this API server was started without an amphora driver.');
  }
  if (!record.vip || !amphora.computeId) return [];
  const loadBalancer = amphoraLoadBalancer(record, record.vip, treeOf(record));
  const counters = await reader.getStats({ amphora, loadBalancer });
  return counters.map((listener) => ({
    id: amphora.id,
    loadbalancer_id: record.id,
    listener_id: listener.listenerId,
    active_connections: listener.activeConnections,
    bytes_in: listener.bytesIn,
    bytes_out: listener.bytesOut,
    request_errors: listener.requestErrors,
    total_connections: listener.totalConnections,
  }));
}

/**
 * The counters of a load balancer (or of one of its listeners), summed over its serving amphorae as each amphora's
 * haproxy reports them.
 *
 * @throws ApiFault 503 when this API has no way to ask the amphorae.
 */
export async function statsOf(
  reader: StatsReader | undefined,
  record: PublicLoadBalancer,
  listenerId?: string,
): Promise<StatsView> {
  if (!reader) {
    throw new ApiFault(503, 'Statistics are not available: this API server was started without an amphora driver.');
  }
  const total: StatsView = {
    active_connections: 0,
    bytes_in: 0,
    bytes_out: 0,
    request_errors: 0,
    total_connections: 0,
  };
  if (!record.vip) return total;
  const loadBalancer = amphoraLoadBalancer(record, record.vip, treeOf(record));
  const serving = loadBalancer.amphorae.filter((amphora) => amphora.computeId);
  const reports = await Promise.all(serving.map((amphora) => reader.getStats({ amphora, loadBalancer })));
  const add = (counters: ListenerStats) => {
    total.active_connections += counters.activeConnections;
    total.bytes_in += counters.bytesIn;
    total.bytes_out += counters.bytesOut;
    total.request_errors += counters.requestErrors;
    total.total_connections += counters.totalConnections;
  };
  reports
    .flat()
    .filter((counters) => !listenerId || counters.listenerId === listenerId)
    .forEach(add);
  return total;
}
