import type { WorkerOptions } from '@temporalio/worker';

/**
 * Dev-server settings the bench runs with: eager activity dispatch lets a workflow task's completion hand the next
 * activity straight to this worker, saving a round trip through matching for every step.
 */
export const SERVER_DYNAMIC_CONFIG = [
  'system.enableActivityEagerExecution=true',
  'system.enableEagerWorkflowStart=true',
];

/** Worker settings for many operations in flight: enough slots, pollers and cache for a thousand workflows. */
export const BENCH_WORKER_OPTIONS: Partial<WorkerOptions> = {
  maxConcurrentActivityTaskExecutions: 2000,
  maxConcurrentWorkflowTaskExecutions: 500,
  maxCachedWorkflows: 4000,
};
