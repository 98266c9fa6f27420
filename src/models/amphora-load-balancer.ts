import type { Topology } from './enums';
import type { Amphora, Vip } from './load-balancer';
import type { LoadBalancerTree } from './tree';

/**
 * What an amphora's configuration is rendered from: the load balancer as the amphora needs to know it, and the
 * object tree behind its VIP. Objects being deleted (`PENDING_DELETE`, `DELETED`) are left out by the renderer.
 */
export interface AmphoraLoadBalancer {
  id: string;
  projectId: string;
  topology: Topology;
  adminStateUp: boolean;
  vip: Vip;
  /** Every amphora of the load balancer (ACTIVE_STANDBY: the peers for keepalived and haproxy's peers section). */
  amphorae: Amphora[];
  tree: LoadBalancerTree;
}
