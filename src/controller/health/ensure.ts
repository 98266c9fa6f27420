import type { Client } from '@temporalio/client';
import {
  healthManagerWorkflowId,
  healthSettingsSignal,
  LONG_LIVED_VERSIONING,
  type HealthSettings,
} from '../../contracts';
import type { healthManager } from '../../workflows/health/manager';
import { FAILOVER_PRIORITY } from '../../workflows/entity/children';

/**
 * Starts the health manager, or hands a running one these settings (signal-with-start: one manager per task queue,
 * however many workers call this at start). It runs at failover priority, so that a backlog of creates never delays
 * its looks.
 */
export async function ensureHealthManager(client: Client, taskQueue: string, settings: HealthSettings): Promise<void> {
  await client.workflow.signalWithStart<typeof healthManager, [HealthSettings]>('healthManager', {
    workflowId: healthManagerWorkflowId(taskQueue),
    taskQueue,
    args: [{ settings }],
    signal: healthSettingsSignal,
    signalArgs: [settings],
    priority: { priorityKey: FAILOVER_PRIORITY },
    versioningOverride: LONG_LIVED_VERSIONING,
  });
}
