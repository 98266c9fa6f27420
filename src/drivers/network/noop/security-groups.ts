/** Security groups in the noop cloud: the VIP's group, its listener rules, and deleting a group nobody uses. */
import { OWNED_DESCRIPTION, vipSecurityGroupName } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { SecurityGroupRecord } from '../../noop/records';
import type { StoreTransaction } from '../../noop/store';
import type { UpdateVipRequest } from '../driver';
import { NetworkError, VipConfigurationNotFoundError } from '../errors';

/** The load balancer's VIP security group, found by its deterministic name or made now: no rules, our description. */
export function ensureVipSecurityGroup(
  cloud: NoopCloud,
  tx: StoreTransaction,
  loadBalancerId: string,
): SecurityGroupRecord {
  const name = vipSecurityGroupName(loadBalancerId);
  const existing = cloud.findByName(tx, 'securityGroup', name);
  if (existing) return existing;
  const group: SecurityGroupRecord = { id: cloud.newId(), name, description: OWNED_DESCRIPTION, rules: [] };
  cloud.create(tx, 'securityGroup', group.id, name, group);
  return group;
}

/**
 * Sets the VIP security group's listener rules to the listener ports, leaving VRRP as plugVip set it; the VIP must be
 * allocated (so the group exists).
 */
export function updateVip(cloud: NoopCloud, tx: StoreTransaction, request: UpdateVipRequest): void {
  const name = vipSecurityGroupName(request.loadBalancerId);
  const group = cloud.findByName(tx, 'securityGroup', name);
  if (!group) {
    throw new VipConfigurationNotFoundError(
      `Updating the VIP of load balancer ${request.loadBalancerId} failed: VIP security group ${name} was not found; allocate the VIP (which makes the group) before updating it`,
    );
  }
  const rules = [...(request.listenerPorts ?? [])].sort((a, b) => a.port - b.port);
  cloud.update(tx, 'securityGroup', group.id, { ...group, rules });
}

/** Deletes the security group, if it is there and no port carries it. */
export function deleteSecurityGroup(cloud: NoopCloud, tx: StoreTransaction, securityGroupId: string): void {
  if (!tx.get('securityGroups', securityGroupId)) return;
  // As Neutron does (409 SecurityGroupInUse): a group a port still carries stays, and a retry may succeed.
  const user = tx.list('ports').find((port) => port.securityGroupIds.includes(securityGroupId));
  if (user) {
    throw new NetworkError(`Security group ${securityGroupId} is still used by port ${user.name || user.id}`, {
      retryable: true,
    });
  }
  cloud.remove(tx, 'securityGroup', securityGroupId);
}
