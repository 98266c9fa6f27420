import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AmphoraTemplate, CreateLoadBalancerInput, ListenerPort, LoadBalancer, Timing } from '../models';
import type { EntityOperation } from './operations';
import type { TreeChange } from './tree';

/** The workflow id of a load balancer's entity workflow: one per load balancer, for as long as it exists. */
export const entityWorkflowId = (loadBalancerId: string): string => `loadbalancer-${loadBalancerId}`;

/** What the entity keeps beyond the public record: how to build amphorae again, and which ports to open. */
export interface LoadBalancerRecord extends LoadBalancer {
  adminStateUp: boolean;
  amphoraTemplate: AmphoraTemplate;
  listenerPorts: ListenerPort[];
  timing?: Timing;
}

/** An operation the entity runs as a child workflow. */
export interface OperationRef {
  kind: EntityOperation;
  /** The child workflow's id: its `status` query shows the operation's steps. */
  workflowId: string;
  startedAt: string;
  endedAt?: string;
  outcome?: 'succeeded' | 'failed';
  error?: string;
}

/** The entity's answer to the `loadBalancer` query. */
export interface LoadBalancerView {
  record: LoadBalancerRecord;
  /** The operation running now, if any. */
  current?: OperationRef;
  /** The last operation that ended. */
  last?: OperationRef;
}

/** The entity's input: a create request on first start, its own state after continue-as-new. */
export type LoadBalancerEntityInput = (
  | { create: CreateLoadBalancerInput }
  | { resume: { record: LoadBalancerRecord; operations: number; last?: OperationRef } }
) & {
  /** Continue as new once the history holds this many events (5000 by default; Temporal may suggest it sooner). */
  historyLimit?: number;
};

/** Fields a PUT may change; none of them needs the amphorae. */
export interface LoadBalancerChanges {
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  tags?: string[];
}

export const loadBalancerQuery = defineQuery<LoadBalancerView>('loadBalancer');

/**
 * Mutations, as workflow updates. Each validator rejects a load balancer that is PENDING_* (Octavia's immutability)
 * or DELETED before anything is written to history; an accepted update returns the record at once, in its new
 * PENDING_* state, while the operation runs.
 */
export const updateLoadBalancerUpdate = defineUpdate<LoadBalancerRecord, [LoadBalancerChanges]>('updateLoadBalancer');
export const deleteLoadBalancerUpdate = defineUpdate<LoadBalancerRecord, [{ cascade: boolean }]>('deleteLoadBalancer');
export const failoverLoadBalancerUpdate = defineUpdate<LoadBalancerRecord, []>('failoverLoadBalancer');
export const failoverAmphoraUpdate = defineUpdate<LoadBalancerRecord, [{ amphoraId: string }]>('failoverAmphora');
export const plugNetworkUpdate = defineUpdate<LoadBalancerRecord, [{ networkId: string }]>('plugMemberNetwork');
export const unplugNetworkUpdate = defineUpdate<LoadBalancerRecord, [{ networkId: string }]>('unplugMemberNetwork');
/** A change to the listeners, pools, members, health monitors or L7 policies: checked against the tree, then pushed. */
export const changeTreeUpdate = defineUpdate<LoadBalancerRecord, [TreeChange]>('changeTree');
