import type { Client } from '@temporalio/client';
import {
  healthManagerWorkflowId,
  healthStatusQuery,
  type BreakerState,
  type HealthManagerStatus,
} from '../../contracts';

/** How long the manager's worker may take to answer before the memo stands in for it. */
const QUERY_DEADLINE_MS = 3_000;

/** The health manager as the API and the CLI show it. */
export type HealthManagerView =
  | { running: false; workflowId: string }
  | ({ running: true; workflowId: string; answered: boolean } & Partial<HealthManagerStatus> & {
        breaker: BreakerState;
      });

/**
 * The health manager of `taskQueue`: its `healthStatus` query when a worker answers, else what its memo last said
 * (the breaker, the failover count and the never-heard amphorae), so an operator sees the breaker even while every worker is down.
 */
export async function readHealthManager(client: Client, taskQueue: string): Promise<HealthManagerView> {
  const workflowId = healthManagerWorkflowId(taskQueue);
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch {
    return { running: false, workflowId };
  }
  if (description.status.name !== 'RUNNING') return { running: false, workflowId };
  try {
    const status = await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      handle.query(healthStatusQuery),
    );
    return { running: true, workflowId, answered: true, ...status };
  } catch {
    const memo = description.memo as
      Partial<Pick<HealthManagerStatus, 'breaker' | 'failoversStarted' | 'neverHeard'>> | undefined;
    return {
      running: true,
      workflowId,
      answered: false,
      breaker: memo?.breaker ?? { state: 'CLOSED', silent: 0, trips: 0 },
      failoversStarted: memo?.failoversStarted ?? 0,
      neverHeard: memo?.neverHeard ?? { count: 0, sample: [] },
    };
  }
}
