import type { Amphora, AmphoraLoadBalancer, LoadBalancer, LoadBalancerTree, Vip } from '../models';

/** The load balancer as an amphora's configuration is rendered from it: with `tree` as the objects behind the VIP. */
export function amphoraLoadBalancer(
  lb: Pick<LoadBalancer, 'id' | 'projectId' | 'topology' | 'amphorae'> & { adminStateUp?: boolean },
  vip: Vip,
  tree: LoadBalancerTree,
  amphorae: Amphora[] = lb.amphorae,
): AmphoraLoadBalancer {
  return {
    id: lb.id,
    projectId: lb.projectId,
    topology: lb.topology,
    adminStateUp: lb.adminStateUp !== false,
    vip,
    amphorae: amphorae.filter((amphora) => amphora.status !== 'PENDING_DELETE' && amphora.status !== 'DELETED'),
    tree,
  };
}

/** Whether a tree gives an amphora anything to serve. */
export const servesListeners = (tree: LoadBalancerTree | undefined): boolean =>
  (tree?.listeners ?? []).some((listener) => listener.provisioningStatus !== 'PENDING_DELETE');
