import type { LoadBalancerTree, TreeKind } from '../../models';

/** An object of the tree, by kind and id. */
export interface TreeRef {
  kind: TreeKind;
  id: string;
}

/**
 * The objects that go with an object when it is deleted, as Octavia's cascades do: a listener takes its L7 policies,
 * a pool its members and health monitor, a policy its rules.
 */
export function descendants(tree: LoadBalancerTree, ref: TreeRef): TreeRef[] {
  const direct: TreeRef[] = [];
  if (ref.kind === 'listeners') {
    direct.push(...tree.l7Policies.filter((p) => p.listenerId === ref.id).map((p) => of('l7Policies', p.id)));
  } else if (ref.kind === 'pools') {
    direct.push(...tree.members.filter((m) => m.poolId === ref.id).map((m) => of('members', m.id)));
    direct.push(...tree.healthMonitors.filter((h) => h.poolId === ref.id).map((h) => of('healthMonitors', h.id)));
  } else if (ref.kind === 'l7Policies') {
    direct.push(...tree.l7Rules.filter((r) => r.l7PolicyId === ref.id).map((r) => of('l7Rules', r.id)));
  }
  return direct.flatMap((child) => [child, ...descendants(tree, child)]);
}

/**
 * The objects above an object, which Octavia moves to PENDING_UPDATE while it changes: a member's or monitor's pool,
 * a pool's listeners, a rule's policy and its listener.
 */
export function ancestors(tree: LoadBalancerTree, ref: TreeRef): TreeRef[] {
  const up: TreeRef[] = [];
  if (ref.kind === 'members' || ref.kind === 'healthMonitors') {
    const object = tree[ref.kind].find((candidate) => candidate.id === ref.id);
    if (object) up.push(of('pools', object.poolId));
  } else if (ref.kind === 'pools') {
    up.push(...poolListeners(tree, ref.id).map((id) => of('listeners', id)));
  } else if (ref.kind === 'l7Rules') {
    const rule = tree.l7Rules.find((candidate) => candidate.id === ref.id);
    if (rule) up.push(of('l7Policies', rule.l7PolicyId));
  } else if (ref.kind === 'l7Policies') {
    const policy = tree.l7Policies.find((candidate) => candidate.id === ref.id);
    if (policy) up.push(of('listeners', policy.listenerId));
  }
  return up.flatMap((parent) => [parent, ...ancestors(tree, parent)]);
}

/** The listeners that send traffic to a pool: as their default pool, or through an L7 policy. */
export function poolListeners(tree: LoadBalancerTree, poolId: string): string[] {
  const ids = new Set(tree.listeners.filter((l) => l.defaultPoolId === poolId).map((l) => l.id));
  for (const policy of tree.l7Policies) if (policy.redirectPoolId === poolId) ids.add(policy.listenerId);
  return [...ids];
}

function of(kind: TreeKind, id: string): TreeRef {
  return { kind, id };
}
