import { defineQuery } from '@temporalio/workflow';
import { amphoraName, serverGroupName, vipPortName, vipSecurityGroupName } from '../models/names';
import type { OwnedKind } from '../models/ownership';

export type { OwnedKind } from '../models/ownership';

/**
 * A resource of this service's: listed by one of its name prefixes, and counted as ours because it has one of our
 * names and carries our mark (`ownershipReason` in `models/ownership.ts`). Whatever lacks either is never listed.
 */
export interface OwnedResource {
  kind: OwnedKind;
  id: string;
  name: string;
  /**
   * Why it is ours, for the report: `name lb-<uuid> and description "created by amphora-orchestrator" set at create`.
   */
  reason: string;
}

/** A running workflow about a load balancer whose `status` query did not answer: its amphorae are unknown. */
export interface UnansweredWorkflow {
  loadBalancerId: string;
  workflowId: string;
  error: string;
}

/** What is live: the load balancers with a running workflow, and the amphorae their status queries listed. */
export interface LiveSet {
  loadBalancerIds: string[];
  amphoraIds: string[];
  unanswered: UnansweredWorkflow[];
}

/**
 * The name prefixes the sweeper lists each kind by: candidates only, which count as ours only with our mark. They come
 * from the naming functions themselves, so that the sweeper and the creators cannot drift apart.
 */
export const OWNED_PREFIXES: Record<OwnedKind, string> = {
  instance: amphoraName(''),
  port: vipPortName(''),
  serverGroup: serverGroupName(''),
  securityGroup: vipSecurityGroupName(''),
};

/** What one look at the cloud and at Temporal found. */
export interface SweepLook {
  at: string;
  owned: number;
  liveLoadBalancers: number;
  liveAmphorae: number;
  orphans: number;
  /** Amphora resources kept because some running workflow did not say which amphorae it holds. */
  undecided: number;
  unanswered: UnansweredWorkflow[];
}

/** The sweep's report: what its `status` query answers while it runs, and what it returns. */
export interface SweepReport {
  dryRun: boolean;
  graceMs: number;
  phase: 'first look' | 'grace' | 'second look' | 'removing' | 'done';
  first?: SweepLook;
  second?: SweepLook;
  /**
   * Orphaned at both looks: what a real sweep removes (or tried to), what a dry run would remove; each says why it is
   * ours (its `reason`).
   */
  orphans: OwnedResource[];
  removed: OwnedResource[];
  failed: { resource: OwnedResource; error: string }[];
  /** Orphans beyond `maxRemovals`, left for the next sweep. */
  deferred: OwnedResource[];
}

/** The sweep's `status` query (same name as the load-balancer operations' query, its own answer). */
export const sweepStatusQuery = defineQuery<SweepReport>('status');
