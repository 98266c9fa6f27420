import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { LoadBalancerIdAttribute, type LiveSet, type OperationStatus } from '../contracts';

/** Every running workflow about a load balancer: they all set `LoadBalancerId` (see contracts/search-attributes.ts). */
export const LIVE_WORKFLOWS_QUERY = 'ExecutionStatus = "Running" AND LoadBalancerId IS NOT NULL';

export interface FindLiveOptions {
  /** How long one `status` query may take; a workflow that does not answer in time counts as unanswered. */
  queryTimeoutMs?: number;
  /** Queries in flight at once. */
  concurrency?: number;
  /** Called after each workflow looked at (activities heartbeat with it). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Finds what is live through Temporal: the load balancer of every running workflow that carries the `LoadBalancerId`
 * search attribute, and the amphorae its `status` query lists (those it holds or is building). A workflow that does
 * not answer is reported as unanswered, so that the caller keeps every amphora it cannot account for.
 */
export async function findLiveLoadBalancers(client: Client, options: FindLiveOptions = {}): Promise<LiveSet> {
  const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query: LIVE_WORKFLOWS_QUERY })) executions.push(execution);

  const live: LiveSet = { loadBalancerIds: [], amphoraIds: [], unanswered: [] };
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < executions.length) {
      const execution = executions[next] as WorkflowExecutionInfo;
      next += 1;
      const loadBalancerId = execution.typedSearchAttributes.get(LoadBalancerIdAttribute);
      if (loadBalancerId) {
        live.loadBalancerIds.push(loadBalancerId);
        try {
          const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
          const status = await client.withDeadline(Date.now() + queryTimeoutMs, () =>
            handle.query<OperationStatus>('status'),
          );
          if (!Array.isArray(status?.amphorae)) throw new Error('its status has no list of amphorae');
          live.amphoraIds.push(...status.amphorae.map((amphora) => amphora.id));
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          live.unanswered.push({ loadBalancerId, workflowId: execution.workflowId, error });
        }
      }
      done += 1;
      options.onProgress?.(done, executions.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, lane));
  live.loadBalancerIds = [...new Set(live.loadBalancerIds)].sort();
  live.amphoraIds = [...new Set(live.amphoraIds)].sort();
  return live;
}
