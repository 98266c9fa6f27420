import { z } from 'zod';
import { HealthMonitorSchema } from './health-monitor';
import { L7PolicySchema, L7RuleSchema } from './l7-policy';
import { ListenerSchema } from './listener';
import { MemberSchema } from './member';
import { PoolSchema } from './pool';

/**
 * Everything behind a load balancer's VIP, flat, as Octavia's tables hold it: children name their parent by id
 * (member → pool, health monitor → pool, L7 rule → policy → listener; a listener's default pool and a policy's
 * redirect pool by id). The load balancer's entity keeps it in its record; the haproxy renderer joins it.
 */
export const LoadBalancerTreeSchema = z.object({
  listeners: z.array(ListenerSchema).default([]),
  pools: z.array(PoolSchema).default([]),
  members: z.array(MemberSchema).default([]),
  healthMonitors: z.array(HealthMonitorSchema).default([]),
  l7Policies: z.array(L7PolicySchema).default([]),
  l7Rules: z.array(L7RuleSchema).default([]),
});
export type LoadBalancerTree = z.infer<typeof LoadBalancerTreeSchema>;

/** The kinds of object in a tree, by the tree's field that holds them. */
export type TreeKind = keyof LoadBalancerTree;
/** One object of a kind. */
export type TreeObject<K extends TreeKind> = LoadBalancerTree[K][number];

export const emptyTree = (): LoadBalancerTree => ({
  listeners: [],
  pools: [],
  members: [],
  healthMonitors: [],
  l7Policies: [],
  l7Rules: [],
});
