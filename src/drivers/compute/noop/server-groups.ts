/** Server groups in the noop cloud: making one by name, and instances joining and leaving it. */
import type { ServerGroup } from '../../../models';
import type { NoopCloud } from '../../noop/cloud';
import type { StoreTransaction } from '../../noop/store';
import type { CreateServerGroupRequest } from '../driver';

/** The server group of that name: the one already there, or a new, empty one. */
export function createServerGroup(
  cloud: NoopCloud,
  tx: StoreTransaction,
  request: CreateServerGroupRequest,
): ServerGroup {
  const existing = cloud.findByName(tx, 'serverGroup', request.name);
  if (existing) return existing;
  const group: ServerGroup = {
    id: cloud.newId(),
    name: request.name,
    policy: request.policy,
    memberIds: [],
  };
  cloud.create(tx, 'serverGroup', group.id, group.name, group);
  return group;
}

/** Adds the instance to the group's members (a group that is gone is left alone). */
export function joinServerGroup(cloud: NoopCloud, tx: StoreTransaction, groupId: string, computeId: string): void {
  const group = tx.get('serverGroups', groupId);
  if (group) cloud.update(tx, 'serverGroup', groupId, { ...group, memberIds: [...group.memberIds, computeId] });
}

/** Removes the instance from the group's members (a group that is gone is left alone). */
export function leaveServerGroup(cloud: NoopCloud, tx: StoreTransaction, groupId: string, computeId: string): void {
  const group = tx.get('serverGroups', groupId);
  if (group) {
    cloud.update(tx, 'serverGroup', groupId, {
      ...group,
      memberIds: group.memberIds.filter((id) => id !== computeId),
    });
  }
}
