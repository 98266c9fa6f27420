import { randomUUID } from 'node:crypto';
import { pendingTree, settleTree, treeOf, type TreeChange } from '../contracts';
import {
  ListenerSchema,
  MemberSchema,
  PoolSchema,
  type LoadBalancer,
  type LoadBalancerTree,
  type TreeKind,
  type TreeObject,
} from '../models';

const base = (lb: Pick<LoadBalancer, 'projectId'>) => ({
  projectId: lb.projectId,
  provisioningStatus: 'PENDING_CREATE' as const,
  operatingStatus: 'OFFLINE' as const,
  createdAt: new Date().toISOString(),
});

/** Adds one object to a tree the way the entity does (PENDING_CREATE, its parents PENDING_UPDATE). */
function adding<K extends TreeKind>(tree: LoadBalancerTree, kind: K, object: TreeObject<K>) {
  const change = { action: 'create', kind, object } as TreeChange;
  return { change, pending: pendingTree(tree, change, new Date().toISOString()) };
}

/** What a load balancer serves before the timed member changes: an HTTP listener and its pool, ACTIVE. */
export function servingTree(lb: Pick<LoadBalancer, 'id' | 'projectId'>): LoadBalancerTree {
  const poolId = randomUUID();
  const listener = ListenerSchema.parse({
    ...base(lb),
    id: randomUUID(),
    loadBalancerId: lb.id,
    protocol: 'HTTP',
    protocolPort: 80,
    defaultPoolId: poolId,
  });
  const pool = PoolSchema.parse({
    ...base(lb),
    id: poolId,
    loadBalancerId: lb.id,
    protocol: 'HTTP',
    lbAlgorithm: 'ROUND_ROBIN',
  });
  const pending = { ...treeOf({}), listeners: [listener], pools: [pool] };
  // Settled as a successful push leaves it: every PENDING_CREATE object ACTIVE.
  const change: TreeChange = { action: 'create', kind: 'listeners', object: listener };
  return settleTree(pending, treeOf({}), change, 'succeeded', new Date().toISOString());
}

/** The tree while one member is added to the serving tree's pool (what an operator's `member create` pushes). */
export function withNewMember(lb: Pick<LoadBalancer, 'projectId'>, tree: LoadBalancerTree): LoadBalancerTree {
  const poolId = tree.pools[0]?.id ?? '';
  const member = MemberSchema.parse({
    ...base(lb),
    id: randomUUID(),
    poolId,
    address: `203.0.113.${10 + tree.members.length}`,
    protocolPort: 8080,
  });
  return adding(tree, 'members', member).pending;
}
