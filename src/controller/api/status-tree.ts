import { poolListeners, treeOf } from '../../contracts';
import type { PublicLoadBalancer } from '../load-balancers';

const statuses = (object: { provisioningStatus: string; operatingStatus: string }) => ({
  provisioning_status: object.provisioningStatus,
  operating_status: object.operatingStatus,
});

/**
 * `GET /loadbalancers/{id}/status`: Octavia's status tree, load balancer → listeners → pools (default and L7
 * targets) → health monitor and members.
 */
export function statusTree(record: PublicLoadBalancer) {
  const tree = treeOf(record);
  const pool = (poolId: string) => {
    const found = tree.pools.find((candidate) => candidate.id === poolId);
    if (!found) return [];
    const monitor = tree.healthMonitors.find((candidate) => candidate.poolId === poolId);
    return [
      {
        id: found.id,
        name: found.name,
        ...statuses(found),
        ...(monitor
          ? { health_monitor: { id: monitor.id, name: monitor.name, type: monitor.type, ...statuses(monitor) } }
          : {}),
        members: tree.members
          .filter((member) => member.poolId === poolId)
          .map((member) => ({
            id: member.id,
            name: member.name,
            address: member.address,
            protocol_port: member.protocolPort,
            ...statuses(member),
          })),
      },
    ];
  };
  return {
    statuses: {
      loadbalancer: {
        id: record.id,
        name: record.name,
        ...statuses(record),
        listeners: tree.listeners.map((listener) => ({
          id: listener.id,
          name: listener.name,
          ...statuses(listener),
          pools: tree.pools.filter((p) => poolListeners(tree, p.id).includes(listener.id)).flatMap((p) => pool(p.id)),
        })),
      },
    },
  };
}
