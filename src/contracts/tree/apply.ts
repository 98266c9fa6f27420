import type { LoadBalancerTree, ProvisioningStatus, TreeKind, TreeObject } from '../../models';
import type { TreeChange } from './changes';
import { mergeChanges } from './merge';
import { ancestors, descendants, type TreeRef } from './relations';

/**
 * The tree while a change is pushed to the amphorae: the changed object PENDING_CREATE, PENDING_UPDATE or
 * PENDING_DELETE (with what a delete takes along), the objects above it PENDING_UPDATE, as Octavia marks them. An
 * update's new values are in place already; {@link settleTree} puts the old ones back if the push fails.
 */
export function pendingTree(tree: LoadBalancerTree, change: TreeChange, now: string): LoadBalancerTree {
  let next = { ...tree };
  const mark = (ref: TreeRef, status: ProvisioningStatus) => {
    next = replaceObject(next, ref, (object) => ({ ...object, provisioningStatus: status, updatedAt: now }));
  };
  // Before the change itself: a deleted pool's listeners are found through the default pool it is about to lose.
  const markAbove = (ref: TreeRef) => {
    for (const above of ancestors(next, ref)) {
      const object = findIn(next, above);
      if (object && !object.provisioningStatus.startsWith('PENDING_')) mark(above, 'PENDING_UPDATE');
    }
  };
  switch (change.action) {
    case 'create': {
      next = { ...next, [change.kind]: [...next[change.kind], change.object] };
      if (change.kind === 'pools' && change.defaultPoolOf) {
        next = replaceObject(next, { kind: 'listeners', id: change.defaultPoolOf }, (listener) => ({
          ...listener,
          defaultPoolId: change.object.id,
        }));
      }
      if (change.kind === 'l7Policies') next = placePolicy(next, change.object.id, change.object.position);
      mark({ kind: change.kind, id: change.object.id }, 'PENDING_CREATE');
      markAbove({ kind: change.kind, id: change.object.id });
      break;
    }
    case 'update': {
      const ref = { kind: change.kind, id: change.id };
      next = replaceObject(next, ref, (object) => mergeChanges(object, change.changes));
      if (change.kind === 'l7Policies' && typeof change.changes.position === 'number') {
        next = placePolicy(next, change.id, change.changes.position);
      }
      mark(ref, 'PENDING_UPDATE');
      markAbove(ref);
      break;
    }
    case 'delete': {
      const ref = { kind: change.kind, id: change.id };
      markAbove(ref);
      for (const gone of [ref, ...descendants(next, ref)]) mark(gone, 'PENDING_DELETE');
      if (change.kind === 'pools') {
        next = {
          ...next,
          listeners: next.listeners.map((l) => (l.defaultPoolId === change.id ? withoutDefaultPool(l) : l)),
        };
      }
      break;
    }
    case 'replace-members': {
      mark({ kind: 'pools', id: change.poolId }, 'PENDING_UPDATE');
      markAbove({ kind: 'pools', id: change.poolId });
      const keep = new Set<string>();
      for (const member of change.members) {
        const same = next.members.find(
          (m) => m.poolId === change.poolId && m.address === member.address && m.protocolPort === member.protocolPort,
        );
        if (same) {
          keep.add(same.id);
          const { id: _new, createdAt: _created, ...fields } = member;
          next = replaceObject(next, { kind: 'members', id: same.id }, (m) => ({ ...m, ...fields, id: same.id }));
          mark({ kind: 'members', id: same.id }, 'PENDING_UPDATE');
        } else {
          keep.add(member.id);
          next = { ...next, members: [...next.members, member] };
          mark({ kind: 'members', id: member.id }, 'PENDING_CREATE');
        }
      }
      for (const member of next.members) {
        if (member.poolId === change.poolId && !keep.has(member.id)) {
          mark({ kind: 'members', id: member.id }, 'PENDING_DELETE');
        }
      }
      break;
    }
  }
  return next;
}

/**
 * The tree once the change ended. Succeeded: PENDING_CREATE and PENDING_UPDATE objects are ACTIVE, PENDING_DELETE
 * ones are gone. Failed (the amphorae were put back on the previous configuration): the changed objects are in ERROR
 * with their previous values, a failed create stays in ERROR for the user to delete (Octavia's behaviour), and
 * the objects above are ACTIVE again.
 */
export function settleTree(
  pending: LoadBalancerTree,
  previous: LoadBalancerTree,
  change: TreeChange,
  outcome: 'succeeded' | 'failed',
  now: string,
): LoadBalancerTree {
  const targets = changeTargets(pending, change);
  const kinds = Object.keys(pending) as TreeKind[];
  const settled = Object.fromEntries(
    kinds.map((kind) => {
      const objects = (pending[kind] as TreeObject<TreeKind>[]).flatMap((object): TreeObject<TreeKind>[] => {
        const status = object.provisioningStatus;
        if (!status.startsWith('PENDING_')) return [object];
        if (outcome === 'succeeded') {
          return status === 'PENDING_DELETE' ? [] : [{ ...object, provisioningStatus: 'ACTIVE', updatedAt: now }];
        }
        // The objects above a change did not fail themselves; they get their previous values back, like the rest.
        const before = (previous[kind] as TreeObject<TreeKind>[]).find((old) => old.id === object.id) ?? object;
        const failed: ProvisioningStatus = targets.has(object.id) ? 'ERROR' : before.provisioningStatus;
        return [{ ...before, provisioningStatus: failed, updatedAt: now }];
      });
      return [kind, objects];
    }),
  ) as LoadBalancerTree;
  return outcome === 'succeeded' ? withOperatingStatus(withPositions(settled)) : withPositions(settled);
}

/** The ids of the objects a change is about (not those above them). */
function changeTargets(pending: LoadBalancerTree, change: TreeChange): Set<string> {
  if (change.action === 'create') return new Set([change.object.id]);
  if (change.action === 'update') return new Set([change.id]);
  if (change.action === 'delete') {
    return new Set([change.id, ...descendants(pending, { kind: change.kind, id: change.id }).map((ref) => ref.id)]);
  }
  return new Set(
    pending.members
      .filter((m) => m.poolId === change.poolId && m.provisioningStatus.startsWith('PENDING_'))
      .map((m) => m.id),
  );
}

/** Operating statuses as the control plane knows them, until the amphorae report their own. */
function withOperatingStatus(tree: LoadBalancerTree): LoadBalancerTree {
  const monitored = new Set(tree.healthMonitors.map((h) => h.poolId));
  const online = <T extends { adminStateUp: boolean; operatingStatus: string }>(object: T): T => ({
    ...object,
    operatingStatus: object.adminStateUp ? 'ONLINE' : 'OFFLINE',
  });
  return {
    listeners: tree.listeners.map(online),
    pools: tree.pools.map(online),
    members: tree.members.map((m) => ({
      ...m,
      operatingStatus: !m.adminStateUp ? 'OFFLINE' : monitored.has(m.poolId) ? 'ONLINE' : 'NO_MONITOR',
    })),
    healthMonitors: tree.healthMonitors.map(online),
    l7Policies: tree.l7Policies.map(online),
    l7Rules: tree.l7Rules.map(online),
  };
}

/** Puts a policy at a 1-based position among its listener's policies (past the end: last), renumbering the rest. */
function placePolicy(tree: LoadBalancerTree, policyId: string, position: number): LoadBalancerTree {
  const moved = tree.l7Policies.find((p) => p.id === policyId);
  if (!moved) return tree;
  const siblings = ordered(tree, moved.listenerId).filter((p) => p.id !== policyId);
  siblings.splice(Math.max(0, Math.min(position - 1, siblings.length)), 0, moved);
  const positions = new Map(siblings.map((p, index) => [p.id, index + 1]));
  return {
    ...tree,
    l7Policies: tree.l7Policies.map((p) => (positions.has(p.id) ? { ...p, position: positions.get(p.id) ?? 1 } : p)),
  };
}

/** Positions 1..n again after deletes. */
function withPositions(tree: LoadBalancerTree): LoadBalancerTree {
  const positions = new Map<string, number>();
  for (const listenerId of new Set(tree.l7Policies.map((p) => p.listenerId))) {
    ordered(tree, listenerId).forEach((p, index) => positions.set(p.id, index + 1));
  }
  return { ...tree, l7Policies: tree.l7Policies.map((p) => ({ ...p, position: positions.get(p.id) ?? p.position })) };
}

const ordered = (tree: LoadBalancerTree, listenerId: string) =>
  tree.l7Policies.filter((p) => p.listenerId === listenerId).sort((a, b) => a.position - b.position);

function withoutDefaultPool<T extends { defaultPoolId?: string }>(listener: T): T {
  const { defaultPoolId: _gone, ...rest } = listener;
  return rest as T;
}

function findIn(tree: LoadBalancerTree, ref: TreeRef): TreeObject<TreeKind> | undefined {
  return (tree[ref.kind] as TreeObject<TreeKind>[]).find((object) => object.id === ref.id);
}

function replaceObject(
  tree: LoadBalancerTree,
  ref: TreeRef,
  change: <T extends TreeObject<TreeKind>>(object: T) => T,
): LoadBalancerTree {
  const objects = (tree[ref.kind] as TreeObject<TreeKind>[]).map((object) =>
    object.id === ref.id ? change(object) : object,
  );
  return { ...tree, [ref.kind]: objects };
}
