import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { CreateLoadBalancerInput, ProvisioningStatus } from '../models';
import type { OperationName } from '../workflows/progress';
import { createLoadBalancer } from '../workflows';
import {
  AmphoraOperationAttribute,
  LoadBalancerIdAttribute,
  LoadBalancerNameAttribute,
  ProjectIdAttribute,
  ProvisioningStatusAttribute,
} from '../workflows/search-attributes';
import { workflowIds } from './client';

/** Who an operation is about, for its search attributes. */
export interface OperationIdentity {
  loadBalancerId: string;
  projectId?: string;
  name?: string;
}

/**
 * The search attributes an operation starts with. Setting them at start writes them with the workflow's first
 * visibility record, so the workflow need not upsert them (it only upserts the status as it changes).
 */
export function startingSearchAttributes(
  operation: OperationName,
  identity: OperationIdentity,
  provisioningStatus: ProvisioningStatus,
): SearchAttributePair[] {
  return [
    { key: LoadBalancerIdAttribute, value: identity.loadBalancerId },
    { key: AmphoraOperationAttribute, value: operation },
    { key: ProvisioningStatusAttribute, value: provisioningStatus },
    ...(identity.projectId ? [{ key: ProjectIdAttribute, value: identity.projectId }] : []),
    ...(identity.name ? [{ key: LoadBalancerNameAttribute, value: identity.name }] : []),
  ];
}

/** Starts a createLoadBalancer workflow and returns as soon as the server accepted it. */
export function startCreateLoadBalancer(
  client: Client,
  taskQueue: string,
  input: CreateLoadBalancerInput,
  workflowId = workflowIds.create(input.loadBalancerId),
): Promise<WorkflowHandle<typeof createLoadBalancer>> {
  return client.workflow.start(createLoadBalancer, {
    taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: startingSearchAttributes(
      'create',
      { loadBalancerId: input.loadBalancerId, projectId: input.projectId, name: input.name },
      'PENDING_CREATE',
    ),
  });
}
