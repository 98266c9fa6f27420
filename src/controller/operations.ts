import type { Client, WorkflowHandle } from '@temporalio/client';
import { operationSearchAttributes } from '../contracts';
import type { CreateLoadBalancerInput } from '../models';
import { createLoadBalancer } from '../workflows';
import { workflowIds } from './client';

/**
 * Starts a createLoadBalancer workflow on its own, without an entity (the bench and the sweeper tests), and returns
 * as soon as the server accepted it.
 */
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
    typedSearchAttributes: operationSearchAttributes('create', input),
  });
}
